"""Accounts: users, passwords, login throttling, sessions, the optional TOTP second factor, and the
city admin's management of accounts (lock, unlock, deactivate, set a password)."""
from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pyotp
from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import selectinload

from enroll.accounts.models import LoginThrottle, User
from enroll.accounts.passwords import PasswordPolicy, password_problem
from enroll.core.context import Context
from enroll.core.errors import Conflict, Invalid, NotFound, TooManyRequests, Unauthenticated
from enroll.core.i18n import _l, _n
from enroll.core.limits import address_key, hit, take_back
from enroll.core.security import ROLES, SCHOOL_EDITOR, SCOPED_ROLES, authorize
from enroll.districts.services import get_district
from enroll.extensions import db
from enroll.review.services import record
from enroll.schools.services import get_school

_hasher = PasswordHasher()  # Argon2id: memory-hard (RFC 9106's low-memory profile: 64 MiB, 3 passes)
_dummy_hash: str | None = None  # checked against for accounts that cannot sign in, made on first use
TOTP_ISSUER = "enroll"
MAX_LOCK_MINUTES = 366 * 24 * 60


@dataclass(frozen=True)
class LoginPolicy:
    """Throttling: after ``lock_after`` consecutive failures the account is locked for ``lock_minutes``;
    after ``address_limit`` failed sign-ins from one client address (IPv6 by its /64) within
    ``lock_minutes``, that address may not try again until the window ends, whatever the usernames."""

    lock_after: int = 5
    lock_minutes: int = 15
    address_limit: int = 10

    @classmethod
    def from_config(cls, config: Mapping) -> LoginPolicy:
        return cls(lock_after=config["LOGIN_LOCK_AFTER"], lock_minutes=config["LOGIN_LOCK_MINUTES"],
                   address_limit=config["LOGIN_ADDRESS_LIMIT"])

    @property
    def window(self) -> timedelta:
        return timedelta(minutes=self.lock_minutes)


def use_cheap_hashing(cheap: bool) -> None:
    """Hash new passwords with argon2-cffi's ``CHEAPEST`` profile (still Argon2id: 8 KiB, one pass) or its
    default. Only tests want cheap: a default hash costs about 0.13 s of CPU, and the suite makes
    thousands of users and sign-ins. ``create_app`` sets it from ``TESTING``."""
    global _hasher, _dummy_hash
    profile = profiles.CHEAPEST if cheap else profiles.RFC_9106_LOW_MEMORY
    if _hasher.time_cost != profile.time_cost or _hasher.memory_cost != profile.memory_cost:
        _hasher, _dummy_hash = PasswordHasher.from_parameters(profile), None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _now() -> datetime:
    return datetime.now(UTC)


def _refused() -> Unauthenticated:
    """The one answer to an unknown username, a wrong password and a locked or deactivated account."""
    return Unauthenticated(_l("用户名或密码错误。多次输错后账户会暂时锁定，请稍后再试，或请管理员解锁。"))


def _locked(user: User, now: datetime) -> bool:
    return user.locked_until is not None and now < user.locked_until


def _check_not_locked(user: User, now: datetime) -> None:
    """For the second factor, asked of someone who already gave the right password: the lock is said."""
    if _locked(user, now):
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


def _verify_dummy(password: str) -> None:
    """Take as long as checking a real password, for an account that cannot sign in."""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = _hasher.hash(secrets.token_hex(16))
    try:
        _hasher.verify(_dummy_hash, password)
    except VerificationError:
        pass


