"""Settings of the LLM backend (section ``llm``) and the agent (section ``agent``)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class LLMConfig(BaseModel):
    """An OpenAI-compatible chat endpoint with tool calling: the embedded llama.cpp server, vLLM, or any URL."""

    backend: Literal["embedded", "openai"] = Field(
        "embedded",
        description="embedded = the llama.cpp server whyrec starts with the prepared GGUF; openai = base_url",
    )
    base_url: str | None = Field(None, description="OpenAI-compatible endpoint, e.g. http://127.0.0.1:8000/v1")
    model: str = Field("qwen2.5-coder-1.5b-instruct", description="model name sent to the endpoint")
    api_key: str = Field("not-needed", description="sent as the bearer token; local servers ignore it")
    threads: int = Field(
        2,
        ge=1,
        le=64,
        description="CPU threads of the embedded server, for decoding and for reading prompts; on an idle 2-core "
        "machine the first rounds of `whyrec bench calls`' 29 requests took 146.5 s with 2, 149.2 s with 1 to decode "
        "and 2 to read, and 186.8 s with 1 (2026-12-07)",
    )
    context: int = Field(4096, ge=1024, le=32768, description="context size (tokens) of the embedded server")
    timeout_s: float = Field(30.0, gt=0, le=600, description="one model call's limit before the deterministic fallback")
    queue_wait_s: float = Field(
        10.0, ge=0, le=600, description="how long a turn waits for the one shared model before the fallback"
    )
    narrow_calls: bool = Field(
        True,
        description="the embedded server's grammar offers only the tools and arguments grounding would keep "
        "(the prompt is unchanged); false = the model may write any, and grounding drops them",
    )
    max_reply_tokens: int = Field(48, ge=8, le=2000, description="cap on the tokens of a written reply")
    startup_timeout_s: float = Field(180.0, gt=0, le=1800, description="how long the embedded server may take to load")


class AgentConfig(BaseModel):
    """Who plans the turns and how long a turn may run."""

    planner: Literal["auto", "llm", "semantic"] = Field(
        "semantic",
        description="llm = the language model plans (deterministic fallback); auto = llm when a model is available; "
        "semantic = the deterministic planner only (the default of the one-shot commands, which would start "
        "the model for one turn; the chat defaults to auto, the planner more accurate on heldout14, the latest "
        "blind set run)",
    )
    max_steps: int = Field(4, ge=1, le=12, description="model -> tools rounds per turn")
    default_k: int = Field(10, ge=1, le=50, description="items per recommendation")
