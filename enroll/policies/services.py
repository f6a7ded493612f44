"""Policy documents and interpretations: drafts, 三同步 publication, attachments, public reads."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select

from enroll.core import fields
from enroll.core.context import Context
from enroll.core.errors import Conflict, Forbidden, Invalid, NotFound
from enroll.core.files import check_pdf, pdf_text, safe_filename, store_file
from enroll.core.html import html_to_text, markdown_to_html, sanitize_html
from enroll.core.i18n import _l
from enroll.core.privacy import SCANNER_VERSION, find_in_text
from enroll.core.security import authorize
from enroll.districts.services import get_district
from enroll.extensions import db
from enroll.policies.models import CATEGORIES, INTERPRETATION_FORMS, VALIDITY, Attachment, Interpretation, PolicyDocument
from enroll.review import content, states
from enroll.review.models import AuditEvent
from enroll.review.publishable import KIND_LABELS
from enroll.review.services import record

TRANSLATED = ("en", "zh_Hant")  # locales a document may carry its own translation for
MAX_BODY = 200_000


def _body(values: dict) -> dict:
    """A body from ``values``: ``body_markdown`` (Markdown, rendered) when given, else ``body``
    (HTML, as bodies were written before Markdown). :returns: ``{"body": sanitized HTML}``, with
    ``body_markdown`` (the source, what the edit form shows again) for a Markdown one.
    :raises Invalid: too long."""
    source = values.get("body_markdown")
    if source is None:
        body = sanitize_html(str(values.get("body") or ""))
    else:
        source = str(source)[:MAX_BODY + 1]  # too long either way: no need to render all of it
        body = markdown_to_html(source)
    if max(len(body), len(source or "")) > MAX_BODY:
        raise Invalid(_l("正文过长（最多 %(n)d 个字符）。", n=MAX_BODY), field="body")
    return {"body": body} if source is None else {"body": body, "body_markdown": source}


def _translations(data: dict) -> dict:
    found = {}
    for locale, values in (data.get("translations") or {}).items():
        if locale in TRANSLATED and isinstance(values, dict):
            title, body = str(values.get("title") or "").strip()[:200], _body(values)
            if title or body["body"]:
                found[locale] = {"title": title, **body}
    return found


def document_data(district_id: int, data: dict, document_id: int | None = None) -> dict:
    """A document revision's data, checked and normalized (HTML sanitized, Markdown rendered and
    sanitized, see :func:`_body`). :raises Invalid:"""
    replaced_by = data.get("replaced_by") or None
    if replaced_by is not None:
        other = db.session.get(PolicyDocument, int(replaced_by))
        if other is None or other.district_id != district_id or other.id == document_id \
                or other.status != states.PUBLISHED:
            raise Invalid(_l("替代文件必须是本区县已发布的另一份文件。"), field="replaced_by")
        replaced_by = other.id
    attachments = []
    for entry in data.get("attachments") or []:
        attachment_id = int(entry["id"] if isinstance(entry, dict) else entry)
        found = db.session.get(Attachment, attachment_id)
        if found is None or found.district_id != district_id:
            raise Invalid(_l("附件 %(id)s 不存在。", id=attachment_id), field="attachments")
        attachments.append({"id": found.id, "filename": found.filename, "pages": found.pages, "size": found.size})
    refuse_unscanned_attachments(attachments)
    return {
        "title": fields.text(data, "title", _l("标题"), required=True),
        "doc_number": fields.text(data, "doc_number", _l("文号"), limit=100),
        "issuer": fields.text(data, "issuer", _l("发文机关"), required=True, limit=100),
        "category": fields.choice(data, "category", CATEGORIES, "policy"),
        "normative": bool(data.get("normative")),
        "signed_on": fields.iso_date(data, "signed_on", _l("成文日期")),
        "issued_on": fields.iso_date(data, "issued_on", _l("发布日期")),
        "year": fields.year(data),
        "validity": fields.choice(data, "validity", VALIDITY, "current"),
        "replaced_by": replaced_by,
        **_body(data),
        "attachments": attachments,
        "translations": _translations(data),
    }


def interpretation_data(data: dict) -> dict:
    """An interpretation revision's data, checked and normalized. :raises Invalid:"""
    body = _body(data)
    if not html_to_text(body["body"]):
        raise Invalid(_l("请填写解读正文。"), field="body")
    return {"title": fields.text(data, "title", _l("标题"), required=True),
            "form": fields.choice(data, "form", INTERPRETATION_FORMS, "text"),
            **body, "translations": _translations(data)}


