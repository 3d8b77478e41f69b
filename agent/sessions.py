"""Per-session memory in SQLite under WHYREC_HOME: profile, feedback and history survive a restart.

Each write is one transaction (``BEGIN IMMEDIATE`` ... ``COMMIT``) in WAL mode, so a process killed
mid-write leaves the feedback either fully stored or absent, never half-written, and readers are
never blocked by a writer. Every row is keyed by session id, so sessions cannot see each other.
Each thread keeps one connection to the file (SQLite connections belong to the thread that opened
them), so a turn does not pay for opening the database several times.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from whyrec.agent.state import SessionProfile
from whyrec.errors import WhyrecError

SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (session_id TEXT PRIMARY KEY, profile TEXT NOT NULL, updated REAL NOT NULL);
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY, session_id TEXT NOT NULL, item_id INTEGER NOT NULL, liked INTEGER NOT NULL, at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS history (
    id INTEGER PRIMARY KEY, session_id TEXT NOT NULL, role TEXT NOT NULL, content TEXT NOT NULL,
    meta TEXT NOT NULL, at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS feedback_session ON feedback(session_id);
CREATE INDEX IF NOT EXISTS history_session ON history(session_id);
"""
MAX_SESSION_ID = 128


class SessionError(WhyrecError):
    """A session id that cannot be used (empty, too long or with control characters)."""


def check_session_id(session_id: str) -> str:
    if not isinstance(session_id, str) or not session_id.strip():
        raise SessionError("a session id must be a non-empty string")
    if len(session_id) > MAX_SESSION_ID or not session_id.isprintable():
        raise SessionError(f"a session id must be printable and at most {MAX_SESSION_ID} characters")
    return session_id


class SessionStore:
    """Profiles, feedback and history of chat sessions in one SQLite file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()  # this thread's connection
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(SCHEMA)

    @classmethod
    def under(cls, home: Path) -> SessionStore:
        return cls(home / "sessions" / "sessions.sqlite")

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=10.0, isolation_level=None)
            db.execute("PRAGMA synchronous=NORMAL")
            self._local.db = db
        yield db

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    @staticmethod
    def _read_profile(db: sqlite3.Connection, session_id: str) -> SessionProfile:
        row = db.execute("SELECT profile FROM sessions WHERE session_id = ?", (session_id,)).fetchone()
        return SessionProfile.model_validate_json(row[0]) if row else SessionProfile()

    @staticmethod
    def _write_profile(db: sqlite3.Connection, session_id: str, profile: SessionProfile) -> None:
        db.execute(
            "INSERT INTO sessions(session_id, profile, updated) VALUES (?, ?, ?) "
            "ON CONFLICT(session_id) DO UPDATE SET profile = excluded.profile, updated = excluded.updated",
            (session_id, profile.model_dump_json(), time.time()),
        )

    def load(self, session_id: str) -> SessionProfile:
        """The session's profile; an empty one for a new session."""
        with self._connect() as db:
            return self._read_profile(db, check_session_id(session_id))

    def save(self, session_id: str, profile: SessionProfile) -> None:
        with self._transaction() as db:
            self._write_profile(db, check_session_id(session_id), profile)

    def record_feedback(self, session_id: str, item_id: int, liked: bool) -> SessionProfile:
        """Store one like/dislike and fold it into the profile, in a single transaction."""
        check_session_id(session_id)
        with self._transaction() as db:
            profile = self._read_profile(db, session_id)
            keep, drop = (profile.liked, profile.disliked) if liked else (profile.disliked, profile.liked)
            if item_id in drop:
                drop.remove(item_id)
            if item_id not in keep:
                keep.append(item_id)
            db.execute(
                "INSERT INTO feedback(session_id, item_id, liked, at) VALUES (?, ?, ?, ?)",
                (session_id, int(item_id), int(liked), time.time()),
            )
            self._write_profile(db, session_id, profile)
        return profile

    def save_turn(
        self, session_id: str, message: str, reply: str, profile: SessionProfile, meta: dict[str, Any]
    ) -> None:
        """The turn's messages and the updated profile, together or not at all."""
        check_session_id(session_id)
        now = time.time()
        with self._transaction() as db:
            db.executemany(
                "INSERT INTO history(session_id, role, content, meta, at) VALUES (?, ?, ?, ?, ?)",
                [
                    (session_id, "user", message, "{}", now),
                    (session_id, "assistant", reply, json.dumps(meta, default=str), now),
                ],
            )
            self._write_profile(db, session_id, profile)

    def start_from(self, session_id: str, turns: Sequence[tuple[str, str]], profile: SessionProfile) -> None:
        """The session as a recorded conversation left it: these (role, text) turns and this profile, replacing any."""
        check_session_id(session_id)
        now = time.time()
        with self._transaction() as db:
            db.execute("DELETE FROM history WHERE session_id = ?", (session_id,))
            db.executemany(
                "INSERT INTO history(session_id, role, content, meta, at) VALUES (?, ?, ?, ?, ?)",
                [(session_id, role, text, "{}", now) for role, text in turns],
            )
            self._write_profile(db, session_id, profile)

    def history(self, session_id: str, limit: int = 20) -> list[tuple[str, str]]:
        """The last ``limit`` (role, content) messages, oldest first."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT role, content FROM history WHERE session_id = ? ORDER BY id DESC LIMIT ?",
                (check_session_id(session_id), limit),
            ).fetchall()
        return [(str(r), str(c)) for r, c in reversed(rows)]

    def feedback(self, session_id: str) -> list[tuple[int, bool]]:
        with self._connect() as db:
            rows = db.execute(
                "SELECT item_id, liked FROM feedback WHERE session_id = ? ORDER BY id", (check_session_id(session_id),)
            ).fetchall()
        return [(int(i), bool(v)) for i, v in rows]


class SessionLocks:
    """One lock per session: a session's turns run one at a time, different sessions run side by side."""

    def __init__(self) -> None:
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def __call__(self, session_id: str) -> threading.Lock:
        check_session_id(session_id)
        with self._guard:
            return self._locks.setdefault(session_id, threading.Lock())
