"""Writing the processed files: deterministic bytes, and an atomic swap into ``data/``.

A rebuild must give byte-identical files, so every writer here fixes row order, column
order and number formatting. The build writes into a staging folder and only when every
step has succeeded swaps the staged folders into place (:func:`publish`), so a failed build
leaves ``data/`` exactly as it was.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo.manifest import output

#: Eight significant digits: more than any source publishes, few enough to keep files small.
FLOAT_FORMAT = "%.8g"


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write ``frame`` as UTF-8 CSV with ``\\n`` line ends and :data:`FLOAT_FORMAT` numbers."""
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, float_format=FLOAT_FORMAT, lineterminator="\n", encoding="utf-8")


def write_geoparquet(frame: gpd.GeoDataFrame, path: Path) -> None:
    """Write ``frame`` as GeoParquet (zstd, no pandas index) with fixed row order as given."""
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.reset_index(drop=True).to_parquet(path, index=False, compression="zstd",
                                            schema_version="1.0.0", write_covering_bbox=False)


def write_output(frame: pd.DataFrame, name: str, root: Path) -> Path:
    """Write the processed file ``name`` (declared in :mod:`geo.manifest`) under the data folder ``root``.

    Exactly the declared columns are written, in the declared order; a declared column the
    frame lacks, or a key that repeats, raises ``ValueError`` naming them. CSV for ``.csv``
    files, GeoParquet for ``.parquet``. Returns the path written.
    """
    spec = output(name)
    missing = [c for c in spec.columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{name}: the frame lacks the declared column(s) {', '.join(missing)} "
                         f"(it has {', '.join(map(str, frame.columns))})")
    table = frame[list(spec.columns)]
    if table.duplicated(list(spec.key)).any():
        raise ValueError(f"{name}: the key ({', '.join(spec.key)}) repeats")
    path = spec.path(root)
    if path.suffix == ".parquet":
        write_geoparquet(table, path)
    else:
        write_csv(table, path)
    return path


def publish(staging: Path, target: Path, folders: tuple[str, ...]) -> None:
    """Move ``staging/<folder>`` over ``target/<folder>`` for each folder, all or nothing.

    The old folders are first renamed aside; if any move fails they are put back, so the
    target is never left half old, half new.
    """
    moved: list[tuple[Path, Path | None]] = []
    try:
        for name in folders:
            new, old = staging / name, target / name
            aside = target / f".{name}.previous"
            shutil.rmtree(aside, ignore_errors=True)
            if old.exists():
                old.rename(aside)
                moved.append((old, aside))
            else:
                moved.append((old, None))
            new.rename(old)
    except OSError:
        for old, aside in reversed(moved):
            if aside is not None and aside.exists():
                shutil.rmtree(old, ignore_errors=True)
                aside.rename(old)
        raise
    for _, aside in moved:
        if aside is not None:
            shutil.rmtree(aside, ignore_errors=True)
