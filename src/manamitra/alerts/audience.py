"""Audiences: who a campaign goes to, resolved inside the database in batches.

    all                        every citizen subscribed to the campaign's topic
    district:NAME              citizens with an application or a department account there
    mandals:M1,M2              the same, for listed mandals (a flood warning)
    service:SERVICE_ID[:STATE] citizens with an application of that service (in that state)
    feeder:DEPARTMENT:FEEDER   holders of that department's accounts on a feeder (an outage)
    citizen:PHONE              one citizen (a payment credited)
    csv:FILE                   rows with `phone`, `consumer_number` or `application_number`

Each batch is one INSERT … SELECT keyed by citizen (`ON CONFLICT DO NOTHING` on the unique
(campaign, citizen)), so nothing but the batch boundary passes through Python and a citizen is
a recipient once however many rows match them. Citizens who left the topic are written as
`opted_out`, so the console can count them. CSV rows are streamed in batches the same way.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, and_, case, func, literal, select, union
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.sql import Select

from manamitra.alerts.subscriptions import SUBSCRIPTIONS, opted_out
from manamitra.alerts.topics import ALL
from manamitra.errors import SpecError
from manamitra.store import Database
from manamitra.store.models import AlertRecipient, Application, ConsumerLink

RECIPIENTS = cast(Table, AlertRecipient.__table__)
APPLICATIONS = cast(Table, Application.__table__)
LINKS = cast(Table, ConsumerLink.__table__)
BATCH = 100_000
CSV_BATCH = 5_000
KINDS = ("all", "district", "mandals", "service", "feeder", "citizen", "csv")


@dataclass(frozen=True)
class Audience:
    kind: str
    args: tuple[str, ...] = ()

    @property
    def spec(self) -> str:
        return ":".join((self.kind, *self.args))


def parse_audience(spec: str) -> Audience:
    kind, _, rest = spec.strip().partition(":")
    kind = kind.lower()
    if kind not in KINDS:
        raise SpecError(f"unknown audience {spec!r}; one of {', '.join(KINDS)}")
    if kind == "all":
        return Audience("all")
    if not rest.strip():
        raise SpecError(f"audience {kind} needs a value: {kind}:…")
    if kind == "csv":
        return Audience("csv", (rest,))
    parts = tuple(p.strip() for p in rest.split(":"))
    if kind == "service" and len(parts) > 2:
        raise SpecError("audience service takes service:SERVICE_ID[:STATE]")
    if kind == "feeder" and len(parts) != 2:
        raise SpecError("audience feeder takes feeder:DEPARTMENT:FEEDER")
    return Audience(kind, parts)


def _source(audience: Audience, topic: str) -> Select[Any]:
    """A SELECT of one column, `citizen`, possibly with repeats."""
    a, links = APPLICATIONS, LINKS
    kind, args = audience.kind, audience.args
    if kind == "all":
        s = SUBSCRIPTIONS
        return select(s.c.citizen.label("citizen")).where(
            s.c.topic.in_((topic, ALL)), s.c.subscribed.is_(True), ~opted_out(s.c.citizen, topic)
        )
    if kind == "district":
        name = args[0].lower()
        return cast(
            Select[Any],
            union(
                select(a.c.citizen).where(a.c.district == name),
                select(links.c.citizen).where(links.c.district == name),
            ),
        )
    if kind == "mandals":
        names = [m.strip().lower() for m in args[0].split(",") if m.strip()]
        return cast(
            Select[Any],
            union(
                select(a.c.citizen).where(a.c.mandal.in_(names)),
                select(links.c.citizen).where(links.c.mandal.in_(names)),
            ),
        )
    if kind == "service":
        query = select(a.c.citizen).where(a.c.service_id == args[0])
        return query.where(a.c.status == args[1]) if len(args) > 1 else query
    if kind == "feeder":
        return select(links.c.citizen).where(
            links.c.department == args[0].lower(), links.c.feeder == args[1]
        )
    if kind == "citizen":
        return select(literal(args[0]).label("citizen"))
    raise SpecError("a CSV audience is read by resolve_csv")


def _insert(conn: Connection, rows: Select[Any]) -> int:
    """How many rows were written (conflicts, already written, are not counted)."""
    columns = ["campaign_id", "citizen", "status", "canary", "attempts", "uncertain_sends"]
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(RECIPIENTS).from_select(columns, rows).on_conflict_do_nothing()
    # without preserve_rowcount an INSERT … SELECT reports -1
    result = conn.execute(statement, execution_options={"preserve_rowcount": True})
    return max(result.rowcount, 0)


def _canary(ordinal: Any, written: int, canary_every: int) -> Any:
    """Every `canary_every`-th recipient in citizen order, counted over the whole campaign
    (`written` before this batch), so the canary spreads over the audience."""
    if canary_every <= 0:
        return literal(False)
    return (ordinal + written) % canary_every == 0


def _all_rows(
    campaign_id: int, topic: str, window: Any, written: int, canary_every: int
) -> Select[Any]:
    """`all`: one pass over the subscriptions in the window, grouped by citizen: subscribed
    when the citizen has a row for the topic or "*" and every such row says yes. (Whoever
    left the topic is no recipient, so every row is `queued`.)"""
    s = SUBSCRIPTIONS
    ordinal = func.row_number().over(order_by=s.c.citizen)
    return (
        select(
            literal(campaign_id),
            s.c.citizen,
            literal("queued"),
            _canary(ordinal, written, canary_every),
            literal(0),
            literal(0),
        )
        .where(s.c.topic.in_((topic, ALL)), window(s.c.citizen))
        .group_by(s.c.citizen)
        .having(func.min(case((s.c.subscribed, 1), else_=0)) == 1)
    )


def _rows(
    campaign_id: int, citizens: Any, topic: str, written: int, canary_every: int
) -> Select[Any]:
    left = opted_out(citizens.c.citizen, topic)
    ordinal = func.row_number().over(order_by=citizens.c.citizen)
    return select(
        literal(campaign_id),
        citizens.c.citizen,
        case((left, "opted_out"), else_="queued"),
        and_(~left, _canary(ordinal, written, canary_every)),
        literal(0),
        literal(0),
    ).where(citizens.c.citizen.is_not(None))


def _keys(audience: Audience, citizens: Any) -> Any:
    """What batch boundaries are counted over: for `all`, the subscriptions' primary key
    (an index walk of BATCH entries from the last boundary, so 10 million take linear time);
    otherwise the audience itself."""
    if audience.kind == "all":
        return SUBSCRIPTIONS.c.citizen
    return citizens.c.citizen


def written_so_far(conn: Connection, campaign_id: int) -> tuple[str, int]:
    """The last citizen written and how many recipients there are: where an interrupted
    resolution goes on (batches commit in citizen order, each range whole)."""
    r = RECIPIENTS
    last, count = conn.execute(
        select(func.max(r.c.citizen), func.count()).where(r.c.campaign_id == campaign_id)
    ).one()
    return last or "", int(count)


def resolve(
    database: Database, campaign_id: int, audience: Audience, topic: str, canary_every: int = 0
) -> int:
    """Write the campaign's recipients in batches of up to BATCH citizens, one INSERT …
    SELECT and one commit per batch, going on after any recipients already written; every
    `canary_every`-th is marked canary. Returns how many recipients the campaign has."""
    citizens = _source(audience, topic).subquery("audience")
    keys = _keys(audience, citizens)
    with database.unit_of_work() as session:
        last, written = written_so_far(session.connection(), campaign_id)
    while True:
        with database.unit_of_work() as session:
            conn = session.connection()
            boundary = conn.execute(
                select(keys).where(keys > last).order_by(keys).offset(BATCH - 1).limit(1)
            ).scalar()

            def window(column: Any, last: str = last, boundary: str | None = boundary) -> Any:
                inside = column > last
                return inside if boundary is None else and_(inside, column <= boundary)

            if audience.kind == "all":
                rows = _all_rows(campaign_id, topic, window, written, canary_every)
            else:
                batch = select(citizens.c.citizen).where(window(citizens.c.citizen))
                rows = _rows(
                    campaign_id, batch.distinct().subquery("batch"), topic, written, canary_every
                )
            written += _insert(conn, rows)
        if boundary is None:
            return written
        last = boundary


@dataclass(frozen=True)
class CsvRow:
    key: str  # phone | consumer_number | application_number
    value: str
    department: str | None
    params: dict[str, str]


def read_csv(path: Path, parameters: list[str]) -> Iterator[CsvRow]:
    """Stream the file's rows; columns named like the template's parameters fill them."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        header = [h.strip() for h in reader.fieldnames or []]
        key = next(
            (k for k in ("phone", "consumer_number", "application_number") if k in header), None
        )
        if key is None:
            raise SpecError(
                f"{path.name}: needs a phone, consumer_number or application_number column"
            )
        for number, row in enumerate(reader, start=2):
            clean = {(k or "").strip(): (v or "").strip() for k, v in row.items()}
            value = clean.get(key, "")
            if not value:
                raise SpecError(f"{path.name}, line {number}: {key} is empty")
            params = {p: clean[p] for p in parameters if clean.get(p)}
            yield CsvRow(key, value, clean.get("department") or None, params)


