"""The language model: the embedded llama.cpp server, its chat handler, and any OpenAI-compatible endpoint.

:data:`GRAMMAR_KEY` is the one thing a request to the embedded handler carries beyond OpenAI's API,
so both sides (the client in :mod:`whyrec.agent.narrowing`, the handler in
:mod:`whyrec.agent.llm.chat_format`) read it from here without importing each other.
"""

GRAMMAR_KEY = "x-grammar"  # in a tool's parameters: the schema of its grammar for this answer (false: not callable)
