"""Trust tables: the issued-document register, revocations, and the transparency log's
entries, complete subtree hashes, head (append lock and frontier) and signed checkpoints;
and `TrustRepository`, the queries `manamitra.trust` runs, so that package stays free of SQL."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    BigInteger,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    select,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from manamitra.errors import ConflictError
from manamitra.store.base import Base, UtcDateTime
from manamitra.store.models.pipeline import MediaBlob

BigId = BigInteger().with_variant(Integer(), "sqlite")


class IssuedDocument(Base):
    """One signed document; the QR text lets the online check run the offline verifier."""

    __tablename__ = "trust_document"

    number: Mapped[str] = mapped_column(String(64), primary_key=True)
    doc_type: Mapped[str] = mapped_column(String(32))
    kid: Mapped[str] = mapped_column(String(64))
    qr_text: Mapped[str] = mapped_column(Text)
    url_token: Mapped[str] = mapped_column(String(16))
    pdf_sha256: Mapped[str] = mapped_column(String(64))
    media_key: Mapped[str] = mapped_column(String(128))
    log_index: Mapped[int] = mapped_column(BigId)
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime)
    valid_until: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    revocation_reason: Mapped[str | None] = mapped_column(String(32), default=None)
    revocation_note: Mapped[str | None] = mapped_column(Text, default=None)
    revoked_by: Mapped[str | None] = mapped_column(String(128), default=None)

    __table_args__ = (Index("ix_trust_document_revoked", "revoked_at"),)


class LogHead(Base):
    """The one row appends lock; it carries the size and the frontier (≤ 64 subtree hashes)."""

    __tablename__ = "trust_log_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    size: Mapped[int] = mapped_column(BigId, default=0)
    frontier: Mapped[bytes] = mapped_column(LargeBinary, default=b"")
    updated_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)


class LogEntry(Base):
    __tablename__ = "trust_log_entry"

    index: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    leaf_hash: Mapped[bytes] = mapped_column(LargeBinary)
    kind: Mapped[str] = mapped_column(String(16))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (Index("ix_trust_log_entry_leaf_hash", "leaf_hash"),)


class LogNode(Base):
    """The hash of the complete subtree of 2**level leaves starting at leaf index·2**level."""

    __tablename__ = "trust_log_node"

    level: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    index: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    hash: Mapped[bytes] = mapped_column(LargeBinary)


class LogCheckpoint(Base):
    __tablename__ = "trust_log_checkpoint"

    size: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    root_hash: Mapped[bytes] = mapped_column(LargeBinary)
    note: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


# -- driver-level SQL for the issuance path ------------------------------------------------------
# Issuing writes six statements; through `session.execute` SQLAlchemy's per-statement machinery
# (compiled-cache lookup, parameter coercion, ORM execute) cost about as much as the statements.
# These are plain SQL strings built once per dialect and run with `exec_driver_sql`, which still
# goes through the engine (events, logging, DBAPI errors wrapped as sqlalchemy.exc errors).
# Values are bound with the columns' own bind processors, so the stored values are exactly
# those a Core insert stores (UtcDateTime: naive UTC text on SQLite, aware UTC on PostgreSQL).

_Processor = Callable[[Any], Any]


def _placeholder(dialect: Dialect) -> str:
    """The DBAPI's positional parameter marker: `?` for sqlite3 (qmark), `%s` for psycopg."""
    return "?" if dialect.paramstyle == "qmark" else "%s"


_INSERTS: dict[tuple[str, str, str, tuple[str, ...], int], tuple[str, list[_Processor | None]]] = {}


def _processors(dialect: Dialect, table: Table, columns: Iterable[str]) -> list[_Processor | None]:
    processors: list[_Processor | None] = [
        table.c[c].type.dialect_impl(dialect).bind_processor(dialect) for c in columns
    ]
    return processors


def _insert(
    dialect: Dialect, model: type[Base], columns: tuple[str, ...], rows: int = 1
) -> tuple[str, list[_Processor | None]]:
    """`INSERT INTO table (columns) VALUES (…)[, (…)…]` for `rows` rows, and each column's
    bind processor (None where the driver takes the value as it is); built once a dialect."""
    table = cast(Table, model.__table__)
    key = (dialect.name, dialect.driver, table.name, columns, rows)
    found = _INSERTS.get(key)
    if found is None:
        quote = dialect.identifier_preparer.quote
        mark = _placeholder(dialect)
        values = "(" + ", ".join([mark] * len(columns)) + ")"
        sql = (
            f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in columns)}) "
            f"VALUES {', '.join([values] * rows)}"
        )
        found = _INSERTS[key] = (sql, _processors(dialect, table, columns))
    return found