def _count_attempt(policy: LoginPolicy, context: Context, now: datetime) -> str:
    """Count a sign-in attempt against its client address before anything else is looked at (atomic,
    so parallel guesses cannot slip past); over the limit it is refused. Commits.

    :returns: the address's bucket, to take the attempt back when the password was right.
    :raises TooManyRequests:
    """
    table = LoginThrottle.__table__
    db.session.execute(delete(table).where(table.c.window_start <= now - policy.window))  # other addresses' old ones
    bucket = address_key(context.ip)
    count = hit(table, bucket, now, policy.window)
    if count == policy.address_limit + 1:
        record(None, "login.throttled", "address", bucket, context=context,
               detail={"failures": policy.address_limit, "minutes": policy.lock_minutes})
    db.session.commit()
    if count > policy.address_limit:
        raise TooManyRequests(_n("此网络地址登录失败次数过多，请 %(num)d 分钟后再试。", policy.lock_minutes),
                              retry_after=policy.lock_minutes * 60)
    return bucket


def check_password(username: str, password: str, *, policy: LoginPolicy = LoginPolicy(),
                   context: Context = Context()) -> User:
    """The active user with these credentials (first factor only; see :func:`complete_login`). Commits.

    Every attempt counts against the client address, and a wrong password also against the account
    (:class:`LoginPolicy`). A locked account is refused whatever the password, so guessing cannot go
    on; unknown, deactivated and locked accounts get the wrong password's answer, after as long a check.

    :raises TooManyRequests: too many failures from this client address.
    :raises Unauthenticated: wrong credentials, or an account that cannot sign in now (one message).
    """
    now = _now()
    bucket = _count_attempt(policy, context, now)
    # row-locked (PostgreSQL) so parallel guesses are counted one after another
    user = db.session.scalar(select(User).where(User.username == username).with_for_update())
    if user is None or not user.active or not user.password_hash or _locked(user, now):
        _verify_dummy(password)
        raise _refused()
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        _count_failure(user, policy, context, now, "password")
        raise _refused() from None
    take_back(LoginThrottle.__table__, bucket)  # the right password is no failure of the address
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    db.session.commit()
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


def normalize_code(code: str | None) -> str:
    """A typed second-factor code as the app shows it: full-width digits (NFKC) and spaces do not matter."""
    return "".join(unicodedata.normalize("NFKC", code or "").split())


