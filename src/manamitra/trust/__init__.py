"""Keys, signing and verification; the transparency log, checkpoints and proofs.

Public surface: `TrustService` (sign, register, revoke, verify online, status list,
checkpoints), `verify` (the one verdict function), `Verdict`, `Result`, `KeyRing`, `Claims`.
"""

from manamitra.trust.keys import FileKeyStore, KeyInfo, KeyRing, KeySource
from manamitra.trust.payload import PREFIX, Claims
from manamitra.trust.service import TrustService
from manamitra.trust.verify import Result, Verdict, verify

__all__ = [
    "PREFIX",
    "Claims",
    "FileKeyStore",
    "KeyInfo",
    "KeyRing",
    "KeySource",
    "Result",
    "TrustService",
    "Verdict",
    "verify",
]
