"""``whyrec bench kill`` and ``whyrec bench load``: persistence under SIGKILL and concurrent sessions."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from whyrec.catalog.commands import print_json
from whyrec.config import AppConfig


def register(app: typer.Typer, bench: typer.Typer) -> None:
    @bench.command("kill")
    def bench_kill(
        trials: Annotated[int, typer.Option(min=1, max=1000, help="writers killed with SIGKILL")] = 20,
        seed: Annotated[int, typer.Option(help="seed of the kill moments")] = 0,
        as_json: Annotated[bool, typer.Option("--json", help="machine-readable")] = False,
    ) -> None:
        """kill -9 during feedback writes: after a restart every record is whole or absent (lost, half-written)."""
        from whyrec.bench.hardening import run_kill

        report = run_kill(trials, seed)
        if as_json:
            print_json(report)
            return
        table = Table("trials", "writes acknowledged", "stored", "lost", "half-written", title="kill -9 during writes")
        table.add_row(
            *(str(report[k]) for k in ("trials", "writes_acknowledged", "writes_stored", "lost")),
            str(report["half_written"]),
        )
        Console().print(table)

    @bench.command("load")
    def bench_load(
        ctx: typer.Context,
        sessions: Annotated[int, typer.Option(min=1, max=200, help="concurrent chat sessions")] = 20,
        turns: Annotated[int, typer.Option(min=1, max=100, help="turns per session")] = 10,
        url: Annotated[
            str | None, typer.Option(help="a running app (else `whyrec chat` is started on a free port)")
        ] = None,
        max_seconds: Annotated[float, typer.Option(min=1, help="stop sending after this long")] = 300.0,
        as_json: Annotated[bool, typer.Option("--json", help="machine-readable")] = False,
    ) -> None:
        """Concurrent sessions against the app's JSON API: throughput, p50/p95 latency, errors, cross-session leaks."""
        from whyrec.bench.hardening import run_load

        config: AppConfig = ctx.obj
        report = run_load(config, sessions, turns, url=url, deadline_s=max_seconds)
        if as_json:
            print_json(report)
            return
        table = Table("metric", "value", title=f"{sessions} sessions x {turns} turns against {report['url']}")
        for key in (
            "requests",
            "skipped_at_deadline",
            "errors",
            "wall_s",
            "throughput_rps",
            "p50_ms",
            "p95_ms",
            "max_ms",
        ):
            table.add_row(key, str(report[key]))
        table.add_row("cross-session leaks", str(len(report["cross_session_leaks"])))
        Console().print(table)
        for example in report["error_examples"]:
            Console(stderr=True).print(f"[red]error:[/] {example}", markup=True, highlight=False)
