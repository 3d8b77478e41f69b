"""The estimate_effect tool: causal effects in the exposure log, with DoWhy and refutations.

Questions are a closed set (average effect, by genre, by activity, a policy, naive vs causal) and
methods a closed list of DoWhy estimators, so a model cannot point the estimator at arbitrary data.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from whyrec.tools.adapter import ToolArgs
from whyrec.tools.identity import Identity
from whyrec.tools.items import Genre
from whyrec.tools.resources import Resources

Method = Literal[
    "backdoor.propensity_score_weighting",
    "backdoor.propensity_score_matching",
    "backdoor.propensity_score_stratification",
    "backdoor.linear_regression",
    "backdoor.aipw",
]


class EffectArgs(ToolArgs):
    question: Literal["ate", "cate_genre", "cate_activity", "policy", "naive_vs_causal"] = Field(
        "ate",
        description="ate: does featuring a film make people watch it; cate_genre: the effect by genre; "
        "cate_activity: by how active users are; policy: extra watches if a genre were featured to everyone; "
        "naive_vs_causal: how misleading the raw correlation is",
    )
    genre: Genre | None = Field(None, max_length=40, description="genre for cate_genre")
    method: Method | None = Field(None, description="DoWhy estimator; default from config")


def estimate_effect(resources: Resources, identity: Identity, args: EffectArgs) -> Any:
    """Estimate the causal effect of featuring an item on the home page on whether people watch it.

    Gives the estimate, its confidence interval, the method, refutation results and the naive correlation.
    """
    from whyrec.causal.questions import answer

    log = resources.exposure_log
    return answer(args.question, log, genre=args.genre, method=args.method, config=resources.config.causal)
