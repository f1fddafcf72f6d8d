"""Citizens' alert subscriptions: each change recorded with its source and time, the current
choice per topic kept beside it. An opt-out concerns alerts only: replies inside the 24-hour
window go through the outbox, which never looks here.

A citizen is subscribed to topic T when a row for T or for "*" says so and no row for T or "*"
says the opposite: "STOP" (all) outranks an earlier "START"-ed topic until "START" again.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, and_, exists, select, update
from sqlalchemy.orm import Session

from manamitra import clock
from manamitra.alerts.topics import ALL, check_topic
from manamitra.store.models import AlertSubscription, AlertSubscriptionChange

SUBSCRIPTIONS = cast(Table, AlertSubscription.__table__)


def record(session: Session, citizen: str, topic: str, subscribed: bool, source: str) -> None:
    """Record one choice in the caller's transaction. START ("*", True) also clears every
    topic the citizen had left, so "START" means every topic again."""
    check_topic(topic)
    now = clock.now()
    session.add(
        AlertSubscriptionChange(
            citizen=citizen, topic=topic, subscribed=subscribed, source=source[:32], at=now
        )
    )
    session.merge(
        AlertSubscription(
            citizen=citizen, topic=topic, subscribed=subscribed, source=source[:32], changed_at=now
        )
    )
    if topic == ALL and subscribed:
        s = SUBSCRIPTIONS
        session.execute(
            update(s)
            .where(s.c.citizen == citizen, s.c.topic != ALL, s.c.subscribed.is_(False))
            .values(subscribed=True, source=source[:32], changed_at=now)
        )


def opted_out(citizen_column: Any, topic: str) -> Any:
    """SQL: the citizen in `citizen_column` has left `topic` (or every topic)."""
    s = SUBSCRIPTIONS.alias("left_topic")  # an alias: the outer query may read this table too
    return exists(
        select(s.c.citizen).where(
            s.c.citizen == citizen_column, s.c.topic.in_((topic, ALL)), s.c.subscribed.is_(False)
        )
    )


def opted_in(citizen_column: Any, topic: str) -> Any:
    """SQL: the citizen asked for `topic` (or every topic) and has not left it since."""
    s = SUBSCRIPTIONS.alias("asked_topic")
    return and_(
        exists(
            select(s.c.citizen).where(
                s.c.citizen == citizen_column,
                s.c.topic.in_((topic, ALL)),
                s.c.subscribed.is_(True),
            )
        ),
        ~opted_out(citizen_column, topic),
    )


def is_subscribed(session: Session, citizen: str, topic: str) -> bool:
    rows = dict(
        session.execute(
            select(AlertSubscription.topic, AlertSubscription.subscribed).where(
                AlertSubscription.citizen == citizen, AlertSubscription.topic.in_((topic, ALL))
            )
        ).all()
    )
    return bool(rows) and all(rows.values())
