"""Why a verdict was given, as findings with a stable code, told in Telugu or English from the
`reasons:` section of `verdicts.yaml`; the English text is what the API and the command line
have always shown."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from manamitra.yamlio import load_yaml

CATALOGUE = Path(__file__).parent / "verdicts.yaml"

Value = str | dict[str, str]


@cache
def _reasons() -> dict[str, dict[str, str]]:
    data: dict[str, Any] = load_yaml(CATALOGUE.read_text("utf-8"))
    return dict(data["reasons"])


@dataclass(frozen=True)
class Finding:
    """One reason: `params` values are plain text, or {en, te} where the words differ."""

    code: str
    params: dict[str, Value] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.code not in _reasons():
            raise KeyError(f"no reason {self.code!r} in verdicts.yaml")

    def text(self, lang: str) -> str:
        lang = "te" if lang == "te" else "en"
        values = {
            key: (value.get(lang) or value.get("en", "")) if isinstance(value, dict) else value
            for key, value in self.params.items()
        }
        return _reasons()[self.code][lang].format(**values)
