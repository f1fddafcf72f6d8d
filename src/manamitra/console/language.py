"""Which language a console page is in: the officer's own choice (the switch on every page,
kept on the officer and in a cookie), else the browser's Accept-Language; English by default."""

from __future__ import annotations

LANGUAGES = ("en", "te")


def preferred_by_browser(accept_language: str | None) -> str:
    """ "te" when the browser ranks Telugu above English (RFC 9110 q-values), else "en"."""
    weights = {"te": 0.0, "en": 0.0}
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        if primary not in weights:
            continue
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        # Equal weights: the one listed first wins, by a hair that never outweighs a q-value.
        weights[primary] = max(weights[primary], quality - position * 1e-6)
    return "te" if weights["te"] > max(weights["en"], 0.0) else "en"


def choose(
    *,
    asked: str | None,
    officer: str | None,
    cookie: str | None,
    accept_language: str | None,
) -> str:
    """The page language: asked now (?lang=), the officer's stored choice, the cookie kept
    from an earlier choice, the browser's preference."""
    for candidate in (asked, officer, cookie):
        if candidate in LANGUAGES:
            return candidate
    return preferred_by_browser(accept_language)
