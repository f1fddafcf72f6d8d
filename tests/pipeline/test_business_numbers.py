"""Several business numbers: each reply leaves from the number the citizen wrote to, and each
number keeps its own throughput limit."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from manamitra.channels.whatsapp.graph_client import GraphClient
from manamitra.channels.whatsapp.sender import OutboxSender
from manamitra.messaging.outbox import enqueue
from manamitra.messaging.reply import Document, Text
from manamitra.pipeline.worker import ConversationWorker
from manamitra.settings import Settings
from manamitra.store import Database
from manamitra.store.models import Conversation, InboundMessage, MediaBlob, OutboundMessage
from tests.pipeline.graph_fake import FakeGraph, graph_error
from tests.pipeline.test_sender import add_pdf_blob, drain
from tests.pipeline.test_worker import RecordingEngine, _store

PRIMARY, SECOND, THIRD = "PNID", "PNID2", "PNID3"
SETTINGS = Settings(
    graph_api_url="https://graph.test",
    whatsapp_access_token="tok",
    whatsapp_phone_number_id=PRIMARY,
    whatsapp_extra_phone_number_ids=f" {SECOND}, {THIRD},{PRIMARY},",
    send_rate=50,
)
RAVI, SITA, ANIL = "919876543210", "919848022338", "919700000001"


class NumberedGraph(FakeGraph):
    """The fake Graph, noting which business number each request was made as."""

    def __init__(self) -> None:
        super().__init__()
        self.sent_from: list[tuple[str, str]] = []  # (number, recipient)
        self.uploaded_by: list[str] = []

    async def handle(self, request: httpx.Request) -> httpx.Response:
        number = request.url.path.split("/")[-2]
        if request.url.path.endswith("/media"):
            self.uploaded_by.append(number)
        else:
            self.sent_from.append(
                (number, httpx.Response(200, content=request.content).json()["to"])
            )
        return await super().handle(request)

    def client(self) -> GraphClient:
        return GraphClient(SETTINGS, transport=httpx.MockTransport(self.handle))


def _sender(database: Database, fake: NumberedGraph) -> OutboxSender:
    return OutboxSender(database, fake.client(), SETTINGS, jitter=lambda: 0.5)


def _set_number(database: Database, citizen: str, number: str | None) -> None:
    with database.unit_of_work() as s:
        s.merge(Conversation(citizen=citizen, state={}, phone_number_id=number))


def test_settings_list_the_primary_first_without_repeats() -> None:
    assert SETTINGS.business_numbers == (PRIMARY, SECOND, THIRD)
    assert Settings(whatsapp_phone_number_id="X").business_numbers == ("X",)


def test_worker_answers_from_the_number_each_message_came_to(database: Database) -> None:
    _store(database, [(RAVI, "hi"), (SITA, "hi")])
    with database.unit_of_work() as s:
        s.execute(
            InboundMessage.__table__.update()
            .where(InboundMessage.citizen == SITA)
            .values(phone_number_id=SECOND)
        )
    worker = ConversationWorker(database, RecordingEngine())  # type: ignore[arg-type]
    while worker.process_batch():
        pass
    with database.unit_of_work() as s:
        numbers = {row.citizen: row.phone_number_id for row in s.scalars(select(OutboundMessage))}
        remembered = {c.citizen: c.phone_number_id for c in s.scalars(select(Conversation))}
    assert numbers == {RAVI: "1", SITA: SECOND}  # _store writes to number "1"
    assert remembered == numbers


def test_a_later_message_leaves_from_the_number_the_citizen_last_used(
    database: Database,
) -> None:
    _set_number(database, SITA, SECOND)
    with database.unit_of_work() as s:
        enqueue(s, SITA, [Text("your certificate is ready")])
        enqueue(s, ANIL, [Text("never wrote to us")])
    with database.unit_of_work() as s:
        rows = {r.citizen: r.phone_number_id for r in s.scalars(select(OutboundMessage))}
    assert rows == {SITA: SECOND, ANIL: None}


def test_sender_sends_as_each_rows_number_and_falls_back_to_the_primary(
    database: Database,
) -> None:
    _set_number(database, RAVI, None)
    _set_number(database, SITA, SECOND)
    _set_number(database, ANIL, "RETIRED")  # a number since taken out of the settings
    with database.unit_of_work() as s:
        for citizen in (RAVI, SITA, ANIL):
            enqueue(s, citizen, [Text("hello")])
    fake = NumberedGraph()
    drain(_sender(database, fake))
    assert sorted(fake.sent_from) == sorted([(PRIMARY, RAVI), (SECOND, SITA), (PRIMARY, ANIL)])


def test_each_number_has_its_own_throughput_limit(database: Database) -> None:
    _set_number(database, SITA, SECOND)
    fake = NumberedGraph()
    fake.faults[SITA] = [graph_error(400, 130429, "throughput")]
    with database.unit_of_work() as s:
        enqueue(s, SITA, [Text("one")])
    sender = _sender(database, fake)
    drain(sender)
    assert sender._bucket(SECOND).reserve() >= 1.9  # SECOND was told to slow down ...
    assert sender.bucket.reserve() < 0.5  # ... the primary was not
    assert sender._bucket(THIRD).reserve() < 0.5


def test_media_for_another_number_is_uploaded_through_that_number_once(
    database: Database,
) -> None:
    add_pdf_blob(database, "cert-9")
    _set_number(database, SITA, SECOND)
    _set_number(database, RAVI, None)
    with database.unit_of_work() as s:
        enqueue(s, SITA, [Document("cert-9", "income.pdf")])
        enqueue(s, SITA, [Document("cert-9", "income.pdf")])
        enqueue(s, RAVI, [Document("cert-9", "income.pdf")])
    fake = NumberedGraph()
    sender = _sender(database, fake)
    drain(sender)
    assert sorted(fake.uploaded_by) == [PRIMARY, SECOND]
    assert len(fake.messages) == 3
    with database.unit_of_work() as s:
        blob = s.get(MediaBlob, "cert-9")
        # the stored id is the primary's: another number's upload never replaces it
        assert blob is not None and blob.graph_media_id is not None
        stored = blob.graph_media_id
    primary_sends = [
        m["document"]["id"]
        for (n, _), m in zip(fake.sent_from, fake.messages, strict=True)
        if n == PRIMARY
    ]
    assert primary_sends == [stored]
