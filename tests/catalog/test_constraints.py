"""Constraints: admission rules (undated items fail year bounds) and validation against the catalog."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from whyrec.catalog.constraints import ConstraintError, Constraints
from whyrec.catalog.model import Item
from whyrec.errors import WhyrecError


def _item(item_id: int = 1, genres: tuple[str, ...] = ("Comedy", "Drama"), year: int | None = 2001) -> Item:
    return Item(item_id, "T", year, genres, (), "", 10, 4.0, "T")


def test_admits_each_rule() -> None:
    item = _item()
    assert Constraints().admits(item)
    assert Constraints(genres_include=("Comedy", "Drama")).admits(item)
    assert not Constraints(genres_include=("Comedy", "Horror")).admits(item)
    assert not Constraints(genres_exclude=("Drama",)).admits(item)
    assert Constraints(year_min=2001, year_max=2001).admits(item)
    assert not Constraints(year_min=2002).admits(item)
    assert not Constraints(year_max=2000).admits(item)
    assert not Constraints(exclude_ids=(1,)).admits(item)
    assert Constraints(genres_any=("Horror", "Drama")).admits(item)  # one of them is enough
    assert not Constraints(genres_any=("Horror", "Western")).admits(item)


def test_undated_items_fail_any_year_bound() -> None:
    undated = _item(year=None)
    assert Constraints(genres_include=("Comedy",)).admits(undated)
    assert not Constraints(year_min=1900).admits(undated)
    assert not Constraints(year_max=3000).admits(undated)


def test_validate_canonicalises_genres(catalog) -> None:
    valid = Constraints(genres_include=("sci-fi", "COMEDY"), genres_exclude=(" horror",), exclude_ids=(3, 3)).validate(
        catalog
    )
    assert valid.genres_include == ("Sci-Fi", "Comedy")
    assert valid.genres_exclude == ("Horror",)
    assert valid.exclude_ids == (3,)
    either = Constraints(genres_any=("comedy", "horror"), genres_exclude=("Horror",)).validate(catalog)
    assert either.genres_any == ("Comedy",)  # an excluded alternative is no alternative


@pytest.mark.parametrize(
    ("constraints", "message"),
    [
        (Constraints(genres_include=("Cowboy",)), "unknown genre: 'Cowboy'"),
        (Constraints(genres_exclude=("Cowboy", "Spacey")), "unknown genres"),
        (Constraints(genres_include=("Drama",), genres_exclude=("drama",)), "both required and excluded: Drama"),
        (Constraints(year_min=2010, year_max=2000), "year_min 2010 is after year_max 2000"),
        (Constraints(genres_any=("Drama", "Cowboy")), "unknown genre: 'Cowboy'"),
        (Constraints(genres_any=("Horror", "Comedy"), genres_exclude=("horror", "comedy")), "every genre of"),
    ],
)
def test_validate_rejects_impossible_constraints(catalog, constraints: Constraints, message: str) -> None:
    with pytest.raises(ConstraintError, match=message) as info:
        constraints.validate(catalog)
    assert isinstance(info.value, WhyrecError)


def test_describe_and_with_excluded() -> None:
    c = Constraints(genres_include=("Comedy",), genres_exclude=("Horror",), year_min=1990, year_max=1999)
    assert c.describe() == ["only Comedy", "no Horror", "from 1990 to 1999"]
    assert c.with_excluded([5, 6]).exclude_ids == (5, 6)
    assert Constraints().is_empty and not c.is_empty
    assert Constraints(genres_any=("Comedy", "Horror", "War")).describe() == ["only Comedy, Horror or War"]
    assert not Constraints(genres_any=("Comedy", "Horror")).is_empty


@settings(max_examples=60, deadline=None)
@given(
    include=st.lists(st.sampled_from(["Comedy", "Drama", "Horror", "Documentary", "Sci-Fi", "Nope"]), max_size=2),
    exclude=st.lists(st.sampled_from(["Comedy", "Drama", "Horror", "Romance", "Nope"]), max_size=2),
    year_min=st.one_of(st.none(), st.integers(1900, 2020)),
    span=st.one_of(st.none(), st.integers(0, 40)),
    exclude_ids=st.lists(st.sampled_from([1, 2, 6, 2571, 999999999]), max_size=3),
    either=st.lists(st.sampled_from(["Comedy", "Horror", "Western", "Animation"]), max_size=3),
)
def test_vectorised_mask_agrees_with_admits(catalog, include, exclude, year_min, span, exclude_ids, either) -> None:
    year_max = None if span is None or year_min is None else year_min + span
    constraints = Constraints(tuple(include), tuple(exclude), year_min, year_max, tuple(exclude_ids), tuple(either))
    mask = constraints.mask(catalog)
    sample = catalog.item_ids[::97].tolist() + [i for i in exclude_ids if catalog.has_item(i)]
    for item_id in sample:
        assert mask[catalog.item_index([item_id])[0]] == constraints.admits(catalog.item(item_id)), item_id
