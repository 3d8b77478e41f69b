"""A scripted OpenAI-compatible chat server on 127.0.0.1, to test the LLM path and its faults."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def completion(message: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": "fake",
        "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def tool_call(name: str, arguments: str) -> dict[str, Any]:
    call = {"id": "call_1", "type": "function", "function": {"name": name, "arguments": arguments}}
    return {"role": "assistant", "content": None, "tool_calls": [call]}


class FakeOpenAI:
    """``mode`` picks the behaviour; ``plans`` answers requests carrying tools, ``reply`` the others."""

    def __init__(self) -> None:
        self.mode = "ok"
        self.plan: dict[str, Any] = tool_call("lookup_item", json.dumps({"item_id": 2571}))
        self.reply = "The Matrix (1999) is about a hacker."
        self.requests: list[dict[str, Any]] = []

    def answer(self, body: dict[str, Any]) -> tuple[int, bytes]:
        self.requests.append(body)
        if self.mode == "500":
            return 500, b'{"error": {"message": "boom"}}'
        if self.mode == "slow":
            time.sleep(8)
        if self.mode == "garbage":
            return 200, b"<html>not json"
        if "tools" in body:
            message = tool_call("lookup_item", "{'item_id': 25") if self.mode == "malformed" else self.plan
        else:
            message = {"role": "assistant", "content": self.reply}
        return 200, json.dumps(completion(message)).encode()


@contextmanager
def serve_fake() -> Iterator[tuple[FakeOpenAI, str]]:
    fake = FakeOpenAI()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            status, payload = fake.answer(body)
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except OSError:  # the client gave up (timeout test)
                pass

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake, f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()
