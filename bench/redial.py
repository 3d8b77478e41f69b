"""``whyrec bench redial``: recommending from real conversations, ReDial's development dialogues.

Li et al., *Towards Deep Conversational Recommendations*, NeurIPS 2018
(https://redialdata.github.io/website/, CC BY 4.0). Each case is a dialogue up to a recommender turn
that names new films, both roles, and those films are what is expected; Recall@1/10/50 over the
cases is ReDial's usual recommendation metric. Every method ranks films the dialogue has not
mentioned yet, and all run in one pass over both files, side by side:

- ``popularity (MovieLens)``: most-rated films first;
- ``popularity (ReDial)``: most-suggested films of the training dialogues first (:mod:`whyrec.ranker.prior`);
- ``fold-in only``: LightGCN with the films the seeker liked as their edges (:mod:`whyrec.agent.transcript`);
- ``agent``: the whole agent reading the transcript (``whyrec eval --history transcript``), with the
  ReDial prior (:mod:`whyrec.ranker.prior`) blended as ``hybrid`` configures it (by default at the
  weights chosen on valid_100, README).

``train_500`` is what anything was tuned on, so its rows are labelled so; its ReDial prior is fitted
out of fold (two folds by dialogue), so no case counts its own suggestions. ``valid_100`` is scored
with the prior of all of ``train_500``; it chose the prior's weights.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from whyrec.agent.cases import Case, load_cases
from whyrec.agent.evaluate import recall_ndcg, run_agent
from whyrec.config import AppConfig
from whyrec.errors import WhyrecError

SETS = {"train_500": "tuned on", "valid_100": "chosen on"}
CUTS = (1, 10, 50)
Progress = Callable[[str, int, int], None]


def dev_files(config: AppConfig) -> dict[str, Path]:
    folder = config.data_path / "redial-dev"
    files = {name: folder / f"{name}_cases.jsonl" for name in SETS}
    missing = [str(p) for p in files.values() if not p.is_file()]
    if missing:
        raise WhyrecError(f"the ReDial development cases are missing: {', '.join(missing)}")
    return files


def _dialogue(line: str) -> str:
    return str(json.loads(line)["id"]).rsplit("-", 1)[0]


def folds(path: Path, scratch: Path) -> list[tuple[Path, Path]]:
    """(prior fitted on, cases scored) for two folds of ``path`` by dialogue, so no case sees its own."""
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    dialogues = sorted({_dialogue(line) for line in lines})
    side = {d: n % 2 for n, d in enumerate(dialogues)}
    out = []
    for f in (0, 1):
        fit, held = scratch / f"fit{f}.jsonl", scratch / f"held{f}.jsonl"
        fit.write_text("\n".join(line for line in lines if side[_dialogue(line)] != f) + "\n", encoding="utf-8")
        held.write_text("\n".join(line for line in lines if side[_dialogue(line)] == f) + "\n", encoding="utf-8")
        out.append((fit, held))
    return out


def recalls(ranked: Sequence[Sequence[int]], cases: Sequence[Case]) -> dict[str, float]:
    hits = [[recall_ndcg(r, c.expect.items or [], k)[0] for r, c in zip(ranked, cases, strict=True)] for k in CUTS]
    return {f"recall@{k}": round(float(np.mean(h)), 4) for k, h in zip(CUTS, hits, strict=True)}


def baselines(case: Case, linker: Any, ranker: Any, orders: dict[str, Sequence[int]]) -> dict[str, list[int]]:
    """Each baseline's top 50 of the films the dialogue has not named yet."""
    from whyrec.agent.transcript import read_transcript
    from whyrec.ranker.scoring import Profile

    stances = read_transcript([(t.role, t.content) for t in case.history], linker)
    named = {s.item_id for s in stances}
    liked = tuple(s.item_id for s in stances if s.liked)
    folded = ranker.recommend(Profile(liked, tuple(i for i in named if i not in liked)), k=50 + len(named)).items
    lists: dict[str, Sequence[int]] = {**orders, "fold-in only": [it.item_id for it in folded]}
    depth = 50 + len(named)
    return {method: [int(i) for i in order[:depth] if int(i) not in named][:50] for method, order in lists.items()}


def agent_lists(
    config: AppConfig,
    shared: Any,
    cases: list[Case],
    prior_file: Path,
    store: Path,
    label: str,
    progress: Progress | None,
) -> list[list[int]]:
    """The agent's top 50 for each case, reading its transcript, with the prior fitted on ``prior_file``."""
    from whyrec.agent.runtime import Agent
    from whyrec.agent.sessions import SessionStore
    from whyrec.tools.resources import Resources

    hybrid = config.hybrid.model_copy(update={"prior_file": prior_file})
    run_config = config.model_copy(update={"hybrid": hybrid})
    loaded = {name: getattr(shared, name) for name in ("catalog", "ranker", "index", "embedder", "linker")}
    agent = Agent(run_config, resources=Resources(run_config, **loaded), store=SessionStore(store))
    report = None if progress is None else (lambda done, total: progress(label, done, total))
    try:
        results, _ = run_agent(
            agent, cases, 50, catalog=shared.catalog, run_id=label, history="transcript", progress=report
        )
    finally:
        agent.close()
    return [r.items for r in results]


def run(config: AppConfig, progress: Progress | None = None) -> dict[str, Any]:
    """Every method on both development files; one row per (set, method)."""
    from whyrec.agent.runtime import load_semantic_planner
    from whyrec.ranker.prior import DialoguePrior
    from whyrec.tools.resources import Resources

    files = dev_files(config)
    agent_settings = config.agent.model_copy(update={"planner": "semantic", "default_k": 50})
    config = config.model_copy(update={"agent": agent_settings})
    shared = Resources(config)
    shared.warm()
    load_semantic_planner(shared)  # provides the linker with the planner's lexicon, as the agent has it
    catalog = shared.catalog
    ids = catalog.item_ids
    by_ratings = ids[np.lexsort((ids, -catalog.items.loc[ids, "popularity"].to_numpy()))]
    rows = []
    with tempfile.TemporaryDirectory(prefix="whyrec-redial-") as tmp:
        for name, path in files.items():
            scratch = Path(tmp) / name
            scratch.mkdir()
            parts = folds(path, scratch) if name == "train_500" else [(files["train_500"], path)]
            ranked: dict[str, list[list[int]]] = {}
            scored: list[Case] = []
            for n, (fit, held) in enumerate(parts):
                cases = load_cases(held)
                scored += cases
                orders = {"popularity (MovieLens)": by_ratings,
                          "popularity (ReDial)": ids[DialoguePrior.fit(catalog, fit).top(len(ids))]}  # fmt: skip
                for m, case in enumerate(cases):
                    for method, top in baselines(case, shared.linker, shared.ranker, orders).items():
                        ranked.setdefault(method, []).append(top)
                    if progress is not None:
                        progress(f"{name}: baselines", m + 1, len(cases))
                lists = agent_lists(config, shared, cases, fit, scratch / f"s{n}.db", f"{name}: agent", progress)
                ranked.setdefault("agent", []).extend(lists)
            rows += [
                {"set": name, "use": SETS[name], "method": method, "cases": len(scored), **recalls(lists, scored)}
                for method, lists in ranked.items()
            ]
    weights = config.hybrid.model_dump(include={"prior_weight", "comention_weight", "prior_asked_weight",
                                                "prior_kind_weight", "semantic_weight", "gcn_weight",
                                                "topic_weight"})  # fmt: skip
    return {**weights, "rows": rows, "credit": "ReDial, Li et al., NeurIPS 2018 (CC BY 4.0)"}
