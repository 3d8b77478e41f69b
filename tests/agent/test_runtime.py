from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.agent.fakes import MATRIX, Plan, ScriptedPlanner, call
from whyrec.agent.runtime import Agent, Final, ToolStep
from whyrec.agent.sessions import SessionError


def test_a_turn_streams_planning_then_pending_then_done_then_final(make_agent: Callable[..., Agent]) -> None:
    events = list(make_agent().stream("about The Matrix", session_id="s1"))
    assert [type(e).__name__ for e in events] == ["ToolStep", "ToolStep", "ToolStep", "ToolStep", "Final"]
    planning, planned, pending, done, final = events
    assert isinstance(planning, ToolStep) and (planning.name, planning.status) == ("plan", "pending")
    assert isinstance(planned, ToolStep) and (planned.name, planned.status) == ("plan", "done")
    assert "deterministic" in planning.title
    assert isinstance(pending, ToolStep) and pending.status == "pending" and pending.name == "lookup_item"
    assert isinstance(done, ToolStep) and done.status == "done" and done.output and done.output["item_id"] == MATRIX
    assert isinstance(final, Final)
    assert final.result.intent == "item_info"
    assert "The Matrix (1999)" in final.result.reply
    assert final.result.tool_calls == [{"name": "lookup_item", "args": {"item": MATRIX}}]
    assert final.result.planner == "semantic"


def test_feedback_persists_across_a_restart(make_agent: Callable[..., Agent]) -> None:
    make_agent().turn(f"like {MATRIX}", session_id="s1")
    make_agent().turn("dislike 1", session_id="s1")
    fresh = make_agent()
    assert fresh.profile("s1").liked == [MATRIX]
    assert fresh.profile("s1").disliked == [1]
    assert fresh.store.feedback("s1") == [(MATRIX, True), (1, False)]
    assert [role for role, _ in fresh.store.history("s1")] == ["user", "assistant", "user", "assistant"]


def test_sessions_are_isolated(make_agent: Callable[..., Agent]) -> None:
    agent = make_agent()
    agent.turn(f"like {MATRIX}", session_id="alice")
    assert agent.profile("bob").liked == []
    assert agent.store.feedback("bob") == []


def test_a_tool_call_cannot_act_for_another_user(make_agent: Callable[..., Agent]) -> None:
    agent = make_agent()
    agent.set_user("victim", 5)
    result = agent.turn("as user 5", session_id="attacker")
    assert "user_id" in result.reply and "Extra inputs are not permitted" in result.reply
    assert agent.store.feedback("attacker") == [] and agent.store.feedback("victim") == []
    assert agent.profile("victim").disliked == []


def test_tool_errors_become_clear_replies(make_agent: Callable[..., Agent]) -> None:
    result = make_agent().turn("about No Such Film Ever", session_id="s1")
    assert result.reply == "I couldn't do that: no film titled 'No Such Film Ever' in the catalog"
    unknown = make_agent(lambda m, p: Plan("feedback", [call("record_feedback", item=99999999, liked=True)]))
    assert "unknown item id: 99999999" in unknown.turn("x", session_id="s1").reply
    assert unknown.store.feedback("s1") == []


def test_the_deterministic_plan_runs_in_one_round(make_agent: Callable[..., Agent]) -> None:
    many = [call("record_feedback", n, item=i, liked=True) for n, i in enumerate((1, 2, 3, 5, 6))]
    result = make_agent(lambda m, p: Plan("feedback", many)).turn("x", session_id="s1")
    assert [s["round"] for s in result.steps] == [1, 1, 1, 1, 1]
    assert make_agent().profile("s1").liked == [1, 2, 3, 5, 6]


def test_the_planner_sees_the_updated_profile(make_agent: Callable[..., Agent]) -> None:
    planner = ScriptedPlanner(lambda m, p: Plan("feedback", [call("record_feedback", item=MATRIX, liked=True)]))
    agent = make_agent()
    agent.planner.semantic = planner
    agent.turn("first", session_id="s1")
    agent.turn("second", session_id="s1")
    assert planner.seen[0][1].liked == [] and planner.seen[1][1].liked == [MATRIX]
    assert planner.seen[1][1].last_intent == "feedback"


def test_bad_input_gets_a_reply_not_an_exception(make_agent: Callable[..., Agent]) -> None:
    agent = make_agent()
    for message in ["", "   ", "\x00\x01", "x" * 100_000, "'; DROP TABLE sessions; --", "../../etc/passwd"]:
        result = agent.turn(message, session_id="s1")
        assert result.reply
    assert agent.turn("a" * 10, session_id="s1").intent == "chitchat"
    with pytest.raises(SessionError, match="session id"):  # set by the app, not by the person: a clear error
        agent.turn("hi", session_id="")


def test_concurrent_sessions_keep_to_themselves(make_agent: Callable[..., Agent]) -> None:
    from concurrent.futures import ThreadPoolExecutor

    agent = make_agent()
    items = [1, 2, 3, 5, 6, 7, 10, 11]

    def chat(n: int) -> None:
        agent.turn(f"like {items[n]}", session_id=f"s{n}")
        agent.turn("about The Matrix", session_id=f"s{n}")

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(chat, range(len(items))))
    for n, item in enumerate(items):
        assert agent.profile(f"s{n}").liked == [item]
        assert agent.store.feedback(f"s{n}") == [(item, True)]
        assert len(agent.store.history(f"s{n}")) == 4


def test_a_recorded_conversation_becomes_the_session_and_its_suggestions_are_not_repeated(
    make_agent: Callable[..., Agent],
) -> None:
    heat, fargo, titanic = 6, 608, 1721
    agent = make_agent(lambda m, p: Plan("recommend", [call("recommend", k=50)]))
    turns = [("user", "I loved Heat"), ("assistant", "Have you seen Fargo (1996) or Titanic (1997)?"),
             ("user", "Fargo I didn't like")]  # fmt: skip
    profile = agent.load_transcript("s1", turns)
    assert (profile.liked, profile.disliked, profile.suggested) == ([heat], [fargo], [titanic])
    assert agent.store.history("s1") == turns  # the conversation so far, both roles; no tool was run
    result = agent.turn("anything else?", session_id="s1")
    listed = [it["item_id"] for it in result.items]
    assert len(listed) == 50 and not {heat, fargo, titanic} & set(listed)
    after = agent.profile("s1")
    assert after.heard == [text for _, text in turns] + ["anything else?"]  # what the talk is about, with this turn
    assert after.last_topic == " ".join(text for _, text in turns) + " anything else?"  # the list was made with it


def test_a_recorded_list_becomes_the_list_the_person_saw(make_agent: Callable[..., Agent]) -> None:
    agent = make_agent()
    agent.turn(f"like {MATRIX}", session_id="s1")
    agent.show_recorded("s1", "Here are some picks: Fargo, The Matrix, Heat.")
    assert agent.profile("s1").last_items == [608, MATRIX, 6]
    agent.show_recorded("s1", "Sure, anything else?")  # names no film: the list stays
    assert agent.profile("s1").last_items == [608, MATRIX, 6] and agent.profile("s1").liked == [MATRIX]
    agent.turn("about Fargo", session_id="s1")
    agent.show_recorded("s1", "Fargo (1996) is a crime film by the Coens, like their Blood Simple (1984).")
    assert agent.profile("s1").last_items == [608, MATRIX, 6]  # the answer about a film of the list: the list stays
