"""Intent by nearest labeled exemplars in embedding space (MiniLM), computed once, then one dot product.

Each intent has a few dozen exemplar phrasings in ``exemplars.jsonl`` (add a line to teach a new
phrasing; no code changes). A message is embedded with item mentions masked ("what is <this movie>
about"), so titles do not pull it towards exemplars that happen to name the same film, and scored
against each intent as the mean of its ``top`` most similar exemplars: a k-nearest-neighbour vote
that is robust to one odd exemplar. See Reimers & Gurevych (2019), https://arxiv.org/abs/1908.10084.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Literal, cast

import numpy as np

from whyrec.catalog.embed import Embedder
from whyrec.catalog.vectorstore import one_torch_thread

Intent = Literal["recommend", "explain", "what_if", "effect", "item_info", "feedback", "chitchat"]
INTENTS: tuple[Intent, ...] = ("recommend", "explain", "what_if", "effect", "item_info", "feedback", "chitchat")
MASK = "this movie"


@dataclass(frozen=True)
class Exemplar:
    intent: Intent
    text: str


def load_exemplars() -> list[Exemplar]:
    """The labeled phrasings shipped with the package."""
    lines = resources.files("whyrec.agent.semantic").joinpath("exemplars.jsonl").read_text("utf-8").splitlines()
    rows = [json.loads(line) for line in lines if line.strip()]
    unknown = {r["intent"] for r in rows} - set(INTENTS)
    if unknown:
        raise ValueError(f"exemplars.jsonl has unknown intents: {sorted(unknown)}")
    return [Exemplar(cast(Intent, r["intent"]), r["text"]) for r in rows]


@dataclass(frozen=True)
class IntentScore:
    intent: Intent
    score: float  # mean cosine similarity to the intent's nearest exemplars
    margin: float  # over the runner-up intent
    scores: dict[str, float]

    def overridden(self, intent: Intent) -> IntentScore:
        """The same scores with ``intent`` chosen by a rule, not by the exemplars (so no margin)."""
        return IntentScore(intent, self.score, 0.0, self.scores)


class IntentClassifier:
    """Nearest-exemplar intent; ``mask`` replaces item mentions in exemplars exactly as in messages."""

    def __init__(
        self,
        embedder: Embedder,
        exemplars: list[Exemplar],
        mask: Callable[[str], str] = lambda s: s,
        top: int = 3,
        cue_bonus: float = 0.0,
    ) -> None:
        self.embedder, self.mask, self.top, self.cue_bonus = embedder, mask, top, cue_bonus
        self.labels = np.array([INTENTS.index(e.intent) for e in exemplars])
        self.vectors = embedder.encode([mask(e.text) for e in exemplars])

    def classify(self, masked_message: str, cues: Sequence[str] = ()) -> IntentScore:
        """The best intent; ``cues`` are intents whose cue words occur, each given a small bonus."""
        with one_torch_thread():  # one short text: a second thread only spins on a busy 2-core machine
            query = self.embedder.encode([masked_message])[0]
        sims = self.vectors @ query
        scores: dict[str, float] = {}
        for n, intent in enumerate(INTENTS):
            own = np.sort(sims[self.labels == n])[::-1][: self.top]
            bonus = self.cue_bonus if intent in cues else 0.0
            scores[intent] = (float(own.mean()) if len(own) else -1.0) + bonus
        ranked = sorted(scores, key=scores.__getitem__, reverse=True)
        best, second = ranked[0], ranked[1]
        return IntentScore(cast(Intent, best), scores[best], scores[best] - scores[second], scores)
