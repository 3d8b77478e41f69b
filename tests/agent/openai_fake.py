"""A scripted OpenAI-compatible chat server on 127.0.0.1, to test the agent loop and its faults.

It answers like vLLM or the embedded llama.cpp server: ``tool_calls`` or text, streamed as
server-sent events when the client asks for a stream (the agent always does).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def tool_call(name: str, arguments: dict[str, Any] | str) -> dict[str, Any]:
    """An assistant message calling one tool (``arguments`` as JSON text, or a dict to encode)."""
    text = arguments if isinstance(arguments, str) else json.dumps(arguments)
    call = {"id": f"call_{name}", "type": "function", "function": {"name": name, "arguments": text}}
    return {"role": "assistant", "content": None, "tool_calls": [call]}


def text(content: str, finish: str = "stop") -> dict[str, Any]:
    """A written answer; ``finish="length"`` is one the server cut at its token limit."""
    return {"role": "assistant", "content": content, "finish_reason": finish}


def _finish(message: dict[str, Any]) -> str:
    return "tool_calls" if message.get("tool_calls") else str(message.get("finish_reason", "stop"))


def _message(message: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in message.items() if k != "finish_reason"}


def _completion(message: dict[str, Any]) -> dict[str, Any]:
    finish = _finish(message)
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": "fake",
        "choices": [{"index": 0, "message": _message(message), "finish_reason": finish}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def _chunks(message: dict[str, Any]) -> list[dict[str, Any]]:
    base = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": int(time.time()), "model": "fake"}
    deltas: list[dict[str, Any]] = [{"role": "assistant", "content": ""}]
    if message.get("tool_calls"):
        deltas.append({"tool_calls": [{"index": n, **c} for n, c in enumerate(message["tool_calls"])]})
    else:
        deltas += [{"content": piece} for piece in _pieces(message.get("content") or "")]
    finish = _finish(message)
    out = [{**base, "choices": [{"index": 0, "delta": d, "finish_reason": None}]} for d in deltas]
    return [*out, {**base, "choices": [{"index": 0, "delta": {}, "finish_reason": finish}]}]


def _pieces(content: str) -> list[str]:
    words = content.split(" ")
    return [w + (" " if n < len(words) - 1 else "") for n, w in enumerate(words)]


class FakeOpenAI:
    """Answers each request with the next scripted message; ``mode`` injects a fault instead."""

    def __init__(self) -> None:
        self.mode = "ok"
        self.script: list[dict[str, Any]] = []
        self.fallback: dict[str, Any] = text("Here you go.")
        self.requests: list[dict[str, Any]] = []

    def next_message(self) -> dict[str, Any]:
        return self.script.pop(0) if self.script else self.fallback


@contextmanager
def serve_fake() -> Iterator[tuple[FakeOpenAI, str]]:
    fake = FakeOpenAI()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # /v1/models: the health check
            self._send(200, b'{"object": "list", "data": [{"id": "fake"}]}', "application/json")

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            fake.requests.append(body)
            if fake.mode == "500":
                return self._send(500, b'{"error": {"message": "boom"}}', "application/json")
            if fake.mode == "slow":
                time.sleep(8)
            if fake.mode == "garbage":
                return self._send(200, b"<html>not json", "text/html")
            if fake.mode == "die":  # the connection drops mid-answer, as when the server is killed
                self.connection.close()
                return None
            message = fake.next_message()
            if not body.get("stream"):
                return self._send(200, json.dumps(_completion(message)).encode(), "application/json")
            events = b"".join(f"data: {json.dumps(c)}\n\n".encode() for c in _chunks(message)) + b"data: [DONE]\n\n"
            return self._send(200, events, "text/event-stream")

        def _send(self, status: int, payload: bytes, kind: str) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", kind)
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
