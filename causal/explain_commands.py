"""``whyrec explain``, ``whyrec whatif`` and ``whyrec bench explain``: counterfactuals on the ranker's graph."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from whyrec.catalog.commands import load, print_json
from whyrec.errors import WhyrecError
from whyrec.ranker.commands import parse_ids, user_ref

if TYPE_CHECKING:
    from whyrec.causal.results import Explanation, WhatIf
    from whyrec.config import AppConfig


def show_explanation(e: Explanation) -> None:
    out = Console()
    if e.found and e.verified:
        titles = [r.title for r in e.removal]
        names = titles[0] if len(titles) == 1 else f"{', '.join(titles[:-1])} and {titles[-1]}"
        out.print(
            f"Without your ratings of {names}, {e.title} falls from #{e.rank_before} to "
            f"{f'#{e.rank_after}' if e.rank_after else 'out of the top 50'} (verified by an independent recomputation)."
        )
    else:
        out.print(
            f"{e.title} is #{e.rank_before}; no set of at most {e.max_size} of your {e.history_size} ratings"
            f" was found whose removal drops it out of the top {e.k}"
            + (f"; it takes removing about {e.takes}, those that support it most." if e.takes else ".")
        )
    table = Table("rating removed alone", "new rank", "lead change", title="most influential ratings")
    for i in e.influences:
        table.add_row(i.title, f"#{i.new_rank}", f"{i.margin_change:+.4f}")
    out.print(table)


def show_whatif(w: WhatIf) -> None:
    out = Console()
    out.print(f"[bold]{w.description}[/]")
    table = Table("#", "before", "after", title=f"top {w.k}")
    for i in range(max(len(w.before), len(w.after))):
        b = w.before[i].title if i < len(w.before) else ""
        a = w.after[i].title if i < len(w.after) else ""
        table.add_row(str(i + 1), b, a)
    out.print(table)
    for label, moves in (("entered", w.entered), ("left", w.left), ("moved", w.moved)):
        for m in moves:
            ranks = f"#{m.rank_before or '-'} -> #{m.rank_after or '-'}"
            out.print(f"{label}: {m.title} {ranks}: {m.cause}")


def register(app: typer.Typer, bench: typer.Typer) -> None:
    @app.command()
    def explain(
        ctx: typer.Context,
        item: Annotated[int, typer.Option("--item", help="movieId of a recommended item")],
        user: Annotated[int | None, typer.Option("--user", help="MovieLens userId")] = None,
        liked: Annotated[str | None, typer.Option("--liked", help="liked item ids (chat user), e.g. 1,260")] = None,
        disliked: Annotated[str | None, typer.Option("--disliked", help="disliked item ids (hidden)")] = None,
        k: Annotated[int, typer.Option("--k", min=1, max=100, help="the top-k the item must leave")] = 10,
        as_json: Annotated[bool, typer.Option("--json", help="machine-readable")] = False,
    ) -> None:
        """Why an item is recommended: the smallest verified set of ratings without which it leaves the top-k."""
        from whyrec.catalog.index import ItemIndex
        from whyrec.causal.removal_search import ShownList, explain_shown
        from whyrec.causal.verify import verify
        from whyrec.ranker.scoring import Ranker

        config: AppConfig = ctx.obj
        who = user_ref(user, liked, disliked)
        catalog = load(config)
        ranker, index = Ranker.load(config, catalog), ItemIndex.open(config, catalog)
        s, shown = config.causal, ShownList(k=k, config=config.hybrid)
        found = explain_shown(ranker, index, who, item, shown, max_size=s.explain_max_size, m=s.influences_shown)
        result = verify(ranker, index, who, shown, found)
        if as_json:
            print_json(asdict(result))
        else:
            show_explanation(result)

    @app.command()
    def whatif(
        ctx: typer.Context,
        user: Annotated[int | None, typer.Option("--user", help="MovieLens userId")] = None,
        liked: Annotated[str | None, typer.Option("--liked", help="liked item ids (chat user)")] = None,
        disliked: Annotated[str | None, typer.Option("--disliked", help="disliked item ids (hidden)")] = None,
        remove: Annotated[str | None, typer.Option("--remove", help="ratings to remove, e.g. 260,1196")] = None,
        add: Annotated[str | None, typer.Option("--add", help="items to add as loved, e.g. 2571")] = None,
        more_genre: Annotated[str | None, typer.Option("--more-genre", help="like n more films of a genre")] = None,
        exclude_genre: Annotated[str | None, typer.Option("--exclude-genre", help="drop a genre")] = None,
        n: Annotated[int, typer.Option("--n", min=1, max=50, help="films added by --more-genre")] = 5,
        k: Annotated[int, typer.Option("--k", min=1, max=100, help="list length")] = 10,
        as_json: Annotated[bool, typer.Option("--json", help="machine-readable")] = False,
    ) -> None:
        """Your top-k before and after one intervention: --remove, --add, --more-genre or --exclude-genre."""
        from whyrec.causal.whatif import what_if
        from whyrec.ranker.scoring import Ranker

        chosen = {"remove": remove, "add": add, "more_genre": more_genre, "exclude_genre": exclude_genre}
        given = [kind for kind, value in chosen.items() if value]
        if len(given) != 1:
            raise WhyrecError("give exactly one of --remove, --add, --more-genre, --exclude-genre")
        kind = given[0]
        config: AppConfig = ctx.obj
        who = user_ref(user, liked, disliked)
        catalog = load(config)
        ids = parse_ids(chosen[kind], f"--{kind.replace('_', '-')}") if kind in ("remove", "add") else ()
        genre = chosen[kind] if kind in ("more_genre", "exclude_genre") else None
        result = what_if(Ranker.load(config, catalog), who, kind, item_ids=ids, genre=genre, k=k, n=n)
        if as_json:
            print_json(asdict(result))
        else:
            show_whatif(result)

    @bench.command("explain")
    def bench_explain(
        ctx: typer.Context,
        pairs: Annotated[int, typer.Option("--pairs", min=1, max=610, help="(user, item) pairs")] = 200,
        seed: Annotated[int, typer.Option("--seed", help="sampling seed")] = 0,
        as_json: Annotated[bool, typer.Option("--json", help="machine-readable")] = False,
    ) -> None:
        """Validity, size and speed of verified counterfactuals next to 'similar items' and random sets."""
        from whyrec.bench.explain import run
        from whyrec.catalog.index import ItemIndex
        from whyrec.ranker.scoring import Ranker

        config: AppConfig = ctx.obj
        catalog = load(config)
        s = config.causal
        ranker, index = Ranker.load(config, catalog), ItemIndex.open(config, catalog)
        report = run(ranker, index, n_pairs=pairs, k=s.explain_k, max_size=s.explain_max_size, seed=seed)
        if as_json:
            print_json(report)
            return
        table = Table("method", "validity", "found", "size<=5", "mean size", "median", "p50 ms", "p95 ms", "found <=50")
        o = report["ours"]
        table.add_row(
            "verified counterfactual",
            *(
                f"{o[key]:.3g}" if o[key] is not None else "-"
                for key in (
                    "validity",
                    "found",
                    "explainable_size_le_5",
                    "mean_size",
                    "median_size",
                    "p50_ms",
                    "p95_ms",
                    "found_within_50",
                )
            ),
        )
        for name in ("similar_items_baseline", "random_baseline"):
            v = report[name]["validity"]
            table.add_row(name.replace("_", " "), f"{v:.3g}" if v is not None else "-", *["-"] * 7)
        Console().print(table)
        Console(stderr=True).print(f"{report['pairs']} pairs; {report['note']}")
