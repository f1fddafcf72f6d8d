"""Spoken answers made into what a typed answer would be: "rendu", "రెండు", "two" or "option
two" → "2"; "avunu", "అవును", "yes" → "yes"; "kaadu", "కాదు", "no" → "no".

A stop-gap for voice notes until free-text understanding (issue 16) owns the mapping of words
to a step's answer; everything else in a transcript is left as it was said.
"""

from __future__ import annotations

from manamitra.messaging.i18n import normalise

_NUMBERS: dict[int, tuple[str, ...]] = {
    1: ("one", "first", "okati", "okkati", "ఒకటి", "ఒక్కటి", "మొదటి", "modati"),
    2: ("two", "second", "rendu", "రెండు", "రెండవ", "రెండో", "rendava", "rendo"),
    3: ("three", "third", "moodu", "mudu", "మూడు", "మూడవ", "మూడో", "moodava"),
    4: ("four", "fourth", "naalugu", "nalugu", "నాలుగు", "నాలుగవ", "నాలుగో"),
    5: ("five", "fifth", "aidu", "ayidu", "ఐదు", "అయిదు", "ఐదవ", "ఐదో"),
    6: ("six", "sixth", "aaru", "aru", "ఆరు", "ఆరవ", "ఆరో"),
    7: ("seven", "seventh", "edu", "yedu", "ఏడు", "ఏడవ", "ఏడో"),
    8: ("eight", "eighth", "enimidi", "ఎనిమిది", "ఎనిమిదవ"),
    9: ("nine", "ninth", "tommidi", "తొమ్మిది", "తొమ్మిదవ"),
    10: ("ten", "tenth", "padi", "పది", "పదవ"),
}
_YES = frozenset(
    {"yes", "yeah", "yes please", "avunu", "aunu", "అవును", "ఔను", "sare", "సరే", "haa", "haan"}
)
_NO = frozenset({"no", "nope", "kaadu", "kadu", "కాదు", "vaddu", "వద్దు", "ledu", "లేదు"})
# what may come before a number: "option two", "number 2", "నంబర్ రెండు"
_LEADS = ("option", "number", "నంబర్", "నెంబర్", "ఆప్షన్", "numbar", "nambar")
# what may come after it: "two please", "రెండు ఇవ్వండి" is not a number answer, so only these
_TAILS = ("please", "అండి", "andi")

_BY_WORD = {word: number for number, spoken in _NUMBERS.items() for word in spoken}


def answer_from_speech(transcript: str) -> str:
    """The answer a citizen meant, when the transcript is a bare number or yes/no; otherwise
    the transcript as it was heard."""
    said = normalise(transcript)
    if said in _YES:
        return "yes"
    if said in _NO:
        return "no"
    words = said.split()
    while words and words[-1] in _TAILS:
        words.pop()
    if len(words) == 2 and words[0] in _LEADS:
        words = words[1:]
    if len(words) == 1:
        word = words[0]
        if word in _BY_WORD:
            return str(_BY_WORD[word])
        if word.isdigit():
            return str(int(word))
    return transcript
