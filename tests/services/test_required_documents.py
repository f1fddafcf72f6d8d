"""The documents a service lists are asked for, checked, and kept with the application."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from manamitra.conversation.flow import next_pending
from manamitra.messaging.i18n import t
from manamitra.messaging.inbound import Media
from manamitra.messaging.reply import Text
from manamitra.services.catalog_check import load_checked_catalog
from manamitra.store import Database
from manamitra.store.models import Application
from tests.services.walk import send_valid
from tests.support import databases
from tests.support.engine_driver import Chat, make_engine, order_reference

CATALOG = load_checked_catalog()
INCOME = CATALOG.services["revenue.income_certificate"]


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    with databases.sqlite_database(tmp_path_factory.mktemp("docs")) as db:
        yield db


def test_every_listed_document_of_an_application_is_asked_for() -> None:
    for spec in CATALOG.services.values():
        if spec.kind != "application" or not spec.documents_required:
            continue
        uploads = [s for s in spec.steps if s.type == "upload"]
        assert uploads, spec.id
        asked = [s.summary_label.en for s in uploads if s.id.startswith("document_")]
        if asked:
            assert asked == [d.en for d in spec.documents_required], spec.id


def test_documents_are_checked_and_reach_the_application(database: Database) -> None:
    citizen = "919100000090"
    with database.unit_of_work() as session:
        chat = Chat(make_engine(CATALOG), db=session, citizen=citizen)
        chat.say("Hi")
        chat.tap("lang:te")
        chat.tap(f"svc:{INCOME.id}")
        while (pending := next_pending(INCOME, chat.convo.state["flow"]["answers"])) is not None:
            if pending.step.id == "document_1":
                assert INCOME.documents_required[0].te in chat.last[-1].body  # type: ignore[union-attr]
                too_big = Media(id="big", mime_type="application/pdf", file_size=6 * 1024 * 1024)
                refused = chat.send_media("document", too_big)
                assert refused[0] == Text(t("te", "errors.upload_too_large", limit_mb=5))
                wrong = Media(id="w", mime_type="application/zip", filename="docs.zip")
                refused = chat.send_media("document", wrong)
                assert refused[0] == Text(
                    t("te", "errors.upload_wrong_type", accepted=t("te", "upload.photo_or_pdf"))
                )
            if pending.step.id.startswith("document_"):
                chat.send_media(
                    "document",
                    Media(
                        id=f"scan-{pending.step.id}",
                        mime_type="application/pdf",
                        filename=f"{pending.step.id}.pdf",
                        file_size=200_000,
                    ),
                )
                continue
            send_valid(chat, pending.step, "te")
        bill = order_reference(chat.tap("flow:submit"))
        assert bill is not None
        chat.pay(bill)
        [application] = session.scalars(select(Application).where(Application.citizen == citizen))
        steps = [d["step"] for d in application.documents]
        assert steps == ["document_1", "document_2", "document_3"]
        assert all(d["media_id"] == f"scan-{d['step']}" for d in application.documents)
        assert (
            application.answers["document_1"]["media_key"] == application.documents[0]["media_key"]
        )
