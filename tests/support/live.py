"""A live platform for tests that need real HTTP: uvicorn in a thread, on a free port.

    with live_server(tmp_path) as server:          # create_app(settings, demo=True)
        httpx.post(f"{server.url}/sandbox/api/inbound", json={...})

The server runs the whole platform with the local WhatsApp mounted, on a fresh migrated SQLite
file; its Graph API URL is the server's own /sandbox/graph and its public URL the server's, so
the sender's replies reach the emulator and the emulator's webhooks reach the platform. While
the server runs, MM_GRAPH_API_URL and MM_PUBLIC_URL name it too (for code that reads settings).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI

from manamitra.settings import Settings, load_settings
from manamitra.store import migrate


@dataclass
class LiveServer:
    url: str
    settings: Settings
    app: FastAPI

    @property
    def graph_url(self) -> str:
        return f"{self.url}/sandbox/graph"

    def client(self, **options: Any) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=options.pop("timeout", 10.0), **options)


def _bound_socket(host: str) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


@contextmanager
def live_server(
    tmp_path: Path, *, demo: bool = True, host: str = "127.0.0.1", **overrides: Any
) -> Iterator[LiveServer]:
    """Start create_app(settings, demo=demo) on a free port; stop it on exit."""
    from manamitra.app import create_app

    sock = _bound_socket(host)
    url = f"http://{host}:{sock.getsockname()[1]}"
    database_url = overrides.pop("database_url", f"sqlite:///{tmp_path / 'live.db'}")
    settings = load_settings(
        database_url=database_url,
        graph_api_url=f"{url}/sandbox/graph",
        public_url=url,
        data_dir=tmp_path / "var",
        **overrides,
    )
    migrate.upgrade(settings.database_url, settings=settings)
    saved = {key: os.environ.get(key) for key in ("MM_GRAPH_API_URL", "MM_PUBLIC_URL")}
    os.environ["MM_GRAPH_API_URL"] = settings.graph_api_url
    os.environ["MM_PUBLIC_URL"] = url
    app = create_app(settings, demo=demo)
    # Event streams stay open; a short graceful timeout keeps shutdown from waiting on them.
    config = uvicorn.Config(app, log_level="warning", lifespan="on", timeout_graceful_shutdown=1)
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, daemon=True, name="live-server"
    )
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("the live server did not start")
            time.sleep(0.02)
        yield LiveServer(url=url, settings=settings, app=app)
    finally:
        server.should_exit = True
        thread.join(timeout=20)
        sock.close()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
