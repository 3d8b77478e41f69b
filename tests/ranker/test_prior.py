"""The dialogue prior: counted from training cases, blended into the hybrid list, clear about bad files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tests.catalog.index_fixtures import shared_small_index
from tests.ranker.tiny import make_tiny_ranker
from whyrec.catalog.constraints import Constraints
from whyrec.catalog.index import ItemIndex
from whyrec.catalog.linker import TitleLinker
from whyrec.catalog.model import Catalog
from whyrec.config import AppConfig
from whyrec.errors import WhyrecError
from whyrec.ranker.config import HybridConfig
from whyrec.ranker.hybrid import hybrid_recommend
from whyrec.ranker.prior import DialoguePrior, load_prior
from whyrec.ranker.scoring import Profile, Ranker


def cases(path: Path, *suggested: list[int]) -> Path:
    """One dialogue per list of suggested films."""
    lines = [json.dumps({"id": f"d{n}-1", "message": "hi", "expect": {"items": s}}) for n, s in enumerate(suggested)]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture(scope="module")
def setup(catalog: Catalog) -> tuple[Ranker, ItemIndex]:
    small, index = shared_small_index(catalog)
    return make_tiny_ranker(small, dim=16, layers=2, train_epochs=2), index


def test_counts_are_the_suggestions_of_the_cases(catalog: Catalog, tmp_path: Path) -> None:
    prior = DialoguePrior.fit(catalog, cases(tmp_path / "c.jsonl", [1, 2], [1], [999_999_999]))
    position = {int(i): n for n, i in enumerate(catalog.item_ids)}
    assert prior.counts[position[1]] == 2 and prior.counts[position[2]] == 1 and prior.counts.sum() == 3
    scores = prior.scores()
    assert scores[position[1]] == 1.0 and 0 < scores[position[2]] < 1 and scores.min() == 0.0
    assert prior.top(2) == [position[1], position[2]]


def test_films_named_together_call_each_other_up(catalog: Catalog, tmp_path: Path) -> None:
    heat, ronin, fargo, toy_story = 6, 2344, 608, 1
    path = tmp_path / "c.jsonl"
    lines = [
        {"id": "a-1", "history": [{"role": "user", "content": "I loved Heat (1995)"}], "expect": {"items": [2344]}},
        {"id": "b-1", "history": [], "expect": {"items": [608, 1]}},
        {"id": "b-2", "history": [], "expect": {"items": [1]}},
    ]
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    linker = TitleLinker(catalog)
    prior = DialoguePrior.fit(catalog, path, linker)
    position = {int(i): n for n, i in enumerate(catalog.item_ids)}
    plain, after_heat = prior.scores(), prior.scores([heat])
    assert plain[position[toy_story]] == 1.0  # suggested most
    assert after_heat[position[ronin]] > plain[position[ronin]]  # named with Heat in dialogue a
    ratio = after_heat[position[fargo]] / after_heat[position[toy_story]]
    assert ratio == pytest.approx(plain[position[fargo]] / plain[position[toy_story]])  # neither named with Heat
    alone = DialoguePrior.fit(catalog, path, linker, comention_weight=0.0)
    assert np.array_equal(alone.scores([heat]), alone.scores())


def test_a_film_named_in_many_dialogues_does_not_drown_the_others(catalog: Catalog, tmp_path: Path) -> None:
    heat, fargo, ronin, toy_story = 6, 608, 2344, 1
    path = tmp_path / "c.jsonl"
    said = {heat: "I loved Heat (1995)", fargo: "I loved Fargo (1996)"}
    lines = [
        {"id": "a-1", "history": [{"role": "user", "content": said[heat]}], "expect": {"items": [ronin]}},
        {"id": "b-1", "history": [{"role": "user", "content": said[heat]}], "expect": {"items": [ronin]}},
        {"id": "c-1", "history": [{"role": "user", "content": said[fargo]}], "expect": {"items": [toy_story]}},
        {"id": "d-1", "history": [], "expect": {"items": [toy_story]}},
    ]
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    prior = DialoguePrior.fit(catalog, path, TitleLinker(catalog))
    position = {int(i): n for n, i in enumerate(catalog.item_ids)}
    both = prior.scores([heat, fargo])  # Ronin: 2 of Heat's 2 co-mentions; Toy Story: 1 of Fargo's 1
    assert both[position[ronin]] == pytest.approx(both[position[toy_story]])
    assert prior.scores([heat])[position[ronin]] > prior.scores([heat])[position[toy_story]]


def test_bad_files_are_clear_errors(catalog: Catalog, tmp_path: Path) -> None:
    with pytest.raises(WhyrecError, match="cannot read"):
        DialoguePrior.fit(catalog, tmp_path / "missing.jsonl")
    (tmp_path / "bad.jsonl").write_text("{not json\n")
    with pytest.raises(WhyrecError, match=r"bad\.jsonl:1: not a JSON case"):
        DialoguePrior.fit(catalog, tmp_path / "bad.jsonl")
    with pytest.raises(WhyrecError, match="suggests no film"):
        DialoguePrior.fit(catalog, cases(tmp_path / "none.jsonl", [999_999_999]))


def test_off_unless_a_file_and_a_weight_are_set(catalog: Catalog, tmp_path: Path) -> None:
    path = cases(tmp_path / "c.jsonl", [1])
    assert load_prior(HybridConfig(prior_weight=0), catalog, path) is None  # weight 0
    assert load_prior(HybridConfig(prior_weight=0.5), catalog, None) is None  # no file
    assert load_prior(HybridConfig(prior_weight=0.5), catalog, path) is not None
    assert load_prior(HybridConfig(), catalog, path) is not None  # on by default once there is a file


def test_the_default_file_is_the_data_dirs_train_500_when_it_is_there(tmp_path: Path) -> None:
    config = AppConfig(data_dir=tmp_path)
    assert config.prior_path is None
    (tmp_path / "redial-dev").mkdir()
    default = cases(tmp_path / "redial-dev" / "train_500_cases.jsonl", [1])
    assert AppConfig(data_dir=tmp_path).prior_path == default
    chosen = tmp_path / "mine.jsonl"
    assert AppConfig(data_dir=tmp_path, hybrid=HybridConfig(prior_file=chosen)).prior_path == chosen


def test_a_heavy_prior_brings_the_most_suggested_film_first(setup: tuple[Ranker, ItemIndex], tmp_path: Path) -> None:
    ranker, index = setup
    catalog = ranker.catalog
    plain = hybrid_recommend(ranker, index, Profile(), k=10)
    favourite = int(catalog.item_ids[-1])  # a film the plain list does not start with
    assert plain.items[0].item_id != favourite
    scores = DialoguePrior.fit(catalog, cases(tmp_path / "c.jsonl", [favourite], [favourite]))
    config = HybridConfig(prior_weight=1.0, gcn_weight=0.1)
    favoured = hybrid_recommend(ranker, index, Profile(), k=10, config=config, prior=scores)
    assert favoured.items[0].item_id == favourite
    assert "often suggested in film conversations" in favoured.items[0].reasons
    assert np.all(np.diff([it.score for it in favoured.items]) <= 1e-12)
    unweighted = hybrid_recommend(ranker, index, Profile(), k=10, config=HybridConfig(prior_weight=0), prior=scores)
    assert [it.item_id for it in unweighted.items] == [it.item_id for it in plain.items]  # weight 0: no effect
    user = int(catalog.user_ids[0])  # a rating history speaks for itself: the prior is for chat users
    known = hybrid_recommend(ranker, index, user, k=10, config=config, prior=scores)
    assert [it.item_id for it in known.items] == [
        it.item_id for it in hybrid_recommend(ranker, index, user, k=10, config=config).items
    ]


def test_films_the_conversation_named_call_up_theirs_but_are_never_shown(
    setup: tuple[Ranker, ItemIndex], tmp_path: Path
) -> None:
    ranker, index = setup
    catalog = ranker.catalog
    offered, partner, other = (int(catalog.item_ids[n]) for n in (3, -2, -3))  # offered, partner: one dialogue
    path = tmp_path / "c.jsonl"
    lines = [
        {"id": "a-1", "history": [], "expect": {"items": [offered, partner]}},
        {"id": "b-1", "history": [], "expect": {"items": [other]}},
        {"id": "b-2", "history": [], "expect": {"items": [other]}},  # suggested most: first unless on topic
    ]
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    prior = DialoguePrior.fit(catalog, path, comention_weight=5.0)
    config = HybridConfig(prior_weight=1.0, gcn_weight=0.1)
    hidden = Constraints(exclude_ids=(offered,))  # offered already, as the session hides it
    without = hybrid_recommend(ranker, index, Profile(), k=10, constraints=hidden, config=config, prior=prior)
    named = hybrid_recommend(
        ranker, index, Profile(), k=10, constraints=hidden, config=config, prior=prior, named=(offered,)
    )
    assert without.items[0].item_id == other and named.items[0].item_id == partner
    assert offered not in [it.item_id for it in named.items]


def test_the_priors_picks_are_not_held_to_the_retrievers_floor(setup: tuple[Ranker, ItemIndex], tmp_path: Path) -> None:
    """In conversations the film offered next is often not the nearest in words (ReDial, README)."""
    ranker, index = setup
    catalog, query, user = ranker.catalog, "space adventure", Profile()
    config = HybridConfig(candidates=10, prior_weight=1.0)
    similarity = index.vectors(list(catalog.item_ids)) @ index.encode(query)
    far = int(catalog.item_ids[int(np.argmin(similarity))])  # the film least like the words
    prior = DialoguePrior.fit(catalog, cases(tmp_path / "c.jsonl", *[[far]] * 5))
    floor = min(h.score for h in index.search(query, 10))
    plain = hybrid_recommend(ranker, index, user, query=query, k=10, config=config)
    assert far not in [it.item_id for it in plain.items]
    favoured = hybrid_recommend(ranker, index, user, query=query, k=10, config=config, prior=prior)
    assert far in [it.item_id for it in favoured.items]
    others = [it for it in favoured.items if it.item_id != far]  # the rest still answer the words
    assert others and all(it.semantic is not None and it.semantic >= floor - 1e-5 for it in others)


def test_the_genres_asked_for_and_the_kind_of_films_named_lift_films_of_those_genres(
    catalog: Catalog, tmp_path: Path
) -> None:
    toy_story, heat, fargo = 1, 6, 608  # Toy Story: Animation, Comedy ...; Heat and Fargo: Crime, Thriller
    path = cases(tmp_path / "c.jsonl", [toy_story], [toy_story], [fargo])
    position = {int(i): n for n, i in enumerate(catalog.item_ids)}
    plain = DialoguePrior.fit(catalog, path)
    assert np.array_equal(plain.scores([heat], genres=["Crime"]), plain.scores([heat]))  # weights 0: no effect
    asked = DialoguePrior.fit(catalog, path, asked_weight=2.0)
    crime = asked.scores(genres=["Crime", "Not a genre"])  # an unknown genre is ignored
    assert crime[position[fargo]] > crime[position[toy_story]]  # asked for crime: the crime film first
    assert asked.scores()[position[fargo]] < asked.scores()[position[toy_story]]  # asked nothing: suggestions
    assert np.array_equal(asked.scores(genres=["Not a genre"]), asked.scores())
    kind = DialoguePrior.fit(catalog, path, kind_weight=2.0)
    like_heat = kind.scores([heat])  # Heat's genres, not its co-mentions (there are none): Fargo's kind
    assert like_heat[position[fargo]] > like_heat[position[toy_story]]
    assert like_heat.max() == 1.0 and like_heat.min() >= 0.0


def test_the_genres_asked_earlier_reach_the_priors_blend(setup: tuple[Ranker, ItemIndex], tmp_path: Path) -> None:
    ranker, index = setup
    catalog = ranker.catalog
    config = HybridConfig(prior_weight=1.0, gcn_weight=0.1, semantic_weight=0.1)
    genre = max(catalog.genres, key=lambda g: int(catalog.genre_mask(g).sum()))
    path = cases(tmp_path / "c.jsonl", [int(catalog.item_ids[0])])
    prior = DialoguePrior.fit(catalog, path, asked_weight=5.0)
    plain = hybrid_recommend(ranker, index, Profile(), k=5, config=config, prior=prior)
    asked = hybrid_recommend(ranker, index, Profile(), k=5, config=config, prior=prior, asked=(genre,))
    share = [sum(genre in it.genres for it in r.items) for r in (plain, asked)]
    assert share[1] == 5 and share[1] > share[0]  # a preference: not a filter, but it leads


def test_the_conversations_topic_joins_the_priors_blend(setup: tuple[Ranker, ItemIndex], tmp_path: Path) -> None:
    ranker, index = setup
    catalog = ranker.catalog
    prior = DialoguePrior.fit(catalog, cases(tmp_path / "c.jsonl", [int(catalog.item_ids[0])]))
    config = HybridConfig(prior_weight=0.1, gcn_weight=0.1, semantic_weight=0.1, topic_weight=1.0)
    plain = hybrid_recommend(ranker, index, Profile(), k=5, config=config, prior=prior)
    target = plain.items[-1].item_id  # the talk is about the fifth film: its own words
    item = catalog.item(target)
    topic = f"{item.title}. {catalog.items.loc[target, 'overview']}"
    talked = hybrid_recommend(ranker, index, Profile(), k=5, config=config, prior=prior, topic=topic)
    assert talked.items[0].item_id == target != plain.items[0].item_id
    off = hybrid_recommend(
        ranker, index, Profile(), k=5, config=config.model_copy(update={"topic_weight": 0.0}), prior=prior, topic=topic
    )
    assert [it.item_id for it in off.items] == [it.item_id for it in plain.items]
    user = int(catalog.user_ids[0])  # a rating history speaks for itself: no prior, no topic
    known = hybrid_recommend(ranker, index, user, k=5, config=config, prior=prior, topic=topic)
    assert [it.item_id for it in known.items] == [
        it.item_id for it in hybrid_recommend(ranker, index, user, k=5, config=config, prior=prior).items
    ]
