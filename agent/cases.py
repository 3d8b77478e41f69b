"""The labeled-conversation format that ``whyrec eval`` and the benchmarks read, one case per JSON line::

    {"id": str, "user_id": int | null, "history": [{"role": "user" | "assistant", "content": str}],
     "message": str, "expect": {"intent": str?, "items": [movieId]?, "constraints": {...}?,
                                "tool": str | null?, "args": {...}?}}

``tool`` (the first call's name, null for none) and ``args`` (a subset of its arguments) are optional
extras that check the slots, not only the intent. The files are ``tests/data/*.jsonl`` and ReDial's
development cases (``<data dir>/redial-dev``); :mod:`whyrec.agent.evaluate` runs and scores them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from whyrec.errors import WhyrecError


class EvalInputError(WhyrecError):
    """A conversations file that cannot be read: names the file, the line and what is wrong."""


class Turn(BaseModel):
    role: str = Field(pattern="^(user|assistant)$")
    content: str


class Expect(BaseModel):
    intent: str | None = None
    items: list[int] | None = None
    constraints: dict[str, Any] | None = None
    tool: str | None = None
    args: dict[str, Any] | None = None
    has_tool: bool = False  # whether "tool" was given (null = "no tool call")


class Case(BaseModel):
    id: str
    user_id: int | None = None
    history: list[Turn] = Field(default_factory=list)
    message: str
    expect: Expect


def load_cases(path: Path) -> list[Case]:
    """Every case in ``path``; EvalInputError naming the line of the first bad one."""
    if not path.is_file():
        raise EvalInputError(f"no conversations file at {path}")
    cases = []
    for n, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            case = Case.model_validate(raw)
        except (json.JSONDecodeError, ValidationError) as exc:
            raise EvalInputError(f"{path}:{n}: not a conversation case ({str(exc).splitlines()[0]})") from None
        case.expect.has_tool = "tool" in raw.get("expect", {})
        cases.append(case)
    if not cases:
        raise EvalInputError(f"{path} holds no cases")
    return cases
