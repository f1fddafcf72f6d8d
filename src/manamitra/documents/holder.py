"""A person's name for both halves of a bilingual document: a name typed in Telugu is spelt
out in Latin letters for the English half; a name typed in Latin letters is printed as typed
in both (the Telugu half shows it in the Latin font). One place, meant to give way to a
fuller transliteration of names between the scripts."""

from __future__ import annotations

import re
import unicodedata

from indic_transliteration import sanscript

_TELUGU = re.compile(r"[\u0C00-\u0C7F]")
# ITRANS writes the anusvara as M: before these consonants it is said, and spelt, n
_ANUSVARA_AS_N = re.compile(r"M(?=[kgcjTDtdn])")


def has_telugu(text: str) -> bool:
    return _TELUGU.search(text) is not None


def latin_name(name: str) -> str:
    """ "వెంకట రావు" → "Venkata Ravu"; a Latin name comes back unchanged."""
    if not has_telugu(name):
        return name
    itrans = sanscript.transliterate(name, sanscript.TELUGU, sanscript.ITRANS)
    itrans = _ANUSVARA_AS_N.sub("n", itrans)
    plain = "".join(
        c for c in unicodedata.normalize("NFKD", itrans) if not unicodedata.combining(c)
    )
    return " ".join(word.capitalize() for word in plain.lower().split())


def names_in_both_scripts(name: str) -> tuple[str, str]:
    """(English half, Telugu half) of a name as the citizen typed it."""
    name = " ".join(name.split())
    return latin_name(name), name
