"""A campaign's progress as officers and the CLI see it: counts by status, failures by
Meta's error code, and claims given back after a crash."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

from manamitra.errors import NotFoundError
from manamitra.store import Database
from manamitra.store.models import AlertCampaign, AlertRecipient

RECIPIENTS = cast(Table, AlertRecipient.__table__)
COUNTED = ("queued", "sent", "delivered", "read", "failed", "opted_out")


@dataclass
class Progress:
    id: int
    state: str
    template: str
    language: str
    topic: str
    audience: str
    created_by: str
    approved_by: str | None
    pause_reason: str | None
    recipients: int
    canary_size: int
    created_at: datetime
    started_at: datetime | None
    paused_at: datetime | None
    finished_at: datetime | None
    counts: dict[str, int] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    uncertain_sends: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "state": self.state,
            "template": self.template,
            "language": self.language,
            "topic": self.topic,
            "audience": self.audience,
            "created_by": self.created_by,
            "approved_by": self.approved_by,
            "pause_reason": self.pause_reason,
            "recipients": self.recipients,
            "canary": self.canary_size,
            "counts": self.counts,
            "errors": self.errors,
            "uncertain_sends": self.uncertain_sends,
        }


def _counts(session: Any, campaign_id: int) -> tuple[dict[str, int], dict[str, int], int]:
    r = RECIPIENTS
    mine = r.c.campaign_id == campaign_id
    by_status = dict(
        session.execute(select(r.c.status, func.count()).where(mine).group_by(r.c.status)).all()
    )
    counts = {name: int(by_status.get(name, 0)) for name in COUNTED}
    # "queued" includes those being sent this moment; "sent" counts every message Meta took
    counts["queued"] += int(by_status.get("sending", 0))
    counts["sent"] += counts["delivered"] + counts["read"]
    counts["delivered"] += counts["read"]
    counts["cancelled"] = int(by_status.get("cancelled", 0))
    errors = {
        str(code): int(n)
        for code, n in session.execute(
            select(r.c.error_code, func.count())
            .where(mine, r.c.status == "failed")
            .group_by(r.c.error_code)
        ).all()
    }
    uncertain = session.execute(
        select(func.coalesce(func.sum(r.c.uncertain_sends), 0)).where(mine)
    ).scalar_one()
    return counts, errors, int(uncertain)


def progress(database: Database, campaign_id: int) -> Progress:
    with database.unit_of_work() as session:
        return progress_in(session, campaign_id)


def progress_in(session: Session, campaign_id: int) -> Progress:
    c = session.get(AlertCampaign, campaign_id)
    if c is None:
        raise NotFoundError(f"no campaign {campaign_id}")
    counts, errors, uncertain = _counts(session, campaign_id)
    return Progress(
        id=c.id,
        state=c.state,
        template=c.template,
        language=c.language,
        topic=c.topic,
        audience=c.audience,
        created_by=c.created_by,
        approved_by=c.approved_by,
        pause_reason=c.pause_reason,
        recipients=c.recipients,
        canary_size=c.canary_size,
        created_at=c.created_at,
        started_at=c.started_at,
        paused_at=c.paused_at,
        finished_at=c.finished_at,
        counts=counts,
        errors=errors,
        uncertain_sends=uncertain,
    )


def campaign_list(database: Database, limit: int = 100) -> list[AlertCampaign]:
    with database.unit_of_work() as session:
        rows = campaign_list_in(session, limit)
        session.expunge_all()
        return rows


def campaign_list_in(session: Session, limit: int = 100) -> list[AlertCampaign]:
    return list(
        session.scalars(select(AlertCampaign).order_by(AlertCampaign.id.desc()).limit(limit))
    )
