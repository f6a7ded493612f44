"""Accounts: users, passwords, login throttling, sessions and the optional TOTP second factor."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from enroll.accounts.models import User
from enroll.core.context import Context
from enroll.core.errors import Invalid, NotFound, Unauthenticated
from enroll.core.i18n import _l, _n
from enroll.core.security import ROLES, SCHOOL_EDITOR, SCOPED_ROLES, authorize
from enroll.districts.services import get_district
from enroll.extensions import db
from enroll.review.services import record
from enroll.schools.services import get_school

_hasher = PasswordHasher()  # Argon2id: memory-hard
MIN_PASSWORD = 10
TOTP_ISSUER = "enroll"


@dataclass(frozen=True)
class LoginPolicy:
    """Throttling: after ``lock_after`` consecutive failures the account is locked for ``lock_minutes``."""

    lock_after: int = 5
    lock_minutes: int = 15


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _now() -> datetime:
    return datetime.now(UTC)


def _refused() -> Unauthenticated:
    return Unauthenticated(_l("用户名或密码错误。"))


def _check_not_locked(user: User, now: datetime) -> None:
    if user.locked_until is not None and now < user.locked_until:
        raise Unauthenticated(_n("登录失败次数过多，账户已暂时锁定，请在 %(num)d 分钟后再试。",
                                 max(1, int((user.locked_until - now).total_seconds() // 60) + 1)),
                              locked_until=user.locked_until.isoformat())


def _count_failure(user: User, policy: LoginPolicy, context: Context, now: datetime, what: str) -> None:
    """One more consecutive failure; the one that reaches the limit locks the account. Commits."""
    user.failed_logins = (user.failed_logins or 0) + 1
    record(user, "login.failed", "user", user.id, context=context, detail={"failures": user.failed_logins, "what": what})
    if user.failed_logins >= policy.lock_after:
        user.locked_until = now + timedelta(minutes=policy.lock_minutes)
        user.failed_logins = 0
        record(user, "login.locked", "user", user.id, context=context,
               detail={"until": user.locked_until.isoformat()})
    db.session.commit()


def check_password(username: str, password: str, *, policy: LoginPolicy = LoginPolicy(),
                   context: Context = Context()) -> User:
    """The active user with these credentials (first factor only; see :func:`complete_login`).

    A locked account is refused without looking at the password, so guessing cannot go on.

    :raises Unauthenticated: wrong credentials (the same message whether or not the user exists), or
        the account is locked.
    """
    now = _now()
    # row-locked (PostgreSQL) so parallel guesses are counted one after another
    user = db.session.scalar(select(User).where(User.username == username).with_for_update())
    if user is None or not user.active or not user.password_hash:
        _hasher.hash(password)  # same cost whether or not the user exists
        raise _refused()
    _check_not_locked(user, now)
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        _count_failure(user, policy, context, now, "password")
        raise _refused() from None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return user


def complete_login(user: User, *, context: Context = Context()) -> User:
    """Record a successful login (after every factor) and reset the failure count. Commits."""
    user.failed_logins, user.locked_until, user.last_login_at = 0, None, _now()
    record(user, "login", "user", user.id, context=context)
    db.session.commit()
    return user


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(user: User, secret: str) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=TOTP_ISSUER)


def _totp_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step a 6-digit code belongs to (this one or a neighbour, for clock drift), or None."""
    code = (code or "").strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    step = totp.timecode(now)
    for candidate in (step, step - 1, step + 1):
        if secrets.compare_digest(totp.generate_otp(candidate), code):
            return candidate
    return None


def verify_totp(user: User, code: str, *, secret: str | None = None, policy: LoginPolicy = LoginPolicy(),
                context: Context = Context()) -> None:
    """Check a second-factor code; each code is accepted once. Failures count towards the lock.

    :param secret: the secret being set up (enrolment); by default the user's own.
    :raises Unauthenticated:
    """
    now = _now()
    db.session.refresh(user, with_for_update=True)  # one code check at a time per user (replay, count)
    _check_not_locked(user, now)
    step = _totp_step(secret or user.totp_secret or "", code, now)
    if step is None or step <= (user.totp_last_step or 0):
        _count_failure(user, policy, context, now, "totp")
        raise Unauthenticated(_l("动态验证码不正确或已使用过。"))
    user.totp_last_step = step


