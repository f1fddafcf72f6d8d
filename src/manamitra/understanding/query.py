"""The words of a message that name a service: what is left once the words for places, dates,
numbers, politeness and the question itself are set aside, with Telugu case endings taken off
("స్థలానికి" → స్థలం, "తిరుపతికి" → తిరుపతి) so the catalogue's own words match."""

from __future__ import annotations

from manamitra.catalog.loader import Catalog
from manamitra.catalog.places import gazetteer
from manamitra.understanding import lexicon
from manamitra.understanding.dates import DATE_WORDS
from manamitra.understanding.slots import JOURNEY_PROVIDERS, step_options
from manamitra.understanding.text import Message, skeleton

# Verbs and fillers of a request that never name a service.
FILLER = lexicon.words(
    "cheyali",
    "ceyali",
    "cheyyali",
    "చేయాలి",
    "cheyinchali",
    "చేయించాలి",
    "undi",
    "ఉంది",
    "enti",
    "emiti",
    "ఏమిటి",
    "idi",
    "ఇది",
    "what",
    "is",
    "are",
    "was",
    "kattali",
    "కట్టాలి",
    "cheyandi",
    "kavalante",
    "kosam",
    "vundi",
    "chesaka",
    "chestaru",
    "చేస్తారు",
    "evaru",
    "ఎవరు",
    "ekkada",
    "ఎక్కడ",
    "where",
    "when",
    "eppudu",
    "ఎప్పుడు",
    "our",
    "ma",
    "maa",
    "మా",
    "emi",
    "ఏమి",
    "ఏ",
    "e",
    "which",
    "who",
    "does",
    "did",
    "i",
    "we",
    "am",
    "from",
    "nundi",
    "nunchi",
    "నుంచి",
    "నుండి",
    "ki",
    "కి",
    "ku",
    "కు",
    "varaku",
)
_ENDINGS = (("aniki", "am"), ("anni", "am"), ("ulo", "u"), ("lo", ""), ("ki", ""), ("ku", ""))


def stem(token: str) -> str:
    """A Telugu case ending taken off a longer word; short words are left as they are."""
    for ending, replacement in _ENDINGS:
        if token.endswith(ending) and len(token) - len(ending) >= 4:
            return token[: -len(ending)] + replacement
    return token


def _entity_words(catalog: Catalog) -> frozenset[str]:
    """Names of districts and of the places the catalogue's journeys run between."""
    cached = catalog.__dict__.get("_understanding_places")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    names: set[str] = set()
    for district in gazetteer().districts:
        names.update(skeleton(district.en))
        names.update(skeleton(district.te))
    for spec in catalog.services.values():
        for step in spec.steps:
            if step.options_from in JOURNEY_PROVIDERS:
                for option in step_options(step, {}, "en") or ():
                    for label in option.label.values():
                        names.update(t for t in skeleton(label) if len(t) >= 3)
    names.update(alias for alias, target in lexicon.ALIASES.items() if target in names)
    found = frozenset(names)
    catalog.__dict__["_understanding_places"] = found
    return found


def service_words(message: Message, drop: set[int], catalog: Catalog) -> str:
    """The query for the catalogue search; the whole message when nothing else is left."""
    # a reference number, a date or an amount ("AP39AB1234", "13th", "60000"), not "1B"
    numbered = {
        t
        for word in message.raw.split()
        if sum(c.isdigit() for c in word) >= 2
        for t in skeleton(word)
    }
    # the digit of a short code written with letters ("1B", "ఫారం 1B") names a form
    coded = {
        t
        for word in message.raw.split()
        if sum(c.isdigit() for c in word) == 1 and any(c.isalpha() for c in word)
        for t in skeleton(word)
        if t.isdigit()
    }
    entities = _entity_words(catalog)
    kept = []
    for index, token in enumerate(message.tokens):
        if index in drop or token in FILLER or token in lexicon.POLITE or token in DATE_WORDS:
            continue
        if token in numbered or (token.isdigit() and token not in coded):
            continue
        stemmed = stem(token)
        if token in entities or stemmed in entities:
            continue
        kept.append(stemmed)
    return " ".join(kept)
