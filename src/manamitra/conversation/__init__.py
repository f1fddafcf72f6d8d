"""The conversation: sessions, steps, waits and the engine that runs service specs."""
