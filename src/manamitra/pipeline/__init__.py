"""The durable path between the channel and the engine: inbox, per-citizen workers, outbox."""
