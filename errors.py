"""The root of every error whyrec raises on purpose.

Its message says what is wrong and, where possible, what to do; the CLI, the tools and the UI show
it as is, without a traceback. Anything else that escapes is a bug. Each package derives its own
errors from it (:mod:`whyrec.catalog.errors`, the agent's LLM and session errors).
"""

from __future__ import annotations


class WhyrecError(Exception):
    """A problem the user can fix: bad input, missing data, a stale artifact, an unreachable service."""
