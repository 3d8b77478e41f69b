"""``python -m whyrec.agent.llm.serve``: llama-cpp-python's OpenAI-compatible server with whyrec's handler.

Importing :mod:`whyrec.agent.llm.chat_format` registers the Qwen tool-call handler under its name,
which ``--chat_format`` then selects; every other option is the stock server's. The server exits
when the process that started it is gone (killed, say), so a 1 GB model never lingers orphaned.
"""

from __future__ import annotations

import os
import threading
import time

PARENT_CHECK_S = 2.0


def exit_with_parent() -> None:
    """Exit this process once its parent has gone (it is then re-parented, so ``getppid`` changes)."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_S)
        os._exit(0)

    threading.Thread(target=watch, name="whyrec-parent-watch", daemon=True).start()


def main() -> None:
    from llama_cpp.server.__main__ import main as serve

    from whyrec.agent.llm import chat_format  # noqa: F401  (registers the chat handler)

    exit_with_parent()
    serve()


if __name__ == "__main__":
    main()