def _as_date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _apply_document(doc: PolicyDocument, data: dict) -> None:
    for key in ("title", "doc_number", "issuer", "category", "normative", "year", "validity", "body",
                "attachments", "translations"):
        setattr(doc, key, data[key])
    doc.signed_on, doc.issued_on = _as_date(data["signed_on"]), _as_date(data["issued_on"])
    doc.replaced_by_id = data["replaced_by"]
    doc.body_text = html_to_text(data["body"])


def _apply_interpretation(item: Interpretation, data: dict) -> None:
    item.title, item.form, item.body, item.translations = data["title"], data["form"], data["body"], data["translations"]
    item.body_text = html_to_text(data["body"])


def _before_publish(actor, doc: PolicyDocument, revision, context: Context) -> None:
    """Every attachment's text checked for personal data, whatever the draft went through; 三同步."""
    refuse_unscanned_attachments(revision.data.get("attachments"), error=Conflict)
    _three_sync(actor, doc, revision, context)


def _three_sync(actor, doc: PolicyDocument, revision, context: Context) -> None:
    """A 规范性文件 is published only together with its approved interpretation (三同步)."""
    if not revision.data.get("normative"):
        return
    interpretation = doc.interpretation
    if interpretation is not None and content.publish_linked(actor, INTERPRETATION, interpretation.id, context):
        return
    if interpretation is None or interpretation.status != states.PUBLISHED:
        raise Conflict(_l("规范性文件必须与其政策解读同步审核发布（三同步）：请先起草该文件的政策解读并提交审核。"))


def _document_first(actor, item: Interpretation, revision, context: Context) -> None:
    if item.document.status != states.PUBLISHED:
        raise Conflict(_l("政策解读须与其文件同步发布：请审核文件本身，解读会随文件一并发布。"))


def _withdraw_interpretation(actor, doc: PolicyDocument, context: Context) -> None:
    interpretation = doc.interpretation
    if interpretation is not None and interpretation.status == states.PUBLISHED:
        content.withdraw_published(actor, INTERPRETATION, interpretation, "随文件撤下", context, linked=True)


def _keep_with_document(actor, item: Interpretation, linked: bool) -> None:
    """A published normative document keeps its interpretation: withdraw the document instead."""
    if not linked and item.document.status == states.PUBLISHED and item.document.normative:
        raise Conflict(_l("规范性文件已发布，其政策解读不能单独撤下：请撤下文件本身，或发布新版解读。"))


DOCUMENT_FIELDS = {
    "title": _l("标题"), "doc_number": _l("文号"), "issuer": _l("发文机关"), "category": _l("类别"),
    "normative": _l("规范性文件"), "signed_on": _l("成文日期"), "issued_on": _l("发布日期"),
    "year": _l("招生年度"), "validity": _l("效力状态"), "replaced_by": _l("替代文件"), "body": _l("正文"),
    "attachments": _l("附件"), "translations": _l("译文"),
}
POLICY = content.register(content.ContentKind(
    name="policy", model=PolicyDocument, permission="policies", label=_l("招生政策文件"),
    fields=DOCUMENT_FIELDS, apply=_apply_document, title=lambda item, data: data.get("title") or item.title,
    before_publish=_before_publish, after_withdraw=_withdraw_interpretation,
    withdrawn_with=lambda doc: [(INTERPRETATION, doc.interpretation)],
    edit_endpoint="policies_bureau.edit", edit_args=lambda doc: {"document_id": doc.id},
    attachment_endpoint="policies_bureau.attachment",
    public_endpoint="policies.document", public_args=lambda doc: {"code": doc.district.code, "document_id": doc.id}))
INTERPRETATION = content.register(content.ContentKind(
    name="interpretation", model=Interpretation, permission="policies", label=_l("政策解读"),
    fields={"title": _l("标题"), "form": _l("解读形式"), "body": _l("正文"), "translations": _l("译文")},
    apply=_apply_interpretation, title=lambda item, data: data.get("title") or item.title,
    before_publish=_document_first, before_withdraw=_keep_with_document,
    edit_endpoint="policies_bureau.interpretation", edit_args=lambda item: {"document_id": item.document_id},
    public_endpoint="policies.interpretation",
    public_args=lambda item: {"code": item.document.district.code, "document_id": item.document_id}))


def save_document(actor, district_code: str, data: dict, *, document_id: int | None = None, note: str = "",
                  upload: Upload | None = None, context: Context = Context()):
    """Write a document's draft (a new document when ``document_id`` is None), with an optional new
    PDF attachment, in one transaction. Commits.

    :returns: the draft revision. :raises Invalid, Forbidden, Conflict, NotFound:
    """
    return content.commit_or_conflict(lambda: _draft_document(actor, district_code, data, document_id, note, upload,
                                                              context))