def enable_totp(user: User, secret: str, code: str, *, policy: LoginPolicy = LoginPolicy(),
                context: Context = Context()) -> None:
    """Turn on the second factor after the user proved their app shows ``secret``'s codes. Commits."""
    verify_totp(user, code, secret=secret, policy=policy, context=context)
    user.totp_secret = secret
    record(user, "totp.enable", "user", user.id, context=context)
    db.session.commit()


def disable_totp(user: User, code: str, *, policy: LoginPolicy = LoginPolicy(), context: Context = Context()) -> None:
    """Turn the second factor off, proven by a current code. Commits. :raises Unauthenticated:"""
    verify_totp(user, code, policy=policy, context=context)
    user.totp_secret = None
    record(user, "totp.disable", "user", user.id, context=context)
    db.session.commit()


def end_sessions(user: User, *, context: Context = Context()) -> None:
    """Log out everywhere: every session cookie issued so far stops working. Commits."""
    user.session_nonce = secrets.token_hex(16)
    record(user, "logout", "user", user.id, context=context)
    db.session.commit()


def user_for_session(session_id: str) -> User | None:
    """The active user a session cookie names (``id:nonce``), or None when it was ended or is malformed."""
    user_id, _, nonce = (session_id or "").partition(":")
    if not user_id.isdigit() or not nonce:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or not secrets.compare_digest(user.session_nonce, nonce):
        return None
    return user


def get_user(username: str) -> User:
    """:raises NotFound: for an unknown username."""
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(_l("用户“%(name)s”不存在。", name=username))
    return user


def _scope_of(role: str, district_code: str | None, school_id: int | None):
    """The district and school a new user acts in. :raises Invalid:"""
    district = school = None
    if district_code:
        try:
            district = get_district(district_code)
        except NotFound:
            raise Invalid(_l("区县代码“%(code)s”不存在。", code=district_code)) from None
    if role == SCHOOL_EDITOR:
        if school_id is None:
            raise Invalid(_l("学校编辑必须指定所属学校（--school）。"))
        try:
            school = get_school(school_id)
        except NotFound:
            raise Invalid(_l("学校 %(id)s 不存在。", id=school_id)) from None
        if district is not None and school.district_id != district.id:
            raise Invalid(_l("学校“%(school)s”不属于区县 %(code)s。", school=school.name, code=district_code))
        district = school.district
    if role in SCOPED_ROLES and district is None:
        raise Invalid(_l("角色“%(role)s”必须指定所属区县（--district）。", role=role))
    return district, school


def create_user(
    actor: User | None,
    username: str,
    role: str,
    password: str,
    *,
    district_code: str | None = None,
    school_id: int | None = None,
    display_name: str = "",
    context: Context = Context(),
) -> User:
    """Create a user. ``actor`` None is the bootstrap operator at the console (no users yet).

    :raises Invalid: unknown role, missing or unknown district (or school, for a school editor),
        duplicate name, short password.
    """
    if actor is not None or db.session.scalar(select(User.id).limit(1)) is not None:
        authorize(actor, "users.create")
    if role not in ROLES:
        raise Invalid(_l("未知角色“%(role)s”。可选：%(roles)s", role=role, roles=", ".join(ROLES)))
    district, school = _scope_of(role, district_code, school_id)
    if db.session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Invalid(_l("用户名“%(name)s”已被使用。", name=username))
    if len(password) < MIN_PASSWORD:
        raise Invalid(_l("密码至少需要 %(n)d 个字符。", n=MIN_PASSWORD))
    user = User(username=username, role=role, display_name=display_name or username,
                password_hash=hash_password(password), district=district, school=school)
    db.session.add(user)
    db.session.flush()
    record(actor, "user.create", "user", user.id, context=context,
           detail={"username": username, "role": role, "district": district.code if district else None,
                   "school": school.id if school else None})
    db.session.commit()
    return user
