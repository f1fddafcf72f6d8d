from __future__ import annotations

from sqlalchemy import select

from manamitra import clock
from manamitra.store import Database
from manamitra.store.models import Conversation


def test_conversation_round_trips_json_state_and_utc_times(database: Database) -> None:
    moment = clock.now()
    with database.unit_of_work() as session:
        session.add(
            Conversation(
                citizen="919876543210",
                state={"lang": "te", "stack": [1, 2]},
                last_inbound_at=moment,
            )
        )
    with database.unit_of_work() as session:
        row = session.scalars(select(Conversation)).one()
        assert row.state == {"lang": "te", "stack": [1, 2]}
        assert row.last_inbound_at == moment
        assert row.last_inbound_at.tzinfo is not None