def _bind(processors: Sequence[_Processor | None], values: Iterable[Any]) -> list[Any]:
    return [v if p is None else p(v) for p, v in zip(processors, values, strict=True)]


class _HeadSql:
    """The log head's lock, first row and update for one dialect (FOR UPDATE only on
    PostgreSQL: SQLite has no row locks, and its transactions begin IMMEDIATE)."""

    def __init__(self, dialect: Dialect) -> None:
        mark = _placeholder(dialect)
        lock = "" if dialect.name == "sqlite" else " FOR UPDATE"
        self.lock = f"SELECT size, frontier FROM trust_log_head WHERE id = 1{lock}"
        self.create, processors = _insert(dialect, LogHead, ("id", "size", "frontier"))
        self.first_row = tuple(_bind(processors, (1, 0, b"")))
        self.update = (
            f"UPDATE trust_log_head SET size = {mark}, frontier = {mark}, updated_at = {mark} "
            "WHERE id = 1"
        )
        self.update_processors = _processors(
            dialect, cast(Table, LogHead.__table__), ("size", "frontier", "updated_at")
        )


_HEAD_SQL: dict[tuple[str, str], _HeadSql] = {}


def _head_sql(dialect: Dialect) -> _HeadSql:
    found = _HEAD_SQL.get((dialect.name, dialect.driver))
    if found is None:
        found = _HEAD_SQL[(dialect.name, dialect.driver)] = _HeadSql(dialect)
    return found


_ENTRY_COLUMNS = ("index", "leaf_hash", "kind", "data", "created_at")
_NODE_COLUMNS = ("level", "index", "hash")
_MEDIA_COLUMNS = ("key", "mime_type", "filename", "sha256", "size", "content", "created_at")


