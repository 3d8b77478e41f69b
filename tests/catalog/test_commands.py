"""The progress display every prepare step shares."""

from __future__ import annotations

from rich.console import Console

from whyrec.catalog.commands import progress_bar


def test_a_task_without_info_renders() -> None:
    # CI once died here: a prepare step added a task without the ``info`` field the bar printed.
    with progress_bar() as progress:
        progress.add_task("joining the model", total=10)
        progress.add_task("embedding items", total=None, info="9742 items")
        rendered = progress.get_renderable()
        console = Console(record=True, width=120)
        console.print(rendered)
    text = console.export_text()
    assert "joining the model" in text
    assert "9742 items" in text
