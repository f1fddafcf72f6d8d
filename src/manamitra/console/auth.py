"""Officers' passwords (argon2id), sign-in with lockout, sessions with expiry and CSRF tokens.

The browser holds a random session token; the table keeps only its SHA-256, so a copy of the
database does not sign anyone in. Wrong passwords are throttled by `signin_throttle`, never by
locking the account (a stranger could lock any officer out that way).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from manamitra import clock
from manamitra.store.models.console import ConsoleSession, Officer
from manamitra.store.models.grievances import Office

ROLES = ("officer", "supervisor", "dept_admin", "state_admin")
SESSION_LIFETIME = timedelta(hours=8)
# OWASP's argon2id baseline (19 MiB, 2 passes): strong, and fast enough for a busy office.
_hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)


def hash_password(password: str) -> str:
    if len(password) < 8:
        raise ValueError("password must have at least 8 characters")
    return _hasher.hash(password)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_officer(
    db: Session,
    *,
    username: str,
    password: str,
    role: str,
    department: str | None,
    district: str | None = None,
    name: str | None = None,
    office_id: str | None = None,
    lang: str | None = None,
) -> Officer:
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if lang not in (None, "en", "te"):
        raise ValueError("lang must be en or te")
    if role != "state_admin" and not department:
        raise ValueError("a department is needed for every role but state_admin")
    if role in ("officer", "supervisor") and not district:
        raise ValueError("officers and supervisors work in one district: give --district")
    if office_id is not None:
        _check_office(db, office_id, department, district)
    officer = Officer(
        username=username,
        name=name or username,
        password_hash=hash_password(password),
        role=role,
        department=department,
        district=district,
        office_id=office_id,
        lang=lang,
        active=True,
        created_at=clock.now(),
    )
    db.add(officer)
    db.flush()
    return officer


def _check_office(
    db: Session, office_id: str, department: str | None, district: str | None
) -> None:
    office = db.get(Office, office_id)
    if office is None:
        raise ValueError(f"no office {office_id!r} (ids look like revenue.guntur.tenali)")
    if office.department != department or (district and office.district != district):
        raise ValueError(f"office {office_id!r} is not in the officer's department and district")


@dataclass(frozen=True)
class LoginResult:
    officer: Officer | None
    reason: str = ""  # "bad_credentials"


def authenticate(db: Session, username: str, password: str) -> LoginResult:
    officer = db.scalar(select(Officer).where(Officer.username == username.strip()))
    if officer is None or not officer.active:
        _hasher.hash(password or "x")  # same work either way: no username probing by timing
        return LoginResult(None, "bad_credentials")
    try:
        _hasher.verify(officer.password_hash, password)
    except (VerificationError, InvalidHashError):
        return LoginResult(None, "bad_credentials")
    if _hasher.check_needs_rehash(officer.password_hash):
        officer.password_hash = _hasher.hash(password)
    return LoginResult(officer)


def start_session(db: Session, officer: Officer) -> tuple[str, ConsoleSession]:
    """A new session; returns the token for the cookie (never stored) and the row."""
    now = clock.now()
    db.execute(delete(ConsoleSession).where(ConsoleSession.expires_at < now))
    token = secrets.token_urlsafe(32)
    row = ConsoleSession(
        token_hash=_token_hash(token),
        officer_id=officer.id,
        csrf_token=secrets.token_urlsafe(24),
        created_at=now,
        expires_at=now + SESSION_LIFETIME,
    )
    db.add(row)
    return token, row


def load_session(db: Session, token: str | None) -> tuple[Officer, ConsoleSession] | None:
    if not token:
        return None
    row = db.get(ConsoleSession, _token_hash(token))
    if row is None or clock.as_utc(row.expires_at) <= clock.now():
        return None
    officer = db.get(Officer, row.officer_id)
    if officer is None or not officer.active:
        return None
    return officer, row


def end_session(db: Session, token: str | None) -> None:
    if token:
        db.execute(delete(ConsoleSession).where(ConsoleSession.token_hash == _token_hash(token)))


def csrf_ok(expected: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(expected, str(given))
