"""Module-scoped fixtures that read one committed CSV table, once per test module."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest


def csv_fixture(path: Path, *, index: str | None = None, **read_csv: Any) -> Callable[[], pd.DataFrame]:
    """A module-scoped fixture giving the CSV at ``path`` (``read_csv``: options for
    :func:`pandas.read_csv`), indexed by its column ``index`` if given.

    Assign it to the fixture's name in the test module: ``health = csv_fixture(...)``.
    """

    @pytest.fixture(scope="module")
    def table() -> pd.DataFrame:
        frame = pd.read_csv(path, **read_csv)
        return frame.set_index(index) if index is not None else frame

    return table
