"""The ranker's CLI pieces and its `whyrec prepare` step, on a tiny catalog."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from rich.progress import Progress

from tests.ranker.tiny import make_tiny_catalog, random_edges
from whyrec.config import load_config
from whyrec.errors import WhyrecError
from whyrec.ranker.commands import parse_ids, prepare, ranking_rows, user_ref
from whyrec.ranker.config import RankerConfig
from whyrec.ranker.scoring import Profile, Ranker

torch.set_num_threads(1)


def test_parse_ids_and_user_ref() -> None:
    assert parse_ids("1,260, 1196,", "--liked") == (1, 260, 1196)
    assert parse_ids(None, "--liked") == ()
    with pytest.raises(WhyrecError, match=r"--liked: 'x' is not an item id"):
        parse_ids("1,x", "--liked")
    assert user_ref(5, None, None) == 5
    assert user_ref(None, "1,2", "3") == Profile(liked=(1, 2), disliked=(3,))
    with pytest.raises(WhyrecError, match="not both"):
        user_ref(5, "1", None)
    with pytest.raises(WhyrecError, match="give --user"):
        user_ref(None, None, None)


def test_prepare_trains_once_then_skips(tmp_home: Path) -> None:
    catalog = make_tiny_catalog(6, 12, random_edges(6, 12, 4), valid=[(1, 12), (2, 11)])
    config = load_config(home=tmp_home).model_copy(
        update={"ranker": RankerConfig(dim=8, layers=2, epochs=4, eval_every=2, batch_size=32)}
    )
    with Progress(disable=True) as progress:
        assert "trained LightGCN" in prepare(config, catalog, progress)
        assert "up to date" in prepare(config, catalog, progress)
    ranker = Ranker.load(config, catalog)
    rows = ranking_rows(catalog, ranker.recommend(Profile(liked=(1, 2)), k=3))
    assert [r["rank"] for r in rows] == [1, 2, 3]
    assert all(r["item_id"] not in (1, 2) and r["title"].startswith("Item ") for r in rows)
    # the served model knows every positive: a validation film is an edge "what if I hadn't watched X?" can remove
    assert 12 in ranker.history(1).tolist() and len(ranker.graph) == len(catalog.positives)
