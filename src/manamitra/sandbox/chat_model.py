"""A STAND-IN for an operator's chat-completion model, for the sandbox and tests: a small HTTP
server speaking the OpenAI-compatible `POST /v1/chat/completions`. It is not a language model:
it answers with the listed service whose name or keywords share the most words with the
citizen's message (or NONE), after an optional delay, and records every request body it got
so tests can check what a model would have been shown."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def pick(question: dict[str, Any]) -> str:
    """The stand-in's choice: the candidate sharing the most words with the message."""
    said = set(str(question.get("message", "")).casefold().split())
    best, best_overlap = "NONE", 0
    for service in question.get("services", []):
        words: set[str] = set()
        for text in [service.get("name", ""), *service.get("keywords", [])]:
            words.update(str(text).casefold().split())
        overlap = len(said & words)
        if overlap > best_overlap:
            best, best_overlap = str(service.get("id")), overlap
    return best


class StandInChatModel:
    """`with StandInChatModel(delay=0.0) as model:` serves on 127.0.0.1:`model.port`."""

    def __init__(self, delay: float = 0.0, answer: str | None = None) -> None:
        self.delay = delay
        self.answer = answer
        self.requests: list[dict[str, Any]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length) or b"{}")
                outer.requests.append(body)
                if self.path != "/v1/chat/completions":
                    self.send_error(404)
                    return
                time.sleep(outer.delay)
                question = json.loads(body["messages"][-1]["content"])
                content = outer.answer if outer.answer is not None else pick(question)
                reply = {
                    "id": "chatcmpl-standin",
                    "object": "chat.completion",
                    "model": body.get("model", "stand-in"),
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": content},
                            "finish_reason": "stop",
                        }
                    ],
                }
                data = json.dumps(reply).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> StandInChatModel:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
