"""Everything a database holds as text, for tests that look for what must not be there."""

from __future__ import annotations

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.types import JSON, LargeBinary, String, Text


def every_value(engine: Engine) -> bytes:
    """Every text, JSON and binary value of every table, as bytes."""
    inspector = inspect(engine)
    chunks: list[bytes] = []
    with engine.connect() as conn:
        for table in inspector.get_table_names():
            for column in inspector.get_columns(table):
                kind = column["type"]
                if not isinstance(kind, String | Text | JSON | LargeBinary):
                    continue
                name = column["name"]
                value_of = (
                    f'"{name}"' if isinstance(kind, LargeBinary) else f'CAST("{name}" AS TEXT)'
                )
                for value in conn.execute(text(f'SELECT {value_of} FROM "{table}"')).scalars():
                    if value is not None:
                        chunks.append(value if isinstance(value, bytes) else value.encode())
    return b"\n".join(chunks)
