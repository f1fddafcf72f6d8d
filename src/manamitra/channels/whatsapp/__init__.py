"""The WhatsApp Cloud API edge: webhook routes, signature check, payload parsing, the Graph API
client, rendering replies into Graph message bodies, and the outbox sender.

A raw Meta `dict` never leaves this package: inbound bodies become `Inbound`/`StatusUpdate`
events, and replies are rendered from `messaging.reply` dataclasses on the way out.
"""
