"""Names and places in the other script: Telugu script as Indian names are spelt in English
("లక్ష్మి దేవి" → "Lakshmi Devi") and English spellings in Telugu script ("Ravi Kumar" →
"రవి కుమార్"), so a document shows every fact in both of its halves.

The letters are `indic-transliteration`'s (sanscript: Telugu ↔ IAST, ITRANS ↔ Telugu); this
module only turns its scheme into the spelling people use (ś and ṣ → s/sh, ṭ → t, the
anusvara as n or m, title case) and guesses vowel length from English spelling, the one thing
the Latin letters do not say. A handful of words that are spelt by custom rather than by
sound (Rao, Reddy, Naidu, Sri…) are looked up whole.
"""

from __future__ import annotations

import re
from functools import lru_cache

from indic_transliteration import sanscript

_TELUGU_LETTER = re.compile(r"[\u0C00-\u0C7F]")
_LATIN_LETTER = re.compile(r"[A-Za-z]")
_TELUGU_WORD = re.compile(r"[\u0C00-\u0C7F]+")
_LATIN_WORD = re.compile(r"[A-Za-z]+")

# words spelt by custom in English, both ways: (Telugu, English)
_CUSTOM = (
    ("రావు", "Rao"),
    ("రెడ్డి", "Reddy"),
    ("నాయుడు", "Naidu"),
    ("చౌదరి", "Chowdary"),
    ("శ్రీ", "Sri"),
    ("వెంకట", "Venkata"),
    ("వెంకటేశ్వర", "Venkateswara"),
    ("వెంకటేష్", "Venkatesh"),
    ("శ్రీనివాస్", "Srinivas"),
    ("శ్రీనివాస", "Srinivasa"),
    ("కృష్ణ", "Krishna"),
    ("విజయవాడ", "Vijayawada"),
    ("విశాఖపట్నం", "Visakhapatnam"),
    ("శేఖర్", "Sekhar"),
    ("సాయి", "Sai"),
    ("సుబ్బయ్య", "Subbaiah"),
    ("రామయ్య", "Ramaiah"),
    ("పేట", "Peta"),
    ("నాగేశ్వర", "Nageswara"),
    ("రాజేశ్వరి", "Rajeswari"),
    ("సత్యనారాయణ", "Satyanarayana"),
    ("బాబు", "Babu"),
    ("భాస్కర్", "Bhaskar"),
    ("మాధవి", "Madhavi"),
    # districts and towns, as they are officially spelt
    ("గుంటూరు", "Guntur"),
    ("నెల్లూరు", "Nellore"),
    ("కర్నూలు", "Kurnool"),
    ("ఒంగోలు", "Ongole"),
    ("చిత్తూరు", "Chittoor"),
    ("అనంతపురం", "Anantapur"),
    ("తిరుపతి", "Tirupati"),
    ("మంగళగిరి", "Mangalagiri"),
    ("బ్రాడీపేట", "Brodipet"),
)
_TO_LATIN = {te: en for te, en in _CUSTOM}
_TO_TELUGU = {en.lower(): te for te, en in _CUSTOM}

