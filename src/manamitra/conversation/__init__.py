"""Channel-neutral conversation: inbound events, replies, sessions and the engine that runs specs."""
