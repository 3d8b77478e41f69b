from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from whyrec.tools.adapter import to_jsonable
from whyrec.tools.identity import Identity
from whyrec.tools.interventions import ExplainArgs, WhatIfArgs, explain_recommendation, simulate_intervention
from whyrec.tools.recommend import RecommendArgs, recommend
from whyrec.tools.resources import Resources


def test_a_known_users_recommendation_is_explained_on_their_graph(resources: Resources) -> None:
    me = Identity(session_id="t", user_id=1)
    top = recommend(resources, me, RecommendArgs(k=5)).items
    e = to_jsonable(explain_recommendation(resources, me, ExplainArgs(item=top[0].item_id, k=5)))
    assert e["item_id"] == top[0].item_id and e["history_size"] > 0 and e["history"] == "ratings"
    assert e["found"] == bool(e["removal"]) == e["verified"]  # only an independently checked set is shown


def test_a_chat_users_recommendation_is_explained_on_their_last_list(resources: Resources) -> None:
    request = {"like": [2571], "k": 5}
    me = Identity(session_id="t", liked=(2571,), last_request=request)
    shown = recommend(resources, me, RecommendArgs(**request)).items
    e = to_jsonable(explain_recommendation(resources, me, ExplainArgs(item=shown[0].item_id)))
    assert e["history"] == "chat" and e["rank_before"] == 1 and e["k"] == 5


@pytest.mark.parametrize("args", [{"kind": "remove"}, {"kind": "more_genre"}, {"kind": "explode", "genre": "Drama"}])
def test_interventions_need_their_target(args: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        WhatIfArgs(**args)


def test_removing_a_liked_film_changes_the_list(resources: Resources) -> None:
    me = Identity(session_id="t", liked=(2571, 1, 260))
    w = to_jsonable(simulate_intervention(resources, me, WhatIfArgs(kind="remove", items=[2571], k=5)))
    assert [r["item_id"] for r in w["intervened"]] == [2571]
    assert len(w["before"]) == len(w["after"]) == 5
