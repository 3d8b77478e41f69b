"""Causal tools: counterfactual explanations on the ranker's graph and DoWhy effect estimation."""
