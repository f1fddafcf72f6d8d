"""Drafts: an unfinished form kept in the session when the citizen leaves it or goes quiet.

A draft is the flow exactly as it was (answers, history, phase), keyed by service, so resuming
returns to the same question with every answer. Drafts outlive the idle restart of the
session and are dropped after the keeping time (a setting, 7 days by default).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

DRAFTS = "drafts"
# A flow the kind drives itself (a held seat, a bill being paid) is not a form to come back to.
UNSAVED_PHASES = frozenset({"kind"})


def worth_keeping(flow: dict[str, Any] | None) -> bool:
    """A flow with at least one answer given, in a phase a citizen can come back to."""
    return bool(flow and flow.get("history") and flow.get("phase") not in UNSAVED_PHASES)


def save(state: dict[str, Any], flow: dict[str, Any], now: datetime) -> None:
    state.setdefault(DRAFTS, {})[flow["service"]] = {"flow": flow, "saved_at": now.isoformat()}


def take(state: dict[str, Any], service_id: str) -> dict[str, Any] | None:
    """The saved flow of `service_id`, removed from the drafts (it becomes the live flow)."""
    entry = state.get(DRAFTS, {}).pop(service_id, None)
    return entry["flow"] if entry else None


def discard(state: dict[str, Any], service_id: str) -> None:
    state.get(DRAFTS, {}).pop(service_id, None)


def latest(state: dict[str, Any]) -> str | None:
    """The service id of the most recently saved draft."""
    drafts: dict[str, Any] = state.get(DRAFTS, {})
    if not drafts:
        return None
    return max(drafts, key=lambda service_id: drafts[service_id]["saved_at"])


def prune(state: dict[str, Any], now: datetime, keep: timedelta) -> None:
    drafts: dict[str, Any] = state.get(DRAFTS, {})
    for service_id in [
        s for s, entry in drafts.items() if now - datetime.fromisoformat(entry["saved_at"]) > keep
    ]:
        del drafts[service_id]
