"""Films named in tool arguments: by title, with an optional year, or by MovieLens id.

A language model knows films by their titles, not by movieIds, so every film argument accepts a
title ("Heat", "heat (1995)", "the godfather part 2") and the catalog's title linker resolves it
inside the tool. The deterministic planner passes ids, which are checked against the catalog.
A title that names several films, or none, comes back as a tool error listing the candidates,
so the model can choose one or ask the person. ``#N`` names the N-th film of the list the person
sees when the tool runs: a model can plan "recommend, then explain #1" before it has seen the list
(a plan with references to results not yet known, as in ReWOO, Xu et al. 2023,
https://arxiv.org/abs/2305.18323). The schema the model reads shows a string only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Annotated, Any, ClassVar, Self

from pydantic import WithJsonSchema

from whyrec.catalog.errors import TitleError, UnknownItemError
from whyrec.tools.adapter import ToolArgs
from whyrec.tools.resources import Resources

FILM_DESCRIPTION = "a film's title, optionally with its year in parentheses; or #N, the N-th film of the user's list"
FilmRef = Annotated[
    int | str,
    WithJsonSchema({"type": "string", "maxLength": 120, "description": FILM_DESCRIPTION}),
]


def list_position(ref: str) -> int | None:
    """N of a ``#N`` reference, else None."""
    text = ref.strip()
    return int(text[1:]) if text.startswith("#") and text[1:].isdigit() else None


def film_id(resources: Resources, ref: int | str, prefer: Iterable[int] = (), listed: Sequence[int] = ()) -> int:
    """The movieId a reference names; UnknownItemError or TitleError (with candidates) otherwise."""
    if isinstance(ref, int):
        return resources.catalog.item(ref).item_id
    position = list_position(ref)
    if position is not None:
        if not 1 <= position <= len(listed):
            raise TitleError(f"there is no film #{position} in the list the user sees ({len(listed)} films)", [])
        return int(listed[position - 1])
    return resources.linker.resolve(ref, prefer=prefer)


def film_ids(
    resources: Resources, refs: Sequence[int | str], prefer: Iterable[int] = (), listed: Sequence[int] = ()
) -> list[int]:
    """Every reference resolved, in order and without repeats; one error naming every bad reference."""
    prefer = set(prefer)
    ids: list[int] = []
    problems: list[str] = []
    for ref in refs:
        try:
            ids.append(film_id(resources, ref, prefer, listed))
        except (TitleError, UnknownItemError) as exc:
            problems.append(str(exc))
    if problems:
        raise TitleError("; ".join(problems), [])
    return list(dict.fromkeys(ids))


class FilmArgs(ToolArgs):
    """Arguments with film fields (named in ``FILMS``), resolved to movieIds before the tool runs."""

    FILMS: ClassVar[tuple[str, ...]] = ()

    def resolved(self, resources: Resources, prefer: Iterable[int] = (), listed: Sequence[int] = ()) -> Self:
        """A copy whose film fields hold movieIds; the call's ids are what the turn reports."""
        update: dict[str, Any] = {}
        for name in self.FILMS:
            value = getattr(self, name)
            if isinstance(value, list):
                update[name] = film_ids(resources, value, prefer, listed)
            elif value is not None:
                update[name] = film_id(resources, value, prefer, listed)
        return self.model_copy(update=update)
