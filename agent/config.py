"""Settings of the LLM backend (section ``llm``) and the agent (section ``agent``)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class LLMConfig(BaseModel):
    """An OpenAI-compatible chat endpoint: vLLM on a GPU, the embedded llama.cpp server on CPU, or any URL."""

    backend: Literal["embedded", "openai"] = Field(
        "embedded", description="embedded = llama.cpp server started by the app; openai = base_url"
    )
    base_url: str | None = Field(None, description="OpenAI-compatible endpoint, e.g. http://127.0.0.1:8000/v1")
    model: str = Field("SmolLM2-135M-Instruct", description="model name sent to the endpoint")
    api_key: str = Field("not-needed", description="sent as the bearer token; local servers ignore it")
    tool_calling: bool = Field(False, description="the served model plans reliably with native tool calls")
    timeout_s: float = Field(4.0, gt=0, le=120, description="per-request timeout before the semantic fallback")


class AgentConfig(BaseModel):
    """How the agent plans and how long it may run."""

    planner: Literal["auto", "llm", "semantic"] = Field("auto", description="who chooses the tool calls")
    max_steps: int = Field(4, ge=1, le=12, description="plan/act rounds per turn")
    default_k: int = Field(10, ge=1, le=50, description="items per recommendation")
