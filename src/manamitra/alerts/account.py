"""Account-level webhooks that change what may be sent: a template approved, paused or
rejected (`message_template_status_update`), its quality (`message_template_quality_update`),
and the business number's quality (`phone_number_quality_update`).

A paused or disabled template pauses its campaigns; a number flagged or downgraded pauses
every active campaign. Either way the officers see why on the console's campaign pages and
resume by hand when it is safe.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from manamitra.alerts import campaigns, templates
from manamitra.store import Database

log = logging.getLogger(__name__)

STOPPING_TEMPLATE = frozenset({"PAUSED", "DISABLED", "REJECTED", "FLAGGED", "PENDING_DELETION"})
QUALITY_DROPS = frozenset({"FLAGGED", "DOWNGRADE"})


@dataclass(frozen=True)
class TemplateStatus:
    name: str
    language: str | None
    status: str
    reason: str | None = None


@dataclass(frozen=True)
class TemplateQuality:
    name: str
    language: str | None
    quality: str


@dataclass(frozen=True)
class NumberQuality:
    display_phone_number: str | None
    event: str
    current_limit: str | None = None


AccountEvent = TemplateStatus | TemplateQuality | NumberQuality


def apply_account_events(database: Database, events: Sequence[AccountEvent]) -> list[int]:
    """Record each event; the ids of campaigns paused because of them."""
    paused: list[int] = []
    for event in events:
        if isinstance(event, TemplateStatus):
            templates.update_status(
                database, event.name, event.language, event.status.upper(), event.reason
            )
            if event.status.upper() in STOPPING_TEMPLATE:
                paused += campaigns.pause_all(
                    database, f"template_{event.status.lower()}", template=event.name
                )
        elif isinstance(event, TemplateQuality):
            templates.update_quality(database, event.name, event.language, event.quality.upper())
        elif event.event.upper() in QUALITY_DROPS:
            paused += campaigns.pause_all(database, f"quality_{event.event.lower()}")
    if paused:
        log.warning("campaigns paused by Meta's account events", extra={"campaigns": paused})
    return paused