def resolve_csv(
    database: Database, campaign_id: int, rows: Iterator[CsvRow], topic: str
) -> tuple[int, int]:
    """Write recipients from CSV rows in batches; (written, rows that matched no citizen)."""
    written = unmatched = 0
    batch: list[CsvRow] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= CSV_BATCH:
            done, missing = _csv_batch(database, campaign_id, batch, topic)
            written, unmatched, batch = written + done, unmatched + missing, []
    if batch:
        done, missing = _csv_batch(database, campaign_id, batch, topic)
        written, unmatched = written + done, unmatched + missing
    return written, unmatched


def _phone(value: str) -> str:
    digits = "".join(ch for ch in value if ch.isdigit())
    return "91" + digits if len(digits) == 10 else digits


def _csv_batch(
    database: Database, campaign_id: int, batch: list[CsvRow], topic: str
) -> tuple[int, int]:
    with database.unit_of_work() as session:
        conn = session.connection()
        found: dict[str, dict[str, str]] = {}
        resolved: set[str] = set()
        phones = [r for r in batch if r.key == "phone"]
        for r in phones:
            found.setdefault(_phone(r.value), r.params)
        consumers = {r.value: r for r in batch if r.key == "consumer_number"}
        if consumers:
            query = select(LINKS.c.consumer_number, LINKS.c.citizen, LINKS.c.department).where(
                LINKS.c.consumer_number.in_(list(consumers))
            )
            for number, citizen, department in conn.execute(query):
                wanted = consumers[number].department
                if wanted is None or wanted.lower() == department:
                    found.setdefault(citizen, consumers[number].params)
                    resolved.add(number)
        applications = {r.value: r for r in batch if r.key == "application_number"}
        if applications:
            query = select(APPLICATIONS.c.number, APPLICATIONS.c.citizen).where(
                APPLICATIONS.c.number.in_(list(applications))
            )
            for number, citizen in conn.execute(query):
                found.setdefault(citizen, applications[number].params)
                resolved.add(number)
        unmatched = len(consumers) + len(applications) - len(resolved)
        if not found:
            return 0, unmatched
        out = set(
            conn.execute(
                select(SUBSCRIPTIONS.c.citizen).where(
                    SUBSCRIPTIONS.c.citizen.in_(list(found)),
                    SUBSCRIPTIONS.c.topic.in_((topic, ALL)),
                    SUBSCRIPTIONS.c.subscribed.is_(False),
                )
            ).scalars()
        )
        values = [
            {
                "campaign_id": campaign_id,
                "citizen": citizen,
                "status": "opted_out" if citizen in out else "queued",
                "canary": False,
                "attempts": 0,
                "uncertain_sends": 0,
                "params": params or None,
            }
            for citizen, params in found.items()
        ]
        dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
        statement = dialect.insert(RECIPIENTS).on_conflict_do_nothing()
        conn.execute(statement, values)
    return len(values), unmatched
