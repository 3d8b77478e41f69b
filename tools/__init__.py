"""LangChain tools: thin, typed adapters over catalog, ranker and causal."""
