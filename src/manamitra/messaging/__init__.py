"""The channel-neutral message core every layer may import: what a citizen sent (`inbound`),
what we answer (`reply`), the message catalogues (`i18n`), the channel's limits (`limits`) and
the outbox's write side (`outbox`), which the pipeline batches and sends."""
