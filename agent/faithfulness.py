"""Does a written reply state only what the tools returned (or the person said)?

A language model may invent a film or a number. Before its sentence is shown, every catalog title
it names must appear in the tool outputs or the person's own message, and every number in it must
equal (after the reply's own rounding, or as a percentage) a number there: any number, list
positions included. Anything else rejects the sentence and the grounded template is shown alone.
This errs towards rejecting: a rejected good sentence costs some fluency, an accepted false one
costs trust.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from whyrec.catalog.model import Catalog
from whyrec.catalog.titles import normalize

_NUMBER = re.compile(r"(?<![\w.])[-−]?\d[\d,]*(?:\.\d+)?")


@dataclass(frozen=True)
class Verdict:
    faithful: bool
    problems: tuple[str, ...] = ()


def _walk(value: Any) -> Iterable[Any]:
    if isinstance(value, dict):
        for v in value.values():
            yield from _walk(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _walk(v)
    else:
        yield value


def numbers_in(text: str) -> list[tuple[float, int]]:
    """(value, decimals) of every number written in ``text``."""
    found = []
    for token in _NUMBER.findall(text):
        clean = token.replace(",", "").replace("−", "-")
        decimals = len(clean.split(".")[1]) if "." in clean else 0
        found.append((float(clean), decimals))
    return found


class FaithfulnessChecker:
    """Checks replies against tool outputs, knowing every title in the catalog."""

    def __init__(self, catalog: Catalog, secrets: Iterable[str] = ()) -> None:
        """``secrets``: texts (the prompts) no reply may quote; any sentence of 30+ characters from them rejects it."""
        self._secrets = [normalize(s) for text in secrets for s in re.split(r"[.\n]", text) if len(normalize(s)) >= 30]
        self._multi: list[str] = []  # normalised titles of two or more words: matched anywhere
        self._single: dict[str, str] = {}  # one-word titles: matched only as written (capitalised)
        for title in set(catalog.items["title"]):
            norm = normalize(title)
            if " " in norm and len(norm) >= 6:
                self._multi.append(norm)
            elif len(norm) >= 5 and title[:1].isupper():
                self._single[title] = norm

    def check(self, reply: str, facts: list[dict[str, Any]], said: str = "") -> Verdict:
        """``said``: the person's message; repeating its titles and numbers is no invention."""
        leaves = [*_walk(facts), said]
        fact_text = " " + " ".join(normalize(str(v)) for v in leaves if isinstance(v, str)) + " "
        problems = [f"names {t!r}" for t in self._titles_in(reply) if f" {t} " not in fact_text]
        said = normalize(reply)
        if any(secret in said for secret in self._secrets):
            problems.append("quotes the instructions")
        allowed = [float(v) for v in leaves if isinstance(v, int | float) and not isinstance(v, bool)]
        for text in (v for v in leaves if isinstance(v, str)):
            allowed.extend(value for value, _ in numbers_in(text))
        for value, decimals in numbers_in(reply):
            if not self._grounded(value, decimals, allowed):
                problems.append(f"states {value:g}")
        return Verdict(faithful=not problems, problems=tuple(dict.fromkeys(problems)))

    def _titles_in(self, reply: str) -> list[str]:
        text = f" {normalize(reply)} "
        found = [t for t in self._multi if f" {t} " in text]
        words = set(re.findall(r"\w+", reply))
        found += [norm for title, norm in self._single.items() if title in words]
        return found

    @staticmethod
    def _grounded(value: float, decimals: int, allowed: list[float]) -> bool:
        """Equal to a fact, as written, rounded to the reply's decimals, or as a percentage.

        A whole number must equal a whole fact (or a percentage): rounding 0.81 to "1" would let any
        list position or count pass.
        """
        for fact in allowed:
            for candidate in (fact, fact * 100, abs(fact), abs(fact) * 100):
                if abs(candidate - value) < 1e-9:
                    return True
                if decimals == 0 and candidate not in (fact, abs(fact)) and round(candidate) == value:
                    return True  # a percentage written without decimals: 0.1234 is "12%"
                if decimals > 0 and round(candidate, decimals) == value:
                    return True
        return False
