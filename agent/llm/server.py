"""LLM servers the app can start itself: the embedded llama.cpp server on CPU, vLLM on a GPU.

Both speak the OpenAI protocol and return native ``tool_calls``, so the agent only ever sees a base
URL. The embedded server is llama-cpp-python's OpenAI-compatible server, run as a child process on
a free loopback port with whyrec's Qwen tool-call handler (:mod:`.chat_format`, registered by
:mod:`.serve`) and the GGUF that ``whyrec prepare`` verified. The app waits for its health check,
evaluates the fixed system prompt once (so the first turn does not pay for it), and stops it on exit;
the server also stops by itself if whyrec is killed (:mod:`.serve` watches its parent), so none outlives it.
"""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import IO

from whyrec.errors import WhyrecError

VLLM_TOOL_FLAGS = ("--enable-auto-tool-choice", "--tool-call-parser", "hermes")


class LLMServerError(WhyrecError):
    """An LLM server that cannot be found, started or reached."""


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def healthy(base_url: str, timeout_s: float = 1.0) -> bool:
    """Whether ``GET {base_url}/models`` answers 200."""
    try:
        with urllib.request.urlopen(f"{base_url}/models", timeout=timeout_s) as response:
            return int(response.status) == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


class LlamaServer:
    """The embedded OpenAI-compatible server as a managed child process (a context manager)."""

    def __init__(
        self,
        model_path: Path,
        *,
        alias: str,
        host: str = "127.0.0.1",
        port: int | None = None,
        n_ctx: int = 4096,
        threads: int = 2,
        startup_timeout_s: float = 120.0,
    ) -> None:
        if not model_path.is_file():
            raise LLMServerError(f"no model at {model_path}; run `whyrec prepare`")
        self.model_path, self.alias = model_path, alias  # the model name clients send (LLMConfig.model)
        self.host, self.port = host, port or free_port(host)
        self.n_ctx, self.threads, self.startup_timeout_s = n_ctx, threads, startup_timeout_s
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None  # the server's output, shown when it fails to start
        atexit.register(self.stop)  # a normal exit stops it; serve.py's parent watch covers a kill

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/v1"

    def command(self) -> list[str]:
        from whyrec.agent.llm.chat_format import HANDLER

        return [
            sys.executable, "-m", "whyrec.agent.llm.serve",
            "--model", str(self.model_path), "--model_alias", self.alias,
            "--host", self.host, "--port", str(self.port),
            "--n_ctx", str(self.n_ctx), "--n_threads", str(self.threads), "--n_threads_batch", str(self.threads),
            "--chat_format", HANDLER,
        ]  # fmt: skip

    def start(self) -> str:
        """Start the server and wait for its health check; LLMServerError (with its log) if it fails."""
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 (lives as long as the server; closed in stop)
        self._process = subprocess.Popen(
            self.command(),
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env=os.environ.copy(),
        )
        deadline = time.monotonic() + self.startup_timeout_s
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                tail = self._tail()
                self.stop()
                raise LLMServerError(f"the llama.cpp server exited with code {self._process_code}: {tail}")
            if healthy(self.base_url):
                return self.base_url
            time.sleep(0.2)
        self.stop()
        raise LLMServerError(f"the llama.cpp server was not healthy within {self.startup_timeout_s:g} s")

    @property
    def _process_code(self) -> int | None:
        return None if self._process is None else self._process.returncode

    @property
    def alive(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def _tail(self) -> str:
        if self._log is None:
            return ""
        self._log.seek(0)
        return self._log.read().decode(errors="replace")[-800:]

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:  # a server busy generating may not stop at once; it holds nothing worth waiting for
                self._process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(timeout=10)
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> LlamaServer:
        self.start()
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.stop()


def vllm_command(model: str, host: str, port: int) -> list[str]:
    """``vllm serve`` with native tool calling (Hermes-style parser, as Qwen2.5 instruct models emit)."""
    binary = shutil.which("vllm")
    if binary is None:
        raise LLMServerError(
            "vLLM is not installed here; on a CUDA machine run `pip install -e '.[gpu]'`, "
            f"then `vllm serve {model} --host {host} --port {port} {' '.join(VLLM_TOOL_FLAGS)}`"
        )
    return [binary, "serve", model, "--host", host, "--port", str(port), *VLLM_TOOL_FLAGS]
