from __future__ import annotations

from dataclasses import replace

import pytest

from whyrec.errors import WhyrecError
from whyrec.tools.identity import Identity
from whyrec.tools.list_counterfactual import explain_in_list
from whyrec.tools.recommend import RecommendArgs, recommend
from whyrec.tools.resources import Resources

TOY_STORY, MATRIX, SEVEN = 1, 2571, 47
REQUEST = RecommendArgs(like=[MATRIX], k=5)


def test_a_reported_removal_really_pushes_the_item_out(resources: Resources) -> None:
    me = Identity(session_id="t", liked=(TOY_STORY, SEVEN))
    shown = [i.item_id for i in recommend(resources, me, REQUEST).items]
    explained = [explain_in_list(resources, me, REQUEST, item_id) for item_id in shown[:2]]
    for rank, e in enumerate(explained, 1):
        assert e.rank_before == rank and e.history_size == 3
        assert {i.item_id for i in e.influences} == {TOY_STORY, SEVEN, MATRIX}
        if e.found:
            removed = [r.item_id for r in e.removal]
            assert e.verified and 1 <= len(removed) <= 3
            who = replace(me, liked=tuple(i for i in me.liked if i not in removed), disliked=tuple(removed))
            request = REQUEST.model_copy(update={"like": [i for i in REQUEST.like if i not in removed]})
            assert e.item_id not in [i.item_id for i in recommend(resources, who, request).items]
        else:
            assert e.removal == [] and not e.verified and e.rank_after is None


def test_nothing_to_remove_or_nothing_shown_is_said_plainly(resources: Resources) -> None:
    stranger = Identity(session_id="t")
    shown = recommend(resources, stranger, RecommendArgs(k=3)).items[0].item_id
    nothing = explain_in_list(resources, stranger, RecommendArgs(k=3), shown)
    assert (nothing.rank_before, nothing.found, nothing.history_size, nothing.removal) == (1, False, 0, [])
    with pytest.raises(WhyrecError, match="not in your current top 5"):
        explain_in_list(resources, Identity(session_id="t", liked=(SEVEN,)), REQUEST, MATRIX)
