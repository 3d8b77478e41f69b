"""Settings of the Gradio chat (section ``ui``)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class UIConfig(BaseModel):
    """Where the chat listens. The default binds to loopback only."""

    host: str = Field("127.0.0.1", description="bind address")
    port: int = Field(7860, ge=1, le=65535, description="port")
    auth: str | None = Field(None, description="user:pass turns on Gradio's login")
