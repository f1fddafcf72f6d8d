"""Where the lake keeps things, and the one way a file appears in it (written beside, synced,
renamed), so a reader never sees half a file.

    $MM_LAKE_DIR/                              (default $MM_DATA_DIR/lake)
      events/event_type=<type>/event_date=<YYYY-MM-DD>/part-<first id>-<last id>.parquet
      open/                                    (the last `lake publish` for the public page)
      _state/watermark.json, _state/pending.json, _state/lock
"""

from __future__ import annotations

import ctypes
import fcntl
import json
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

PART = re.compile(r"part-(\d{12})-(\d{12})\.parquet")


@dataclass(frozen=True)
class Lake:
    root: Path

    @property
    def events(self) -> Path:
        return self.root / "events"

    @property
    def state(self) -> Path:
        return self.root / "_state"

    @property
    def open_data(self) -> Path:
        return self.root / "open"

    def type_dir(self, event_type: str) -> Path:
        return self.events / f"event_type={event_type}"

    def partition(self, event_type: str, day: date) -> Path:
        return self.type_dir(event_type) / f"event_date={day.isoformat()}"

    def glob(self, event_type: str) -> str:
        return str(self.type_dir(event_type) / "event_date=*" / "*.parquet")

    def has_files(self, event_type: str) -> bool:
        return any(self.type_dir(event_type).glob("event_date=*/*.parquet"))

    def partitions(self) -> Iterator[Path]:
        if self.events.exists():
            yield from sorted(self.events.glob("event_type=*/event_date=*"))

    def read_state(self, name: str) -> dict[str, Any] | None:
        path = self.state / name
        return json.loads(path.read_text()) if path.exists() else None

    def write_state(self, name: str, value: dict[str, Any]) -> None:
        self.state.mkdir(parents=True, exist_ok=True)
        publish_bytes(self.state / name, json.dumps(value).encode())

    def drop_state(self, name: str) -> None:
        (self.state / name).unlink(missing_ok=True)

    @contextmanager
    def locked(self) -> Iterator[None]:
        """One writer at a time (the platform's job and a `lake` command on the same files)."""
        self.state.mkdir(parents=True, exist_ok=True)
        with open(self.state / "lock", "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def part_name(first: int, last: int) -> str:
    return f"part-{first:012d}-{last:012d}.parquet"


def part_range(path: Path) -> tuple[int, int] | None:
    match = PART.fullmatch(path.name)
    return (int(match.group(1)), int(match.group(2))) if match else None


def hidden_temp(path: Path) -> Path:
    # a leading dot: DuckDB's, Spark's and Trino's globs all skip it
    return path.with_name(f".{path.name}.tmp")


def publish_file(temp: Path, path: Path) -> None:
    """Make a fully written temp file visible under its name, durably."""
    with open(temp, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(temp, path)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


_libc = ctypes.CDLL(None, use_errno=True) if sys.platform == "linux" else None


def sync_filesystem(directory: Path) -> None:
    """Flush everything written under `directory`'s filesystem: one syncfs(2) for a batch's
    hundreds of files instead of an fsync each (elsewhere than Linux, a global sync)."""
    syncfs = getattr(_libc, "syncfs", None)
    if syncfs is None:
        os.sync()
        return
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        if syncfs(descriptor) != 0:
            raise OSError(ctypes.get_errno(), "syncfs failed", str(directory))
    finally:
        os.close(descriptor)


def publish_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = hidden_temp(path)
    temp.write_bytes(data)
    publish_file(temp, path)
