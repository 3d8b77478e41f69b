"""``whyrec eval FILE.jsonl`` (labeled conversations through the agent) and ``whyrec bench agent``."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from whyrec.catalog.commands import print_json, progress_bar

console = Console(stderr=True)


def _table(title: str, report: dict[str, Any]) -> Table:
    table = Table("metric", "value", title=title)
    for key, value in report.items():
        if key not in ("per_intent", "failures"):
            table.add_row(key, "—" if value is None else str(value))
    for intent, row in report["per_intent"].items():
        table.add_row(
            f"  {intent}",
            f"{row['accuracy']:.1%} of {row['cases']}, p50 {row['latency_p50_ms']} ms, p95 {row['latency_p95_ms']} ms",
        )
    table.add_row("failures", ", ".join(f["id"] for f in report["failures"]) or "none")
    return table


def _progress_callback(progress: Any, label: str) -> Any:
    task = progress.add_task(label, total=None, info="")

    def update(done: int, total: int) -> None:
        progress.update(task, completed=done, total=total)

    return update


def register(app: typer.Typer, bench: typer.Typer) -> None:
    @app.command("eval")
    def eval_(
        ctx: typer.Context,
        file: Annotated[Path, typer.Argument(help="labeled conversations, one JSON object per line")],
        k: Annotated[int, typer.Option("--k", min=1, max=50, help="cut-off for Recall@k and NDCG@k")] = 10,
        planner_only: Annotated[bool, typer.Option("--planner-only", help="plan only, run no tools")] = False,
        as_json: Annotated[bool, typer.Option("--json", help="machine-readable")] = False,
    ) -> None:
        """Run labeled conversations: intent accuracy, slots, constraint satisfaction, Recall/NDCG@k, latency."""
        from whyrec.agent.evaluate import evaluate_agent, evaluate_planner, load_cases
        from whyrec.agent.runtime import Agent
        from whyrec.agent.sessions import SessionStore

        cases = load_cases(file)
        # the eval's sessions are scratch: kept out of the person's session store
        with tempfile.TemporaryDirectory(prefix="whyrec-eval-") as scratch:
            agent = Agent(ctx.obj, store=SessionStore.under(Path(scratch)))
            try:
                if planner_only:
                    report = evaluate_planner(agent.planner.semantic, cases, agent.resources.catalog, k)
                else:
                    with progress_bar() as progress:
                        update = _progress_callback(progress, "conversations")
                        report = evaluate_agent(agent, cases, agent.resources.catalog, k, progress=update)
            finally:
                agent.close()
        if as_json:
            print_json(report.to_json())
            return
        Console().print(_table(f"{file.name}: {len(cases)} cases", report.to_json()))

    @bench.command("agent")
    def bench_agent(
        ctx: typer.Context,
        file: Annotated[Path | None, typer.Option(help="labeled conversations (default: the shipped set)")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="machine-readable")] = False,
    ) -> None:
        """The semantic planner alone and the whole agent on the labeled conversations, against the goals."""
        from whyrec.bench.agent import DEFAULT_CASES, run

        with progress_bar() as progress:
            result = run(ctx.obj, file or DEFAULT_CASES, progress=_progress_callback(progress, "conversations"))
        if as_json:
            print_json(result)
            return
        Console().print(_table("semantic planner alone", result["planner"]))
        Console().print(_table("agent with the real tools", result["agent"]))
        console.print(f"goals met: {result['goals_met']}")
