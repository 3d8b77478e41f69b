"""The MovieLens catalog: loading, title parsing, the train/valid/test split, snapshots and the vector index.

Everything above it (ranker, causal, tools, agent, ui) reads items and interactions from here.
"""