def _draft_document(actor, district_code: str, data: dict, document_id: int | None, note: str,
                    upload: Upload | None, context: Context):
    district = get_district(district_code)
    if document_id is None:
        authorize(actor, "policies.edit", district.id)
        doc = PolicyDocument(district_id=district.id)
        db.session.add(doc)
    else:
        doc = get_document(actor, document_id)
    if upload is not None:
        attachment = _store_attachment(actor, doc.district_id, upload, context)
        data = dict(data, attachments=[*(data.get("attachments") or []), attachment.id])
    return content.save_draft(actor, POLICY, doc, document_data(doc.district_id, data, doc.id), note, context=context)


def save_interpretation(actor, document_id: int, data: dict, *, note: str = "", context: Context = Context()):
    """Write the draft interpretation of a document (creating it on first use). Commits."""
    return content.commit_or_conflict(lambda: _draft_interpretation(actor, document_id, data, note, context))


def _draft_interpretation(actor, document_id: int, data: dict, note: str, context: Context):
    doc = get_document(actor, document_id)
    item = doc.interpretation
    if item is None:
        authorize(actor, "policies.edit", doc.district_id)
        item = Interpretation(district_id=doc.district_id, document=doc)
        db.session.add(item)
    return content.save_draft(actor, INTERPRETATION, item, interpretation_data(data), note, context=context)


def get_document(actor, document_id: int) -> PolicyDocument:
    """A document its staff may edit or review, whatever its status. :raises NotFound:"""
    doc = db.session.get(PolicyDocument, document_id)
    if doc is None or not content.can_see(actor, POLICY, doc):
        raise NotFound(_l("文件不存在。"))
    return doc


def documents_of(actor, district_code: str) -> list[PolicyDocument]:
    """Every document of a district, for its staff, newest first."""
    district = get_district(district_code)
    if not content.can_manage(actor, POLICY, district.id):
        raise Forbidden(_l("您没有执行此操作的权限。"))
    return list(db.session.scalars(select(PolicyDocument).where(PolicyDocument.district_id == district.id)
                                   .order_by(PolicyDocument.id.desc())))


@dataclass(frozen=True)
class Upload:
    """A PDF someone uploads, and where files are kept."""

    filename: str
    data: bytes
    storage: Path     # ENROLL_UPLOAD_DIR
    max_bytes: int


def _store_attachment(actor, district_id: int, upload: Upload, context: Context) -> Attachment:
    """Check and store a PDF for a district's documents. Does not commit.

    :raises Invalid: not a usable PDF, or its text holds an ID number, a mobile number or a
        personal e-mail address (naming the page and line, the value masked).
    """
    pages = check_pdf(upload.data, upload.filename, upload.max_bytes)
    _refuse_personal_data_in_pdf(upload)
    sha256 = store_file(upload.data, Path(upload.storage) / "attachments")
    attachment = Attachment(district_id=district_id, sha256=sha256, filename=safe_filename(upload.filename),
                            size=len(upload.data), pages=pages, created_by_id=actor.id)
    db.session.add(attachment)
    db.session.flush()
    record(actor, "attachment.upload", "attachment", attachment.id, context=context,
           detail={"file": attachment.filename, "sha256": sha256, "size": len(upload.data),
                   "privacy_scan": SCANNER_VERSION})
    return attachment


def _refuse_personal_data_in_pdf(upload: Upload) -> None:
    """The text of every page, scanned as laid out on a page (``core.privacy``). :raises Invalid:"""
    name = safe_filename(upload.filename)
    for page, text in enumerate(pdf_text(upload.data, upload.filename), start=1):
        for found in find_in_text(text, laid_out=True):
            if not found.office:
                raise Invalid(_l("文件 %(file)s 第 %(page)d 页第 %(line)d 行有%(kind)s（%(masked)s）：公开的附件中不得出现"
                                 "身份证号、手机号或个人电子邮件，请删除后重新上传。", file=name, page=page,
                                 line=found.line, kind=KIND_LABELS[found.kind], masked=found.masked),
                              field="new_attachment", code="personal_data", file=name, page=page)


def _scanned(attachment_ids: list[int]) -> set[int]:
    """The attachments whose text the current scanner checked when they were uploaded (the upload's
    audit event says so; a stored file never changes, so that check holds for good)."""
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "attachment.upload", AuditEvent.object_type == "attachment",
        AuditEvent.object_id.in_([str(i) for i in attachment_ids] or ["-"])))
    return {int(e.object_id) for e in events if (e.detail or {}).get("privacy_scan", 0) >= SCANNER_VERSION}


