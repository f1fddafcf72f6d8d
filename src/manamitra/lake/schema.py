"""The Arrow schema of each event type's table: the common columns, then its dimensions, typed
(codes as strings, counts and paise as int64, flags as bool, times as UTC microseconds), with
the schema version and the event type in every file's key-value metadata."""

from __future__ import annotations

import pyarrow as pa

from manamitra.events.types import DIMENSIONS, EVENT_TYPES, SCHEMA_VERSION, EventType

ARROW_OF_KIND = {"code": pa.string(), "int": pa.int64(), "bool": pa.bool_()}
COMMON_FIELDS = (
    pa.field("event_id", pa.int64(), nullable=False),
    pa.field("occurred_at", pa.timestamp("us", tz="UTC"), nullable=False),
    pa.field("citizen", pa.string()),
)
SCHEMA_VERSION_KEY = b"manamitra.schema_version"
EVENT_TYPE_KEY = b"manamitra.event_type"

# DuckDB's names for the same types (the empty view of a type that has no file yet).
DUCKDB_OF_KIND = {"code": "VARCHAR", "int": "BIGINT", "bool": "BOOLEAN"}


def arrow_schema(event_type: EventType) -> pa.Schema:
    fields = [*COMMON_FIELDS]
    fields += [pa.field(name, ARROW_OF_KIND[DIMENSIONS[name]]) for name in event_type.dimensions]
    return pa.schema(
        fields,
        metadata={
            SCHEMA_VERSION_KEY: str(SCHEMA_VERSION).encode(),
            EVENT_TYPE_KEY: event_type.name.encode(),
        },
    )


SCHEMAS = {name: arrow_schema(et) for name, et in EVENT_TYPES.items()}


def duckdb_columns(event_type: EventType) -> list[tuple[str, str]]:
    common = [("event_id", "BIGINT"), ("occurred_at", "TIMESTAMPTZ"), ("citizen", "VARCHAR")]
    dims = [(name, DUCKDB_OF_KIND[DIMENSIONS[name]]) for name in event_type.dimensions]
    return [*common, *dims, ("event_date", "DATE")]