# IAST (as sanscript writes Telugu) → English spelling, longest first
_IAST_SPELLING = (
    ("ch", "chh"),
    ("c", "ch"),
    ("ṭh", "th"),
    ("ḍh", "dh"),
    ("ṣ", "sh"),
    ("ś", "s"),
    ("ṛ", "ri"),
    ("ṝ", "ri"),
    ("ā", "a"),
    ("ī", "i"),
    ("ū", "u"),
    ("ē", "e"),
    ("ō", "o"),
    ("è", "e"),
    ("ò", "o"),
    ("ṭ", "t"),
    ("ḍ", "d"),
    ("ṇ", "n"),
    ("ñ", "n"),
    ("ṅ", "n"),
    ("ḷ", "l"),
    ("ḻ", "l"),
    ("ḥ", "h"),
    ("ṁ", "m"),
)
_ANUSVARA = re.compile(r"ṃ(?=([pbm]|$)?)")
_IAST_VOWEL = "aeiouāīūēōèòṛ"
# త between vowels is spelt th (Sujatha, Padmavathi); v after a consonant is w (Nageswara)
_DENTAL_T = re.compile(rf"(?<=[{_IAST_VOWEL}])t(?=[{_IAST_VOWEL}])")
_V_AFTER_CONSONANT = re.compile(rf"(?<=[^{_IAST_VOWEL}\s])v")
_VOWELS = "aeiou"
# an English spelling's consonant letters, longest first, and the ITRANS sanscript reads
_CONSONANT = re.compile(r"ksh|chh|ch|sh|th|dh|kh|gh|ph|bh|jh|tt|dd|[bcdfghjklmnpqrstvwxyz]")
_CONSONANT_ITRANS = {
    "ksh": "kSh", "chh": "Ch", "ch": "ch", "sh": "Sh", "th": "t", "dh": "dh", "kh": "kh",
    "gh": "gh", "ph": "ph", "bh": "bh", "jh": "jh", "tt": "TT", "dd": "DD", "f": "ph",
    "w": "v", "z": "j", "q": "k", "x": "ks", "c": "k",
}  # fmt: skip
# a final a before these (Kumar, Prasad, Gopal, Srinivas, Raj) is long, unless after k
_LONG_BEFORE = ("r", "s", "d", "l", "j")


def has_telugu(text: str) -> bool:
    return bool(_TELUGU_LETTER.search(text))


def has_latin(text: str) -> bool:
    return bool(_LATIN_LETTER.search(text))


def both_scripts(english: str, telugu: str) -> tuple[str, str]:
    """A name as (Latin letters, Telugu script), whichever of the two it was given in."""
    english, telugu = english.strip(), telugu.strip()
    return to_latin(english or telugu), to_telugu(telugu or english)


def in_script(text: str, language: str) -> str:
    """`text` written for the `language` half of a document: Telugu words spelt in Latin
    letters for "en", Latin words in Telugu script for "te"; digits and punctuation kept."""
    return to_latin(text) if language == "en" else to_telugu(text)


@lru_cache(maxsize=4096)
def to_latin(text: str) -> str:
    """Every Telugu word of `text` as it is spelt in English, in title case."""
    return _TELUGU_WORD.sub(lambda m: _latin_word(m.group(), _is_initial(text, m)), text)


@lru_cache(maxsize=4096)
def to_telugu(text: str) -> str:
    """Every Latin word of `text` in Telugu script; an initial ("K.") as its letter's name."""
    return _LATIN_WORD.sub(lambda m: _telugu_word(m.group(), _is_initial(text, m)), text)


def _latin_word(word: str, initial: bool) -> str:
    if initial and word in _LETTERS:
        return _LETTERS[word]
    custom = _TO_LATIN.get(word)
    if custom:
        return custom
    spelt = sanscript.transliterate(word, sanscript.TELUGU, sanscript.IAST)
    spelt = _ANUSVARA.sub(lambda m: "m" if m.group(1) is not None else "n", spelt)
    spelt = _V_AFTER_CONSONANT.sub("w", _DENTAL_T.sub("th", spelt))
    for scheme, english in _IAST_SPELLING:
        spelt = spelt.replace(scheme, english)
    spelt = re.sub(r"y$", "i", spelt) if spelt.endswith("iy") else spelt
    return spelt[:1].upper() + spelt[1:]


# letter names, for initials such as "K." (కె.) or "S." (ఎస్.)
_LETTER_NAMES = {
    "a": "ఎ", "b": "బి", "c": "సి", "d": "డి", "e": "ఇ", "f": "ఎఫ్", "g": "జి", "h": "హెచ్",
    "i": "ఐ", "j": "జె", "k": "కె", "l": "ఎల్", "m": "ఎం", "n": "ఎన్", "o": "ఒ", "p": "పి",
    "q": "క్యూ", "r": "ఆర్", "s": "ఎస్", "t": "టి", "u": "యు", "v": "వి", "w": "డబ్ల్యు",
    "x": "ఎక్స్", "y": "వై", "z": "జెడ్",
}  # fmt: skip
_LETTERS = {name: letter.upper() for letter, name in _LETTER_NAMES.items()}


