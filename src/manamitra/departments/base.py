"""What a department system must answer, per kind of service.

    RecordLookup.lookup(source, identifier, answers)     -> Record | None   (lookup kind)
    DocumentSource.document(source, identifier, answers) -> Record | None   (download kind)

`source` names a register ("ration_card", "ssc_result", "adangal"…); `identifier` is the key
the citizen gave (a card number, a hall ticket number, "village-id/survey-number"); `answers` are
the service's other answers, which a declared department's request may carry. None means
"no such record"; a system that does not answer raises DepartmentUnavailableError.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol


@dataclass(frozen=True)
class Record:
    """One record of a department register. Text facts are {"en", "te"} or plain values."""

    source: str
    identifier: str
    facts: dict[str, Any]
    rows: tuple[dict[str, Any], ...] = field(default=())

    def fact(self, key: str, lang: str) -> str:
        return render_value(self.facts.get(key), lang)


def render_value(value: Any, lang: str) -> str:
    if value is None:
        return "-"
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    if isinstance(value, dict) and ("en" in value or "te" in value):
        return str(value.get(lang) or value.get("en") or "")
    if isinstance(value, bool):
        return {"en": "Yes" if value else "No", "te": "అవును" if value else "కాదు"}[lang]
    return str(value)


class RecordLookup(Protocol):
    def lookup(
        self, source: str, identifier: str, answers: Mapping[str, Any] | None = None
    ) -> Record | None: ...


class DocumentSource(Protocol):
    def document(
        self, source: str, identifier: str, answers: Mapping[str, Any] | None = None
    ) -> Record | None: ...


class DepartmentSystems(RecordLookup, DocumentSource, Protocol):
    """Both roles; the embedded reference systems and the HTTP adapter implement them."""


def systems_for(services: dict[str, Any] | None) -> DepartmentSystems:
    """The runtime's department systems (`services["departments"]`), else the embedded ones."""
    if services and services.get("departments") is not None:
        found: DepartmentSystems = services["departments"]
        return found
    # reference.py builds on this module's Record: importing it at the top would be a cycle.
    from manamitra.departments.reference import embedded_systems

    return embedded_systems()


class RoutedSystems:
    """Some registers answered by their department's own API, the rest by a default system.

    RoutedSystems({"ration_card": HttpDepartmentSystems("https://pds.example/api")},
                  default=embedded_systems())
    """

    def __init__(self, routes: dict[str, DepartmentSystems], default: DepartmentSystems) -> None:
        self.routes = dict(routes)
        self.default = default

    def _for(self, source: str) -> DepartmentSystems:
        return self.routes.get(source, self.default)

    def lookup(
        self, source: str, identifier: str, answers: Mapping[str, Any] | None = None
    ) -> Record | None:
        return self._for(source).lookup(source, identifier, answers)

    def document(
        self, source: str, identifier: str, answers: Mapping[str, Any] | None = None
    ) -> Record | None:
        return self._for(source).document(source, identifier, answers)
