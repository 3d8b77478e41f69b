"""Settings of the causal tools (section ``causal``)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class CausalConfig(BaseModel):
    """Counterfactual search and the exposure simulator."""

    explain_k: int = Field(10, ge=1, le=100, description="top-k the explained item must leave")
    explain_max_size: int = Field(10, ge=1, le=50, description="largest removal set searched")
    influences_shown: int = Field(5, ge=1, le=50, description="most influential interactions reported")
    sim_seed: int = Field(7, description="seed of the exposure-log simulator")
    sim_users: int = Field(610, ge=10, description="users in the simulated log")
    sim_items_per_user: int = Field(160, ge=5, description="impressions per simulated user")
    sim_rank: int = Field(16, ge=1, le=256, description="rank of the SVD giving true preferences")
    sim_confounding: float = Field(1.0, ge=0.0, le=3.0, description="strength of popularity/activity confounding")
    sim_feature_base: float = Field(-1.0, description="logit of featuring an average impression")
    sim_genre_bias: float = Field(0.4, ge=0.0, description="spread of the policy's per-genre featuring logit")
    bootstrap_simulations: int = Field(20, ge=5, le=1000, description="bootstrap resamples where no analytic SE exists")
    refute_simulations: int = Field(3, ge=1, le=100, description="re-estimates per refuter (speed vs precision)")
    max_categories: int = Field(100, ge=2, description="most levels a categorical confounder may have (one-hot)")
    min_rows: int = Field(50, ge=10, description="fewest complete rows an estimate is attempted on")
    # Measured by `whyrec bench causal --seeds 20`: AIPW 3.9% mean rel. error, 100% CI coverage (best honest method).
    default_method: str = Field("backdoor.aipw", description="estimation method")
