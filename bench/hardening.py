"""Robustness benchmarks: ``kill -9`` during feedback writes, and concurrent sessions against the running app.

``kill``: a child process records feedback through the real :class:`~whyrec.agent.sessions.SessionStore`
and reports each acknowledged write; it is SIGKILLed at a random moment. After the "restart" (a new
store on the same file) every acknowledged record must be there (else *lost*), and the stored rows
must be whole: consecutive, with the profile agreeing with them, and SQLite's integrity check clean
(else *half-written*).

``load``: starts the real app (``whyrec chat`` on a free loopback port) or targets ``--url``, and
drives concurrent sessions through its JSON API (``POST /api/ask``). Each session likes a distinct,
little-known film; that title must never appear in another session's replies, unless that session's
own tools returned it (a recommendation or a what-if list; counted apart). The run is bounded in requests (sessions x
turns) and in time, and stops by itself.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

WRITER = """
import sys
from pathlib import Path
from whyrec.agent.sessions import SessionStore
store = SessionStore(Path(sys.argv[1]))
with open(sys.argv[2], "w") as acks:
    for i in range(1, 10_000_000):
        store.record_feedback("s", i, liked=i % 3 != 0)
        acks.write(f"{i}\\n")
        acks.flush()
"""


def kill_trial(folder: Path, rng: random.Random, max_delay_s: float = 0.5) -> dict[str, Any]:
    """One writer killed after a random delay; what survived compared with what it acknowledged."""
    from whyrec.agent.sessions import SessionStore

    db, acks = folder / "sessions.sqlite", folder / "acks.txt"
    child = subprocess.Popen([sys.executable, "-c", WRITER, str(db), str(acks)], env=os.environ.copy())
    deadline = time.monotonic() + 60
    while not (acks.exists() and acks.stat().st_size) and time.monotonic() < deadline:  # the first write landed
        time.sleep(0.005)
    time.sleep(rng.uniform(0.0, max_delay_s))
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    lines = acks.read_text().split("\n") if acks.exists() else []
    acked = max((int(x) for x in lines if x.strip().isdigit()), default=0)
    with sqlite3.connect(db) as conn:
        intact = conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    store = SessionStore(db)  # the restart
    rows = store.feedback("s")
    profile = store.load("s")
    ids = [i for i, _ in rows]
    whole = (
        intact
        and ids == list(range(1, len(ids) + 1))
        and all(liked == (i % 3 != 0) for i, liked in rows)
        and profile.liked == [i for i, liked in rows if liked]
        and profile.disliked == [i for i, liked in rows if not liked]
    )
    return {"acked": acked, "stored": len(ids), "lost": max(0, acked - len(ids)), "half_written": not whole}


def run_kill(trials: int = 20, seed: int = 0) -> dict[str, Any]:
    rng = random.Random(seed)
    results = []
    for _ in range(trials):
        with tempfile.TemporaryDirectory(prefix="whyrec-kill-") as tmp:
            results.append(kill_trial(Path(tmp), rng))
    return {
        "trials": trials,
        "writes_acknowledged": sum(r["acked"] for r in results),
        "writes_stored": sum(r["stored"] for r in results),
        "lost": sum(r["lost"] for r in results),
        "half_written": sum(r["half_written"] for r in results),
        "per_trial": results,
    }


# --- load -----------------------------------------------------------------------------------------
TURNS = [
    "I liked {title}",
    "recommend me 5 movies",
    "why the first one?",
    "tell me about {title}",
    "something like {title} but newer",
    "what if I hadn't watched {title}?",
    "top 5 comedies from the 90s, no horror",
    "I didn't like the second one",
    "more like {title}",
    "why the third one?",
]


def distinct_titles(config: Any, n: int, seed: int = 0) -> list[str]:
    """``n`` little-known films with unique titles (popularity rank past 5,000), one per session."""
    from whyrec.catalog.commands import load

    items = load(config).items
    ranked = items.sort_values("popularity", ascending=False).iloc[5000:]
    unique = ranked[~ranked["title"].duplicated(keep=False) & (ranked["title"].str.len() >= 8)]
    return [str(t) for t in unique.sample(n=n, random_state=seed)["title"]]


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class AppProcess:
    """``whyrec chat`` on a free loopback port, as a child process; stopped on exit.

    ``planner``: who plans its turns (the bench's own ``agent.planner``, so that `WHYREC_AGENT_PLANNER`
    picks it, as for the other benches, rather than the chat's default).
    """

    def __init__(self, planner: str, startup_s: float = 240.0) -> None:
        self.planner = planner
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.startup_s = startup_s
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> AppProcess:
        import httpx

        from whyrec.errors import WhyrecError

        cmd = [sys.executable, "-m", "whyrec", "chat", "--host", "127.0.0.1", "--port", str(self.port)]
        cmd += ["--planner", self.planner]
        self.process = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + self.startup_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                err = self.process.stderr.read().decode(errors="replace")[-500:] if self.process.stderr else ""
                raise WhyrecError(f"the app exited while starting: {err}")
            try:
                health = httpx.get(f"{self.url}/api/health", timeout=2)
                if health.status_code == 200 and health.json().get("model") != "starting":
                    return self  # up, and its language model (if any) past start-up: the bench measures turns
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        self.__exit__()
        raise WhyrecError(f"the app did not answer on {self.url} within {self.startup_s:.0f} s")

    def __exit__(self, *exc: object) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def drive(url: str, titles: list[str], turns: int, deadline_s: float, request_timeout_s: float) -> dict[str, Any]:
    """Each session runs its turns in order, all sessions at once; stops at ``deadline_s``."""
    import httpx

    run_id = f"load-{os.getpid()}-{int(time.time())}"
    stop_at = time.monotonic() + deadline_s
    latencies: list[float] = []
    errors: list[str] = []
    replies: dict[int, list[tuple[str, str]]] = {n: [] for n in range(len(titles))}  # (reply, titles it listed)
    planned_by: Counter[str] = Counter()  # who planned each answered turn: the language model or the fallback
    skipped = 0
    lock = threading.Lock()

    def session(n: int) -> None:
        nonlocal skipped
        with httpx.Client(base_url=url, timeout=request_timeout_s) as client:
            for t in range(turns):
                if time.monotonic() > stop_at:
                    with lock:
                        skipped += turns - t
                    return
                body = {"session_id": f"{run_id}-{n}", "message": TURNS[t % len(TURNS)].format(title=titles[n])}
                start = time.perf_counter()
                try:
                    response = client.post("/api/ask", json=body)
                    took = time.perf_counter() - start
                    data = response.json() if response.status_code == 200 else {}
                    reply = str(data.get("reply", ""))
                    planner = str(data.get("planner", "none"))
                    outputs = {k: data.get(k) for k in ("items", "explanation", "whatif", "effect")}
                    listed = json.dumps(outputs, ensure_ascii=False)  # what this session's own tools returned
                    problem = None if reply.strip() else f"HTTP {response.status_code}: {response.text[:200]}"
                except (httpx.HTTPError, ValueError) as exc:
                    took, reply, listed, planner = time.perf_counter() - start, "", "", "none"
                    problem = f"{type(exc).__name__}: {exc}"
                with lock:
                    latencies.append(took)
                    planned_by[planner] += 1
                    replies[n].append((reply, listed))
                    if problem:
                        errors.append(problem)

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(titles)) as pool:
        list(pool.map(session, range(len(titles))))
    wall = time.perf_counter() - start
    # A title in another session's own tool outputs (recommended, or in a what-if's before/after lists) is not
    # a leak: little-known films still get recommended. One its reply mentions without its tools returning it is.
    mentions = [
        (n, m, titles[n].lower() in listed.lower(), reply)
        for n in replies
        for m, said in replies.items()
        if m != n
        for reply, listed in said
        if titles[n].lower() in reply.lower()
    ]
    leaks = [
        {"title": titles[n], "of_session": n, "seen_in_session": m, "reply": reply[:300]}
        for n, m, own, reply in mentions
        if not own
    ]
    ms = sorted(x * 1000 for x in latencies)
    return {
        "requests": len(latencies),
        "skipped_at_deadline": skipped,
        "errors": len(errors),
        "error_examples": errors[:5],
        "wall_s": round(wall, 2),
        "throughput_rps": round(len(latencies) / wall, 2) if wall else 0.0,
        "p50_ms": round(statistics.median(ms), 1) if ms else None,
        "p95_ms": round(ms[min(len(ms) - 1, int(0.95 * len(ms)))], 1) if ms else None,
        "max_ms": round(ms[-1], 1) if ms else None,
        "planned_by": dict(sorted(planned_by.items())),
        "cross_session_leaks": leaks,
        "recommended_to_other_sessions": sum(own for _, _, own, _ in mentions),
    }


def run_load(
    config: Any,
    sessions: int = 20,
    turns: int = 10,
    url: str | None = None,
    deadline_s: float = 300.0,
    request_timeout_s: float = 60.0,
) -> dict[str, Any]:
    titles = distinct_titles(config, sessions)
    if url is not None:
        report = drive(url.rstrip("/"), titles, turns, deadline_s, request_timeout_s)
        return {"url": url, "sessions": sessions, "turns": turns, "cpu_cores": os.cpu_count(), **report}
    with AppProcess(config.agent.planner) as app:
        started = {"url": app.url, "started_app": True}
        report = drive(app.url, titles, turns, deadline_s, request_timeout_s)
    return {**started, "sessions": sessions, "turns": turns, "cpu_cores": os.cpu_count(), **report}
