from __future__ import annotations

from whyrec.agent.memory import TOPIC_TURNS, hear, remember, topic_of
from whyrec.agent.outcomes import ToolOutcome
from whyrec.agent.state import SessionProfile


def items(*ids: int) -> list[dict]:
    return [{"item_id": i, "title": f"t{i}", "score": 0.5} for i in ids]


def test_recommendations_become_last_items_and_filters_stay_active() -> None:
    args = {"like": [2571], "year_min": 2000, "year_max": 2009, "genres_exclude": ["Horror"]}
    output = {"items": items(10, 20, 30), "like_item_ids": [2571]}
    after = remember(SessionProfile(), "recommend", [ToolOutcome("recommend", args, True, output)])
    assert after.last_items == [10, 20, 30]
    assert (after.year_min, after.year_max, after.genres_exclude, after.genres_include) == (2000, 2009, ["Horror"], [])
    assert after.liked == [2571] and after.last_intent == "recommend"


def test_genres_asked_for_are_remembered_as_a_preference_after_the_filter_goes() -> None:
    first = {"genres_include": ["Comedy"]}
    profile = remember(SessionProfile(), "recommend", [ToolOutcome("recommend", first, True, {"items": items(1)})])
    later = remember(profile, "recommend", [ToolOutcome("recommend", {"query": "heist"}, True, {"items": items(2)})])
    assert later.genres_include == [] and later.genres_asked == ["Comedy"]  # the filter is gone, the taste is not


def test_whatif_after_list_becomes_last_items_and_explain_is_remembered() -> None:
    before = SessionProfile(last_items=[1, 2])
    outcomes = [
        ToolOutcome("explain_recommendation", {"item_id": 2}, True, {"item_id": 2}),
        ToolOutcome(
            "simulate_intervention", {}, True, {"after": [{"item_id": 7, "title": "x", "rank": 1, "score": 1.0}]}
        ),
    ]
    after = remember(before, "what_if", outcomes)
    assert after.last_items == [7] and after.last_explained == 2
    assert before.last_items == [1, 2]  # the input is not mutated


def test_a_looked_up_item_is_remembered_for_follow_ups() -> None:
    output = {"item_id": 6, "title": "Heat (1995)"}
    after = remember(SessionProfile(last_items=[1, 2]), "item_info", [ToolOutcome("lookup_item", {}, True, output)])
    assert after.last_looked_up == 6 and after.last_items == [1, 2] and after.last_intent == "item_info"


def test_feedback_and_failed_calls() -> None:
    p = SessionProfile(liked=[5])
    p = remember(
        p, "feedback", [ToolOutcome("record_feedback", {}, True, {"item_id": 5, "title": "x", "liked": False})]
    )
    assert p.liked == [] and p.disliked == [5]
    failed = remember(p, "recommend", [ToolOutcome("recommend", {"year_min": 1990}, False, None, "boom")])
    assert failed.year_min is None and failed.last_items == []


def test_the_topic_is_the_last_turns_heard_and_the_new_message() -> None:
    profile = SessionProfile()
    for n in range(7):
        profile = hear(profile, f"message {n}")
    assert len(profile.heard) == TOPIC_TURNS - 1 and profile.heard[-1] == "message 6"
    assert topic_of(profile, "and now?") == "message 3 message 4 message 5 message 6 and now?"
    assert topic_of(SessionProfile(), "hello") == "hello"


def test_a_list_remembers_the_topic_it_was_made_with() -> None:
    made = ToolOutcome("recommend", {"k": 1}, True, {"items": items(6), "topic": "a heist at night"})
    profile = remember(SessionProfile(), "recommend", [made])
    assert profile.last_topic == "a heist at night" and profile.last_items == [6]
