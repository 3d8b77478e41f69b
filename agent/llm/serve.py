"""``python -m whyrec.agent.llm.serve``: llama-cpp-python's OpenAI-compatible server with whyrec's handler.

Importing :mod:`whyrec.agent.llm.chat_format` registers the Qwen tool-call handler under its name,
which ``--chat_format`` then selects; every other option is the stock server's.
"""

from __future__ import annotations


def main() -> None:
    from llama_cpp.server.__main__ import main as serve

    from whyrec.agent.llm import chat_format  # noqa: F401  (registers the chat handler)

    serve()


if __name__ == "__main__":
    main()
