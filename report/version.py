"""The WardLens version printed on every board output: ``pyproject.toml``'s, read once."""

from __future__ import annotations

import tomllib
from functools import lru_cache

from geo.paths import ROOT

PYPROJECT = ROOT / "pyproject.toml"


@lru_cache(maxsize=1)
def version() -> str:
    """``[project] version`` of the repository's ``pyproject.toml`` (e.g. ``"0.1.0"``)."""
    with PYPROJECT.open("rb") as f:
        return str(tomllib.load(f)["project"]["version"])
