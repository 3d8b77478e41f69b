"""A home-page exposure log over the catalog with known ground truth, and its ``whyrec prepare`` step.

The question people ask ("does featuring a film make people watch it?") can only be *checked*
where the answer is known, so we simulate a log whose causal structure we wrote down:

* **preference** — a user's true taste for an item, from a rank-``k`` truncated SVD of the
  catalog's user × item interaction matrix (the classic low-rank model of implicit feedback,
  Hu, Koren & Volinsky 2008, https://doi.org/10.1109/ICDM.2008.22). Unobserved in the log.
* **logging policy** — the home page features an impression with probability
  ``sigmoid(a0 + a_pop·popularity + a_act·activity + a_genre[g])``: popular films and heavy users
  get featured more. Popularity and activity also raise the watch rate, so they *confound* the
  naive comparison. Genre is a third, categorical, confounder.
* **outcome** — ``watched ~ Bernoulli(base(preference, popularity, activity) + tau(genre, segment) · featured)``
  where the uplift ``tau`` differs by genre and is largest for light users.

Because ``tau`` is a deterministic function of observed columns, the true effects are exact
averages of ``tau`` over the log's rows: the ATE, the CATE by genre and by activity segment, and
the extra watches of the policy "feature every film of genre G".
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy.sparse import csr_matrix
from scipy.sparse.linalg import svds

from whyrec.catalog.artifacts import ArtifactStore, fingerprint
from whyrec.catalog.errors import ArtifactError
from whyrec.causal.config import CausalConfig

if TYPE_CHECKING:
    from rich.progress import Progress

    from whyrec.catalog.model import Catalog
    from whyrec.config import AppConfig

ARTIFACT = "exposure"
SIMULATOR_VERSION = 2  # bump when the simulation itself changes, so `whyrec prepare` rebuilds the log
TREATMENT = "featured"
OUTCOME = "watched"
COMMON_CAUSES = ("log_popularity", "user_activity", "genre")
SEGMENTS = ("light", "medium", "heavy")
# Uplift multiplier by activity segment: light users rely on the home page, heavy users find films anyway.
SEGMENT_UPLIFT = {"light": 1.4, "medium": 1.0, "heavy": 0.6}
NO_GENRE = "(none)"

SIM_FIELDS = {
    "sim_seed",
    "sim_users",
    "sim_items_per_user",
    "sim_rank",
    "sim_confounding",
    "sim_feature_base",
    "sim_genre_bias",
}


DAG = """digraph {
  log_popularity -> featured; log_popularity -> watched;
  user_activity -> featured; user_activity -> watched;
  genre -> featured; genre -> watched;
  featured -> watched;
}"""


@dataclass(frozen=True)
class Truth:
    """The simulator's exact effects on the probability of watching (averages of tau over log rows)."""

    ate: float
    att: float
    cate_genre: dict[str, float]
    cate_activity: dict[str, float]
    policy_extra_watches: dict[str, float]  # genre -> expected extra watches if all its impressions were featured
    naive: float


@dataclass(frozen=True)
class ExposureLog:
    """One exposure log: impressions with treatment ``featured`` and outcome ``watched``."""

    data: pd.DataFrame
    dag: str
    truth: Truth | None
    fingerprint: str
    treatment: str = TREATMENT
    outcome: str = OUTCOME
    common_causes: tuple[str, ...] = COMMON_CAUSES


def primary_genres(catalog: Catalog) -> pd.Series:
    """Each item's most specific genre: the rarest of its genres in the catalog (Film-Noir over Drama)."""
    counts = pd.Series([g for gs in catalog.items["genres"] for g in gs]).value_counts()
    return catalog.items["genres"].map(lambda gs: min(gs, key=lambda g: (counts[g], g)) if gs else NO_GENRE)


def preference_matrix(catalog: Catalog, rank: int) -> np.ndarray:
    """Standardised rank-``rank`` reconstruction of the binary user × item interaction matrix."""
    rows = np.searchsorted(catalog.user_ids, catalog.ratings["user_id"].to_numpy())
    cols = catalog.item_index(catalog.ratings["item_id"].to_numpy())
    matrix = csr_matrix((np.ones(len(rows), dtype=np.float64), (rows, cols)), shape=(catalog.n_users, catalog.n_items))
    k = max(1, min(rank, min(matrix.shape) - 1))
    u, s, vt = svds(matrix, k=k, random_state=0)
    scores = (u * s) @ vt
    return (scores - scores.mean()) / scores.std()


