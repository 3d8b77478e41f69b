"""The metrics of ``whyrec eval``: each one checked on cases whose answer is known."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from whyrec.agent.cases import load_cases
from whyrec.agent.evaluate import FOLLOW_UP, args_match, evaluate_agent, recall_ndcg

HEAT, MATRIX, TOY_STORY, ALIEN = 6, 2571, 1, 1214  # 1995 Crime, 1999 Sci-Fi, 1995 Animation, 1979 Horror


def test_recall_and_ndcg() -> None:
    assert recall_ndcg([1, 2, 3], [1, 2], k=3) == (1.0, 1.0)
    recall, ndcg = recall_ndcg([9, 1], [1], k=2)
    assert recall == 1.0 and ndcg == pytest.approx(1 / 1.5849625, rel=1e-6)
    assert recall_ndcg([9, 8, 1], [1], k=2) == (0.0, 0.0)


def test_args_match_compares_genres_as_sets() -> None:
    assert args_match({"genres_exclude": ["Horror", "Drama"]}, {"genres_exclude": ["Drama", "Horror"], "k": 3})
    assert not args_match({"k": 5}, {"k": 10})
    assert not args_match({"item_id": 6}, {})


def write(path: Path, *rows: Any) -> Path:
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n")
    return path


class ReplayAgent:
    """Answers from a table: message -> (intent, items); records the turns it saw per session."""

    def __init__(self, answers: dict[str, tuple[str, list[int]]]) -> None:
        self.answers = answers
        self.turns: list[tuple[str, str, int | None]] = []
        self.transcripts: dict[str, list[tuple[str, str]]] = {}
        self.shown: list[tuple[str, str]] = []

    def load_transcript(self, session_id: str, turns: list[tuple[str, str]]) -> None:
        self.transcripts[session_id] = list(turns)

    def show_recorded(self, session_id: str, text: str) -> None:
        self.shown.append((session_id, text))

    def turn(self, message: str, *, session_id: str, user_id: int | None = None) -> Any:
        self.turns.append((session_id, message, user_id))
        intent, items = self.answers.get(message, ("chitchat", []))
        calls = [{"name": "recommend", "args": {"k": len(items)}}] if items else []
        return SimpleNamespace(
            intent=intent,
            items=[{"item_id": i} for i in items],
            tool_calls=calls,
            latency_ms=float(len(message)),
            planner="semantic",
        )


def test_agent_metrics_and_history_replay(tmp_path: Path, catalog: Any) -> None:
    cases = load_cases(
        write(
            tmp_path / "c.jsonl",
            {
                "id": "ok",
                "user_id": 7,
                "history": [{"role": "user", "content": "first"}, {"role": "assistant", "content": "sure"}],
                "message": "90s please",
                "expect": {"intent": "recommend", "items": [MATRIX], "constraints": {"year_min": 1990}},
            },
            {
                "id": "breaks",
                "message": "no horror",
                "expect": {"intent": "recommend", "constraints": {"genres_exclude": ["Horror"]}},
            },
            {"id": "wrong-intent", "message": "hello", "expect": {"intent": "explain"}},
        )
    )
    agent = ReplayAgent({"90s please": ("recommend", [HEAT, MATRIX]), "no horror": ("recommend", [TOY_STORY, ALIEN])})
    report = evaluate_agent(agent, cases, catalog, k=10, run_id="t")
    assert report.intent_accuracy == pytest.approx(2 / 3, abs=1e-4)
    assert report.constraint_satisfaction == 0.75 and report.items_checked == 4  # Alien is a horror film
    assert report.recall_at_k == 1.0 and report.ndcg_at_k == pytest.approx(1 / 1.5849625, rel=1e-4)
    assert {f["id"] for f in report.failures} == {"breaks", "wrong-intent"}
    # the history's user turn is replayed in the case's own session, as the case's user; an assistant turn is
    # not, but what it names is shown to the person
    assert ("t-0", "first", 7) in agent.turns and not any(m == "sure" for _, m, _ in agent.turns)
    assert agent.shown == [("t-0", "sure")]
    assert agent.turns[0][0] == "t-warmup" and report.warmup_ms >= 0


def test_a_transcript_is_read_not_replayed_and_a_reaction_is_followed_up(tmp_path: Path, catalog: Any) -> None:
    history = [{"role": "assistant", "content": "Seen Heat?"}, {"role": "user", "content": "first"}]
    cases = load_cases(
        write(
            tmp_path / "c.jsonl",
            {"id": "lists", "history": history, "message": "90s please", "expect": {"items": [MATRIX]}},
            {"id": "reacts", "history": history, "message": "seen it, loved it", "expect": {"items": [ALIEN]}},
        )
    )
    agent = ReplayAgent({"90s please": ("recommend", [HEAT, MATRIX]), FOLLOW_UP: ("recommend", [ALIEN])})
    report = evaluate_agent(agent, cases, catalog, k=10, run_id="t", history="transcript")
    assert agent.transcripts["t-0"] == [("assistant", "Seen Heat?"), ("user", "first")]
    assert not any(m == "first" for _, m, _ in agent.turns)  # nothing replayed
    assert ("t-1", FOLLOW_UP, None) in agent.turns and ("t-0", FOLLOW_UP, None) not in agent.turns
    assert report.followed_up == 1 and report.recall_at_k == 1.0
