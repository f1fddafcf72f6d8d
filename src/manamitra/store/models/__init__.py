"""Every table, one module per domain; importing this package registers them all."""

from manamitra.store.models.pipeline import (
    Conversation,
    InboundMessage,
    MediaBlob,
    OutboundMessage,
)

__all__ = ["Conversation", "InboundMessage", "MediaBlob", "OutboundMessage"]
