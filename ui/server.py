"""One FastAPI app serving the Gradio page at ``/`` and a small JSON API at ``/api`` for scripts and the load bench.

``POST /api/ask`` with ``{"session_id", "message", "user_id"}`` runs one agent turn and returns the
``TurnResult`` (the ``whyrec ask --json`` contract); ``GET /api/health`` answers ``{"ok": true,
"model": state}`` (the language model's state, null without one).
When ``--auth user:pass`` is set, the page asks for a login and the API wants the same credentials
as HTTP Basic auth. The server binds to 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any

import gradio as gr
import uvicorn
from fastapi import APIRouter, Depends, FastAPI, HTTPException
from fastapi.responses import JSONResponse
from fastapi.security import HTTPBasic, HTTPBasicCredentials
from pydantic import BaseModel, Field

from whyrec.agent.runtime import Final
from whyrec.errors import WhyrecError
from whyrec.ui.app import CSS, AgentLike

log = logging.getLogger(__name__)
basic = HTTPBasic(auto_error=False)


class AskRequest(BaseModel):
    session_id: str = Field(..., min_length=1, max_length=128)
    message: str = Field(..., max_length=100_000)
    user_id: int | None = None


def parse_auth(value: str | None) -> tuple[str, str] | None:
    """``"user:pass"`` -> ("user", "pass"); WhyrecError when either part is missing."""
    if value is None:
        return None
    user, sep, password = value.partition(":")
    if not sep or not user or not password:
        raise WhyrecError("--auth must look like user:password, both non-empty")
    return user, password


def api_router(agent: AgentLike, auth: tuple[str, str] | None) -> APIRouter:
    def check(credentials: HTTPBasicCredentials | None = Depends(basic)) -> None:
        if auth is None:
            return
        ok = credentials is not None and all(
            secrets.compare_digest(given.encode(), wanted.encode())
            for given, wanted in zip((credentials.username, credentials.password), auth, strict=True)
        )
        if not ok:
            raise HTTPException(status_code=401, detail="login required", headers={"WWW-Authenticate": "Basic"})

    router = APIRouter(prefix="/api", dependencies=[Depends(check)])

    @router.get("/health")
    def health() -> dict[str, Any]:
        """Up, and the language model's state (null without one), so a client can wait for "ok"."""
        return {"ok": True, "model": agent.model_status()}

    @router.post("/ask", response_model=None)
    def ask(request: AskRequest) -> Any:  # sync: FastAPI runs it in its thread pool, the agent is blocking
        try:
            result = None
            for event in agent.stream(request.message, session_id=request.session_id, user_id=request.user_id):
                if isinstance(event, Final):
                    result = event.result
        except WhyrecError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        except Exception:
            log.exception("api turn failed in session %s", request.session_id)
            return JSONResponse({"error": "internal error; nothing in the session was changed"}, status_code=500)
        if result is None:
            return JSONResponse({"error": "the agent gave no answer"}, status_code=500)
        return result.model_dump(mode="json")

    return router


def build_server_app(agent: AgentLike, blocks: gr.Blocks, auth: tuple[str, str] | None) -> FastAPI:
    app = FastAPI(title="whyrec", docs_url=None, redoc_url=None, openapi_url=None)
    app.include_router(api_router(agent, auth))
    return gr.mount_gradio_app(app, blocks, path="", auth=auth, show_error=False, css=CSS)


def make_server(app: FastAPI, host: str, port: int) -> uvicorn.Server:
    """A uvicorn server; ``run()`` blocks, setting ``should_exit`` stops it (tests run it in a thread)."""
    return uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False))
