"""The citizen's profile: facts verified by earlier approved applications and the certificates
they issued, with where each came from; consent per purpose; corrections sent to the
department that owns a fact, and the department's decision on it. Nothing here pre-fills without the citizen's consent."""

from manamitra.profile.consent import PREFILL, Purpose, current, decide, granted
from manamitra.profile.corrections import (
    decide_correction,
    find_correction,
    open_corrections,
    request_correction,
    requested_value,
)
from manamitra.profile.facts import FACTS, Fact, Source, fits, verified_facts
from manamitra.profile.records import profile_facts

__all__ = [
    "FACTS",
    "PREFILL",
    "Fact",
    "Purpose",
    "Source",
    "current",
    "decide",
    "decide_correction",
    "find_correction",
    "fits",
    "granted",
    "open_corrections",
    "profile_facts",
    "request_correction",
    "requested_value",
    "verified_facts",
]
