"""Service kinds: what happens when a spec's questions are answered (submit, look up, pay…)."""
