"""Running the demo platform (with its local WhatsApp) in a background thread on a free port."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import uvicorn

from manamitra.settings import load_settings


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


@contextmanager
def local_platform(database_url: str | None = None, host: str = "127.0.0.1") -> Iterator[str]:
    """The platform + Graph emulator + simulator on 127.0.0.1:<free port>; yields its base URL."""
    from manamitra.app import create_app
    from manamitra.demo import demo_database_url, prepare_demo

    port = free_port(host)
    base = f"http://{host}:{port}"
    overrides: dict[str, object] = {
        "graph_api_url": f"{base}/sandbox/graph",
        "public_url": base,
    }
    if database_url or os.environ.get("MM_DATABASE_URL") is None:
        overrides["database_url"] = database_url or demo_database_url(load_settings().data_dir)
    settings = load_settings(**overrides)
    prepare_demo(settings)
    config = uvicorn.Config(
        create_app(settings, demo=True), host=host, port=port, log_level="warning", lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True, name="manamitra-local")
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the local platform did not start")
        time.sleep(0.05)
    try:
        httpx.get(f"{base}/healthz", timeout=5).raise_for_status()
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=15)
