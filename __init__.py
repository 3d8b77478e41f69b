"""whyrec: a conversational recommender that can say why.

The package maps onto the repository root (see pyproject's ``package-dir``), so
``whyrec.ranker`` is ``ranker/``. Nothing runs on import: every package's
``__init__`` stays free of heavy imports so that ``whyrec --help`` is instant.
"""

__version__ = "0.1.0"
