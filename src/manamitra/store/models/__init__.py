"""Every table, one module per domain; importing this package registers them all."""

from manamitra.store.models.pipeline import (
    Conversation,
    InboundMessage,
    MediaBlob,
    OutboundMessage,
)
from manamitra.store.models.trust import (
    IssuedDocument,
    LogCheckpoint,
    LogEntry,
    LogHead,
    LogNode,
)

__all__ = [
    "Conversation", "InboundMessage", "IssuedDocument", "LogCheckpoint", "LogEntry", "LogHead",
    "LogNode", "MediaBlob", "OutboundMessage",
]
