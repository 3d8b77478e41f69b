"""``whyrec bench calls``: which requests it times, and how the two arms are summed up."""

from __future__ import annotations

import pytest

from whyrec.bench.tool_calls import messages_of, summary
from whyrec.errors import WhyrecError


def test_it_times_the_fresh_session_requests_for_films_only() -> None:
    messages = messages_of(["heldout2"])
    assert "somethin like heat but newer pls" in messages
    assert len(messages) == len(set(messages)) and all("why" not in m.lower().split() for m in messages)


def test_the_summary_sets_the_arms_side_by_side() -> None:
    rows = [
        {"message": "a", "free": {"s": 9.0, "calls": ["recommend", "explain_recommendation"], "tokens": 60},
         "one_call": {"s": 6.0, "calls": ["recommend"], "tokens": 30},
         "narrowed": {"s": 3.0, "calls": ["recommend"], "tokens": 12}},
        {"message": "b", "free": {"s": 3.0, "calls": ["recommend"], "tokens": 20},
         "one_call": {"s": 3.0, "calls": ["search_items"], "tokens": 20},
         "narrowed": {"s": 3.0, "calls": ["recommend"], "tokens": 8}},
    ]  # fmt: skip
    result = summary(rows)
    assert result["arms"]["free"] == {"total_s": 12.0, "p50_s": 6.0, "calls_per_answer": 1.5, "tokens": 80}
    assert result["arms"]["one_call"]["calls_per_answer"] == 1.0
    assert result["time_ratio"] == 0.75 and result["same_first_call"] == 0.5
    assert result["narrowed_time_ratio"] == round(6 / 9, 3) and result["narrowed_same_first_call"] == 0.5
    assert result["arms"]["narrowed"]["tokens"] == 20


def test_nothing_to_time_is_a_clear_error() -> None:
    with pytest.raises(WhyrecError, match="no fresh-session requests"):
        summary([])