def _is_initial(text: str, match: re.Match[str]) -> bool:
    word = match.group()
    short = len(word) == 1 if has_latin(word) else word in _LETTERS
    return short and text[match.end() : match.end() + 1] == "."


def _telugu_word(word: str, initial: bool) -> str:
    lower = word.lower()
    if initial:
        return _LETTER_NAMES[lower]
    custom = _TO_TELUGU.get(lower)
    if custom:
        return custom
    return sanscript.transliterate(_itrans(lower), sanscript.ITRANS, sanscript.TELUGU)


def _syllables(word: str) -> list[tuple[list[str], str]]:
    """The word as (consonant letters, vowel letters) pairs; the last may have no vowel."""
    pieces: list[tuple[list[str], str]] = []
    consonants: list[str] = []
    position = 0
    while position < len(word):
        vowel = re.match(r"[aeiou]+", word[position:])
        if vowel:
            pieces.append((consonants, vowel.group()))
            consonants = []
            position += len(vowel.group())
            continue
        letter = _CONSONANT.match(word, position)
        token = letter.group() if letter else word[position]
        consonants.append(token)
        position += len(token)
    if consonants:
        pieces.append((consonants, ""))
    return pieces


def _itrans(word: str) -> str:
    """An English spelling as ITRANS, guessing vowel length as Telugu names usually have it:
    e and o are long unless two consonants follow, a is long before some final consonants
    (Kumar, Prasad, Gopal), doubled vowels are long, a final y after a consonant is i."""
    if len(word) > 1 and word.endswith("y") and word[-2] not in _VOWELS:
        word = word[:-1] + "i"
    pieces = _syllables(word)
    out: list[str] = []
    for index, (consonants, vowel) in enumerate(pieces):
        following = pieces[index + 1][0] if index + 1 < len(pieces) else []
        final = index + 2 == len(pieces) and not pieces[-1][1]
        out.append(_consonants(consonants, index == 0, bool(vowel)))
        out.append(_vowel(vowel, consonants, following, final))
    return "".join(out)


def _consonants(letters: list[str], at_start: bool, before_vowel: bool) -> str:
    out = []
    for position, letter in enumerate(letters):
        later = letters[position + 1] if position + 1 < len(letters) else None
        if letter == "sh" and at_start and position == 0:
            out.append("sh")  # a word that starts with sh: శ (Shankar, Shiva)
        elif letter in ("n", "m") and later is not None and later not in ("n", "m", "y"):
            out.append("M")  # n or m closing a syllable before a consonant: the anusvara
        elif letter == "v" and position > 0 and letters[position - 1] in ("s", "sh"):
            out.append("v")
        else:
            out.append(_CONSONANT_ITRANS.get(letter, letter))
    return "".join(out)


def _vowel(vowel: str, consonants: list[str], following: list[str], final: bool) -> str:
    if not vowel:
        return ""
    cluster = len(following) > 1
    if vowel in ("aa", "ee", "oo"):
        return {"aa": "A", "ee": "I", "oo": "U"}[vowel]
    if vowel == "e":
        return "è" if cluster else "e"
    if vowel == "o":
        return "ò" if cluster else "o"
    if vowel == "a" and final and following[:1] and following[0] in _LONG_BEFORE:
        return "a" if consonants[-1:] == ["k"] or consonants[-1:] == ["kh"] else "A"
    if vowel == "ai":
        return "ai"
    if vowel in ("au", "ou"):
        return "au"
    if vowel in ("ia", "ea"):
        return "iya"
    return vowel
