"""Accounts: creating users, checking passwords, and who may do what."""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from enroll.accounts.models import User
from enroll.core.context import Context
from enroll.core.errors import Invalid, NotFound
from enroll.core.i18n import _l
from enroll.core.security import ROLES, SCOPED_ROLES, authorize
from enroll.districts.services import get_district
from enroll.extensions import db
from enroll.review.services import record

_hasher = PasswordHasher()  # Argon2id: memory-hard

def hash_password(password: str) -> str:
    return _hasher.hash(password)


def authenticate(username: str, password: str) -> User | None:
    """The active user with these credentials, or None."""
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None or not user.active or not user.password_hash:
        _hasher.hash(password)  # same cost whether or not the user exists
        return None
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
        db.session.commit()
    return user


def get_user(username: str) -> User:
    """:raises NotFound: for an unknown username."""
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(_l("用户“%(name)s”不存在。", name=username))
    return user


def create_user(
    actor: User | None,
    username: str,
    role: str,
    password: str,
    *,
    district_code: str | None = None,
    display_name: str = "",
    context: Context = Context(),
) -> User:
    """Create a user. ``actor`` None is the bootstrap operator at the console (no users yet).

    :raises Invalid: unknown role, missing or unknown district for a scoped role, duplicate name.
    """
    if actor is not None or db.session.scalar(select(User.id).limit(1)) is not None:
        authorize(actor, "users.create")
    if role not in ROLES:
        raise Invalid(_l("未知角色“%(role)s”。可选：%(roles)s", role=role, roles=", ".join(ROLES)))
    district = None
    if district_code:
        try:
            district = get_district(district_code)
        except NotFound:
            raise Invalid(_l("区县代码“%(code)s”不存在。", code=district_code)) from None
    if role in SCOPED_ROLES and district is None:
        raise Invalid(_l("角色“%(role)s”必须指定所属区县（--district）。", role=role))
    if db.session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Invalid(_l("用户名“%(name)s”已被使用。", name=username))
    if len(password) < 10:
        raise Invalid(_l("密码至少需要 10 个字符。"))
    user = User(
        username=username,
        role=role,
        display_name=display_name or username,
        password_hash=hash_password(password),
        district=district,
    )
    db.session.add(user)
    db.session.flush()
    record(actor, "user.create", "user", user.id, context=context,
           detail={"username": username, "role": role, "district": district_code})
    db.session.commit()
    return user
