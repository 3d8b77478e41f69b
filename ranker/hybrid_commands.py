"""The hybrid path of ``whyrec recommend``: ``--query``, genre and year options route here."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

from whyrec.catalog.commands import load, print_json

if TYPE_CHECKING:
    from whyrec.config import AppConfig


def wants_hybrid(
    query: str | None,
    genre: list[str] | None,
    exclude_genre: list[str] | None,
    year_min: int | None,
    year_max: int | None,
    any_genre: list[str] | None,
) -> bool:
    """Whether any option of the hybrid path was given."""
    genres = bool(genre) or bool(any_genre) or bool(exclude_genre)
    return query is not None or genres or year_min is not None or year_max is not None


def run_hybrid(
    config: AppConfig,
    *,
    user: int | None,
    liked: str | None,
    disliked: str | None,
    query: str | None,
    genre: list[str] | None,
    exclude_genre: list[str] | None,
    year_min: int | None,
    year_max: int | None,
    any_genre: list[str] | None,
    k: int,
    as_json: bool,
) -> None:
    """Hybrid recommendations for a MovieLens user or a chat profile (which may be empty: cold start).

    ``--liked`` items are both the profile (GCN fold-in) and the "more like these" examples.
    """
    from whyrec.catalog.constraints import Constraints
    from whyrec.catalog.index import ItemIndex
    from whyrec.errors import WhyrecError
    from whyrec.ranker.commands import parse_ids
    from whyrec.ranker.hybrid import hybrid_recommend
    from whyrec.ranker.prior import load_prior
    from whyrec.ranker.scoring import Profile, Ranker, UserRef

    profile = Profile(liked=parse_ids(liked, "--liked"), disliked=parse_ids(disliked, "--disliked"))
    if user is not None and (profile.liked or profile.disliked):
        raise WhyrecError("give either --user or --liked/--disliked, not both")
    who: UserRef = user if user is not None else profile
    catalog = load(config)
    constraints = Constraints.from_options(genre, exclude_genre, year_min, year_max, any_genre)
    result = hybrid_recommend(
        Ranker.load(config, catalog),
        ItemIndex.open(config, catalog),
        who,
        query=query,
        like_ids=profile.liked,
        constraints=constraints,
        k=k,
        config=config.hybrid,
        prior=load_prior(config.hybrid, catalog, config.prior_path),
    )
    if as_json:
        print_json(
            {
                "user": user,
                "liked": list(profile.liked),
                "query": query,
                "requested_k": result.requested_k,
                "note": result.note,
                "fallback": result.fallback,
                "items": [
                    {"rank": r, **item.__dict__, "genres": list(item.genres), "reasons": list(item.reasons)}
                    for r, item in enumerate(result.items, start=1)
                ],
            }
        )
        return
    table = Table("#", "id", "title", "genres", "score", "why", title=f"hybrid top-{k}")
    for r, item in enumerate(result.items, start=1):
        label = f"{item.title} ({item.year})" if item.year else item.title
        table.add_row(
            str(r), str(item.item_id), label, ", ".join(item.genres), f"{item.score:.3f}", "; ".join(item.reasons)
        )
    Console().print(table)
    for message in (result.note, result.fallback and f"ranked by {result.fallback}"):
        if message:
            Console(stderr=True).print(f"[yellow]note:[/] {message}")
