"""Policy documents, their interpretations and PDF attachments.

The columns hold what is published; drafts are ``Revision`` rows (enroll.review.models).
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from enroll.core.db import UTCDateTime, utcnow
from enroll.extensions import db
from enroll.review.models import PublishedMixin

CATEGORIES = ("policy", "rules", "measures", "notice", "other")  # 招生政策 实施细则 入学办法 通知公告 其他
VALIDITY = ("current", "amended", "abolished")                 # 现行有效 已修改 已废止
INTERPRETATION_FORMS = ("text", "qa", "graphic")                 # 文字解读 问答 图解


class PolicyDocument(PublishedMixin, db.Model):
    __tablename__ = "policy_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    year: Mapped[int | None] = mapped_column(Integer)              # the admission year it is for
    title: Mapped[str] = mapped_column(String(200), default="")
    doc_number: Mapped[str] = mapped_column(String(100), default="")  # 文号
    issuer: Mapped[str] = mapped_column(String(100), default="")
    category: Mapped[str] = mapped_column(String(16), default="policy")
    normative: Mapped[bool] = mapped_column(Boolean, default=False)   # 规范性文件: needs its 解读 (三同步)
    signed_on: Mapped[date | None] = mapped_column(Date)              # 成文日期
    issued_on: Mapped[date | None] = mapped_column(Date)              # 发布日期 printed on the document
    validity: Mapped[str] = mapped_column(String(16), default="current")
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("policy_documents.id"))
    body: Mapped[str] = mapped_column(Text, default="")               # sanitized HTML
    body_text: Mapped[str] = mapped_column(Text, default="")          # plain text, for search
    attachments: Mapped[list] = mapped_column(JSON, default=list)     # [{id, filename, pages, size}]
    translations: Mapped[dict] = mapped_column(JSON, default=dict)    # {locale: {title, body}}

    district = relationship("District")
    replaced_by = relationship("PolicyDocument", remote_side=[id])
    interpretation: Mapped[Interpretation | None] = relationship(back_populates="document", uselist=False)


class Interpretation(PublishedMixin, db.Model):
    """政策解读 of one document, published with it (三同步)."""

    __tablename__ = "policy_interpretations"

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("policy_documents.id"), unique=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    form: Mapped[str] = mapped_column(String(16), default="text")
    body: Mapped[str] = mapped_column(Text, default="")
    body_text: Mapped[str] = mapped_column(Text, default="")
    translations: Mapped[dict] = mapped_column(JSON, default=dict)

    document: Mapped[PolicyDocument] = relationship(back_populates="interpretation")


class Attachment(db.Model):
    """An uploaded PDF, stored by content hash; public once a published document lists it."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    pages: Mapped[int] = mapped_column(Integer)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
