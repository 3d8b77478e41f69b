"""Property-based tests over the agent's entry point: any message, any tool arguments, a clear reply.

Hypothesis generates messages (empty, whitespace, 100 KB, control characters, emoji, mixed scripts,
SQL- and path-like strings, impossible filters, titles that do not exist) and, separately, tool
calls with hostile arguments (huge or negative k, inverted years, unknown ids, wrong types) sent
straight to the tools by a scripted planner, so the tools' own validation is what is exercised.
Every input must get a non-empty reply that is not the internal-error apology, and must leave the
session loadable and every other session untouched. 1,000+ inputs run in `make test`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.hardening.conftest import assert_bystander_untouched
from whyrec.agent.runtime import Agent, TurnResult
from whyrec.agent.state import SessionProfile

INTERNAL_ERROR = "Something went wrong on my side"
FUZZ = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

SQL_AND_PATHS = [
    "'; DROP TABLE sessions; --",
    "1 OR 1=1",
    '" UNION SELECT profile FROM sessions --',
    "../../../../etc/passwd",
    "/etc/shadow",
    "C:\\Windows\\system32\\config\\SAM",
    "file:///proc/self/environ",
    "~/.ssh/id_rsa",
    "%00%2e%2e%2f",
    "${jndi:ldap://x}",
    "{{7*7}}",
    "<script>alert(1)</script>",
]
NO_SUCH_TITLES = ["Matrx 5: Reloaded Forever", "Zzzyzx Qqq", "The Film That Never Was (2999)", "Ghostbusters 9"]
TEMPLATES = [
    "top {k} movies like {title}",
    "recommend {k} {genre} films from {y1} to {y2}",
    "something like {title} but newer, no {genre}",
    "why {title}?",
    "what if I hadn't watched {title}?",
    "I liked {title}",
    "I hated {title}",
    "tell me about {title}",
    "show {k} movies between {y1} and {y2} without {genre}",
    "what if I watched more {genre}?",
    "does featuring {title} on the home page make people watch it?",
    "the {k}th one, why?",
]

control = st.text(st.characters(codec="utf-8", categories=["Cc", "Cf", "Zs", "Zl", "Zp"]), max_size=40)
any_text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=200)
scripts = st.lists(
    st.sampled_from(
        ["Матрица", "黑客帝国", "マトリックス", "ماتریکس", "מטריקס", "🎬🍿🤖", "Ω≈ç√", "Ñandú", "👩‍👩‍👧‍👦"]
    ),
    min_size=1,
    max_size=6,
).map(" ".join)
big = st.tuples(st.text(min_size=1, max_size=8), st.integers(50_000, 100_000)).map(lambda t: (t[0] * t[1])[: t[1]])
title = st.one_of(st.sampled_from([*NO_SUCH_TITLES, *SQL_AND_PATHS, "The Matrix", "Heat"]), any_text, scripts)
filled = st.builds(
    lambda template, k, title, genre, y1, y2: template.format(k=k, title=title, genre=genre, y1=y1, y2=y2),
    st.sampled_from(TEMPLATES),
    st.one_of(st.integers(-(10**12), 10**12), st.sampled_from([0, -5, 100_000, 10**18])),
    title,
    st.one_of(st.sampled_from(["horror", "Comedy", "sci-fi", "Noir", "nonexistent-genre", "'; --"]), any_text),
    st.integers(-100_000, 100_000),
    st.integers(-100_000, 100_000),
)
messages = st.one_of(
    st.just(""),
    st.text(" \t\n\r\x0b\x0c\u00a0\u2003\u3000", max_size=50),
    control,
    any_text,
    scripts,
    big,
    st.sampled_from(SQL_AND_PATHS),
    filled,
)


def check_reply(agent: Agent, result: TurnResult, session_id: str) -> None:
    assert isinstance(result, TurnResult)
    assert result.reply.strip(), "an empty reply"
    assert INTERNAL_ERROR not in result.reply, f"an internal error (a bug) for this input: {result.notes}"
    assert "Traceback" not in result.reply
    assert isinstance(agent.profile(session_id), SessionProfile)  # still valid and loadable
    assert_bystander_untouched(agent)


@pytest.fixture(scope="module")
def semantic_agent(make_hardened_agent: Callable[..., Agent]) -> Agent:
    pytest.importorskip("whyrec.agent.semantic.planner", reason="the semantic planner is not installed")
    return make_hardened_agent()


@settings(FUZZ, max_examples=200)
@given(message=messages)
def test_any_message_gets_a_clear_reply(semantic_agent: Agent, message: str) -> None:
    result = semantic_agent.turn(message, session_id="fuzz-messages")
    check_reply(semantic_agent, result, "fuzz-messages")


@settings(FUZZ, max_examples=300)
@given(message=st.one_of(filled, any_text), user_id=st.integers(-(10**9), 10**9) | st.sampled_from([0, 611, 5, 1]))
def test_any_user_id_gets_a_clear_reply(semantic_agent: Agent, message: str, user_id: int) -> None:
    result = semantic_agent.turn(message, session_id="fuzz-users", user_id=user_id)
    check_reply(semantic_agent, result, "fuzz-users")


# --- tool calls with hostile arguments, straight to the tools ------------------------------------
ints = st.one_of(st.integers(-(10**12), 10**12), st.sampled_from([0, -1, 2571, 1, 10**18, -(10**18)]))
junk = st.one_of(st.none(), st.booleans(), st.floats(allow_nan=True), any_text, st.lists(st.integers(), max_size=3))
maybe_int = st.one_of(ints, junk)
genres = st.lists(
    st.one_of(st.sampled_from(["Horror", "comedy", "Sci-Fi", "(no genres listed)"]), any_text), max_size=4
)
filters = {
    "genres_include": genres,
    "genres_exclude": genres,
    "year_min": st.one_of(st.none(), st.integers(-100_000, 100_000)),
    "year_max": st.one_of(st.none(), st.integers(-100_000, 100_000)),
}
CALLS = {
    "search_items": st.fixed_dictionaries({"query": any_text, "k": maybe_int}, optional=filters),
    "recommend": st.fixed_dictionaries(
        {"k": maybe_int},
        optional={"query": any_text, "like": st.lists(ints, max_size=25), **filters},
    ),
    "lookup_item": st.fixed_dictionaries({}, optional={"item_id": maybe_int, "title": title}),
    "record_feedback": st.fixed_dictionaries({"item_id": maybe_int, "liked": st.one_of(st.booleans(), junk)}),
    "explain_recommendation": st.fixed_dictionaries({"item_id": maybe_int}, optional={"k": maybe_int}),
    "simulate_intervention": st.fixed_dictionaries(
        {"kind": st.one_of(st.sampled_from(["remove", "add", "more_genre", "exclude_genre", "delete"]), junk)},
        optional={"item_ids": st.lists(ints, max_size=25), "genre": st.one_of(junk, genres), "k": maybe_int},
    ),
    # valid questions run DoWhy (seconds each); the fuzz aims at the argument checks in front of it
    "estimate_effect": st.fixed_dictionaries(
        {"question": st.one_of(st.sampled_from(["ate; rm -rf /", "../../etc/passwd", ""]), junk)},
        optional={"genre": junk, "method": st.one_of(junk, st.sampled_from(["/etc/passwd", "backdoor.eval"]))},
    ),
    "no_such_tool": st.fixed_dictionaries({}, optional={"path": title}),
}
tool_calls = st.sampled_from(sorted(CALLS)).flatmap(
    lambda name: CALLS[name].map(lambda args: {"name": name, "args": args, "id": f"fuzz-{name}"})
)


class NextCall:
    """A planner that plans whatever call the test put in ``call`` (the fake of a hostile LLM)."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def plan(self, message: str, profile: SessionProfile) -> Any:
        from tests.agent.fakes import Plan

        return Plan("recommend", self.calls)


@pytest.fixture(scope="module")
def direct() -> NextCall:
    return NextCall()


@pytest.fixture(scope="module")
def tool_agent(make_hardened_agent: Callable[..., Agent], direct: NextCall) -> Agent:
    return make_hardened_agent(semantic=direct)


@settings(FUZZ, max_examples=500)
@given(calls=st.lists(tool_calls, min_size=1, max_size=2), user_id=st.sampled_from([None, 5, 414, 0, -3, 611, 10**9]))
def test_hostile_tool_arguments_get_a_clear_reply(
    tool_agent: Agent, direct: NextCall, calls: list[dict[str, Any]], user_id: int | None
) -> None:
    direct.calls = [{**c, "id": f"{c['id']}-{n}"} for n, c in enumerate(calls)]
    session = "fuzz-tools" if user_id is None else f"fuzz-tools-{user_id}"
    result = tool_agent.turn("go", session_id=session, user_id=user_id)
    check_reply(tool_agent, result, session)
    assert tool_agent.store.feedback(session) == [
        (i, v) for i, v in tool_agent.store.feedback(session) if tool_agent.resources.catalog.has_item(i)
    ], "feedback stored for an item that is not in the catalog"
