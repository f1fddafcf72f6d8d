"""A campaign's life: created (audience resolved), approved by a second officer, started
(a canary first), sending, paused and resumed, cancelled or done.

    awaiting_approval ─approve─▶ approved ─start─▶ canary ─▶ sending ─▶ done
                                     ▲                 │         │
                                     └──── paused ◀────┴─────────┘   (officer, quality drop,
    any state before done ─cancel─▶ cancelled                          template paused, canary)

The two-person rule: the officer who created a campaign cannot approve it. Sending is done by
the running platform's campaign sender (`channels/whatsapp/campaign_sender.py`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, func, select, update
from sqlalchemy.orm import Session

from manamitra import clock
from manamitra.alerts import audience as audiences
from manamitra.alerts import templates
from manamitra.alerts.topics import check_topic
from manamitra.errors import ConflictError, ForbiddenError, NotFoundError, SpecError
from manamitra.store import Database
from manamitra.store.models import AlertCampaign, AlertRecipient

RECIPIENTS = cast(Table, AlertRecipient.__table__)
CAMPAIGNS = cast(Table, AlertCampaign.__table__)
ACTIVE = ("canary", "sending")
FINAL = ("done", "cancelled")


@dataclass(frozen=True)
class NewCampaign:
    template: str
    language: str
    audience: str
    by: str
    params: Any = None
    topic: str = "general"
    canary_fraction: float = 0.01
    scheduled_at: datetime | None = None


def create(database: Database, new: NewCampaign) -> int:
    """Check the template and parameters, write the campaign, resolve its audience."""
    with database.unit_of_work() as session:
        campaign_id = create_in(session, new)
    resolve(database, campaign_id)
    return campaign_id


def create_in(session: Session, new: NewCampaign) -> int:
    """Check the template and parameters and write the campaign, `resolving`, in the
    caller's transaction; `resolve` (after the commit) finds its recipients."""
    if new.language not in ("te", "en"):
        raise SpecError("--lang must be te or en")
    if not new.by.strip():
        raise SpecError("a campaign needs the officer who creates it (--by)")
    if not 0 <= new.canary_fraction <= 1:
        raise SpecError("the canary fraction is between 0 and 1")
    check_topic(new.topic)
    audience = audiences.parse_audience(new.audience)
    info = templates.find_in(session, new.template, new.language)
    if info.category == "authentication":
        raise SpecError("authentication templates carry one-time codes, not alerts")
    if audience.kind != "csv":
        templates.body_parameters(info, new.params)  # fixed for everyone: must fit now
    campaign = AlertCampaign(
        template=new.template,
        language=new.language,
        topic=new.topic,
        audience=audience.spec,
        params=new.params if new.params is not None else [],
        state="resolving",
        created_by=new.by.strip(),
        canary_fraction=new.canary_fraction,
        scheduled_at=new.scheduled_at,
        created_at=clock.now(),
    )
    session.add(campaign)
    session.flush()
    return int(campaign.id)


def resolve(database: Database, campaign_id: int) -> int:
    """Resolve a campaign's audience (again): after a crash mid-resolution this goes on
    where the committed batches end, and no citizen is written twice. Returns the number
    of recipients; the campaign then awaits approval."""
    with database.unit_of_work() as session:
        campaign = _load(session, campaign_id)
        if campaign.state != "resolving":
            raise _refuse(campaign, "resolve")
        spec, topic, fraction = campaign.audience, campaign.topic, campaign.canary_fraction
        template, language = campaign.template, campaign.language
    audience = audiences.parse_audience(spec)
    if audience.kind == "csv":
        info = templates.find(database, template, language)
        rows = audiences.read_csv(Path(audience.args[0]), info.parameters)
        audiences.resolve_csv(database, campaign_id, rows, topic)
        with database.unit_of_work() as session:
            recipients = audiences.written_so_far(session.connection(), campaign_id)[1]
    else:
        every = max(1, round(1 / fraction)) if fraction > 0 else 0
        recipients = audiences.resolve(database, campaign_id, audience, topic, every)
    _choose_canary(database, campaign_id, fraction, recipients)
    return recipients


def _choose_canary(database: Database, campaign_id: int, fraction: float, recipients: int) -> None:
    """Count the canary marked while resolving; when it marked none (a CSV audience, or
    fewer recipients than one canary step), mark every k-th queued recipient, or the first."""
    r = RECIPIENTS
    queued = (r.c.campaign_id == campaign_id) & (r.c.status == "queued")
    with database.unit_of_work() as session:
        size = session.execute(select(func.count()).where(queued, r.c.canary)).scalar_one()
        if fraction > 0 and not size:
            total = session.execute(select(func.count()).where(queued)).scalar_one()
            if total:
                wanted = max(1, math.ceil(total * fraction))
                step = max(1, round(1 / fraction))
                session.execute(update(r).where(queued, r.c.id % step == 0).values(canary=True))
                size = session.execute(select(func.count()).where(queued, r.c.canary)).scalar_one()
                if not size:
                    first = select(r.c.id).where(queued).order_by(r.c.id).limit(wanted)
                    session.execute(
                        update(r).where(r.c.id.in_(first.scalar_subquery())).values(canary=True)
                    )
                    size = min(wanted, total)
        session.execute(
            update(CAMPAIGNS)
            .where(CAMPAIGNS.c.id == campaign_id)
            .values(state="awaiting_approval", recipients=recipients, canary_size=size)
        )


