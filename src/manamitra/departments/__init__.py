"""Department systems behind the lookup and download kinds: Protocols, embedded reference
systems seeded with realistic records, and an adapter for a department's HTTP API."""

from manamitra.departments.base import (
    DepartmentSystems,
    DocumentSource,
    Record,
    RecordLookup,
    RoutedSystems,
)

__all__ = [
    "DepartmentSystems",
    "DocumentSource",
    "Record",
    "RecordLookup",
    "RoutedSystems",
]
