"""``whyrec recommend``, ``whyrec bench ranker`` and the ranker's build step of ``whyrec prepare``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from whyrec.catalog.commands import load, print_json, progress_bar
from whyrec.errors import WhyrecError

if TYPE_CHECKING:
    from whyrec.catalog.model import Catalog
    from whyrec.config import AppConfig
    from whyrec.ranker.scoring import Ranking, UserRef


def prepare(config: AppConfig, catalog: Catalog, progress: Progress) -> str:
    """Train the served LightGCN unless it is up to date: on the training split with early stopping on valid,
    then again on every positive with the same epochs and learning rates, so it knows each person's whole
    history ("what if I hadn't watched X?" works for any film they rated highly). Benchmarks use the splits."""
    import torch

    from whyrec.catalog.artifacts import ArtifactStore
    from whyrec.ranker.checkpoint import ARTIFACT, checkpoint_fingerprint, save_checkpoint
    from whyrec.ranker.graph import Interactions
    from whyrec.ranker.train import train_lightgcn

    store = ArtifactStore(config.home_dir)
    fp = checkpoint_fingerprint(config.ranker, catalog)
    if store.is_fresh(ARTIFACT, fp):
        meta = store.manifest(ARTIFACT) or {}
        return f"LightGCN up to date (valid NDCG@20 {meta.get('valid_ndcg@20', float('nan')):.4f})"
    if config.ranker.threads:
        torch.set_num_threads(config.ranker.threads)
    graph = Interactions.from_frame(catalog, catalog.split.train)
    valid = Interactions.from_frame(catalog, catalog.split.valid).matrix
    result = train_lightgcn(graph, config.ranker, valid=valid, progress=progress)
    everything = Interactions.from_frame(catalog, catalog.positives)
    served = train_lightgcn(everything, config.ranker, schedule=result.schedule, progress=progress,
                            description="training LightGCN on every positive")  # fmt: skip
    summary: dict[str, Any] = {
        "valid_ndcg@20": result.best_valid_ndcg,
        "best_epoch": result.best_epoch,
        "epochs_run": result.epochs_run,
        "served_epochs": len(result.schedule),
        "graph": "all positives",
        "train_seconds": round(result.seconds + served.seconds, 1),
    }
    with store.building(ARTIFACT, fp, **summary) as folder:
        save_checkpoint(folder, served.model, config.ranker, catalog, **summary)
    return (
        f"trained LightGCN in {result.seconds + served.seconds:.0f}s: valid NDCG@20 {result.best_valid_ndcg or 0:.4f} "
        f"at epoch {result.best_epoch}, then {len(result.schedule)} epochs on all {len(everything)} positives"
    )


def parse_ids(text: str | None, option: str) -> tuple[int, ...]:
    """``"1,260, 1196"`` -> (1, 260, 1196); a clear error naming the option for anything else."""
    if not text:
        return ()
    ids = []
    for part in text.split(","):
        if not part.strip():
            continue
        try:
            ids.append(int(part.strip()))
        except ValueError:
            raise WhyrecError(f"{option}: {part.strip()!r} is not an item id (expected e.g. 1,260,1196)") from None
    return tuple(ids)


def user_ref(user: int | None, liked: str | None, disliked: str | None) -> UserRef:
    """A MovieLens user (--user) or a chat profile (--liked/--disliked), never both."""
    from whyrec.ranker.scoring import Profile

    profile = Profile(liked=parse_ids(liked, "--liked"), disliked=parse_ids(disliked, "--disliked"))
    if user is not None and (profile.liked or profile.disliked):
        raise WhyrecError("give either --user or --liked/--disliked, not both")
    if user is None and not profile.liked and not profile.disliked:
        raise WhyrecError("give --user ID or --liked ID,ID,... (optionally with --disliked)")
    return user if user is not None else profile


def ranking_rows(catalog: Catalog, ranking: Ranking) -> list[dict[str, Any]]:
    rows = []
    for scored in ranking.items:
        item = catalog.item(scored.item_id)
        rows.append(
            {
                "rank": scored.rank,
                "item_id": scored.item_id,
                "title": item.label,
                "genres": list(item.genres),
                "score": round(scored.score, 5),
            }
        )
    return rows


def show_rows(title: str, rows: list[dict[str, Any]], note: str | None) -> None:
    table = Table("#", "id", "title", "genres", "score", title=title)
    for row in rows:
        table.add_row(
            str(row["rank"]), str(row["item_id"]), row["title"], ", ".join(row["genres"]), f"{row['score']:.4f}"
        )
    Console().print(table)
    if note:
        Console(stderr=True).print(f"[yellow]note:[/] {note}")


def register(app: typer.Typer, bench: typer.Typer) -> None:
    @app.command()
    def recommend(
        ctx: typer.Context,
        user: Annotated[int | None, typer.Option("--user", help="MovieLens userId")] = None,
        liked: Annotated[str | None, typer.Option("--liked", help="liked item ids, e.g. 1,260,1196")] = None,
        disliked: Annotated[str | None, typer.Option("--disliked", help="disliked item ids (hidden)")] = None,
        k: Annotated[int, typer.Option("--k", min=1, max=500, help="how many items")] = 10,
        as_json: Annotated[bool, typer.Option("--json", help="machine-readable")] = False,
        query: Annotated[str | None, typer.Option("--query", help="hybrid: what to look for")] = None,
        genre: Annotated[list[str] | None, typer.Option("--genre", help="hybrid: required genre")] = None,
        exclude_genre: Annotated[list[str] | None, typer.Option("--exclude-genre", help="hybrid: excluded")] = None,
        year_min: Annotated[int | None, typer.Option("--year-min", help="hybrid: earliest year")] = None,
        year_max: Annotated[int | None, typer.Option("--year-max", help="hybrid: latest year")] = None,
        any_genre: Annotated[list[str] | None, typer.Option("--any-genre", help="hybrid: one of these genres")] = None,
    ) -> None:
        """Top-k LightGCN recommendations for a MovieLens user or for liked items (fold-in).

        Any of --query/--genre/--any-genre/--exclude-genre/--year-min/--year-max switches to the hybrid
        recommender: retrieval by meaning, ranking by LightGCN, hard filters always met.
        """
        from whyrec.ranker.hybrid_commands import run_hybrid, wants_hybrid
        from whyrec.ranker.scoring import Ranker

        config: AppConfig = ctx.obj
        if wants_hybrid(query, genre, exclude_genre, year_min, year_max, any_genre):
            run_hybrid(
                config,
                user=user,
                liked=liked,
                disliked=disliked,
                query=query,
                genre=genre,
                exclude_genre=exclude_genre,
                year_min=year_min,
                year_max=year_max,
                any_genre=any_genre,
                k=k,
                as_json=as_json,
            )
            return
        who = user_ref(user, liked, disliked)
        catalog = load(config)
        ranking = Ranker.load(config, catalog).recommend(who, k=k)
        rows = ranking_rows(catalog, ranking)
        if as_json:
            print_json(
                {"user": user, "liked": list(getattr(who, "liked", ())), "fallback": ranking.fallback, "items": rows}
            )
            return
        title = f"LightGCN top-{k} for user {user}" if user is not None else f"LightGCN top-{k} for your likes"
        show_rows(title, rows, ranking.fallback and f"ranked by {ranking.fallback}")

    @bench.command("ranker")
    def bench_ranker(
        ctx: typer.Context,
        seeds: Annotated[int, typer.Option("--seeds", min=1, max=10, help="training seeds per model")] = 3,
        as_json: Annotated[bool, typer.Option("--json", help="machine-readable")] = False,
        scaling: Annotated[bool, typer.Option(help="also time 25/50/100% of users")] = True,
    ) -> None:
        """LightGCN against MostPopular, ItemKNN and EASE on the same split: accuracy, bias and speed."""
        from whyrec.bench.ranker import print_report, run_benchmark

        config: AppConfig = ctx.obj
        with progress_bar() as progress:
            report = run_benchmark(
                config, load(config, progress), seeds=seeds, scaling_section=scaling, progress=progress
            )
        if as_json:
            print_json(report)
        else:
            print_report(report)
