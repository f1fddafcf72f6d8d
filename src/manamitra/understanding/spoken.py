"""A voice note's transcript made into the answer a tap or a typed word would be: "rendu",
"రెండు", "two" or "option two" → "2"; "avunu", "అవును", "yes" → "yes"; "kaadu", "కాదు",
"no" → "no". The words are the lexicon's, the same ones typed answers are matched with; a
transcript that is anything more is returned as it was heard."""

from __future__ import annotations

from manamitra.understanding import lexicon
from manamitra.understanding.text import Message

# what may come before a number: "option two", "number 2", "నంబర్ రెండు"
_LEADS = lexicon.words("option", "number", "నంబర్", "నెంబర్", "ఆప్షన్", "numbar", "nambar")


def answer_from_speech(transcript: str) -> str:
    """ "yes", "no" or the option's number when the transcript is only that (politeness
    aside); otherwise the transcript unchanged."""
    tokens = [t for t in Message.of(transcript).tokens if t not in lexicon.POLITE]
    if len(tokens) == 2 and tokens[0] in _LEADS:
        tokens = tokens[1:]
    if len(tokens) != 1:
        return transcript
    (word,) = tokens
    if word in lexicon.YES:
        return "yes"
    if word in lexicon.NO:
        return "no"
    if word in lexicon.NUMBER_WORDS:
        return str(lexicon.NUMBER_WORDS[word])
    if word.isdigit():
        return str(int(word))
    return transcript
