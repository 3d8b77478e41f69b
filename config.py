"""The one typed configuration, read once at start-up and passed explicitly.

``AppConfig`` composes each component's settings. Values come from, in order of precedence:
command-line flags, ``WHYREC_*`` environment variables, then defaults. Environment variables
are read only in :func:`load_config`; nothing here runs on import.

Names map to variables by section: ``llm.base_url`` is ``WHYREC_LLM_BASE_URL``, ``chroma.url``
is ``WHYREC_CHROMA_URL``, the top-level ``data_dir`` is ``WHYREC_DATA_DIR``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from whyrec.agent.config import AgentConfig, LLMConfig
from whyrec.catalog.config import CatalogConfig, ChromaConfig
from whyrec.causal.config import CausalConfig
from whyrec.errors import WhyrecError
from whyrec.ranker.config import HybridConfig, RankerConfig
from whyrec.ui.config import UIConfig

ENV_PREFIX = "WHYREC_"
DEFAULT_HOME = Path("~/.cache/whyrec")


class AppConfig(BaseSettings):
    """Everything configurable in whyrec."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_nested_delimiter="_",
        env_nested_max_split=1,
        extra="ignore",
        validate_default=True,
    )

    data_dir: Path | None = Field(None, description="raw datasets; unset = <home>/data")
    home: Path = Field(DEFAULT_HOME, description="prepared artifacts, sessions and logs")
    catalog: CatalogConfig = CatalogConfig()
    chroma: ChromaConfig = ChromaConfig()
    ranker: RankerConfig = RankerConfig()
    hybrid: HybridConfig = HybridConfig()
    causal: CausalConfig = CausalConfig()
    llm: LLMConfig = LLMConfig()
    agent: AgentConfig = AgentConfig()
    ui: UIConfig = UIConfig()

    @model_validator(mode="after")
    def _rating_offset_below_positives(self) -> AppConfig:
        """Rating weights (``ranker.rating_offset``) must stay positive for every positive rating."""
        if self.ranker.rating_weights and self.ranker.rating_offset >= self.catalog.positive_threshold:
            raise ValueError(
                f"{ENV_PREFIX}RANKER_RATING_OFFSET ({self.ranker.rating_offset}) must be below "
                f"{ENV_PREFIX}CATALOG_POSITIVE_THRESHOLD ({self.catalog.positive_threshold}), or every positive "
                f"rated at the threshold would weigh nothing"
            )
        return self

    @property
    def home_dir(self) -> Path:
        return self.home.expanduser().resolve()

    @property
    def data_path(self) -> Path:
        """The data dir: ``--data-dir``, then ``WHYREC_DATA_DIR``, then ``~/.cache/whyrec/data``."""
        if self.data_dir is not None:
            return self.data_dir.expanduser().resolve()
        return (DEFAULT_HOME / "data").expanduser().resolve()

    @property
    def prior_path(self) -> Path | None:
        """The dialogues the prior is fitted on: ``hybrid.prior_file``, else ReDial's train_500 cases if present."""
        if self.hybrid.prior_file is not None:
            return self.hybrid.prior_file.expanduser()
        default = self.data_path / "redial-dev" / "train_500_cases.jsonl"
        return default if default.is_file() else None


def load_config(**overrides: Any) -> AppConfig:
    """Read the environment once and apply command-line overrides (None means "not given")."""
    given = {k: v for k, v in overrides.items() if v is not None}
    try:
        return AppConfig(**given)
    except ValidationError as exc:
        problems = "; ".join(
            f"{ENV_PREFIX}{'_'.join(str(p) for p in err['loc']).upper()}: {err['msg']} (got {err.get('input')!r})"
            if err["loc"]
            else str(err.get("ctx", {}).get("error", err["msg"]))  # a check across sections names its settings
            for err in exc.errors()
        )
        raise WhyrecError(f"invalid configuration: {problems}") from None


def describe(config: AppConfig, cli_overrides: dict[str, Any] | None = None) -> list[tuple[str, str, str]]:
    """(name, value, source) for every setting; the source is "cli", "env WHYREC_..." or "default"."""
    cli = {k for k, v in (cli_overrides or {}).items() if v is not None}
    rows: list[tuple[str, str, str]] = []

    def walk(model: BaseModel, prefix: str) -> None:
        for name in type(model).model_fields:
            value = getattr(model, name)
            dotted = f"{prefix}{name}"
            if isinstance(value, BaseModel):
                walk(value, f"{dotted}.")
                continue
            env = ENV_PREFIX + dotted.replace(".", "_").upper()
            if dotted in cli:
                source = "cli"
            elif env in os.environ:
                source = f"env {env}"
            else:
                source = "default"
            rows.append((dotted, str(value), source))

    walk(config, "")
    return rows
