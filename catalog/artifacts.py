"""Prepared artifacts under ``WHYREC_HOME`` with fingerprints, so unchanged inputs are never rebuilt.

Each artifact is a folder with a ``manifest.json`` holding the fingerprint of everything it was
built from (input file hashes, config). A build writes into a temporary folder that replaces the
old one only when the build has finished, so a failed or interrupted build loses nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

MANIFEST = "manifest.json"


def fingerprint(*parts: Any) -> str:
    """A short stable hash of JSON-serialisable parts (pydantic models are dumped first)."""

    def default(obj: Any) -> Any:
        if hasattr(obj, "model_dump"):
            return obj.model_dump(mode="json")
        return str(obj)

    blob = json.dumps(parts, sort_keys=True, default=default).encode()
    return hashlib.sha256(blob).hexdigest()[:20]


class ArtifactStore:
    """Named artifact folders under one home directory."""

    def __init__(self, home: Path) -> None:
        self.home = home

    def path(self, name: str) -> Path:
        return self.home / name

    def manifest(self, name: str) -> dict[str, Any] | None:
        try:
            data = json.loads((self.path(name) / MANIFEST).read_text())
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def is_fresh(self, name: str, fp: str) -> bool:
        manifest = self.manifest(name)
        return manifest is not None and manifest.get("fingerprint") == fp

    @contextlib.contextmanager
    def building(self, name: str, fp: str, **meta: Any) -> Iterator[Path]:
        """Yield a scratch folder; on success it atomically becomes ``name`` with its manifest."""
        self.home.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=self.home))
        try:
            yield scratch
            manifest = {"fingerprint": fp, "built_at": time.time(), **meta}
            (scratch / MANIFEST).write_text(json.dumps(manifest, indent=2, default=str))
            target = self.path(name)
            retired = self.home / f".{name}-old-{os.getpid()}"
            if target.exists():
                target.rename(retired)
            scratch.rename(target)
            shutil.rmtree(retired, ignore_errors=True)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
