"""Finding a service from a few typed words in Telugu, English or romanised Telugu.

Every name and keyword is reduced to a phonetic skeleton shared by the three ways of writing:
Telugu script is transliterated (ఆదాయ పత్రం → "adaya patram"), romanised Telugu is folded the
same way ("aadaya pathram" → "adaya patram": long vowels, aspirates and doubled letters
collapse), and English goes through the same folding. A query matches a phrase token exactly,
by prefix (Telugu inflects: ఆదాయం / ఆదాయ), or within a small edit distance (typos). Tokens
are weighted by rarity across the catalogue, so "income" outweighs "certificate"; filler
words ("kavali", "please", "నాకు") are ignored.
"""

from __future__ import annotations

import math
import re
import unicodedata
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field

from manamitra.catalog.loader import Catalog
from manamitra.catalog.schema import ServiceSpec

MIN_SCORE = 0.34
PREFIX_MIN = 3

_VOWELS = {
    "అ": "a",
    "ఆ": "a",
    "ఇ": "i",
    "ఈ": "i",
    "ఉ": "u",
    "ఊ": "u",
    "ఋ": "ru",
    "ఎ": "e",
    "ఏ": "e",
    "ఐ": "ai",
    "ఒ": "o",
    "ఓ": "o",
    "ఔ": "au",
}
_SIGNS = {
    "ా": "a",
    "ి": "i",
    "ీ": "i",
    "ు": "u",
    "ూ": "u",
    "ృ": "ru",
    "ె": "e",
    "ే": "e",
    "ై": "ai",
    "ొ": "o",
    "ో": "o",
    "ౌ": "au",
}
_CONSONANTS = {
    "క": "k",
    "ఖ": "k",
    "గ": "g",
    "ఘ": "g",
    "ఙ": "n",
    "చ": "c",
    "ఛ": "c",
    "జ": "j",
    "ఝ": "j",
    "ఞ": "n",
    "ట": "t",
    "ఠ": "t",
    "డ": "d",
    "ఢ": "d",
    "ణ": "n",
    "త": "t",
    "థ": "t",
    "ద": "d",
    "ధ": "d",
    "న": "n",
    "ప": "p",
    "ఫ": "p",
    "బ": "b",
    "భ": "b",
    "మ": "m",
    "య": "y",
    "ర": "r",
    "ఱ": "r",
    "ల": "l",
    "ళ": "l",
    "వ": "v",
    "శ": "s",
    "ష": "s",
    "స": "s",
    "హ": "h",
}
_VIRAMA = "్"
_MARKS = {"ం": "m", "ః": "h", "ఁ": "n"}
_ROMAN_FOLDS = (
    ("aa", "a"),
    ("ee", "i"),
    ("ii", "i"),
    ("oo", "u"),
    ("uu", "u"),
    ("ou", "u"),
    ("th", "t"),
    ("dh", "d"),
    ("ph", "p"),
    ("bh", "b"),
    ("kh", "k"),
    ("gh", "g"),
    ("ch", "c"),
    ("sh", "s"),
    ("w", "v"),
    ("z", "j"),
    ("q", "k"),
    ("x", "ks"),
    ("f", "p"),
)
STOPWORDS = frozenset(
    {
        "a",
        "an",
        "the",
        "for",
        "of",
        "my",
        "me",
        "i",
        "to",
        "in",
        "on",
        "and",
        "or",
        "is",
        "please",
        "want",
        "need",
        "get",
        "how",
        "what",
        "do",
        "can",
        "online",
        "apply",
        "kavali",
        "kavalsi",
        "naku",
        "nenu",
        "ela",
        "ceyali",
        "ki",
        "ku",
        "lo",
        "oka",
        "ivvandi",
        "ceppandi",
        "kosam",
        "emiti",
        "ekkada",
        "cudali",
        "telusukovali",
        "pondali",
        "ivandi",
        "maku",
        "mana",
        "andi",
        "sir",
        "garu",
    }
)


def _folded(words: frozenset[str]) -> frozenset[str]:
    return words | {fold_token(word) for word in words}


