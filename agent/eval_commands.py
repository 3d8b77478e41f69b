"""``whyrec eval FILE.jsonl`` (labeled conversations through the agent) and ``whyrec bench agent``."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from whyrec.agent.commands import PlannerOption, with_planner
from whyrec.catalog.commands import print_json, progress_bar

console = Console(stderr=True)


def set_names(text: str) -> list[str]:
    """``--sets a,b``: the benchmark's conversation sets, or a clear error naming the unknown ones."""
    from whyrec.bench.agent import SETS
    from whyrec.errors import WhyrecError

    chosen = [s.strip() for s in text.split(",") if s.strip()]
    unknown = [s for s in chosen if s not in SETS]
    if unknown or not chosen:
        raise WhyrecError(f"unknown set(s) {', '.join(unknown) or '(none)'}: choose from {', '.join(SETS)}")
    return chosen


def _table(title: str, report: dict[str, Any]) -> Table:
    table = Table("metric", "value", title=title)
    for key, value in report.items():
        if key not in ("per_intent", "failures", "planner_sources"):
            table.add_row(key, "—" if value is None else str(value))
    for intent, row in report["per_intent"].items():
        table.add_row(
            f"  {intent}",
            f"{row['accuracy']:.1%} of {row['cases']}, p50 {row['latency_p50_ms']} ms, p95 {row['latency_p95_ms']} ms",
        )
    table.add_row("planned by", ", ".join(f"{p} {n}" for p, n in report["planner_sources"].items()) or "—")
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
        k: Annotated[
            int, typer.Option("--k", min=1, max=50, help="list length asked of the agent, and Recall@k cut-off")
        ] = 10,
        planner: PlannerOption = None,
        history: Annotated[
            str, typer.Option("--history", help="replay: run the user turns first; transcript: read both roles")
        ] = "replay",
        planner_only: Annotated[bool, typer.Option("--planner-only", help="plan only, run no tools")] = False,
        as_json: Annotated[bool, typer.Option("--json", help="machine-readable")] = False,
    ) -> None:
        """Run labeled conversations: intent accuracy, slots, constraint satisfaction, Recall/NDCG@k, latency."""
        from whyrec.agent.cases import load_cases
        from whyrec.agent.evaluate import evaluate_agent, evaluate_planner
        from whyrec.agent.runtime import Agent
        from whyrec.agent.sessions import SessionStore
        from whyrec.errors import WhyrecError

        if history not in ("replay", "transcript"):
            raise WhyrecError(f"--history must be replay or transcript, not {history!r}")
        config = with_planner(ctx.obj, planner)
        config = config.model_copy(update={"agent": config.agent.model_copy(update={"default_k": k})})  # N items
        cases = load_cases(file)
        # the eval's sessions are scratch: kept out of the person's session store
        with tempfile.TemporaryDirectory(prefix="whyrec-eval-") as scratch:
            agent = Agent(config, store=SessionStore.under(Path(scratch)))
            try:
                agent.warm(wait_for_model_s=config.llm.startup_timeout_s)
                if planner_only:
                    report = evaluate_planner(agent.planner.semantic, cases, agent.resources.catalog, k)
                else:
                    with progress_bar() as progress:
                        update = _progress_callback(progress, "conversations")
                        report = evaluate_agent(
                            agent, cases, agent.resources.catalog, k, history=history, progress=update
                        )
            finally:
                agent.close()
        if as_json:
            print_json(report.to_json())
            return
        Console().print(_table(f"{file.name}: {len(cases)} cases", report.to_json()))

    @bench.command("agent")
    def bench_agent(
        ctx: typer.Context,
        planner: Annotated[
            str, typer.Option("--planner", help="llm, semantic or auto; several, comma-separated, run side by side")
        ] = "semantic",
        sets: Annotated[str | None, typer.Option("--sets", help="comma-separated set names (default: all)")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="machine-readable")] = False,
    ) -> None:
        """Every labeled and held-out set through the whole agent, per planner, against the goals."""
        from whyrec.bench.agent import SETS, run

        planners = [p.strip() for p in planner.split(",") if p.strip()]
        for name in planners:
            with_planner(ctx.obj, name)  # an unknown planner is a clear error before anything runs
        chosen = set_names(sets) if sets else list(SETS)
        with progress_bar() as progress:
            tasks: dict[str, Any] = {}

            def update(label: str, done: int, total: int) -> None:
                task = tasks.setdefault(label, progress.add_task(label, total=total, info=""))
                progress.update(task, completed=done, total=total)

            result = run(ctx.obj, planners, chosen, progress=update)
        if as_json:
            print_json(result)
            return
        table = Table("set", "planner", "cases", "intent", "slots", "constraints", "p50 ms", "p95 ms", "planned by")
        for row in result["rows"]:
            r = row["report"]
            table.add_row(
                row["set"] + (" (blind)" if row["blind"] else ""), row["planner"], str(row["cases"]),
                _pct(r["intent_accuracy"]), _pct(r["slot_accuracy"]), _pct(r["constraint_satisfaction"]),
                f"{r['latency_p50_ms']:.0f}", f"{r['latency_p95_ms']:.0f}",
                ", ".join(f"{p} {n}" for p, n in r["planner_sources"].items()),
            )  # fmt: skip
        Console().print(table)
        console.print(f"goals: {result['goals']}")
        if result["choice"]:
            console.print(f"more accurate on the blind set: {result['choice']['planner']} ({result['choice']['by']})")

    @bench.command("calls")
    def bench_calls(
        ctx: typer.Context,
        sets: Annotated[str, typer.Option("--sets", help="comma-separated set names")] = "heldout2,heldout3",
        as_json: Annotated[bool, typer.Option("--json", help="machine-readable")] = False,
    ) -> None:
        """The model's first round free, asked for one call, and asked for one narrowed call, on the same requests."""
        from whyrec.bench.tool_calls import ARMS, run

        chosen = set_names(sets)
        with progress_bar() as progress:
            task = progress.add_task("first rounds, every way", total=None, info="")
            result = run(ctx.obj, chosen, lambda done, total: progress.update(task, completed=done, total=total))
        if as_json:
            print_json(result)
            return
        title = f"{result['requests']} requests for films"
        table = Table("arm", "total s", "p50 s", "calls per answer", "tokens", title=title)
        for arm in ARMS:
            a = result["arms"][arm]
            table.add_row(arm, str(a["total_s"]), str(a["p50_s"]), str(a["calls_per_answer"]), str(a["tokens"]))
        Console().print(table)
        console.print(f"one_call / free time: {result['time_ratio']}; same first call: {result['same_first_call']:.0%}")
        console.print(
            f"narrowed / one_call time: {result['narrowed_time_ratio']}; "
            f"same first call: {result['narrowed_same_first_call']:.0%}"
        )

    @bench.command("redial")
    def bench_redial(
        ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json", help="machine-readable")] = False
    ) -> None:
        """ReDial's development dialogues: Recall@1/10/50 of the agent beside popularity and fold-in only."""
        from whyrec.bench.redial import CUTS, run

        with progress_bar() as progress:
            tasks: dict[str, Any] = {}

            def update(label: str, done: int, total: int) -> None:
                task = tasks.setdefault(label, progress.add_task(label, total=total or None, info=""))
                progress.update(task, completed=done)

            result = run(ctx.obj, progress=update)
        if as_json:
            print_json(result)
            return
        table = Table("set", "method", "cases", *(f"Recall@{k}" for k in CUTS), title="ReDial development dialogues")
        for row in result["rows"]:
            table.add_row(
                f"{row['set']} ({row['use']})", row["method"], str(row["cases"]),
                *(f"{row[f'recall@{k}']:.3f}" for k in CUTS),
            )  # fmt: skip
        Console().print(table)
        console.print(f"data: {result['credit']}")


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"
