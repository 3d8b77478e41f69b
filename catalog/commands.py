"""``whyrec catalog ...`` and the catalog's build step, plus CLI plumbing the other packages share."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    from whyrec.catalog.model import Catalog
    from whyrec.config import AppConfig

# A build step of `whyrec prepare`: builds (or confirms) one artifact and returns a one-line status.
PrepareStep = Callable[["AppConfig", "Catalog", Progress], str]


class InfoColumn(ProgressColumn):
    """A task's optional ``info`` field: steps that have nothing to add simply leave it out."""

    def render(self, task: Task) -> Text:
        return Text(str(task.fields.get("info", "")))


@contextmanager
def progress_bar() -> Iterator[Progress]:
    """The rich progress display every long step reports to (on stderr, so --json stays clean)."""
    columns = (
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        InfoColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=False) as progress:
        yield progress


def print_json(payload: Any) -> None:
    """Machine-readable output: plain JSON on stdout, nothing else."""
    print(json.dumps(payload, indent=2, default=str))


def load(config: AppConfig, progress: Progress | None = None) -> Catalog:
    """The catalog for this config (snapshot when fresh), downloading the data with a bar if missing."""
    from whyrec.catalog.load import load_catalog

    task: Any = None

    def on_download(done: int, total: int | None) -> None:
        nonlocal task
        if progress is None:
            return
        if task is None:
            task = progress.add_task("downloading MovieLens", total=total, info="")
            progress.columns = (*progress.columns, DownloadColumn())
        progress.update(task, completed=done)

    return load_catalog(config.data_path, config.home_dir, config.catalog, download_progress=on_download)


def prepare(config: AppConfig, catalog: Catalog, progress: Progress) -> str:
    """The snapshot is written by :func:`load`; this step reports what it holds."""
    return f"{catalog.n_items} items, {len(catalog.ratings)} ratings, fingerprint {catalog.fingerprint}"


def register(app: typer.Typer, bench: typer.Typer) -> None:
    catalog_app = typer.Typer(help="Inspect the MovieLens catalog.", no_args_is_help=True)

    @catalog_app.command("stats")
    def stats(
        ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json", help="machine-readable")] = False
    ) -> None:
        """Counts, density, genre counts and year range."""
        data = load(ctx.obj).stats()
        if as_json:
            print_json(data)
            return
        table = Table("statistic", "value", title="MovieLens catalog")
        for key, value in data.items():
            if key != "genres":
                table.add_row(key, str(value))
        table.add_row("genres", ", ".join(f"{g} {n}" for g, n in data["genres"].items()))  # type: ignore[attr-defined]
        Console().print(table)

    app.add_typer(catalog_app, name="catalog")
