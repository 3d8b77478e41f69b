"""``whyrec chat``: the Gradio page and its JSON API on one port, on loopback unless told otherwise."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from whyrec.agent.commands import with_planner
from whyrec.config import AppConfig

console = Console(stderr=True)


# The chat's planner unless told: the language model when one is prepared or configured, since it was the
# more accurate on heldout14, the latest set written blind that has been run (`whyrec bench agent --sets heldout14
# --planner llm,semantic`, its first run, by intent, then slots, then constraints: intent 96.2% vs 96.2%, slots
# 87.5% vs 85.0%, constraints 92.1% vs 84.7%), though a turn takes 7.0 s at the median on 2 cores, not 55 ms.
# The first runs of heldout5-7, heldout9, heldout10 and heldout13 chose the model too; those of heldout8,
# heldout11 and heldout12 chose the deterministic planner (`--planner semantic`).
CHAT_PLANNER = "auto"


def chat_config(config: AppConfig, planner: str | None) -> AppConfig:
    """``--planner``, else ``WHYREC_AGENT_PLANNER`` when it is set, else :data:`CHAT_PLANNER`."""
    if planner is None and "planner" not in config.agent.model_fields_set:
        planner = CHAT_PLANNER
    return with_planner(config, planner)


def planner_status(config: AppConfig, has_model: bool = True) -> str:
    """One line on who plans the turns, so people know when no language model is involved."""
    if config.agent.planner == "semantic" or not has_model:
        return "*Planner: the deterministic semantic planner (no language model); every feature works.*"
    where = config.llm.base_url or "the embedded llama.cpp server on this machine"
    return (
        f"*Planner: the language model {config.llm.model} at {where}; when it is down, busy or slow, "
        "the deterministic planner answers and the reply says so.*"
    )


def register(app: typer.Typer, bench: typer.Typer) -> None:
    @app.command()
    def chat(
        ctx: typer.Context,
        host: Annotated[str | None, typer.Option(help="bind address (default 127.0.0.1: this machine only)")] = None,
        port: Annotated[int | None, typer.Option(help="port (default 7860)")] = None,
        auth: Annotated[str | None, typer.Option(help="user:pass turns on a login for the page and the API")] = None,
        planner: Annotated[
            str | None, typer.Option(help=f"llm, semantic or auto (default: WHYREC_AGENT_PLANNER, else {CHAT_PLANNER})")
        ] = None,
    ) -> None:
        """Chat in the browser: recommendations, why, what-if and effects (JSON API at POST /api/ask)."""
        from whyrec.agent.runtime import Agent
        from whyrec.ui.app import build_ui
        from whyrec.ui.render import user_summaries
        from whyrec.ui.server import build_server_app, make_server, parse_auth

        config = chat_config(ctx.obj, planner)
        settings = config.ui.model_copy(update={k: v for k, v in {"host": host, "port": port}.items() if v})
        credentials = parse_auth(auth if auth is not None else settings.auth)
        agent = Agent(config)
        try:
            console.print("loading the catalog, ranker and index…")
            agent.warm()
            catalog = agent.resources.catalog
            blocks = build_ui(
                agent,
                catalog.items,
                user_summaries(catalog.ratings, catalog.items),
                lambda: agent.resources.exposure_log.dag,
                planner_status(config, has_model=agent.backend is not None),
            )
            server = make_server(build_server_app(agent, blocks, credentials), settings.host, settings.port)
            console.print(f"whyrec chat on http://{settings.host}:{settings.port} (API: POST /api/ask; Ctrl-C stops)")
            server.run()
        finally:
            agent.close()