def refuse_unscanned_attachments(entries: list[dict], error=Invalid) -> None:
    """:raises Invalid: (or ``error``) naming an attachment uploaded before its text was checked for
    personal data: it is uploaded again (and so checked) before it can be published."""
    scanned = _scanned([entry["id"] for entry in entries or []])
    for entry in entries or []:
        if entry["id"] not in scanned:
            raise error(_l("附件 %(file)s 上传时未经个人信息检查（身份证号、手机号、电子邮件），请重新上传该文件。",
                           file=entry.get("filename", "")), field="attachments", file=entry.get("filename", ""))


def attachments_of(entries: list[dict]) -> list[Attachment]:
    """The stored attachments a revision's or document's ``attachments`` list names, in its order."""
    ids = [entry["id"] for entry in entries or []]
    found = {a.id: a for a in db.session.scalars(select(Attachment).where(Attachment.id.in_(ids or [-1])))}
    return [found[i] for i in ids if i in found]


# -------------------------------------------------------------------------------- public reads


def published_documents(district_id: int, year: int | None = None) -> list[PolicyDocument]:
    """Published documents of a district (abolished ones included), newest first."""
    query = select(PolicyDocument).where(PolicyDocument.district_id == district_id,
                                         PolicyDocument.status == states.PUBLISHED)
    if year is not None:
        query = query.where(PolicyDocument.year == year)
    return list(db.session.scalars(query.order_by(PolicyDocument.issued_on.desc(), PolicyDocument.id.desc())))


def public_document(district_code: str, document_id: int) -> PolicyDocument:
    """:raises NotFound: unless published in that district (drafts and withdrawn ones do not exist)."""
    district = get_district(district_code)
    doc = db.session.get(PolicyDocument, document_id)
    if doc is None or doc.district_id != district.id or doc.status != states.PUBLISHED:
        raise NotFound(_l("文件不存在或尚未发布。"))
    return doc


def public_interpretation(district_code: str, document_id: int) -> Interpretation:
    doc = public_document(district_code, document_id)
    if doc.interpretation is None or doc.interpretation.status != states.PUBLISHED:
        raise NotFound(_l("该文件没有已发布的政策解读。"))
    return doc.interpretation


def revision_attachment(actor, revision_id: int, attachment_id: int) -> Attachment:
    """An attachment a revision lists, for those who may see that revision. :raises NotFound:"""
    found = content.get_revision(actor, revision_id)
    listed = any(entry.get("id") == attachment_id for entry in found.revision.data.get("attachments") or [])
    attachment = db.session.get(Attachment, attachment_id)
    if not listed or attachment is None:
        raise NotFound(_l("附件不存在。"))
    return attachment


def public_attachment(attachment_id: int) -> Attachment:
    """An attachment listed by a published document. :raises NotFound: otherwise."""
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is not None:
        for doc in published_documents(attachment.district_id):
            if any(entry["id"] == attachment.id for entry in doc.attachments or []):
                return attachment
    raise NotFound(_l("附件不存在。"))


def import_documents(actor, district_code: str, path, *, context: Context = Context()) -> list:
    """Drafts from a JSON list of documents (fields as in ``document_data``, optionally an
    ``interpretation`` object, and ``replaced_by_title`` naming a published document of the
    district). All or nothing: one commit.

    :returns: the draft revisions, documents and interpretations. :raises Invalid: naming the entry.
    """
    try:
        entries = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as exc:
        raise Invalid(_l("无法读取文件 %(file)s：%(detail)s", file=Path(path).name, detail=str(exc))) from None
    revisions = []
    for number, entry in enumerate(entries, start=1):
        data = {k: v for k, v in entry.items() if k not in ("interpretation", "replaced_by_title")}
        if entry.get("replaced_by_title"):
            district = get_district(district_code)
            match = [d.id for d in published_documents(district.id) if d.title == entry["replaced_by_title"]]
            data["replaced_by"] = match[0] if match else -1  # -1: refused below, naming the entry
        try:
            revision = _draft_document(actor, district_code, data, None, "", None, context)
            revisions.append(revision)
            if entry.get("interpretation"):
                revisions.append(_draft_interpretation(actor, revision.object_id, entry["interpretation"], "",
                                                       context))
        except Invalid as exc:
            db.session.rollback()
            raise Invalid(_l("第 %(n)d 份文件：%(message)s", n=number, message=exc.message), entry=number) from None
    db.session.commit()
    return revisions
