""" "My applications": every domain lists a citizen's items here (applications, grievances…)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session


@dataclass(frozen=True)
class StatusItem:
    """One thing the citizen applied for, booked, paid or complained about."""

    reference: str
    title: dict[str, str]
    status: dict[str, str]
    updated_at: datetime
    detail: dict[str, str] | None = None
    document_media_key: str | None = None
    document_filename: str | None = None


StatusSource = Callable[[Session, str], list[StatusItem]]
NumberLookup = Callable[[Session, str, str], StatusItem | None]

STATUS_SOURCES: dict[str, StatusSource] = {}
# Given (db, citizen, typed text) return the item if the text is one of its reference numbers.
NUMBER_LOOKUPS: dict[str, NumberLookup] = {}


def status_source(name: str) -> Callable[[StatusSource], StatusSource]:
    def register(fn: StatusSource) -> StatusSource:
        STATUS_SOURCES[name] = fn
        return fn

    return register


def number_lookup(name: str) -> Callable[[NumberLookup], NumberLookup]:
    def register(fn: NumberLookup) -> NumberLookup:
        NUMBER_LOOKUPS[name] = fn
        return fn

    return register


def items_for(db: Session, citizen: str) -> list[StatusItem]:
    items: list[StatusItem] = []
    for source in STATUS_SOURCES.values():
        items.extend(source(db, citizen))
    return sorted(items, key=lambda item: item.updated_at, reverse=True)


def find_by_number(db: Session, citizen: str, text: str) -> StatusItem | None:
    for lookup in NUMBER_LOOKUPS.values():
        found = lookup(db, citizen, text)
        if found is not None:
            return found
    return None
