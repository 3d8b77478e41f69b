"""Settings of the catalog and the vector index (sections ``catalog`` and ``chroma`` of AppConfig)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class CatalogConfig(BaseModel):
    """How ratings become implicit feedback and how it is split for evaluation."""

    positive_threshold: float = Field(4.0, ge=0.5, le=5.0, description="a rating >= this is a positive")
    split_seed: int = Field(42, description="seed of the per-user train/valid/test split")
    valid_frac: float = Field(0.1, ge=0.0, lt=0.5, description="share of each user's positives held out for validation")
    test_frac: float = Field(0.2, ge=0.0, lt=0.5, description="share of each user's positives held out for test")
    min_holdout_positives: int = Field(5, ge=2, description="users with fewer positives keep all of them in train")


class ChromaConfig(BaseModel):
    """The Chroma vector index over item text."""

    url: str | None = Field(None, description="a Chroma server (http://host:port); unset = embedded PersistentClient")
    collection: str = Field("items", description="collection name")
    embed_batch: int = Field(256, ge=1, le=4096, description="items embedded per batch")
