"""Sign-in throttling that slows guessing without letting a stranger lock an officer out.

Two counters decide whether a sign-in may be tried now:
- a username from one address: the first few mistakes are free, then each needs a wait that
  doubles (2 s, 4 s, … up to 15 minutes) — an officer mistyping is barely slowed, and a stranger
  guessing from elsewhere never touches the officer's own counter;
- one address across every username (password spraying): after many mistakes in a window, the
  same doubling wait applies to everything from that address.
A correct password clears its username-and-address counter. Keys are SHA-256 digests, so the
table keeps neither usernames nor addresses.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from manamitra import clock
from manamitra.store.models.console import SigninFailures

FREE_PER_USERNAME = 3
FREE_PER_ADDRESS = 10
FIRST_WAIT = timedelta(seconds=2)
LONGEST_WAIT = timedelta(minutes=15)
WINDOW = timedelta(hours=1)


@dataclass(frozen=True)
class Refusal:
    """A sign-in refused before its password is checked; retry after this many seconds."""

    retry_after: int


def throttle_key(kind: str, *parts: str) -> str:
    return hashlib.sha256("\x1f".join((kind, *parts)).encode()).hexdigest()


def _keys(username: str, address: str) -> tuple[str, str]:
    return (
        throttle_key("username+address", username.strip().casefold(), address),
        throttle_key("address", address),
    )


def check(db: Session, username: str, address: str) -> Refusal | None:
    now = clock.now()
    waits = []
    for key in _keys(username, address):
        row = db.get(SigninFailures, key)
        if row is not None and row.blocked_until is not None:
            until = clock.as_utc(row.blocked_until)
            if until > now:
                waits.append(until - now)
    if not waits:
        return None
    return Refusal(retry_after=max(1, round(max(waits).total_seconds() + 0.5)))


def _wait(failures: int, free: int) -> timedelta | None:
    beyond = failures - free
    if beyond <= 0:
        return None
    return min(FIRST_WAIT * 2 ** (beyond - 1), LONGEST_WAIT)


def record_failure(db: Session, username: str, address: str) -> None:
    now = clock.now()
    forget_stale(db, now)
    for key, free in zip(
        _keys(username, address), (FREE_PER_USERNAME, FREE_PER_ADDRESS), strict=True
    ):
        row = db.get(SigninFailures, key, with_for_update=True)
        if row is None:
            row = SigninFailures(key=key, failures=0, window_started_at=now)
            db.add(row)
        elif clock.as_utc(row.window_started_at) + WINDOW < now:
            row.failures, row.window_started_at = 0, now
        row.failures += 1
        wait = _wait(row.failures, free)
        row.blocked_until = now + wait if wait is not None else None
    db.flush()


def record_success(db: Session, username: str, address: str) -> None:
    own_key, _address_key = _keys(username, address)
    db.execute(delete(SigninFailures).where(SigninFailures.key == own_key))


def forget_stale(db: Session, now: datetime | None = None) -> None:
    """Drop counters whose window and wait have both passed (run with other housekeeping)."""
    moment = now or clock.now()
    db.execute(
        delete(SigninFailures).where(
            SigninFailures.window_started_at < moment - WINDOW - LONGEST_WAIT
        )
    )
