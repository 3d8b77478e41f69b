from __future__ import annotations

import pytest

from whyrec.errors import WhyrecError
from whyrec.tools.feedback import FeedbackArgs, record_feedback
from whyrec.tools.identity import Identity
from whyrec.tools.resources import Resources


def test_feedback_goes_to_the_session_sink(resources: Resources) -> None:
    stored: list[tuple[int, bool]] = []
    me = Identity(session_id="s", record_feedback=lambda i, liked: stored.append((i, liked)))
    assert record_feedback(resources, me, FeedbackArgs(item=2571, liked=False)).title == "The Matrix"
    assert stored == [(2571, False)]


def test_unknown_items_store_nothing(resources: Resources) -> None:
    stored: list[tuple[int, bool]] = []
    me = Identity(session_id="s", record_feedback=lambda i, liked: stored.append((i, liked)))
    with pytest.raises(WhyrecError, match="unknown item"):
        record_feedback(resources, me, FeedbackArgs(item=99999999, liked=True))
    assert stored == []
