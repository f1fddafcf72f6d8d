"""The parsed YAML of every spec file, kept between start-ups, so a start-up skips PyYAML.

Building Python objects from the catalogue's YAML was most of a start-up's catalogue load.
The cache keeps what PyYAML made of each file (plain dicts, lists, strings, numbers), keyed
by the file's path and a digest of its bytes; a changed file is parsed again, a removed one
is dropped when the cache is saved. Only the parsing is cached: families, shared steps,
pydantic validation and every field and kind check run on every load, so a change to the code
that checks specs never meets a stale verdict.

The file is `marshal` data (plain values only; nothing in it can run code when read), written
by us only, next to the other data in MM_DATA_DIR. It is read only if its header matches this
package's version, PyYAML's, the loader used and this Python's marshal format; anything else
(another version, a truncated or foreign file) is ignored and the files are parsed as if there
were no cache. A cache that cannot be written costs only the next start-up's time.
"""

from __future__ import annotations

import hashlib
import logging
import marshal
import os
import sys
import tempfile
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml

from manamitra.settings import Settings
from manamitra.yamlio import LOADER_NAME

log = logging.getLogger(__name__)

FORMAT = 1
CACHE_FILE = "catalog-parsed.marshal"


def parse_cache_for(settings: Settings) -> ParseCache | None:
    """The cache under MM_CACHE_DIR (default MM_DATA_DIR/cache), unless MM_CATALOG_CACHE=0
    turns it off."""
    if not settings.catalog_cache:
        return None
    return ParseCache((settings.cache_dir or settings.data_dir / "cache") / CACHE_FILE)


def _package_version() -> str:
    try:
        return metadata.version("manamitra")
    except metadata.PackageNotFoundError:  # running from a source tree not installed
        return "source"


def cache_header() -> tuple[Any, ...]:
    """What must match for the cached objects to be the ones a fresh parse would build."""
    return (
        "manamitra-catalog-parse",
        FORMAT,
        _package_version(),
        yaml.__version__,
        LOADER_NAME,
        marshal.version,
        sys.version_info[:2],
    )


def digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=20).digest()


class ParseCache:
    """Parsed YAML by file, read once from `path` and written back by `save()` if it changed.

    Each file's objects are kept as their own marshal bytes, taken when they were parsed, so
    what a load later does with the objects it was handed never reaches the cache."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._old = self._read()
        self._new: dict[str, tuple[bytes, bytes]] = {}
        self.hits = 0
        self.misses = 0

    def parsed(self, key: str, data: bytes, parse: Callable[[bytes], Any]) -> Any:
        """What `parse(data)` returns, from the cache when `key` was cached with these bytes."""
        mark = digest(data)
        cached = self._old.get(key)
        if cached is not None and cached[0] == mark:
            try:
                value = marshal.loads(cached[1])
            except (ValueError, EOFError, TypeError):
                log.info("catalogue parse cache: entry %s unreadable; parsing it", key)
            else:
                self.hits += 1
                self._new[key] = cached
                return value
        self.misses += 1
        value = parse(data)
        try:
            self._new[key] = (mark, marshal.dumps(value))
        except ValueError:  # a value marshal cannot hold (a YAML date, say): parsed every time
            log.info("catalogue parse cache: %s holds a non-plain value; not cached", key)
        return value

    def save(self) -> None:
        """Write the entries of this load, if any was parsed afresh or any old one is gone."""
        if self._new == self._old:
            return
        payload = marshal.dumps((cache_header(), self._new))
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=".catalog-", dir=self.path.parent)
            try:
                with os.fdopen(handle, "wb") as out:
                    out.write(payload)
                # Another process starting at the same time may write too: whole files only.
                os.replace(temporary, self.path)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except OSError as exc:
            log.warning("catalogue parse cache not written to %s: %s", self.path, exc)

    def _read(self) -> dict[str, tuple[bytes, bytes]]:
        try:
            data = self.path.read_bytes()
        except OSError:
            return {}
        try:
            header, entries = marshal.loads(data)
        except (ValueError, EOFError, TypeError):
            log.info("catalogue parse cache %s unreadable; parsing the specs", self.path)
            return {}
        if header != cache_header() or not isinstance(entries, dict):
            return {}
        return {
            key: entry
            for key, entry in entries.items()
            if isinstance(key, str)
            and isinstance(entry, tuple)
            and len(entry) == 2
            and all(isinstance(part, bytes) for part in entry)
        }
