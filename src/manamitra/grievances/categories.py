"""Grievance categories and their names (data/categories.yaml): routing, SLA and dashboards key on them."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from manamitra.yamlio import load_yaml

CATEGORIES_FILE = Path(__file__).parent / "data" / "categories.yaml"


@cache
def categories() -> dict[str, dict[str, str]]:
    data = load_yaml(CATEGORIES_FILE.read_text(encoding="utf-8"))
    return {key: dict(value) for key, value in data["categories"].items()}


def category_label(category: str, lang: str) -> str:
    names = categories().get(category)
    if names is None:
        return category
    return names.get(lang) or names["en"]
