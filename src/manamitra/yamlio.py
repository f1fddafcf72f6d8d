"""YAML reading with libyaml's C parser (about 20× faster than PyYAML's pure-Python one)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Which loader parses: a cache of parsed YAML (catalog/parse_cache.py) is valid for one only.
LOADER_NAME = _Loader.__name__


def load_yaml(source: str | bytes) -> Any:
    """Parse YAML text safely (no arbitrary objects), like yaml.safe_load."""
    return yaml.load(source, Loader=_Loader)  # a safe loader, C or Python


def load_yaml_file(path: Path) -> Any:
    return load_yaml(path.read_text(encoding="utf-8"))
