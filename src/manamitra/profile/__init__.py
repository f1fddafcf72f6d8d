"""The citizen's profile: facts verified by earlier approved applications and the certificates
they issued, with where each came from; consent per purpose; corrections sent to the
department that owns a fact. Nothing here pre-fills without the citizen's consent."""

from manamitra.profile.consent import PREFILL, Purpose, current, decide, granted
from manamitra.profile.corrections import open_corrections, request_correction
from manamitra.profile.facts import FACTS, Fact, Source, fits, verified_facts

__all__ = [
    "FACTS",
    "PREFILL",
    "Fact",
    "Purpose",
    "Source",
    "current",
    "decide",
    "fits",
    "granted",
    "open_corrections",
    "request_correction",
    "verified_facts",
]
