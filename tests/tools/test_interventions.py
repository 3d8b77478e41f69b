from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from whyrec.ranker.prior import DialoguePrior
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


def test_a_list_made_with_the_conversations_topic_is_explained_as_it_was_shown(
    resources: Resources, tmp_path: Path
) -> None:
    cases = tmp_path / "cases.jsonl"
    cases.write_text(json.dumps({"id": "d-1", "message": "hi", "expect": {"items": [260, 1196]}}) + "\n")
    talk = Resources(resources.config, **{name: getattr(resources, name) for name in ("catalog", "ranker", "index")})
    talk.provide("prior", DialoguePrior.fit(resources.catalog, cases))
    topic = "a haunted house, ghosts and a family in terror"
    request = {"like": [2571], "k": 5}
    made = Identity(session_id="t", liked=(2571,), topic=topic)
    shown = recommend(talk, made, RecommendArgs(**request))
    plain = recommend(talk, replace(made, topic=None), RecommendArgs(**request))
    assert shown.topic == topic and [i.item_id for i in shown.items] != [i.item_id for i in plain.items]
    moved = next(n for n, (a, b) in enumerate(zip(shown.items, plain.items, strict=True)) if a.item_id != b.item_id)
    later = replace(made, topic="why that one?", last_topic=shown.topic, last_request=request)
    e = to_jsonable(explain_recommendation(talk, later, ExplainArgs(item=shown.items[moved].item_id)))
    assert e["rank_before"] == moved + 1 and e["k"] == 5  # remade with the topic it was shown with


@pytest.mark.parametrize("args", [{"kind": "remove"}, {"kind": "more_genre"}, {"kind": "explode", "genre": "Drama"}])
def test_interventions_need_their_target(args: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        WhatIfArgs(**args)


def test_removing_a_liked_film_changes_the_list(resources: Resources) -> None:
    me = Identity(session_id="t", liked=(2571, 1, 260))
    w = to_jsonable(simulate_intervention(resources, me, WhatIfArgs(kind="remove", items=[2571], k=5)))
    assert [r["item_id"] for r in w["intervened"]] == [2571]
    assert len(w["before"]) == len(w["after"]) == 5
