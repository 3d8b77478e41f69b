"""Settings of the LightGCN ranker (section ``ranker``) and the hybrid pipeline (section ``hybrid``)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field


class RankerConfig(BaseModel):
    """LightGCN training hyper-parameters (He et al. 2020, https://arxiv.org/abs/2002.02126).

    Defaults were tuned on the validation split of ml-latest-small (valid NDCG@20; see
    ``bench/ranker_tuning.md``): hard negatives (16 candidates), weighing positives by their rating and
    decaying the learning rate when validation stalls; with users propagated from their edges (so
    every score is a function of the user's own history), lighter L2 (1e-3) and smaller batches (1024).
    """

    users: Literal["propagated", "learned"] = Field(
        "propagated",
        description="propagated: every user's layer-0 embedding is zero, so a user is only their edges (fold-in for "
        "everyone, and removing a rating always moves the scores); learned: a free embedding per user",
    )
    dim: int = Field(64, ge=4, le=1024, description="embedding size")
    layers: int = Field(3, ge=1, le=8, description="propagation layers")
    lr: float = Field(0.01, gt=0, le=1, description="Adam learning rate")
    epochs: int = Field(200, ge=1, le=2000, description="maximum training epochs")
    batch_size: int = Field(1024, ge=32, le=1_000_000, description="BPR triples per step")
    negatives: int = Field(
        16, ge=1, le=64, description="negative candidates per positive; BPR uses the highest-scoring one (1 = uniform)"
    )
    reg: float = Field(1e-3, ge=0, description="L2 regularisation of the layer-0 embeddings")
    rating_weights: bool = Field(
        True,
        description="weigh each positive's BPR term by rating - rating_offset, rescaled to mean 1, so a 5-star "
        "film counts twice a 4-star one (graphs without ratings weigh every positive the same)",
    )
    rating_offset: float = Field(
        3.0, ge=0, le=10, description="the rating that would weigh nothing; must be below every positive rating"
    )
    patience: int = Field(
        4, ge=1, description="evaluations without a better valid NDCG@20 before the lr decays or training stops"
    )
    lr_decay: float = Field(0.3, gt=0, le=1, description="learning-rate factor each time validation stops improving")
    lr_drops: int = Field(2, ge=0, le=10, description="learning-rate decays before training stops (0 = stop at once)")
    eval_every: int = Field(5, ge=1, description="epochs between validation evaluations")
    seed: int = Field(0, description="training seed")
    threads: int = Field(
        1,
        ge=0,
        le=256,
        description="torch CPU threads for training (0 = torch's default); the tensors are small, and on a busy "
        "2-core machine one thread trained 9x faster than two, which stall in OpenMP barriers",
    )


class HybridConfig(BaseModel):
    """How the hybrid recommender blends the retriever's semantic score with the GCN's personal score.

    Both scores are min-max normalised over the candidate set, then
    ``score = (semantic_weight * semantic + gcn_weight * gcn) / (semantic_weight + gcn_weight)``.
    With no query and no liked items there is no semantic score and the GCN carries the whole
    weight. ``candidates`` bounds each source (retriever by text, by liked items, GCN top-N); a
    larger pool lets the GCN personalise more, a smaller one keeps results closer to the request.
    With ``prior_weight`` > 0 and training dialogues to fit it on (``prior_file``, by default ReDial's
    ``train_500`` cases in the data dir when they are there), a prior from those dialogues (what was
    suggested, with which films, of the genres asked for) joins the blend for people known only by
    what they said (chat users; a MovieLens user's list comes from their ratings), and with it, at
    ``topic_weight``, how near a film's text is to the conversation's last turns. See
    ``whyrec.ranker.hybrid`` and ``whyrec.ranker.prior``.
    """

    semantic_weight: float = Field(0.5, ge=0, le=1, description="weight of the text match")
    gcn_weight: float = Field(0.5, ge=0, le=1, description="weight of the LightGCN personal score")
    candidates: int = Field(200, ge=10, le=5000, description="candidates from each source before filtering")
    prior_weight: float = Field(
        1.0, ge=0, le=1, description="weight of the dialogue prior (ranker/prior.py) for chat users; 0 = not used"
    )
    comention_weight: float = Field(
        0.75, ge=0, le=10, description="weight, inside the dialogue prior, of films co-mentioned with the person's"
    )
    prior_asked_weight: float = Field(
        0.5, ge=0, le=10, description="weight, inside the dialogue prior, of a film having the genres asked for"
    )
    prior_kind_weight: float = Field(
        0.5, ge=0, le=10, description="weight, inside the dialogue prior, of a film's genres matching the named films'"
    )
    topic_weight: float = Field(
        0.5,
        ge=0,
        le=1,
        description="weight, beside the dialogue prior, of a film's text match to the conversation's last turns "
        "(its topic in the people's own words); 0 = not used",
    )
    prior_file: Path | None = Field(
        None,
        description="training dialogues as `whyrec eval` cases whose suggested films make the prior; unset = "
        "<data_dir>/redial-dev/train_500_cases.jsonl when it exists, else no prior",
    )
