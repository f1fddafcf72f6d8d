"""Channels: the edges where citizens' messages arrive and replies leave (WhatsApp Cloud API)."""
