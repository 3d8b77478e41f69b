"""The GCN ranker (LightGCN from PyTorch Geometric), its baselines, evaluation and the hybrid pipeline."""
