"""``whyrec ask`` (one turn of the agent) and ``whyrec serve-llm`` (an OpenAI-compatible LLM server)."""

from __future__ import annotations

import subprocess
import time
import uuid
from typing import Annotated

import typer
from rich.console import Console

from whyrec.catalog.commands import print_json
from whyrec.config import AppConfig

console = Console(stderr=True)
PlannerOption = Annotated[
    str | None, typer.Option("--planner", help="llm, semantic or auto (default: WHYREC_AGENT_PLANNER)")
]


def with_planner(config: AppConfig, planner: str | None) -> AppConfig:
    """``config`` with ``agent.planner`` set from a command-line option, validated."""
    if planner is None:
        return config
    from whyrec.errors import WhyrecError

    if planner not in ("llm", "semantic", "auto"):
        raise WhyrecError(f"--planner must be llm, semantic or auto, not {planner!r}")
    return config.model_copy(update={"agent": config.agent.model_copy(update={"planner": planner})})


def register(app: typer.Typer, bench: typer.Typer) -> None:
    @app.command()
    def ask(
        ctx: typer.Context,
        message: Annotated[str, typer.Argument(help="what you would type in the chat")],
        user: Annotated[int | None, typer.Option("--user", help="act as this MovieLens user")] = None,
        session: Annotated[str | None, typer.Option("--session", help="continue this session (else a new one)")] = None,
        planner: PlannerOption = None,
        as_json: Annotated[bool, typer.Option("--json", help="machine-readable TurnResult")] = False,
    ) -> None:
        """Ask the agent one thing; with --session, later asks can refer back ("why the first one?")."""
        from whyrec.agent.runtime import Agent

        config = with_planner(ctx.obj, planner)
        agent = Agent(config)
        session_id = session or f"cli-{uuid.uuid4().hex[:12]}"
        try:
            agent.warm(wait_for_model_s=config.llm.startup_timeout_s)
            result = agent.turn(message, session_id=session_id, user_id=user)
        finally:
            agent.close()
        if as_json:
            print_json(result.model_dump(mode="json"))
            return
        print(result.reply)
        steps = ", ".join(c["name"] for c in result.tool_calls) or "no tools"
        console.print(
            f"[dim]{result.intent} · planned by {result.planner} · {steps} · {result.latency_ms:.0f} ms · "
            f"session {session_id}[/]"
        )

    @app.command("serve-llm")
    def serve_llm(
        ctx: typer.Context,
        backend: Annotated[str, typer.Option(help="llama (the embedded CPU model) or vllm (GPU)")] = "llama",
        model: Annotated[str | None, typer.Option(help="vLLM model id, or a GGUF path for llama")] = None,
        host: Annotated[str, typer.Option(help="bind address")] = "127.0.0.1",
        port: Annotated[int, typer.Option(help="port")] = 8000,
    ) -> None:
        """Serve an OpenAI-compatible LLM; point the app at it with WHYREC_LLM_BASE_URL=http://HOST:PORT/v1."""
        from pathlib import Path

        from whyrec.agent.llm.server import LlamaServer, LLMServerError, vllm_command
        from whyrec.agent.llm.weights import model_path

        config: AppConfig = ctx.obj
        if backend not in ("llama", "vllm"):
            raise LLMServerError(f"unknown backend {backend!r}: use llama or vllm")
        if backend == "vllm":
            command = vllm_command(model or "Qwen/Qwen2.5-7B-Instruct", host, port)
            console.print(" ".join(command))
            raise typer.Exit(subprocess.call(command))
        llm = config.llm
        path = Path(model) if model else model_path(config.home_dir)
        server = LlamaServer(path, alias=llm.model, host=host, port=port, n_ctx=llm.context, threads=llm.threads)
        with server:
            console.print(f"serving {server.model_path.name} as {llm.model!r} at {server.base_url} (Ctrl-C stops it)")
            try:
                while True:
                    time.sleep(3600)
            except KeyboardInterrupt:
                console.print("stopping")
