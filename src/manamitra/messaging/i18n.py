"""Message catalogues: every citizen-facing sentence, in Telugu and English, looked up by key."""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path
from typing import Any

from manamitra.yamlio import load_yaml

MESSAGES_DIR = Path(__file__).parent / "messages"
LANGUAGES = ("te", "en")
DEFAULT_LANGUAGE = "te"


@cache
def catalogue(lang: str) -> dict[str, Any]:
    path = MESSAGES_DIR / f"{lang}.yaml"
    data = load_yaml(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path.name}: expected a mapping")
    return data


def _lookup(lang: str, key: str) -> Any:
    node: Any = catalogue(lang if lang in LANGUAGES else DEFAULT_LANGUAGE)
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            raise KeyError(f"message {key!r} missing from the {lang} catalogue")
        node = node[part]
    return node


def t(lang: str, key: str, **params: object) -> str:
    """The sentence `key` in `lang`, with `{name}` placeholders filled."""
    text = _lookup(lang, key)
    if not isinstance(text, str):
        raise KeyError(f"message {key!r} is not a sentence")
    return text.format(**params) if params else text


@cache
def words(key: str) -> frozenset[str]:
    """Command words of both languages for `key` (menu, back, help…), normalised."""
    found: set[str] = set()
    for lang in LANGUAGES:
        for word in _lookup(lang, f"words.{key}"):
            found.add(normalise(str(word)))
    return frozenset(found)


def normalise(text: str) -> str:
    """Lower-case, NFC, inner spaces collapsed, edge punctuation trimmed: for matching words."""
    text = unicodedata.normalize("NFC", text).casefold().strip()
    text = " ".join(text.split())
    return text.strip(".!?,;:।॥ ")


class AreaCatalogue:
    """An area's own Telugu and English catalogue (`messages/te.yaml`, `messages/en.yaml`
    beside its code), so each area edits only its own files; called like `t`."""

    def __init__(self, directory: Path, area: str) -> None:
        self.directory = directory
        self.area = area

    @cache  # noqa: B019 - one catalogue object per area, alive for the process
    def _data(self, lang: str) -> dict[str, Any]:
        path = self.directory / f"{lang}.yaml"
        data = load_yaml(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError(f"{path}: expected a mapping")
        return data

    def __call__(self, lang: str, key: str, **params: object) -> str:
        node: Any = self._data("te" if lang == "te" else "en")
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                raise KeyError(f"message {key!r} missing from the {lang} {self.area} catalogue")
            node = node[part]
        if not isinstance(node, str):
            raise KeyError(f"message {key!r} is not a sentence")
        return node.format(**params) if params else node
