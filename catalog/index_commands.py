"""``whyrec search`` and the item index's build step of ``whyrec prepare``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import Progress, TaskID
from rich.table import Table

from whyrec.catalog.commands import load, print_json

if TYPE_CHECKING:
    from whyrec.catalog.model import Catalog
    from whyrec.config import AppConfig


def prepare(config: AppConfig, catalog: Catalog, progress: Progress) -> str:
    """Build or refresh the Chroma index; seconds when nothing changed, else only changed items are embedded."""
    from whyrec.catalog.index import build_index, collection, index_fingerprint
    from whyrec.catalog.vectorstore import MiniLMEmbeddingFunction, open_client

    fp = index_fingerprint(catalog)
    ef = MiniLMEmbeddingFunction()
    coll = collection(open_client(config), config.chroma.collection, ef)
    if (coll.metadata or {}).get("fingerprint") == fp and coll.count() == catalog.n_items:
        return f"up to date ({coll.count()} items)"
    task = progress.add_task("embedding items", total=None, info="")

    def on_progress(done: int, total: int) -> None:
        progress.update(task, completed=done, total=total)

    report = build_index(
        coll,
        ef,
        catalog.items,
        catalog.genres,
        fingerprint=fp,
        batch=config.chroma.embed_batch,
        on_progress=on_progress,
    )
    return str(report)


def register(app: typer.Typer, bench: typer.Typer) -> None:
    @bench.command("retrieval")
    def bench_retrieval(
        ctx: typer.Context,
        k: Annotated[int, typer.Option(min=1, help="cut-off of Recall@k and nDCG@k")] = 20,
        latency_queries: Annotated[int, typer.Option(min=10, help="queries timed one by one")] = 1000,
        as_json: Annotated[bool, typer.Option("--json", help="machine-readable")] = False,
    ) -> None:
        """Tag queries: embedding retriever vs BM25 (Recall@k, nDCG@k), query latency, index build time."""
        from whyrec.bench.retrieval import run
        from whyrec.catalog.commands import progress_bar

        config: AppConfig = ctx.obj
        catalog = load(config)
        with progress_bar() as progress:
            tasks: dict[str, TaskID] = {}

            def report(name: str, done: int, total: int) -> None:
                if name not in tasks:
                    tasks[name] = progress.add_task(name, total=total, info="")
                progress.update(tasks[name], completed=done, total=total)

            result = run(config, catalog, k=k, latency_queries=latency_queries, progress=report)
        if as_json:
            print_json(result)
            return
        title = f"{result['queries']} tag queries"
        table = Table("retriever", f"recall@{k}", f"ndcg@{k}", "p50 ms", "p95 ms", title=title)
        for name, r in result["retrievers"].items():
            lat = r["latency"]
            table.add_row(name, str(r[f"recall@{k}"]), str(r[f"ndcg@{k}"]), str(lat["p50_ms"]), str(lat["p95_ms"]))
        Console().print(table)
        Console().print(f"index build: {result['index_build']}")

    @app.command()
    def search(
        ctx: typer.Context,
        query: Annotated[str, typer.Argument(help='what to look for; "" = filters only, most popular first')],
        k: Annotated[int, typer.Option(min=1, max=500, help="number of results")] = 10,
        genre: Annotated[list[str] | None, typer.Option("--genre", help="required genre (repeatable)")] = None,
        exclude_genre: Annotated[
            list[str] | None, typer.Option("--exclude-genre", help="excluded genre (repeatable)")
        ] = None,
        year_min: Annotated[int | None, typer.Option(help="earliest year (undated films are left out)")] = None,
        year_max: Annotated[int | None, typer.Option(help="latest year (undated films are left out)")] = None,
        any_genre: Annotated[
            list[str] | None, typer.Option("--any-genre", help="one of these genres (repeatable: comedy or horror)")
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="machine-readable")] = False,
    ) -> None:
        """Semantic search over titles, genres, tags and overviews, with hard filters."""
        from whyrec.catalog.constraints import Constraints
        from whyrec.catalog.index import ItemIndex

        config: AppConfig = ctx.obj
        catalog = load(config)
        constraints = Constraints.from_options(genre, exclude_genre, year_min, year_max, any_genre).validate(catalog)
        hits = ItemIndex.open(config, catalog).search(query, k, constraints=constraints)
        items = [catalog.item(h.item_id) for h in hits]
        if as_json:
            rows = [
                {"item_id": h.item_id, "title": h.title, "year": it.year, "genres": list(it.genres), "score": h.score}
                for h, it in zip(hits, items, strict=True)
            ]
            print_json({"query": query, "k": k, "constraints": constraints.describe(), "hits": rows})
            return
        table = Table("id", "title", "year", "genres", "score", title=f"search: {query!r}")
        for h, it in zip(hits, items, strict=True):
            table.add_row(str(h.item_id), h.title, str(it.year or "–"), ", ".join(it.genres), f"{h.score:.3f}")
        Console().print(table)
        if len(hits) < k:
            Console(stderr=True).print(f"only {len(hits)} of {k} items meet the filters")
