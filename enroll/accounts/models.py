"""Users and their roles."""
from __future__ import annotations

from datetime import datetime

import secrets

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from enroll.core.db import UTCDateTime, utcnow
from enroll.core.security import ROLES  # noqa: F401  (re-exported: the roles a user may have)
from enroll.extensions import db


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100), default="")
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(32))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"))
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"))  # school editors only
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # login throttling: consecutive failures, and the time until which the account is locked
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # part of every session cookie's user id: changing it (logout, password change) ends all sessions
    session_nonce: Mapped[str] = mapped_column(String(32), default=lambda: secrets.token_hex(16))
    totp_secret: Mapped[str | None] = mapped_column(String(64))  # base32, when a second factor is set up
    totp_last_step: Mapped[int] = mapped_column(Integer, default=0)  # a code is accepted once

    district = relationship("District")
    school = relationship("School")

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    def get_id(self) -> str:  # Flask-Login: the session names the user *and* the current nonce
        return f"{self.id}:{self.session_nonce}"

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"


class LoginThrottle(db.Model):
    """Failed sign-ins counted against one client address (IPv6 by its /64) in a window: see
    ``accounts.services.check_password`` and ``core.limits``."""

    __tablename__ = "login_throttles"

    bucket: Mapped[str] = mapped_column(String(80), primary_key=True)  # the address key
    window_start: Mapped[datetime] = mapped_column(UTCDateTime)
    count: Mapped[int] = mapped_column(Integer)