class TrustRepository:
    """The trust tables behind the small interface `manamitra.trust` needs (one session)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    # -- log head, entries, nodes ------------------------------------------------------------

    def lock_head(self) -> tuple[int, bytes]:
        """The log's size and frontier, its row locked until the transaction ends: appends
        are serialised here (FOR UPDATE on PostgreSQL; SQLite's BEGIN IMMEDIATE already holds
        the write lock). Driver SQL: this is on every issuance's path."""
        connection = self.session.connection()
        sql = _head_sql(connection.dialect)
        row = connection.exec_driver_sql(sql.lock).one_or_none()
        if row is None:
            connection.exec_driver_sql(sql.create, sql.first_row)
            return 0, b""
        return int(row[0]), bytes(row[1])

    def set_head(self, size: int, frontier: bytes, at: datetime) -> None:
        connection = self.session.connection()
        sql = _head_sql(connection.dialect)
        connection.exec_driver_sql(
            sql.update, tuple(_bind(sql.update_processors, (size, frontier, at)))
        )

    def head(self) -> tuple[int, bytes]:
        row = (
            self.session.connection()
            .exec_driver_sql("SELECT size, frontier FROM trust_log_head WHERE id = 1")
            .one_or_none()
        )
        return (int(row[0]), bytes(row[1])) if row else (0, b"")

    def add_entry(
        self,
        index: int,
        leaf_hash: bytes,
        kind: str,
        data: bytes,
        at: datetime,
        nodes: list[tuple[int, int, bytes]],
    ) -> None:
        # Driver SQL: one issuance writes an entry and a node or two (the nodes in one
        # multi-row insert), and the ORM's, then Core's, machinery cost more than the inserts
        connection = self.session.connection()
        dialect = connection.dialect
        sql, processors = _insert(dialect, LogEntry, _ENTRY_COLUMNS)
        connection.exec_driver_sql(
            sql, tuple(_bind(processors, (index, leaf_hash, kind, data, at)))
        )
        if nodes:
            sql, processors = _insert(dialect, LogNode, _NODE_COLUMNS, len(nodes))
            params: list[Any] = []
            for node in nodes:
                params.extend(_bind(processors, node))
            connection.exec_driver_sql(sql, tuple(params))

    def fetch_nodes(self, keys: Iterable[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
        wanted = list(keys)
        if not wanted:
            return {}
        by_level: dict[int, list[int]] = {}
        for level, index in wanted:
            by_level.setdefault(level, []).append(index)
        # Proofs are the hot read path: one driver-level query of (level = ? AND index IN (…))
        # terms, which both stores answer from the primary key (a row-value IN makes SQLite
        # scan), without building an ORM expression per proof.
        connection = self.session.connection()
        mark = _placeholder(connection.dialect)
        terms, params = [], []
        for level, indexes in by_level.items():
            terms.append(f'(level = {mark} AND "index" IN ({", ".join([mark] * len(indexes))}))')
            params.extend([level, *indexes])
        rows = connection.exec_driver_sql(
            f'SELECT level, "index", hash FROM trust_log_node WHERE {" OR ".join(terms)}',
            tuple(params),
        ).all()
        found = {(int(lv), int(ix)): bytes(h) for lv, ix, h in rows}
        missing = set(wanted) - found.keys()
        if missing:
            raise LookupError(f"log nodes missing: {sorted(missing)[:5]}")
        return found

    def entries(self, start: int, end: int) -> list[tuple[int, bytes, bytes]]:
        rows = self.session.execute(
            select(LogEntry.index, LogEntry.leaf_hash, LogEntry.data)
            .where(LogEntry.index >= start, LogEntry.index < end)
            .order_by(LogEntry.index)
        ).all()
        return [(int(i), bytes(h), bytes(d)) for i, h, d in rows]

    def find_leaf(self, leaf_hash: bytes, below: int) -> int | None:
        # by the leaf-hash index alone: with `index < below` in the query SQLite preferred
        # walking the primary key, which is a scan at a million entries
        connection = self.session.connection()
        rows = connection.exec_driver_sql(
            'SELECT "index" FROM trust_log_entry WHERE leaf_hash = '
            + _placeholder(connection.dialect),
            (leaf_hash,),
        ).all()
        found = [int(r[0]) for r in rows if int(r[0]) < below]
        return min(found) if found else None

    # -- checkpoints ---------------------------------------------------------------------------

    def latest_checkpoint(self) -> LogCheckpoint | None:
        return self.session.execute(
            select(LogCheckpoint).order_by(LogCheckpoint.size.desc()).limit(1)
        ).scalar_one_or_none()

    def checkpoints(self) -> list[LogCheckpoint]:
        return list(
            self.session.execute(select(LogCheckpoint).order_by(LogCheckpoint.size)).scalars()
        )

    def add_checkpoint(self, size: int, root: bytes, note: str, at: datetime) -> LogCheckpoint:
        row = LogCheckpoint(size=size, root_hash=root, note=note, created_at=at)
        self.session.add(row)
        self.session.flush()
        return row

    # -- documents -----------------------------------------------------------------------------

    def add_document(self, **values: object) -> None:
        """Insert the document's row now, with driver SQL (the ORM's unit of work, then Core's
        machinery, cost more than the insert); columns not given are left NULL, as a Core
        insert leaves them. A number already issued raises ConflictError, found by the
        table's key rather than by a query first (exec_driver_sql wraps either driver's error
        as sqlalchemy's IntegrityError); the transaction must then be rolled back."""
        connection = self.session.connection()
        sql, processors = _insert(connection.dialect, IssuedDocument, tuple(values))
        try:
            connection.exec_driver_sql(sql, tuple(_bind(processors, values.values())))
        except IntegrityError as exc:
            raise ConflictError(f"document {values.get('number')} was already issued") from exc

    def is_issued(self, number: str) -> bool:
        found = self.session.execute(
            select(IssuedDocument.number).where(IssuedDocument.number == number)
        ).first()
        return found is not None

    def document(self, number: str, *, lock: bool = False) -> IssuedDocument | None:
        query = select(IssuedDocument).where(IssuedDocument.number == number)
        if lock:
            query = query.with_for_update()
        return self.session.execute(query).scalar_one_or_none()

    def revoked(self) -> list[IssuedDocument]:
        return list(
            self.session.execute(
                select(IssuedDocument)
                .where(IssuedDocument.revoked_at.is_not(None))
                .order_by(IssuedDocument.revoked_at)
            ).scalars()
        )

    def add_media(
        self, *, key: str, mime_type: str, filename: str, content: bytes, sha256: str, at: datetime
    ) -> None:
        connection = self.session.connection()
        sql, processors = _insert(connection.dialect, MediaBlob, _MEDIA_COLUMNS)
        connection.exec_driver_sql(
            sql,
            tuple(_bind(processors, (key, mime_type, filename, sha256, len(content), content, at))),
        )

    def media(self, key: str) -> MediaBlob | None:
        return self.session.get(MediaBlob, key)
