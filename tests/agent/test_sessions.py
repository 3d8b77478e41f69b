from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from whyrec.agent.sessions import SessionError, SessionStore
from whyrec.agent.state import SessionProfile

WRITER = """
import sys
from pathlib import Path
from whyrec.agent.sessions import SessionStore
store = SessionStore(Path(sys.argv[1]))
print("ready", flush=True)
for i in range(1, 100000):
    store.record_feedback("s", i, liked=i % 3 != 0)
"""


def test_profiles_survive_a_new_store_on_the_same_file(tmp_path: Path) -> None:
    SessionStore(tmp_path / "s.sqlite").save("s1", SessionProfile(user_id=7, liked=[1], last_items=[3, 4]))
    again = SessionStore(tmp_path / "s.sqlite").load("s1")
    assert again.user_id == 7 and again.liked == [1] and again.last_items == [3, 4]


def test_feedback_moves_an_item_between_liked_and_disliked(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "s.sqlite")
    store.record_feedback("s1", 5, liked=True)
    profile = store.record_feedback("s1", 5, liked=False)
    assert profile.liked == [] and profile.disliked == [5]
    assert store.load("s2") == SessionProfile()


@pytest.mark.parametrize("bad", ["", "  ", "x" * 129, "a\nb"])
def test_bad_session_ids_are_refused(tmp_path: Path, bad: str) -> None:
    with pytest.raises(SessionError):
        SessionStore(tmp_path / "s.sqlite").load(bad)


@pytest.mark.parametrize("trial", range(3))  # `whyrec bench` runs the full 20 trials
def test_kill_9_during_feedback_writes_leaves_whole_feedback(tmp_path: Path, trial: int) -> None:
    path = tmp_path / "s.sqlite"
    child = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, env=os.environ.copy())
    assert child.stdout is not None and child.stdout.readline().strip() == b"ready"
    time.sleep(random.Random(trial).uniform(0.05, 0.4))
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    store = SessionStore(path)
    rows = store.feedback("s")
    profile = store.load("s")
    assert rows, "the writer was killed before its first write; lengthen the delay"
    assert [i for i, _ in rows] == list(range(1, len(rows) + 1))  # no gap, nothing half-written
    assert profile.liked == [i for i, liked in rows if liked]  # the profile matches the feedback rows exactly
    assert profile.disliked == [i for i, liked in rows if not liked]
