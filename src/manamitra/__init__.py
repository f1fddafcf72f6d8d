"""Mana Mitra: a state's citizen services over WhatsApp."""

__version__ = "0.1.0"