def _load(session: Session, campaign_id: int) -> AlertCampaign:
    campaign = session.get(AlertCampaign, campaign_id, with_for_update=True)
    if campaign is None:
        raise NotFoundError(f"no campaign {campaign_id}")
    return cast(AlertCampaign, campaign)


def _refuse(campaign: AlertCampaign, action: str) -> ConflictError:
    return ConflictError(f"campaign {campaign.id} is {campaign.state}; cannot {action} it")


def approve(database: Database, campaign_id: int, by: str) -> None:
    with database.unit_of_work() as session:
        approve_in(session, campaign_id, by)


def approve_in(session: Session, campaign_id: int, by: str) -> None:
    campaign = _load(session, campaign_id)
    if campaign.state != "awaiting_approval":
        raise _refuse(campaign, "approve")
    if by.strip().casefold() == campaign.created_by.casefold():
        raise ForbiddenError(
            f"{by} created campaign {campaign_id}; a second officer must approve it"
        )
    campaign.state = "approved"
    campaign.approved_by = by.strip()
    campaign.approved_at = clock.now()


def _sendable_template(session: Session, campaign: AlertCampaign) -> None:
    info = templates.find_in(session, campaign.template, campaign.language)
    if info.status != templates.SENDABLE:
        raise ConflictError(f"template {info.name} is {info.status}, not APPROVED")


def start(database: Database, campaign_id: int) -> str:
    with database.unit_of_work() as session:
        return start_in(session, campaign_id)


def start_in(session: Session, campaign_id: int) -> str:
    campaign = _load(session, campaign_id)
    if campaign.state != "approved":
        raise _refuse(campaign, "start")
    _sendable_template(session, campaign)
    campaign.state = "canary" if campaign.canary_size else "sending"
    campaign.started_at = clock.now()
    return campaign.state


def pause(database: Database, campaign_id: int, reason: str = "officer") -> None:
    with database.unit_of_work() as session:
        pause_in(session, campaign_id, reason)


def pause_in(session: Session, campaign_id: int, reason: str = "officer") -> None:
    campaign = _load(session, campaign_id)
    if campaign.state not in ACTIVE:
        raise _refuse(campaign, "pause")
    campaign.resume_to, campaign.state = campaign.state, "paused"
    campaign.pause_reason = reason[:200]
    campaign.paused_at = clock.now()


def resume(database: Database, campaign_id: int) -> str:
    with database.unit_of_work() as session:
        return resume_in(session, campaign_id)


def resume_in(session: Session, campaign_id: int) -> str:
    campaign = _load(session, campaign_id)
    if campaign.state != "paused":
        raise _refuse(campaign, "resume")
    _sendable_template(session, campaign)
    if campaign.pause_reason == "canary_failed":
        campaign.canary_done_at = clock.now()  # an officer looked and chose to go on
        campaign.state = "sending"
    else:
        campaign.state = campaign.resume_to or "sending"
    campaign.pause_reason = None
    campaign.paused_at = None
    return campaign.state


def cancel(database: Database, campaign_id: int) -> None:
    with database.unit_of_work() as session:
        cancel_in(session, campaign_id)


def cancel_in(session: Session, campaign_id: int) -> None:
    campaign = _load(session, campaign_id)
    if campaign.state in FINAL:
        raise _refuse(campaign, "cancel")
    campaign.state = "cancelled"
    campaign.finished_at = clock.now()
    r = RECIPIENTS
    session.execute(
        update(r)
        .where(r.c.campaign_id == campaign_id, r.c.status == "queued")
        .values(status="cancelled")
    )


def pause_all(database: Database, reason: str, *, template: str | None = None) -> list[int]:
    """Pause every active campaign (of `template` if named): a quality drop or a template
    Meta paused. Returns their ids."""
    c = CAMPAIGNS
    query = update(c).where(c.c.state.in_(ACTIVE))
    if template is not None:
        query = query.where(c.c.template == template)
    with database.unit_of_work() as session:
        rows = session.execute(
            query.values(
                resume_to=c.c.state,
                state="paused",
                pause_reason=reason[:200],
                paused_at=clock.now(),
            ).returning(c.c.id)
        ).scalars()
        return sorted(rows)