def transliterate(text: str) -> str:
    """Telugu script to a Latin skeleton; other characters pass through."""
    out: list[str] = []
    chars = list(text)
    for index, char in enumerate(chars):
        if char in _CONSONANTS:
            out.append(_CONSONANTS[char])
            following = chars[index + 1] if index + 1 < len(chars) else ""
            if following not in _SIGNS and following != _VIRAMA:
                out.append("a")
        elif char in _SIGNS:
            out.append(_SIGNS[char])
        elif char in _VOWELS:
            out.append(_VOWELS[char])
        elif char in _MARKS:
            out.append(_MARKS[char])
        elif char == _VIRAMA or char in "\u200c\u200d":
            continue
        else:
            out.append(char)
    return "".join(out)


def fold_token(token: str) -> str:
    """Romanised spellings folded to one skeleton ("pathram" → "patram", "aa" → "a")."""
    for old, new in _ROMAN_FOLDS:
        token = token.replace(old, new)
    token = re.sub(r"(.)\1+", r"\1", token)
    if len(token) > 3 and token.endswith("u"):
        token = token[:-1]
    return token


def skeleton_tokens(text: str) -> list[str]:
    """The comparable tokens of any text in any of the three forms of writing."""
    text = unicodedata.normalize("NFC", text).casefold()
    text = "".join(str(unicodedata.digit(c)) if c.isdigit() else c for c in text)
    text = transliterate(text)
    raw = re.findall(r"[a-z0-9]+", text)
    return [fold_token(t) for t in raw if t]


# Tokens are compared folded ("need" → "nid"), so the stop words are folded too.
FOLDED_STOPWORDS = _folded(STOPWORDS)


@dataclass(frozen=True)
class _Phrase:
    tokens: tuple[str, ...]
    weight: float
    token_set: frozenset[str]


@dataclass
class _Index:
    phrases: dict[str, list[_Phrase]]
    postings: dict[str, set[str]]
    idf: dict[str, float]
    vocabulary: tuple[str, ...]
    similar: dict[str, dict[str, float]] = field(default_factory=dict)
    ordered: list[str] = field(default_factory=list)
    known: frozenset[str] = frozenset()
    by_initial: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.ordered = sorted(self.vocabulary)
        self.known = frozenset(self.vocabulary)
        for word in self.vocabulary:
            self.by_initial.setdefault(word[0], []).append(word)


def _phrases(spec: ServiceSpec) -> list[tuple[str, float]]:
    names = [spec.name.en, spec.name.te]
    if spec.short_name is not None:
        names += [spec.short_name.en, spec.short_name.te]
    keywords = [*spec.keywords.en, *spec.keywords.te, *spec.keywords.roman]
    return [(n, 1.0) for n in names] + [(k, 0.95) for k in keywords]


def _build(catalog: Catalog) -> _Index:
    phrases: dict[str, list[_Phrase]] = {}
    document_frequency: Counter[str] = Counter()
    for spec in catalog.services.values():
        found = []
        seen: set[str] = set()
        for text, weight in _phrases(spec):
            tokens = tuple(t for t in skeleton_tokens(text) if t not in FOLDED_STOPWORDS)
            if tokens:
                found.append(_Phrase(tokens, weight, frozenset(tokens)))
                seen.update(tokens)
        phrases[spec.id] = found
        document_frequency.update(seen)
    total = max(1, len(phrases))
    idf = {tok: math.log(1 + total / count) for tok, count in document_frequency.items()}
    postings: dict[str, set[str]] = {}
    for service_id, found in phrases.items():
        for phrase in found:
            for token in phrase.tokens:
                postings.setdefault(token, set()).add(service_id)
    return _Index(phrases=phrases, postings=postings, idf=idf, vocabulary=tuple(document_frequency))


def _index(catalog: Catalog) -> _Index:
    cached = catalog.__dict__.get("_search_index")
    if cached is None:
        cached = _build(catalog)
        catalog.__dict__["_search_index"] = cached
    return cached


def within(a: str, b: str, limit: int) -> int | None:
    """Levenshtein distance of a and b if at most `limit`, else None (banded, early exit)."""
    if abs(len(a) - len(b)) > limit:
        return None
    # Optimal string alignment: a swap of two neighbouring letters ("brith") costs one.
    before: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], before[j - 2] + 1)
        if min(current) > limit:
            return None
        before, previous = previous, current
    return previous[-1] if previous[-1] <= limit else None


