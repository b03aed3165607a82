"""Creating accounts (multi-user mode): name rules, password rules, Argon2 hashing.

>>> import tempfile, pathlib
>>> from extensor.web._db import WebDB
>>> with tempfile.TemporaryDirectory() as tmp:
...     db = WebDB(pathlib.Path(tmp) / "web.db")
...     uid = add_user(db, "coach", "a long enough secret", is_admin=True)
...     check_password(db, "Coach", "a long enough secret") == uid
True
"""

from __future__ import annotations

import re
import sqlite3

from extensor._errors import ExtensorError
from extensor.web._db import WebDB
from extensor.web._security import (
    MIN_PASSWORD_LENGTH,
    hash_password,
    needs_rehash,
    verify_password,
)

__all__ = ["NAME_PATTERN", "AccountError", "add_user", "check_password"]

#: Account names: letters, digits, dot, dash and underscore, 2-32 characters (they show
#: up in pages and logs, so nothing that needs escaping to read right).
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,31}$")


class AccountError(ExtensorError):
    """An account cannot be created: bad name, weak password, or the name is taken."""


def add_user(db: WebDB, name: str, password: str, *, is_admin: bool = False) -> int:
    """Create an account and return its id."""
    if not NAME_PATTERN.match(name):
        raise AccountError(
            f"name must be 2-32 letters, digits, '.', '-' or '_' (starting with a letter or "
            f"digit), got {name!r}"
        )
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            f"password must have at least {MIN_PASSWORD_LENGTH} characters, got {len(password)}"
        )
    try:
        return db.add_user(name, hash_password(password), is_admin=is_admin)
    except sqlite3.IntegrityError:
        raise AccountError(f"name {name!r} is taken") from None


def check_password(db: WebDB, name: str, password: str) -> int | None:
    """The account id when ``password`` is right, else None (rehashes old parameters)."""
    user = db.user_by_name(name)
    if user is None or not verify_password(str(user["password_hash"]), password):
        return None
    if needs_rehash(str(user["password_hash"])):
        db.set_password_hash(int(user["id"]), hash_password(password))
    return int(user["id"])
