"""Grievance categories and their names (data/categories.yaml): routing, SLA and dashboards key on them."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from manamitra.yamlio import load_yaml

CATEGORIES_FILE = Path(__file__).parent / "data" / "categories.yaml"


@cache
def _data() -> dict[str, Any]:
    return dict(load_yaml(CATEGORIES_FILE.read_text(encoding="utf-8")))


def categories() -> dict[str, dict[str, str]]:
    return {key: dict(value) for key, value in _data()["categories"].items()}


def local_body_categories() -> frozenset[str]:
    """Categories the place's municipality or gram panchayat owns."""
    return frozenset(_data().get("local_body", []))


def category_label(category: str, lang: str) -> str:
    names = categories().get(category)
    if names is None:
        return category
    return names.get(lang) or names["en"]
