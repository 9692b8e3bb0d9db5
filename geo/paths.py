"""Every path the project uses, anchored on this file (never on the working directory)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: The processed data (``indicators/`` and ``boundaries/``; each file declared in :mod:`geo.manifest`).
DATA = ROOT / "data"

#: The shared raw open data sits beside the project: ``../shared/data/raw``.
DEFAULT_RAW = ROOT.parent / "shared" / "data" / "raw"
RAW_ENV = "WARDLENS_RAW"


def raw_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The raw data folder: ``override``, else ``$WARDLENS_RAW``, else ``../shared/data/raw``."""
    chosen = override or os.environ.get(RAW_ENV) or DEFAULT_RAW
    return Path(chosen).expanduser().resolve()
