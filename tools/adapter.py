"""Turning a typed domain adapter into a LangChain tool the model can call.

Every tool is ``fn(resources, identity, args) -> result`` with a pydantic ``args`` schema whose
docstring and field descriptions are what the model reads. The wrapper validates, times the call
and turns a :class:`WhyrecError` into a tool message (so the model, or the template, can tell the
person what was wrong). Film arguments are resolved to movieIds first. The result goes back twice: as
JSON text, and as a structured artifact (the output and the resolved arguments) that the agent
renders from and briefs the model with, so replies quote tool outputs and nothing else.
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Self, TypeVar

from langchain_core.runnables import RunnableConfig
from langchain_core.tools import BaseTool, StructuredTool
from pydantic import BaseModel, ConfigDict

from whyrec.errors import WhyrecError
from whyrec.tools.identity import Identity, identity_of
from whyrec.tools.resources import Resources

A = TypeVar("A", bound="ToolArgs")


class ToolArgs(BaseModel):
    """Base of every argument schema: unknown fields (``user_id``, ``session``) are rejected."""

    model_config = ConfigDict(extra="forbid")

    def resolved(self, resources: Resources, prefer: Iterable[int] = (), listed: Sequence[int] = ()) -> Self:
        """The arguments with every film named by its movieId (see :class:`whyrec.tools.films.FilmArgs`)."""
        return self


class ToolResult(BaseModel):
    """Base of tool outputs: small, serialisable, and nothing but facts."""

    model_config = ConfigDict(frozen=True)


def to_jsonable(value: Any) -> dict[str, Any]:
    """A tool result (pydantic model or frozen dataclass) as plain JSON data."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return json.loads(json.dumps(dataclasses.asdict(value), default=str))  # type: ignore[no-any-return]
    raise TypeError(f"tool results are pydantic models or dataclasses, got {type(value).__name__}")


def make_tool(
    name: str,
    schema: type[A],
    fn: Callable[[Resources, Identity, A], Any],
    resources: Resources,
) -> BaseTool:
    """A StructuredTool named ``name`` whose description is ``fn``'s docstring."""

    def run(config: RunnableConfig, **kwargs: Any) -> tuple[str, dict[str, Any]]:
        start = time.perf_counter()
        called: dict[str, Any] = {}
        try:
            identity = identity_of(config)
            known = identity.known_films(resources.catalog)
            args = schema(**kwargs).resolved(resources, known, identity.last_items)
            called = args.model_dump(mode="json")
            result = to_jsonable(fn(resources, identity, args))
        except WhyrecError as exc:
            took = time.perf_counter() - start
            failed = {"ok": False, "error": str(exc), "duration_s": took}
            return f"error: {exc}", {**failed, "args": called} if called else failed
        took = time.perf_counter() - start
        artifact = {"ok": True, "output": result, "args": called, "duration_s": took}
        return json.dumps(result), artifact

    return StructuredTool.from_function(
        func=run,
        name=name,
        description=" ".join((fn.__doc__ or name).split()),
        args_schema=schema,
        response_format="content_and_artifact",
    )
