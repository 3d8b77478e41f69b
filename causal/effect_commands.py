"""``whyrec effect`` (any CSV, or the default exposure log) and ``whyrec bench causal``."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from whyrec.catalog.commands import load, print_json
from whyrec.config import AppConfig

if TYPE_CHECKING:
    from rich.progress import Progress

    from whyrec.catalog.model import Catalog


METHOD_HELP = "aipw, linear_regression, propensity_score_weighting, propensity_score_matching or _stratification"


def _split(names: str | None) -> list[str] | None:
    return None if names is None else [n.strip() for n in names.split(",") if n.strip()]


def register(app: typer.Typer, bench: typer.Typer) -> None:
    @app.command()
    def effect(
        ctx: typer.Context,
        data: Annotated[Path | None, typer.Option("--data", help="CSV log (default: the exposure log)")] = None,
        treatment: Annotated[str | None, typer.Option(help="binary 0/1 treatment column")] = None,
        outcome: Annotated[str | None, typer.Option(help="outcome column")] = None,
        graph: Annotated[Path | None, typer.Option(help="causal DAG file: GML, DOT or 'a -> b' lines")] = None,
        common_causes: Annotated[str | None, typer.Option(help="comma-separated confounders")] = None,
        categorical: Annotated[str | None, typer.Option(help="numeric columns to treat as categories")] = None,
        method: Annotated[str | None, typer.Option(help=METHOD_HELP)] = None,
        refute: Annotated[bool, typer.Option("--refute/--no-refute", help="run the refuters")] = True,
        sensitivity: Annotated[bool, typer.Option(help="also test sensitivity to an unobserved confounder")] = False,
        as_json: Annotated[bool, typer.Option("--json", help="machine-readable")] = False,
    ) -> None:
        """Estimate the causal effect of a treatment on an outcome, with refutations and the naive gap beside it."""
        from whyrec.causal.estimate import estimate_effect
        from whyrec.causal.inputs import EffectInputError, read_csv, read_graph
        from whyrec.causal.simulate import load_exposure_log

        config: AppConfig = ctx.obj
        true_value = None
        if data is None:
            log = load_exposure_log(config)
            frame, dag_text = log.data, log.dag
            treatment, outcome = treatment or log.treatment, outcome or log.outcome
            true_value = log.truth.ate if log.truth and (treatment, outcome) == (log.treatment, log.outcome) else None
        else:
            if not treatment or not outcome:
                raise EffectInputError("--treatment and --outcome are required with --data")
            if graph is None and common_causes is None:
                raise EffectInputError("give --graph FILE or --common-causes a,b,c for your data")
            frame, dag_text = read_csv(data), None
        if graph is not None:
            dag_text = read_graph(graph)
        causes = _split(common_causes)
        result = estimate_effect(
            frame,
            treatment,
            outcome,
            graph=None if causes is not None else dag_text,
            common_causes=causes,
            method=method,
            refute=refute,
            sensitivity=sensitivity,
            categorical=_split(categorical) or (),
            config=config.causal,
            true_value=true_value,
        )
        if as_json:
            print_json(asdict(result))
            return
        console = Console()
        console.print(
            f"effect of [bold]{result.treatment}[/] on [bold]{result.outcome}[/]: {result.value:+.4f} "
            f"(95% CI {result.ci_low:+.4f} to {result.ci_high:+.4f}); naive difference {result.naive:+.4f}"
        )
        console.print(f"{result.estimand}; {result.method}; n = {result.n}")
        if result.true_value is not None:
            console.print(f"simulator's true effect: {result.true_value:+.4f}")
        for r in result.refutations:
            console.print(f"{'[green]pass[/]' if r.passed else '[red]FAIL[/]'} {r.name}: {r.reading}")
        for w in result.warnings:
            console.print(f"[yellow]warning:[/] {w}")

    @bench.command("causal")
    def bench_causal(
        ctx: typer.Context,
        seeds: Annotated[int, typer.Option(min=1, max=100, help="simulated logs")] = 10,
        methods: Annotated[str | None, typer.Option(help="comma-separated subset of methods")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="machine-readable")] = False,
    ) -> None:
        """Each estimator vs the simulator's ground truth: error, CI coverage, runtime, CATE error."""
        from whyrec.bench.causal import run
        from whyrec.causal.estimate import METHODS, resolve_method

        config: AppConfig = ctx.obj
        chosen = tuple(resolve_method(m, config.causal) for m in _split(methods) or METHODS)
        report = run(load(config), config.causal, seeds=seeds, methods=chosen)
        if as_json:
            print_json(report)
            return
        table = Table(
            "method", "mean estimate", "rel. error", "95% CI coverage", "seconds", title="ATE, simulated logs"
        )
        for row in report["methods"]:  # type: ignore[attr-defined]
            table.add_row(
                row["method"],
                f"{row['mean_estimate']:.4f}",
                f"{row['mean_rel_error']:.1%}",
                f"{row['coverage']:.0%}",
                f"{row['mean_seconds']:.2f}",
            )
        console = Console()
        console.print(table)
        console.print(f"true ATE (mean) {report['true_ate_mean']:.4f}; naive error {report['naive_rel_error']:.0%}")
        console.print(f"CATE by genre mean abs. error {report['cate_genre_mean_abs_error']}")
        console.print(
            f"estimate + refutations {report['default_estimate_plus_refutations_s']:.1f}s wall, "
            f"{report['default_estimate_plus_refutations_cpu_s']:.1f}s CPU"
        )
        console.print(f"goals {report['goals']}")


def prepare(config: AppConfig, catalog: Catalog, progress: Progress) -> str:
    """Build step of `whyrec prepare`: the default exposure log (imported here so `whyrec --help` stays instant)."""
    from whyrec.causal.simulate import prepare as build_exposure_log

    return build_exposure_log(config, catalog, progress)
