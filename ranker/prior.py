"""A popularity prior learnt from recommendation dialogues: which films recommenders suggest.

In conversational recommendation the films people are offered follow a popularity of their own:
recent, well-known films dominate ReDial's suggestions (Li et al., NeurIPS 2018,
https://redialdata.github.io/website/), and MovieLens popularity, which favours the 1990s classics its
raters rated, misses them. Counting the suggestions of *training* dialogues, one count per suggested
film per turn, gives that prior; ``hybrid.prior_weight`` blends it with the retriever and the GCN.
It is a property of the catalog, not of a user, so removing a user's ratings never changes it and
counterfactual explanations stay those of the user's own history.

The dialogues are read as ``whyrec eval`` cases (one JSON object per line), the films each case
expects (``expect.items``, what the recommender suggested next) being the suggestions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from whyrec.catalog.model import Catalog
from whyrec.errors import WhyrecError
from whyrec.ranker.config import HybridConfig


@dataclass(frozen=True)
class DialoguePrior:
    """Suggestion counts per catalog item (in ``catalog.item_ids`` order), and where they came from."""

    counts: np.ndarray
    source: str

    @classmethod
    def fit(cls, catalog: Catalog, cases: Path) -> DialoguePrior:
        """Count the suggested films of ``cases``; films outside the catalog are skipped, not errors."""
        position = {int(i): n for n, i in enumerate(catalog.item_ids)}
        counts = np.zeros(len(catalog.item_ids), dtype=np.float64)
        try:
            lines = cases.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise WhyrecError(f"cannot read the dialogue prior's cases {cases}: {exc.strerror or exc}") from None
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                items = json.loads(line).get("expect", {}).get("items", [])
            except (json.JSONDecodeError, AttributeError):
                raise WhyrecError(f"{cases}:{number}: not a JSON case object") from None
            for item in items:
                if isinstance(item, int) and item in position:
                    counts[position[item]] += 1
        if not counts.any():
            raise WhyrecError(f"{cases} suggests no film of the catalog, so it gives no prior")
        return cls(counts, str(cases))

    def scores(self) -> np.ndarray:
        """Per item in [0, 1]: log(1 + count) over its maximum, so a few top films do not swamp the rest."""
        logged = np.log1p(self.counts)
        return logged / logged.max()

    def top(self, n: int) -> list[int]:
        """Positions (in ``catalog.item_ids``) of the ``n`` most suggested films, ties by position."""
        suggested = np.flatnonzero(self.counts)
        return suggested[np.lexsort((suggested, -self.counts[suggested]))][:n].tolist()


def prior_scores(config: HybridConfig, catalog: Catalog) -> np.ndarray | None:
    """The prior :func:`hybrid_recommend` blends under ``config``, or None when it is off."""
    if config.prior_file is None or config.prior_weight <= 0:
        return None
    return DialoguePrior.fit(catalog, config.prior_file.expanduser()).scores()
