"""The `manamitra` command."""
