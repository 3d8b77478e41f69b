"""Errors people can act on.

The catalog's own errors, each a :class:`whyrec.errors.WhyrecError`: its message says what is
wrong and, where possible, what to do.
"""

from __future__ import annotations

from whyrec.errors import WhyrecError

__all__ = ["ArtifactError", "DataError", "UnknownItemError", "UnknownUserError", "WhyrecError"]


class DataError(WhyrecError):
    """Input data is missing, truncated or malformed."""


class UnknownItemError(WhyrecError, KeyError):
    """An item id that is not in the catalog."""

    def __init__(self, item_ids: list[int] | int) -> None:
        ids = [item_ids] if isinstance(item_ids, int) else list(item_ids)
        shown = ", ".join(str(i) for i in ids[:10]) + (" …" if len(ids) > 10 else "")
        super().__init__(f"unknown item id{'s' if len(ids) > 1 else ''}: {shown} (not in the MovieLens catalog)")
        self.item_ids = ids

    def __str__(self) -> str:  # KeyError would otherwise wrap the message in quotes
        return str(self.args[0])


class UnknownUserError(WhyrecError, KeyError):
    """A MovieLens user id that has no interactions in the catalog."""

    def __init__(self, user_id: int) -> None:
        super().__init__(f"unknown user id: {user_id} (MovieLens users are numbered 1 to 610)")
        self.user_id = user_id

    def __str__(self) -> str:
        return str(self.args[0])


class ArtifactError(WhyrecError):
    """A prepared artifact is missing, corrupt or was built from other inputs; `whyrec prepare` fixes it."""


class TitleError(WhyrecError):
    """A title that names no film, or several: the message lists the candidates to choose from."""

    def __init__(self, message: str, candidates: list[tuple[int, str]]) -> None:
        listed = "; ".join(f"{label} [id {item_id}]" for item_id, label in candidates)
        super().__init__(f"{message}: {listed}" if candidates else message)
        self.candidates = candidates
