"""Finding, downloading and reading the raw MovieLens files, with errors that name the file and line.

The data dir holds ``ml-latest-small/`` (the official GroupLens zip, extracted) and optionally
``movie-overviews/ml-latest-small_overviews.csv`` (TMDB plot overviews joined on movieId).
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from whyrec.catalog.errors import DataError

MOVIELENS_URL = "https://files.grouplens.org/datasets/movielens/ml-latest-small.zip"
MOVIELENS_DIR = "ml-latest-small"
OVERVIEWS_FILE = Path("movie-overviews") / "ml-latest-small_overviews.csv"

# sha256 of the files in the official zip (the 2018 release of ml-latest-small); a download is
# accepted only if every file matches.
MOVIELENS_SHA256 = {
    "ratings.csv": "aa289ca83157595d0df6aea1be6a4ded676ddc4385472e8313a8ed9805352646",
    "movies.csv": "5a5f32dd9bb3797b8e728a1b98958789d2b13f294a69fdfbc5727f8a9611aa07",
    "tags.csv": "92a9f8bb7916dceef6151209845788c3643f794dfa79d1feaec7121b5960399d",
    "links.csv": "97ad18e4e56a09363c65676b6cb3482ce3e2cea2372a24620c1599c843325f31",
}

# Column name -> kind ("int", "float" or "str"); every listed column must be present and non-empty.
SCHEMAS: dict[str, dict[str, str]] = {
    "ratings.csv": {"userId": "int", "movieId": "int", "rating": "float", "timestamp": "int"},
    "movies.csv": {"movieId": "int", "title": "str", "genres": "str"},
    "tags.csv": {"userId": "int", "movieId": "int", "tag": "str", "timestamp": "int"},
    "links.csv": {"movieId": "int"},
}
OVERVIEW_SCHEMA = {"ml_latest_movieId": "int", "title": "str"}

ProgressHook = Callable[[int, int | None], None]


@dataclass(frozen=True)
class DataFiles:
    """Paths of the raw files; ``overviews`` is None when that optional file is absent."""

    root: Path
    ratings: Path
    movies: Path
    tags: Path
    links: Path
    overviews: Path | None

    def all(self) -> list[Path]:
        paths = [self.ratings, self.movies, self.tags, self.links]
        return paths + ([self.overviews] if self.overviews else [])


def locate(data_dir: Path) -> DataFiles:
    """Return the raw files under ``data_dir`` or raise a DataError listing what is missing."""
    ml = data_dir / MOVIELENS_DIR
    missing = [ml / name for name in SCHEMAS if not (ml / name).is_file()]
    if missing:
        listed = ", ".join(str(p) for p in missing)
        raise DataError(
            f"MovieLens files are missing: {listed}. Put the extracted {MOVIELENS_URL} under "
            f"{data_dir}/ (or point WHYREC_DATA_DIR / --data-dir at a folder that has {MOVIELENS_DIR}/)."
        )
    overviews = data_dir / OVERVIEWS_FILE
    return DataFiles(
        root=data_dir,
        ratings=ml / "ratings.csv",
        movies=ml / "movies.csv",
        tags=ml / "tags.csv",
        links=ml / "links.csv",
        overviews=overviews if overviews.is_file() else None,
    )


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def download(data_dir: Path, url: str = MOVIELENS_URL, progress: ProgressHook | None = None) -> None:
    """Download and extract the official zip into ``data_dir``, checking every file's sha256.

    Nothing already in ``data_dir`` is overwritten unless the new copy is complete and verified.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=data_dir) as tmp:
        archive = Path(tmp) / "ml-latest-small.zip"
        try:
            with urllib.request.urlopen(url, timeout=30) as response, archive.open("wb") as out:
                total = int(response.headers.get("Content-Length") or 0) or None
                done = 0
                while block := response.read(1 << 16):
                    out.write(block)
                    done += len(block)
                    if progress:
                        progress(done, total)
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise DataError(
                f"MovieLens data is not in {data_dir} and the download from {url} failed ({exc}). "
                f"Download the zip by hand and extract it so that {data_dir / MOVIELENS_DIR}/ratings.csv exists."
            ) from exc
        try:
            with zipfile.ZipFile(archive) as zf:
                zf.extractall(tmp)
        except zipfile.BadZipFile as exc:
            raise DataError(f"the download from {url} is not a valid zip archive ({exc})") from exc
        extracted = Path(tmp) / MOVIELENS_DIR
        for name, expected in MOVIELENS_SHA256.items():
            if not (extracted / name).is_file() or sha256(extracted / name) != expected:
                raise DataError(f"checksum mismatch for {name} in the download from {url}; nothing was changed")
        target = data_dir / MOVIELENS_DIR
        if target.exists():
            shutil.rmtree(target)
        shutil.move(str(extracted), target)


def _bad_line(path: Path, frame: pd.DataFrame, mask: pd.Series, what: str) -> DataError:
    first = int(mask.to_numpy().nonzero()[0][0])
    line = first + 2  # one for the header, one because lines count from 1
    row = frame.iloc[first].to_dict()
    return DataError(f"{path}, line {line}: {what} (row: {row}); the file may be truncated or corrupt")


def read_table(path: Path, schema: dict[str, str]) -> pd.DataFrame:
    """Read a CSV and check its columns and values against ``schema``.

    Errors name the file and the first offending line, so a truncated download or a hand edit
    gone wrong can be found.
    """
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    except pd.errors.EmptyDataError as exc:
        raise DataError(f"{path} is empty") from exc
    except pd.errors.ParserError as exc:
        raise DataError(f"{path}: {str(exc).strip()}") from exc
    except UnicodeDecodeError as exc:
        raise DataError(f"{path} is not valid UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    missing = [c for c in schema if c not in frame.columns]
    if missing:
        raise DataError(f"{path} lacks the column(s) {', '.join(missing)}; its header is {list(frame.columns)}")
    for column, kind in schema.items():
        empty = frame[column].isna()
        if empty.any():
            raise _bad_line(path, frame, empty, f"column {column!r} is empty")
        if kind == "str":
            continue
        values = pd.to_numeric(frame[column], errors="coerce")
        bad = values.isna()
        if kind == "int":
            bad |= values.notna() & (values != values.round())
        if bad.any():
            raise _bad_line(
                path, frame, bad, f"column {column!r} is not {'an integer' if kind == 'int' else 'a number'}"
            )
        frame[column] = values.astype("int64" if kind == "int" else "float64")
    return frame
