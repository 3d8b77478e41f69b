"""The one chat model every session shares: where it is served, whether it is ready, and a bounded queue.

A CPU serves one generation at a time, so turns take the model through a gate with a bounded wait
(``llm.queue_wait_s``); a turn that cannot get it in time is planned by the deterministic planner,
with a note, and nothing hangs. The embedded server is started in the background (the chat is
usable at once, on the fallback), warmed with the fixed system prompt, and started again if it dies.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Literal

from whyrec.agent.llm.server import LlamaServer, LLMServerError

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from whyrec.config import AppConfig

log = logging.getLogger(__name__)
Lease = Literal["ok", "busy", "starting", "down"]
RESTART_AFTER_S = 30.0  # a dead embedded server is started again at most this often
# How a request asks for at most one tool call. OpenAI's API and vLLM (since 0.11) read
# ``parallel_tool_calls``; the embedded server's handler ends a generation at the first call's
# closing tag instead (``chat_format.CLOSE``), since the stock llama.cpp server passes no such flag on.
ONE_CALL_OPENAI: dict[str, Any] = {"parallel_tool_calls": False}
ONE_CALL_EMBEDDED: dict[str, Any] = {"stop": ["</tool_call>"]}


def openai_chat_model(config: AppConfig, base_url: str) -> BaseChatModel:
    """langchain-openai's client for any OpenAI-compatible server (vLLM, llama.cpp, a hosted API)."""
    from langchain_openai import ChatOpenAI
    from openai import Timeout  # the SDK's own class: openai 3 moved from httpx to httpx2

    class CompatibleChat(ChatOpenAI):
        """Requests every OpenAI-compatible server reads: ``max_tokens`` and ``content: ""`` for a tool-calling turn.

        langchain-openai sends ``max_completion_tokens`` and ``content: null``; vLLM takes either, while
        llama-cpp-python's server ignores the first and rejects the second.
        """

        def _get_request_payload(self, input_: Any, *, stop: list[str] | None = None, **kwargs: Any) -> dict[str, Any]:
            payload: dict[str, Any] = super()._get_request_payload(input_, stop=stop, **kwargs)
            if "max_completion_tokens" in payload:
                payload["max_tokens"] = payload.pop("max_completion_tokens")
            for message in payload.get("messages", []):
                if message.get("role") == "assistant" and message.get("content") is None:
                    message["content"] = ""
            return payload

    llm = config.llm
    return CompatibleChat(
        base_url=base_url,
        model=llm.model,
        api_key=llm.api_key,  # type: ignore[arg-type]
        timeout=Timeout(llm.timeout_s, connect=2.0),
        max_retries=0,
        temperature=0,
        max_tokens=llm.max_reply_tokens,  # type: ignore[call-arg]
    )


class ModelBackend:
    """A chat model behind a gate; for the embedded backend, also the llama.cpp server's lifecycle."""

    def __init__(self, chat_model: BaseChatModel, *, wait_s: float, server: LlamaServer | None = None) -> None:
        self.chat_model, self.wait_s, self.server = chat_model, wait_s, server
        self.one_call = ONE_CALL_OPENAI if server is None else ONE_CALL_EMBEDDED  # request options: one call only
        self.narrows = server is not None  # its handler builds the grammar from the schemas sent (chat_format)
        self._gate = threading.Semaphore(1)
        self._ready = threading.Event()
        self._starting: threading.Thread | None = None
        self._last_start = 0.0
        self._warm: Callable[[], object] | None = None  # one request with the fixed prompt, set by the agent
        if server is None:
            self._ready.set()

    @classmethod
    def from_config(cls, config: AppConfig) -> ModelBackend:
        """The configured model; LLMServerError when there is none (no URL, or `whyrec prepare` not run)."""
        llm = config.llm
        if llm.backend == "openai" or llm.base_url is not None:
            if llm.base_url is None:
                raise LLMServerError("WHYREC_LLM_BACKEND=openai needs WHYREC_LLM_BASE_URL")
            return cls(openai_chat_model(config, llm.base_url), wait_s=llm.queue_wait_s)
        from whyrec.agent.llm.weights import is_verified, model_path

        path = model_path(config.home_dir)
        if not is_verified(path):
            raise LLMServerError(f"the embedded model is not prepared at {path}; run `whyrec prepare`")
        server = LlamaServer(
            path, alias=llm.model, n_ctx=llm.context, threads=llm.threads, startup_timeout_s=llm.startup_timeout_s
        )
        return cls(openai_chat_model(config, server.base_url), wait_s=llm.queue_wait_s, server=server)

    @property
    def name(self) -> str:
        return str(getattr(self.chat_model, "model_name", "the language model"))

    # --- lifecycle ----------------------------------------------------------------------------
    def start(self, warm_up: Callable[[], object] | None = None) -> None:
        """Start the embedded server in the background (no-op for a remote one); ``warm_up`` runs once it is up."""
        self._warm = warm_up
        if self.server is None or (self._starting is not None and self._starting.is_alive()):
            return
        self._ready.clear()
        self._last_start = time.monotonic()
        self._starting = threading.Thread(target=self._start, name="whyrec-llm-start", daemon=True)
        self._starting.start()

    def _start(self) -> None:
        assert self.server is not None
        try:
            self.server.stop()  # a server that died (or hung) is replaced, never doubled
            self.server.start()
        except Exception as exc:  # the chat stays up on the fallback; the reason is in the log
            log.warning("the embedded language model did not start: %s", exc)
            return
        with self._gate:  # turns wait (or fall back) while the fixed prompt is evaluated
            try:
                if self._warm is not None:
                    self._warm()
            except Exception as exc:  # only the first turn's speed depends on it
                log.warning("warming the language model failed: %s", exc)
        self._ready.set()

    def wait_ready(self, timeout_s: float) -> bool:
        """Block until the model can take a turn (CLI and benchmarks); False if it did not in time."""
        return self._ready.wait(timeout_s)

    def close(self) -> None:
        if self.server is not None:
            self.server.stop()
        self._ready.clear()

    # --- turns --------------------------------------------------------------------------------
    def status(self) -> Lease:
        if self.server is None:
            return "ok"
        if not self.server.alive and self._ready.is_set():  # it died: answer on the fallback, start it again
            self._ready.clear()
        if not self._ready.is_set():
            if (self._starting is None or not self._starting.is_alive()) and (
                time.monotonic() - self._last_start > RESTART_AFTER_S
            ):
                self.start(self._warm)
            return "starting" if self._starting is not None and self._starting.is_alive() else "down"
        return "ok"

    @contextmanager
    def lease(self) -> Iterator[Lease]:
        """The model for one turn, or why not: "busy" after ``wait_s`` in the queue, "starting", "down"."""
        state = self.status()
        if state != "ok":
            yield state
            return
        if not self._gate.acquire(timeout=self.wait_s):
            yield "busy"
            return
        try:
            yield "ok"
        finally:
            self._gate.release()


__all__ = ["LLMServerError", "Lease", "ModelBackend", "openai_chat_model"]
