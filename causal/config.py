"""Settings of the causal tools (section ``causal``)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class CausalConfig(BaseModel):
    """Counterfactual search and the exposure simulator."""

    explain_k: int = Field(10, ge=1, le=100, description="top-k the explained item must leave")
    explain_max_size: int = Field(10, ge=1, le=50, description="largest removal set searched")
    explain_beam: int = Field(1, ge=1, le=8, description="beam width of the removal-set search (1 = greedy)")
    influences_shown: int = Field(5, ge=1, le=50, description="most influential interactions reported")
    sim_seed: int = Field(7, description="seed of the exposure-log simulator")
    sim_users: int = Field(610, ge=10, description="users in the simulated log")
    sim_items_per_user: int = Field(160, ge=5, description="impressions per simulated user")
    default_method: str = Field("backdoor.propensity_score_weighting", description="estimation method")
