"""Issue 19: citizens type names, phone numbers, an Aadhaar number and free text in Telugu and
English; the lake exported afterwards (every Parquet file read back, every value and every raw
byte) and the open data published from it hold none of it, while the events themselves are
there: an application submitted, a grievance opened, a form's steps reached and one abandoned,
messages in and out."""

from __future__ import annotations

import base64
from pathlib import Path

import pyarrow.parquet as pq

from manamitra.lake.export import export
from manamitra.lake.layout import Lake
from manamitra.lake.publish import publish
from manamitra.store import Database
from tests.support.live import live_server
from tests.support.phone import Phone, body_text, choice_ids

ENGLISH = "919700000601"
TELUGU = "919700000602"
AADHAAR = "5612 8037 0957"
NAME = "Ravi Kumar Pasupuleti"
TELUGU_NAME = "లక్ష్మి దేవి"
MOBILE = "9876501234"
COMPLAINT = "No drinking water in our street near the Ramalayam"
TELUGU_COMPLAINT = "మా వీధిలో మూడు రోజులుగా నీళ్లు రావడం లేదు"
TYPED = [
    ENGLISH,
    ENGLISH[2:],
    TELUGU,
    TELUGU[2:],
    AADHAAR,
    AADHAAR.replace(" ", ""),
    "Ravi",
    "Pasupuleti",
    TELUGU_NAME,
    "Lakshmi",
    MOBILE,
    COMPLAINT,
    "Ramalayam",
    TELUGU_COMPLAINT,
    "నీళ్లు",
]


# a 1×1 PNG, for the document the form asks for
PIXEL = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
    )
).decode()


def _said(replies: list[dict[str, object]]) -> str:
    return "\n".join(body_text(b) for b in replies)  # type: ignore[arg-type]


def _answer_until_review(phone: Phone, replies: list[dict[str, object]]) -> list[dict[str, object]]:
    """The seed subsidy's remaining questions, answered as they come, then the review."""
    for _ in range(12):
        ids = [i for body in replies for i in choice_ids(body)]  # type: ignore[arg-type]
        text = _said(replies)
        if "flow:submit" in ids:
            return phone.tap("flow:submit", replies)  # type: ignore[arg-type]
        if "opt:paddy" in ids:
            replies = phone.tap("opt:paddy", replies)  # type: ignore[arg-type]
        elif "photo or PDF" in text:
            replies = phone.send(image={"data_base64": PIXEL, "mime_type": "image/png"})
        elif "cents" in text:
            replies = phone.say("250")
        elif "district" in text.lower():
            replies = phone.say("Guntur")
        elif "mandal" in text.lower():
            replies = phone.say("Tenali")
        elif "village" in text.lower() or "ward" in text.lower():
            replies = phone.say("Chinnapuram")
        elif ids:
            replies = phone.tap(ids[0], replies)  # type: ignore[arg-type]
        else:
            raise AssertionError(f"unexpected question: {text}")
    raise AssertionError("the form did not reach its review")


def _journeys(phone_en: Phone, phone_te: Phone) -> None:
    phone_en.say("Hi")
    phone_en.tap("lang:en")
    found = phone_en.say("seed subsidy")
    phone_en.tap("svc:agriculture.seed_subsidy", found)
    phone_en.say(NAME)
    phone_en.say(AADHAAR)
    done = _answer_until_review(phone_en, phone_en.say(MOBILE))
    assert "AGR-" in _said(done) or "number" in _said(done).lower(), _said(done)
    phone_en.say(f"my neighbour {NAME} at {MOBILE} says hello")

    phone_te.say("Hi")
    phone_te.tap("lang:te")
    phone_te.send(text="water supply")
    phone_te.tap("svc:grievances.water_supply")
    phone_te.say(TELUGU_COMPLAINT + " " + COMPLAINT)
    phone_te.tap("opt:no")
    phone_te.tap("opt:pick")
    phone_te.say("Guntur")
    phone_te.say("Tenali")
    replies = phone_te.say("Chinnapuram")
    if any("flow:submit" in choice_ids(b) for b in replies):  # type: ignore[arg-type]
        replies = phone_te.tap("flow:submit", replies)  # type: ignore[arg-type]
    assert "GRV-" in _said(replies), _said(replies)
    # a second form, left at its second question: the funnel's step.abandoned
    found = phone_te.say("seed subsidy")
    phone_te.tap("svc:agriculture.seed_subsidy", found)
    phone_te.say(TELUGU_NAME)
    asked = phone_te.say("menu")
    phone_te.tap("leave:yes", asked)


def _everything_in(lake: Lake, published: Path) -> tuple[str, bytes]:
    values: list[str] = []
    raw = b""
    for path in sorted([*lake.root.rglob("*"), *published.rglob("*")]):
        if not path.is_file():
            continue
        raw += path.read_bytes()
        if path.suffix == ".parquet":
            table = pq.read_table(path)
            values.append(str(table.schema.metadata))
            for column in table.columns:
                values.extend(str(v) for v in column.to_pylist())
    return "\n".join(values), raw


def test_nothing_a_citizen_typed_reaches_the_lake_or_the_open_data(tmp_path: Path) -> None:
    with live_server(tmp_path) as server, server.client(timeout=30) as client:
        _journeys(Phone(client, ENGLISH, "Ravi Kumar"), Phone(client, TELUGU, "Lakshmi"))
        database = Database(server.settings.database_url)
        try:
            lake = Lake(server.settings.resolved_lake_dir)
            result = export(database, lake)
        finally:
            database.dispose()
    assert lake.root == tmp_path / "var" / "lake"
    published = tmp_path / "open"
    publish(lake, published)
    kinds = {name for name, _ in result.partitions}
    for expected in (
        "application.submitted",
        "grievance.opened",
        "step.reached",
        "step.abandoned",
        "message.in",
        "message.out",
    ):
        assert expected in kinds, sorted(kinds)
    text, raw = _everything_in(lake, published)
    assert "agriculture.seed_subsidy" in text  # the reading works: codes are there
    for typed in TYPED:
        assert typed not in text, f"{typed!r} in the lake's values"
        assert typed.encode() not in raw, f"{typed!r} in the lake's bytes"
