"""The Graph emulator served on its own port in this process (a uvicorn thread), for tests
that run the platform as a subprocess they can kill: what the emulator recorded survives the
platform's crashes, so duplicates are counted against it."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

from manamitra.sandbox import RetryPolicy, Sandbox, StatusDelays
from manamitra.settings import Settings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def emulator_server(
    settings: Settings, webhook_url: str, *, statuses: bool = True
) -> Iterator[tuple[Sandbox, str]]:
    """(the sandbox, the Graph API base URL to give the platform as MM_GRAPH_API_URL).
    `statuses=False`: no sent/delivered webhooks (they pile up as retries while the platform
    is down, and the test counts requests, not statuses)."""
    sandbox = Sandbox.build(
        settings,
        webhook_url=webhook_url,
        delays=StatusDelays(enabled=statuses),
        retry=None if statuses else RetryPolicy(attempts=3),
    )
    port = free_port()
    config = uvicorn.Config(
        sandbox.graph_app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True, name="graph-emulator")
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the Graph emulator did not start")
        time.sleep(0.02)
    try:
        yield sandbox, f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
