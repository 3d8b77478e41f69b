"""Prepared artifacts under ``WHYREC_HOME`` with fingerprints, so unchanged inputs are never rebuilt.

Each artifact is a folder with a ``manifest.json`` holding the fingerprint of everything it was
built from (input file hashes, config). A build writes into a temporary folder that replaces the
old one only when the build has finished, so a failed or interrupted build loses nothing.

The manifest also records the sha256 of every file the build wrote, and :meth:`ArtifactStore.is_fresh`
checks them, so a truncated or garbled file makes ``whyrec prepare`` rebuild the artifact instead of
trusting an unchanged fingerprint. An artifact whose files legitimately change after the build (a
database that is written to when opened, like Chroma's SQLite) opts out with ``checksums=False``.
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

from whyrec.catalog.errors import ArtifactError

MANIFEST = "manifest.json"
FILES = "files"  # manifest key: {relative path: sha256} of the built files


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
        """Built from these inputs (fingerprint) and every recorded file is intact (checksums)."""
        manifest = self.manifest(name)
        return manifest is not None and manifest.get("fingerprint") == fp and not self.damaged(name)

    def damaged(self, name: str) -> list[str]:
        """Files of ``name`` that are missing or differ from their checksum at build time ([] if none recorded)."""
        recorded = (self.manifest(name) or {}).get(FILES)
        if not isinstance(recorded, dict):
            return []
        folder = self.path(name)
        return sorted(rel for rel, digest in recorded.items() if _sha256(folder / rel) != digest)

    def verify(self, name: str) -> None:
        """ArtifactError naming the damaged files, for loaders that must not read a corrupt artifact."""
        damaged = self.damaged(name)
        if damaged:
            raise ArtifactError(
                f"the {name} artifact in {self.path(name)} is corrupt ({', '.join(damaged)} changed since it was "
                "built); run `whyrec prepare` to rebuild it"
            )

    @contextlib.contextmanager
    def building(self, name: str, fp: str, *, checksums: bool = True, **meta: Any) -> Iterator[Path]:
        """Yield a scratch folder; on success it atomically becomes ``name`` with its manifest.

        ``checksums=False`` for artifacts whose files change when they are opened (databases).
        """
        self.home.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=self.home))
        try:
            yield scratch
            manifest = {"fingerprint": fp, "built_at": time.time(), **meta}
            if checksums:
                manifest[FILES] = {
                    str(f.relative_to(scratch)): _sha256(f) for f in sorted(scratch.rglob("*")) if f.is_file()
                }
            (scratch / MANIFEST).write_text(json.dumps(manifest, indent=2, default=str))
            target = self.path(name)
            retired = self.home / f".{name}-old-{os.getpid()}"
            if target.exists():
                target.rename(retired)
            scratch.rename(target)
            shutil.rmtree(retired, ignore_errors=True)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)


def _sha256(path: Path) -> str | None:
    """The file's sha256, or None when it cannot be read."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()
