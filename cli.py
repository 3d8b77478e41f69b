"""The ``whyrec`` command line.

Each package contributes its commands through ``register(app, bench)`` in its ``commands``
module, and its build step through ``prepare(config, catalog, progress)``. Heavy libraries are
imported inside the commands, so ``whyrec --help`` stays instant.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from whyrec.agent import commands as agent_commands
from whyrec.agent import eval_commands
from whyrec.agent.llm import weights as llm_weights
from whyrec.bench import hardening_commands
from whyrec.catalog import commands as catalog_commands
from whyrec.catalog import index_commands
from whyrec.catalog.commands import PrepareStep, progress_bar
from whyrec.causal import effect_commands, explain_commands
from whyrec.config import AppConfig, describe, load_config
from whyrec.errors import WhyrecError
from whyrec.ranker import commands as ranker_commands
from whyrec.ui import commands as ui_commands

console = Console(stderr=True)

# The build steps of `whyrec prepare`, in dependency order.
PREPARE_STEPS: list[tuple[str, PrepareStep]] = [
    ("catalog snapshot", catalog_commands.prepare),
    ("item index", index_commands.prepare),
    ("LightGCN ranker", ranker_commands.prepare),
    ("exposure log", effect_commands.prepare),
    ("language model", llm_weights.prepare),
]
COMMAND_MODULES = [
    catalog_commands,
    index_commands,
    ranker_commands,
    effect_commands,
    explain_commands,
    agent_commands,
    eval_commands,
    ui_commands,
    hardening_commands,
]


def build_app() -> typer.Typer:
    app = typer.Typer(
        name="whyrec",
        help="A conversational movie recommender that can say why.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        add_completion=False,
    )
    bench = typer.Typer(help="Benchmarks: speed and accuracy, side by side in one run.", no_args_is_help=True)
    config_app = typer.Typer(help="Inspect the configuration.", no_args_is_help=True)

    @app.callback()
    def root(
        ctx: typer.Context,
        data_dir: Annotated[Path | None, typer.Option(help="raw datasets (else WHYREC_DATA_DIR)")] = None,
        home: Annotated[Path | None, typer.Option(help="artifacts and sessions (else WHYREC_HOME)")] = None,
        debug: Annotated[bool, typer.Option(help="show tracebacks of internal errors")] = False,
    ) -> None:
        overrides = {"data_dir": data_dir, "home": home}
        ctx.obj = load_config(**overrides)
        ctx.meta["cli_overrides"] = overrides

    @app.command()
    def prepare(ctx: typer.Context) -> None:
        """Build everything the app needs into WHYREC_HOME; unchanged inputs are not rebuilt."""
        config: AppConfig = ctx.obj
        start = time.perf_counter()
        with progress_bar() as progress:
            catalog = catalog_commands.load(config, progress)
            for name, step in PREPARE_STEPS:
                t0 = time.perf_counter()
                status = step(config, catalog, progress)
                console.print(f"[green]✓[/] {name}: {status} ({time.perf_counter() - t0:.1f}s)")
        console.print(f"prepared in {time.perf_counter() - start:.1f}s under {config.home_dir}")

    @config_app.command("show")
    def config_show(
        ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json", help="machine-readable")] = False
    ) -> None:
        """Print every setting's effective value and where it came from."""
        rows = describe(ctx.obj, ctx.meta.get("cli_overrides"))
        if as_json:
            print(json.dumps({name: {"value": value, "source": src} for name, value, src in rows}, indent=2))
            return
        table = Table("setting", "value", "source")
        for row in rows:
            table.add_row(*row)
        Console().print(table)

    app.add_typer(config_app, name="config")
    for module in COMMAND_MODULES:
        module.register(app, bench)
    app.add_typer(bench, name="bench")
    return app


def main() -> None:
    """Entry point: run the CLI and turn errors into one clear line, never a traceback."""
    try:
        build_app()(standalone_mode=True)
    except WhyrecError as exc:
        console.print(f"[red]error:[/] {exc}", highlight=False, markup=True)
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:
        if "--debug" in sys.argv:
            raise
        console.print(f"[red]internal error:[/] {type(exc).__name__}: {exc} (run with --debug for details)")
        sys.exit(1)