def simulate(catalog: Catalog, config: CausalConfig, seed: int | None = None) -> ExposureLog:
    """Draw one log of ``sim_users × sim_items_per_user`` impressions with its exact ground truth."""
    # Two independent streams: one draws the design (impressions, policy and uplift parameters), the
    # other the treatment and outcome, so re-drawing one never shifts the other.
    design, draw = np.random.SeedSequence(config.sim_seed if seed is None else seed).spawn(2)
    rng, draw_rng = np.random.default_rng(design), np.random.default_rng(draw)
    pref = preference_matrix(catalog, config.sim_rank)
    n_users = min(config.sim_users, catalog.n_users)
    per_user = min(config.sim_items_per_user, catalog.n_items)
    users = np.sort(rng.choice(catalog.n_users, size=n_users, replace=False))
    popularity = catalog.items["popularity"].to_numpy(dtype=np.float64)
    weights = np.sqrt(popularity + 1.0)
    weights /= weights.sum()
    # Impressions: distinct items per user, drawn by sqrt-popularity so niche films appear too.
    items = np.stack([rng.choice(catalog.n_items, size=per_user, replace=False, p=weights) for _ in users])
    u_pos = np.repeat(users, per_user)
    i_pos = items.ravel()

    activity_per_user = np.log1p(catalog.ratings.groupby("user_id").size().reindex(catalog.user_ids).to_numpy())
    log_pop = np.log1p(popularity[i_pos])
    activity = activity_per_user[u_pos]
    pop_z = (log_pop - log_pop.mean()) / log_pop.std()
    act_z = (activity - activity.mean()) / activity.std()
    cuts = np.quantile(activity_per_user[users], [1 / 3, 2 / 3])
    segment = np.array(SEGMENTS)[np.searchsorted(cuts, activity, side="right")]
    genre = primary_genres(catalog).to_numpy()[i_pos]
    genres = sorted(set(genre))

    genre_bias = dict(zip(genres, rng.normal(0.0, config.sim_genre_bias, size=len(genres)), strict=True))
    genre_uplift = dict(zip(genres, rng.uniform(0.02, 0.14, size=len(genres)), strict=True))
    logit = config.sim_feature_base + config.sim_confounding * (1.2 * pop_z + 0.8 * act_z)
    logit += np.array([genre_bias[g] for g in genre])
    propensity = 1.0 / (1.0 + np.exp(-logit))
    featured = draw_rng.random(len(propensity)) < propensity

    base_logit = -1.2 + 1.0 * pref[u_pos, i_pos] + config.sim_confounding * (0.8 * pop_z + 0.6 * act_z)
    base = 0.6 / (1.0 + np.exp(-base_logit))
    tau = np.array([genre_uplift[g] for g in genre]) * np.array([SEGMENT_UPLIFT[s] for s in segment])
    watched = draw_rng.random(len(base)) < base + tau * featured  # base + tau <= 0.6 + 0.2: a valid probability

    data = pd.DataFrame(
        {
            "user_id": catalog.user_ids[u_pos],
            "item_id": catalog.item_ids[i_pos],
            "genre": genre,
            "log_popularity": log_pop.round(4),
            "user_activity": activity.round(4),
            "activity_segment": segment,
            TREATMENT: featured.astype(np.int64),
            OUTCOME: watched.astype(np.int64),
        }
    )
    frame = pd.DataFrame({"genre": genre, "segment": segment, "tau": tau, "featured": featured})
    truth = Truth(
        ate=float(tau.mean()),
        att=float(tau[featured].mean()),
        cate_genre={str(g): float(v) for g, v in frame.groupby("genre")["tau"].mean().items()},
        cate_activity={str(s): float(frame.loc[frame["segment"] == s, "tau"].mean()) for s in SEGMENTS},
        policy_extra_watches={
            str(g): float(v) for g, v in frame[~frame["featured"]].groupby("genre")["tau"].sum().items()
        },
        naive=float(watched[featured].mean() - watched[~featured].mean()),
    )
    fp = (
        _build_fingerprint(catalog.fingerprint, config)
        if seed is None
        else fingerprint(SIMULATOR_VERSION, catalog.fingerprint, config.model_dump(include=SIM_FIELDS), seed)
    )
    return ExposureLog(data=data, dag=DAG, truth=truth, fingerprint=fp)


def _build_fingerprint(catalog_fingerprint: str, config: CausalConfig) -> str:
    return fingerprint(SIMULATOR_VERSION, catalog_fingerprint, config.model_dump(include=SIM_FIELDS))


def prepare(config: AppConfig, catalog: Catalog, progress: Progress) -> str:
    """Write the default exposure log, its DAG and its ground truth under WHYREC_HOME (skipped if fresh)."""
    store = ArtifactStore(config.home_dir)
    fp = _build_fingerprint(catalog.fingerprint, config.causal)
    if store.is_fresh(ARTIFACT, fp):
        return f"exposure log up to date ({fp})"
    task = progress.add_task("simulating exposure log", total=1, info="")
    log = simulate(catalog, config.causal)
    with store.building(ARTIFACT, fp, catalog=catalog.fingerprint, rows=len(log.data)) as folder:
        log.data.to_parquet(folder / "log.parquet", index=False)
        (folder / "dag.dot").write_text(log.dag)
        (folder / "truth.json").write_text(json.dumps(asdict(log.truth) if log.truth else None, indent=2))
    progress.update(task, completed=1)
    t = log.truth
    assert t is not None
    return f"{len(log.data)} impressions, true ATE {t.ate:.4f}, naive {t.naive:.4f} ({fp})"


def load_exposure_log(config: AppConfig) -> ExposureLog:
    """The default exposure log written by ``whyrec prepare``; ArtifactError if missing or stale."""
    store = ArtifactStore(config.home_dir)
    manifest = store.manifest(ARTIFACT)
    catalog_manifest = store.manifest("catalog")
    if manifest is None:
        raise ArtifactError("the exposure log is not built yet: run `whyrec prepare`")
    if catalog_manifest is not None and manifest.get("catalog") != catalog_manifest.get("fingerprint"):
        raise ArtifactError("the exposure log was built from another catalog: run `whyrec prepare`")
    fp = str(manifest.get("fingerprint"))
    if fp != _build_fingerprint(str(manifest.get("catalog")), config.causal):
        raise ArtifactError(
            "the exposure log was built with other simulator settings (or version): run `whyrec prepare`"
        )
    store.verify(ARTIFACT)  # a garbled DAG or truth file would still parse
    folder = store.path(ARTIFACT)
    try:
        data = pd.read_parquet(folder / "log.parquet")
        dag = (folder / "dag.dot").read_text()
        raw = json.loads((folder / "truth.json").read_text())
    except (OSError, ValueError) as exc:
        raise ArtifactError(f"the exposure log under {folder} is unreadable ({exc}): run `whyrec prepare`") from None
    return ExposureLog(data=data, dag=dag, truth=Truth(**raw) if raw else None, fingerprint=fp)