def _totp_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step a 6-digit code belongs to (this one or a neighbour, for clock drift), or None."""
    code = normalize_code(code)
    if not re.fullmatch(r"[0-9]{6}", code):  # ASCII only: str.isdigit() also takes other scripts' digits
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


def _end_sessions(user: User) -> None:
    """Every session cookie of ``user`` issued so far stops working. Does not commit."""
    user.session_nonce = secrets.token_hex(16)


def end_sessions(user: User, *, context: Context = Context()) -> None:
    """Log out everywhere: every session cookie issued so far stops working. Commits."""
    _end_sessions(user)
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
    password_policy: PasswordPolicy = PasswordPolicy(),
    context: Context = Context(),
) -> User:
    """Create a user. ``actor`` None is the bootstrap operator at the console (no users yet).

    :raises Invalid: unknown role, missing or unknown district (or school, for a school editor),
        duplicate name, a password the policy refuses (:mod:`enroll.accounts.passwords`).
    """
    if actor is not None or db.session.scalar(select(User.id).limit(1)) is not None:
        authorize(actor, "users.create")
    if role not in ROLES:
        raise Invalid(_l("未知角色“%(role)s”。可选：%(roles)s", role=role, roles=", ".join(ROLES)))
    district, school = _scope_of(role, district_code, school_id)
    if db.session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Invalid(_l("用户名“%(name)s”已被使用。", name=username))
    _check_new_password(password, username, display_name, district, school, password_policy)
    user = User(username=username, role=role, display_name=display_name or username,
                password_hash=hash_password(password), district=district, school=school)
    db.session.add(user)
    db.session.flush()
    record(actor, "user.create", "user", user.id, context=context,
           detail={"username": username, "role": role, "district": district.code if district else None,
                   "school": school.id if school else None})
    db.session.commit()
    return user


def _check_new_password(password: str, username: str, display_name: str, district, school,
                        policy: PasswordPolicy) -> None:
    """:raises Invalid: beside the password field, saying why the policy refuses it."""
    words = (username, display_name, district.name if district else "", district.code if district else "",
             school.name if school else "")
    problem = password_problem(password, words, policy)
    if problem is not None:
        raise Invalid(problem, field="password")


# The city admin's management of accounts. Only city admins hold "users.manage"; the district check
# keeps a district-bound role, should one ever be given it, to its own district's users.

def list_users(actor: User) -> list[User]:
    """Every user the actor may manage, by username. :raises Forbidden:"""
    authorize(actor, "users.manage")
    query = select(User).options(selectinload(User.district), selectinload(User.school)).order_by(User.username)
    if actor.role in SCOPED_ROLES:
        query = query.where(User.district_id == actor.district_id)
    return list(db.session.scalars(query))


def managed_user(actor: User, user_id: int) -> User:
    """A user the actor may manage. :raises NotFound: :raises Forbidden:"""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_l("用户不存在。"))
    authorize(actor, "users.manage", user.district_id)
    return user


def _other_user(actor: User, user_id: int) -> User:
    """A user the actor may manage who is not the actor: nobody locks themselves out. :raises Conflict:"""
    user = managed_user(actor, user_id)
    if user.id == actor.id:
        raise Conflict(_l("不能锁定或停用自己的账户。"))
    return user


def lock_user(actor: User, user_id: int, minutes: int, *, context: Context = Context()) -> User:
    """No sign-in for ``minutes`` (sessions already open go on: deactivate to end them). Commits.

    :raises Invalid: a length outside 1 minute to a year.
    """
    if not 1 <= minutes <= MAX_LOCK_MINUTES:
        raise Invalid(_l("锁定时长应在 1 到 %(max)d 分钟之间。", max=MAX_LOCK_MINUTES), field="minutes")
    user = _other_user(actor, user_id)
    user.locked_until, user.failed_logins = _now() + timedelta(minutes=minutes), 0
    record(actor, "user.lock", "user", user.id, context=context,
           detail={"username": user.username, "until": user.locked_until.isoformat()})
    db.session.commit()
    return user


def unlock_user(actor: User, user_id: int, *, context: Context = Context()) -> User:
    """Lift a lock (after failed sign-ins, or an admin's) and forget the failures so far. Commits."""
    user = managed_user(actor, user_id)
    user.locked_until, user.failed_logins = None, 0
    record(actor, "user.unlock", "user", user.id, context=context, detail={"username": user.username})
    db.session.commit()
    return user


def deactivate_user(actor: User, user_id: int, *, context: Context = Context()) -> User:
    """The user may no longer sign in, and every session they have ends now. Commits."""
    user = _other_user(actor, user_id)
    user.active = False
    _end_sessions(user)  # reactivating does not bring old sessions back
    record(actor, "user.deactivate", "user", user.id, context=context,
           detail={"username": user.username, "sessions_ended": True})
    db.session.commit()
    return user


def reactivate_user(actor: User, user_id: int, *, context: Context = Context()) -> User:
    """A deactivated user may sign in again. Commits."""
    user = managed_user(actor, user_id)
    user.active = True
    record(actor, "user.reactivate", "user", user.id, context=context, detail={"username": user.username})
    db.session.commit()
    return user


def set_password(actor: User, user_id: int, password: str, *, policy: PasswordPolicy = PasswordPolicy(),
                 context: Context = Context()) -> User:
    """Give the user a new password (the policy's), ending every session they have. Commits.

    :raises Invalid: a password the policy refuses, saying why.
    """
    user = managed_user(actor, user_id)
    _check_new_password(password, user.username, user.display_name, user.district, user.school, policy)
    user.password_hash = hash_password(password)
    _end_sessions(user)
    record(actor, "user.password", "user", user.id, context=context,
           detail={"username": user.username, "sessions_ended": True})
    db.session.commit()
    return user
