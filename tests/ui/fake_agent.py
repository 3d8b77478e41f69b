"""A scripted agent honouring the Agent contract (stream/profile/set_user/update_profile), for UI tests only.

It answers by keyword with outputs shaped exactly like the real tools' (ItemOut lists, an
Explanation, a WhatIf, an EffectAnswer), and it recommends around the session's liked/disliked
items like the real one, so a thumbs-up visibly changes the next list.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pandas as pd

from whyrec.agent.runtime import AgentEvent, Final, ReplyToken, ToolStep, TurnResult
from whyrec.agent.state import SessionProfile
from whyrec.catalog.errors import UnknownUserError

MOVIES = [
    (1, "Toy Story", 1995, ("Adventure", "Animation", "Comedy"), 215),
    (6, "Heat", 1995, ("Action", "Crime", "Thriller"), 102),
    (260, "Star Wars: Episode IV - A New Hope", 1977, ("Action", "Adventure", "Sci-Fi"), 251),
    (296, "Pulp Fiction", 1994, ("Comedy", "Crime", "Drama"), 307),
    (318, "Shawshank Redemption, The", 1994, ("Crime", "Drama"), 317),
    (356, "Forrest Gump", 1994, ("Comedy", "Drama", "Romance"), 329),
    (2571, "Matrix, The", 1999, ("Action", "Sci-Fi", "Thriller"), 278),
    (4993, "Lord of the Rings: The Fellowship of the Ring, The", 2001, ("Adventure", "Fantasy"), 198),
    (48780, "Prestige, The", 2006, ("Drama", "Mystery", "Sci-Fi"), 94),
    (58559, "Dark Knight, The", 2008, ("Action", "Crime", "Drama"), 149),
]
DAG = """digraph {
  popularity -> featured; popularity -> watched; genre -> featured; genre -> watched; featured -> watched;
}"""


def fake_items() -> pd.DataFrame:
    frame = pd.DataFrame(MOVIES, columns=["item_id", "title", "year", "genres", "popularity"]).set_index("item_id")
    frame["year"] = frame["year"].astype("Int64")
    return frame


LLM_DOWN = "the language model did not answer usably (connection refused); the deterministic planner answered instead"
USERS = {414: "user 414 · 2698 ratings · Drama, Comedy", 599: "user 599 · 2478 ratings · Drama, Comedy"}


class FakeAgent:
    def __init__(self, delay_s: float = 0.0) -> None:
        self.items = fake_items()
        self.profiles: dict[str, SessionProfile] = {}
        self.delay_s = delay_s
        self.seen: list[tuple[str, str, SessionProfile]] = []  # (session, message, profile at the turn)

    def profile(self, session_id: str) -> SessionProfile:
        return self.profiles.setdefault(session_id, SessionProfile()).model_copy(deep=True)

    def set_user(self, session_id: str, user_id: int | None) -> SessionProfile:
        if user_id is not None and user_id not in USERS:
            raise UnknownUserError(user_id)
        profile = self.profile(session_id)
        profile.user_id = user_id
        self.profiles[session_id] = profile
        return profile

    def model_status(self) -> str | None:
        return None  # no language model

    def update_profile(self, session_id: str, liked: list[int], disliked: list[int]) -> SessionProfile:
        profile = self.profile(session_id)
        profile.liked, profile.disliked = list(liked), [i for i in disliked if i not in liked]
        self.profiles[session_id] = profile
        return profile

    def stream(self, message: str, *, session_id: str, user_id: int | None = None) -> Iterator[AgentEvent]:
        if user_id is not None:
            self.set_user(session_id, user_id)
        profile = self.profile(session_id)
        self.seen.append((session_id, message, profile))
        text = message.lower()
        if "boom" in text:
            raise RuntimeError("a bug deep inside")
        if text.startswith("hello"):  # a model writing its answer: tokens first, then the final reply
            yield ToolStep(name="plan", title="Planning with a model", args={}, status="pending")
            for piece in ("Hi", " there", ", friend"):
                yield ReplyToken(text=piece)
            yield Final(result=TurnResult(intent="chitchat", reply="Hi there, friend.", planner="llm"))
            return
        if text.startswith("why"):
            name, args, output = "explain_recommendation", {"item_id": profile.last_items[0]}, self._explain(profile)
            result = TurnResult(intent="explain", reply=f"Without {output['removal'][0]['title']} it drops out.")
            result.explanation = output
        elif text.startswith("what if"):
            name, args, output = "simulate_intervention", {"kind": "more_genre", "genre": "Comedy"}, self._whatif()
            result = TurnResult(intent="what_if", reply="Two comedies enter your top 5.", whatif=output)
        elif "featur" in text:
            name, args, output = "estimate_effect", {"question": "ate"}, self._effect()
            result = TurnResult(intent="effect", reply="Featuring raises watching by 4 points.", effect=output)
        else:
            name, args, output = "recommend", {"query": message, "k": 5}, self._recommend(profile)
            result = TurnResult(intent="recommend", reply="Here are five films for you.", items=output["items"])
            profile.last_items = [i["item_id"] for i in output["items"]]
        yield ToolStep(name=name, title=name, args=args, status="pending")
        time.sleep(self.delay_s)
        yield ToolStep(name=name, title=name, args=args, status="done", duration_s=self.delay_s, output=output)
        result.tool_calls = [{"name": name, "args": args}]
        result.notes = [LLM_DOWN]
        self.profiles[session_id] = profile
        yield Final(result=result)

    def _recommend(self, profile: SessionProfile) -> dict[str, Any]:
        taken = {*profile.liked, *profile.disliked}
        rows = [m for m in MOVIES if m[0] not in taken][:5]
        items = [
            {"item_id": i, "title": t, "year": y, "genres": list(g), "score": round(0.9 - 0.1 * n, 4),
             "reasons": [f"matches your request ({g[0].lower()})"]}
            for n, (i, t, y, g, _) in enumerate(rows)
        ]  # fmt: skip
        return {"items": items, "requested_k": 5, "like_item_ids": [], "constraints": []}

    @staticmethod
    def _explain(profile: SessionProfile) -> dict[str, Any]:
        return {
            "item_id": profile.last_items[0], "title": "Toy Story", "k": 10, "rank_before": 1, "rank_after": 14,
            "removal": [{"item_id": 2571, "title": "Matrix, The"}], "found": True, "verified": True,
            "influences": [
                {"item_id": 2571, "title": "Matrix, The", "new_rank": 14, "margin_change": -0.31},
                {"item_id": 260, "title": "Star Wars: Episode IV - A New Hope", "new_rank": 4, "margin_change": -0.12},
                {"item_id": 296, "title": "Pulp Fiction", "new_rank": None, "margin_change": None},
            ],
            "max_size": 10, "history_size": 3,
        }  # fmt: skip

    @staticmethod
    def _whatif() -> dict[str, Any]:
        def ranked(ids: list[int]) -> list[dict[str, Any]]:
            titles = {m[0]: m[1] for m in MOVIES}
            return [{"item_id": i, "title": titles[i], "rank": n, "score": 1.0 - n / 10} for n, i in enumerate(ids, 1)]

        return {
            "kind": "more_genre", "description": "if you watched more Comedy", "k": 5,
            "intervened": [{"item_id": 356, "title": "Forrest Gump"}],
            "before": ranked([1, 6, 260, 318, 2571]), "after": ranked([296, 1, 260, 6, 356]),
            "entered": [{"item_id": 296, "title": "Pulp Fiction", "rank_before": None, "rank_after": 1,
                         "cause": "more Comedy"}],
            "left": [{"item_id": 318, "title": "Shawshank Redemption, The", "rank_before": 4, "rank_after": None,
                      "cause": "pushed out"}],
            "moved": [],
        }  # fmt: skip

    @staticmethod
    def _effect() -> dict[str, Any]:
        estimate = {
            "treatment": "featured", "outcome": "watched", "value": 0.041, "ci_low": 0.035, "ci_high": 0.047,
            "method": "backdoor.propensity_score_weighting", "estimand": "backdoor", "n": 40000, "naive": 0.093,
            "refutations": [], "warnings": [], "true_value": 0.04,
        }  # fmt: skip
        return {"question": "ate", "estimate": estimate, "rows": [], "facts": []}
