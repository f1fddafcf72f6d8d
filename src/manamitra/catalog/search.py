"""Finding a service from a few typed words in Telugu, English or romanised Telugu."""

from __future__ import annotations

from manamitra.catalog.loader import Catalog
from manamitra.catalog.schema import ServiceSpec
from manamitra.conversation.i18n import normalise


def _terms(spec: ServiceSpec) -> list[str]:
    k = spec.keywords
    return [spec.name.en, spec.name.te, *k.en, *k.te, *k.roman]


def search_services(catalog: Catalog, query: str, limit: int = 10) -> list[ServiceSpec]:
    """Services ranked by how many of the query's words their names and keywords contain."""
    words = [w for w in normalise(query).split() if len(w) > 1]
    if not words:
        return []
    scored: list[tuple[float, str, ServiceSpec]] = []
    for spec in catalog.services.values():
        haystack = [normalise(term) for term in _terms(spec)]
        joined = " ".join(haystack)
        score = 0.0
        for word in words:
            if any(term == word for term in haystack):
                score += 3
            elif any(w == word for term in haystack for w in term.split()):
                score += 2
            elif word in joined:
                score += 1
        if normalise(query) in haystack:
            score += 5
        if score > 0:
            scored.append((score, spec.id, spec))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [spec for _, _, spec in scored[:limit]]
