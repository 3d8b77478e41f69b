"""The heavy objects every tool shares, loaded once per process and only when first needed.

Loading the catalog, the LightGCN checkpoint, the Chroma index and the exposure log takes seconds;
a turn must take milliseconds. So one :class:`Resources` per :class:`AppConfig` holds them, each
built lazily on first use under its own lock (two sessions asking at once build it once, and a
slow index never blocks a catalog lookup).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from whyrec.catalog.embed import Embedder
    from whyrec.catalog.index import ItemIndex
    from whyrec.catalog.linker import TitleLinker
    from whyrec.catalog.model import Catalog
    from whyrec.causal.simulate import ExposureLog
    from whyrec.config import AppConfig
    from whyrec.ranker.prior import DialoguePrior
    from whyrec.ranker.scoring import Ranker

T = TypeVar("T")


class Resources:
    """A lazily-loading, thread-safe bundle of catalog, ranker, item index, embedder and exposure log."""

    def __init__(self, config: AppConfig, **preloaded: Any) -> None:
        """``preloaded`` (catalog=, ranker=, index=, embedder=, linker=, exposure_log=) skips loading, e.g. in tests."""
        self.config = config
        self._values: dict[str, Any] = dict(preloaded)
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def _get(self, name: str, build: Callable[[], T]) -> T:
        if name in self._values:
            return self._values[name]  # type: ignore[no-any-return]
        with self._guard:
            lock = self._locks.setdefault(name, threading.Lock())
        with lock:
            if name not in self._values:
                self._values[name] = build()
        return self._values[name]  # type: ignore[no-any-return]

    def loaded(self, name: str) -> bool:
        return name in self._values

    @property
    def catalog(self) -> Catalog:
        from whyrec.catalog.commands import load

        return self._get("catalog", lambda: load(self.config))

    @property
    def ranker(self) -> Ranker:
        from whyrec.ranker.scoring import Ranker

        return self._get("ranker", lambda: Ranker.load(self.config, self.catalog))

    @property
    def index(self) -> ItemIndex:
        from whyrec.catalog.index import ItemIndex

        return self._get("index", lambda: ItemIndex.open(self.config, self.catalog))

    @property
    def embedder(self) -> Embedder:
        from whyrec.catalog.embed import load_embedder

        return self._get("embedder", load_embedder)

    @property
    def linker(self) -> TitleLinker:
        """The catalog's title linker, which resolves the films tools are given by title."""
        from whyrec.catalog.linker import TitleLinker

        return self._get("linker", lambda: TitleLinker(self.catalog))

    def provide(self, name: str, value: Any) -> None:
        """Use ``value`` as the resource ``name`` (unless it is already loaded), e.g. a linker built with a lexicon."""
        with self._guard:
            self._values.setdefault(name, value)

    @property
    def prior(self) -> DialoguePrior | None:
        """The dialogue prior when ``hybrid.prior_weight`` > 0 and there are dialogues to fit it on, else None."""
        from whyrec.ranker.prior import load_prior

        config = self.config
        return self._get("prior", lambda: load_prior(config.hybrid, self.catalog, config.prior_path, self.linker))

    @property
    def exposure_log(self) -> ExposureLog:
        from whyrec.causal.simulate import load_exposure_log

        return self._get("exposure_log", lambda: load_exposure_log(self.config))

    def warm(self, *names: str) -> None:
        """Load the named resources now (all by default), so the first turn is not the slow one."""
        for name in names or ("catalog", "embedder", "ranker", "index"):
            getattr(self, name)