def _similar(token: str, index: _Index) -> dict[str, float]:
    """How well `token` matches each vocabulary token it resembles (1.0 exact)."""
    cached = index.similar.get(token)
    if cached is not None:
        return cached
    found: dict[str, float] = {}
    limit = 0 if len(token) < 4 else (1 if len(token) < 7 else 2)
    if token in index.known:
        found[token] = 1.0
    if len(token) >= PREFIX_MIN:
        # vocabulary words that start with the token ("adaya" → "adayam"), read off the
        # sorted vocabulary, and those the token starts with (Telugu inflects: ఆదాయానికి)
        at = bisect_left(index.ordered, token)
        while at < len(index.ordered) and index.ordered[at].startswith(token):
            word = index.ordered[at]
            if word != token:
                found[word] = 0.6 + 0.3 * len(token) / len(word)
            at += 1
        for end in range(PREFIX_MIN, len(token)):
            if token[:end] in index.known:
                found[token[:end]] = 0.6 + 0.3 * end / len(token)
    if limit:
        initials = {token[0], token[1]} if len(token) > 1 else {token[0]}
        for initial in initials:
            for word in index.by_initial.get(initial, ()):
                if word in found or abs(len(word) - len(token)) > limit:
                    continue
                distance = within(token, word, limit)
                if distance is not None:
                    found[word] = 0.8 * (1 - distance / max(len(token), len(word)))
    if len(index.similar) > 5000:
        index.similar.clear()
    index.similar[token] = found
    return found


def search_services(catalog: Catalog, query: str, limit: int = 10) -> list[ServiceSpec]:
    """Services best matching the query, best first (empty when nothing fits well)."""
    return [spec for spec, _ in ranked_services(catalog, query, limit)]


def ranked_services(
    catalog: Catalog, query: str, limit: int = 10, floor: float = MIN_SCORE
) -> list[tuple[ServiceSpec, float]]:
    """Services with their scores (0–1), best first; `floor` is the lowest score kept."""
    index = _index(catalog)
    tokens = [t for t in skeleton_tokens(query[:200]) if t not in FOLDED_STOPWORDS][:12]
    if not tokens:
        return []
    matches = {tok: _similar(tok, index) for tok in dict.fromkeys(tokens)}
    default_idf = max(index.idf.values(), default=1.0)
    weights = [index.idf.get(t, default_idf) for t in tokens]
    total_weight = sum(weights)
    candidates_of = {
        service_id
        for found in matches.values()
        for word in found
        for service_id in index.postings.get(word, ())
    }
    # how well each query token matches each vocabulary word it resembles (0.0: not at all)
    per_word = {
        word: [matches[token].get(word, 0.0) for token in tokens]
        for found in matches.values()
        for word in found
    }
    scored: list[tuple[float, float, int, str]] = []
    for service_id in candidates_of:
        best = 0.0
        # how much of the query the service's phrases say between them: of two services a
        # phrase of each matches alike, the one whose other phrases say the rest comes first
        reach = [0.0] * len(tokens)
        for phrase in index.phrases[service_id]:
            rows = [(word, per_word[word]) for word in phrase.token_set if word in per_word]
            if not rows:
                continue
            covered = 0.0
            used: set[str] = set()
            for i, weight in enumerate(weights):
                quality = max(row[i] for _, row in rows)
                if not quality:
                    continue
                reach[i] = max(reach[i], quality)
                covered += weight * quality
                used.update(word for word, row in rows if row[i] == quality)
            if not covered:
                continue
            query_cover = covered / total_weight
            phrase_cover = len(used) / len(phrase.tokens)
            best = max(best, phrase.weight * (0.75 * query_cover + 0.25 * phrase_cover))
        if best >= floor:
            said = sum(w * q for w, q in zip(weights, reach, strict=True)) / total_weight
            scored.append((round(best, 9), said, catalog.services[service_id].order, service_id))
    scored.sort(key=lambda item: (-item[0], -item[1], item[2], item[3]))
    return [(catalog.services[sid], score) for score, _, _, sid in scored[:limit]]
