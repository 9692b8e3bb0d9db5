"""Where a layer's ward values come from: one small protocol for published and uploaded layers.

Everything the app shows of a layer -- colours, target wards, ranks, the list, the profile,
the exports -- is computed by :mod:`layers.view` from a :class:`LayerSource`. Two kinds
implement it: :class:`PublishedLayer` (a column of the ward table the build wrote, shared by
every session) and :class:`layers.uploaded.UserLayer` (a user's file, held in one session).
No other code asks which kind a layer is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import pandas as pd

from geo.areas import PEOPLE_BASED, area_value, counted
from layers.indicator import Indicator
from layers.style import FLAG_LABELS


@dataclass(frozen=True)
class Suppression:
    """Which wards of a layer hold a suppressed small count (bool by ward_code), and the threshold:
    counts from 1 to ``threshold`` - 1 are hidden and read ``"<threshold"`` in tables."""

    wards: pd.Series
    threshold: int

    @property
    def label(self) -> str:
        return f"<{self.threshold}"

    @property
    def text(self) -> str:
        """How a suppressed value reads in sentences: "fewer than 5"."""
        return f"fewer than {self.threshold}"

    @property
    def legend_label(self) -> str:
        return f"Suppressed (1–{self.threshold - 1})"

    def hidden(self, codes: pd.Index) -> pd.Series:
        """True for the wards of ``codes`` whose count is suppressed."""
        return self.wards.reindex(codes, fill_value=False).fillna(False).astype(bool)


class LayerSource(Protocol):
    """A layer's record and ward values, wherever they come from.

    ``values(codes)``: float by ward_code (NaN: no value, or a suppressed count);
    ``national()``: its values over every ward it covers (national decile breaks);
    ``national_label``: how national deciles are named in the legend, or None for the scheme's own;
    ``observed_breaks``: class bounds only at values that occur (for a user's file, where an
    interpolated bound could print a hidden small count);
    ``suppression``: hidden small counts, or None; ``comparator_scope``: words that qualify every
    area value made from it (e.g. "in your file"), or None; ``weights(register)``: what weights
    a ward when wards are combined into an area value.
    """

    @property
    def record(self) -> Indicator: ...

    @property
    def national_label(self) -> str | None: ...

    @property
    def observed_breaks(self) -> bool: ...

    @property
    def suppression(self) -> Suppression | None: ...

    @property
    def comparator_scope(self) -> str | None: ...

    def values(self, codes: pd.Index) -> pd.Series: ...

    def national(self) -> pd.Series: ...

    def weights(self, register: pd.DataFrame) -> pd.Series: ...


def value_text(source: LayerSource, codes: pd.Index) -> pd.Series:
    """Each ward's value as shown: "Yes" / "No" for flags, the record's format for numbers,
    "fewer than 5" for a suppressed count, "no data" where there is none."""
    record = source.record
    values = source.values(codes).to_numpy(dtype=float)
    if record.kind == "flag":
        text = [record.format_value(v) if v != v else FLAG_LABELS[int(v > 0)] for v in values]
    else:
        text = [record.format_value(v) for v in values]
    out = pd.Series(text, index=codes, dtype=object)
    if source.suppression is not None:
        out = out.mask(source.suppression.hidden(codes), source.suppression.text)
    return out


def weight_column(record: Indicator, register: pd.Index) -> str:
    """Where ``record``'s weight sits in the ward table: the register column of that name (e.g.
    ``population``), else the column of its own file, stored as ``"<file>:<column>"``."""
    return record.weight if record.weight in register else f"{record.file}:{record.weight}"


def table_columns(records: list[Indicator], register: pd.Index) -> dict[str, tuple[str, str]]:
    """What to read into the ward table: ``{name: (file, column)}`` for every record's values (named
    by id) and every weight a record takes from its own file (named by :func:`weight_column`)."""
    columns: dict[str, tuple[str, str]] = {}
    for r in records:
        columns[r.id] = (r.file, r.column)
        if r.weight and r.weight not in register:
            columns[weight_column(r, register)] = (r.file, r.weight)
    return columns


@dataclass(frozen=True, eq=False)
class PublishedLayer:
    """A published layer: the column ``record.id`` of the ward table (register plus one column per
    indicator id and the weight columns named by :func:`weight_column`), read-only."""

    record: Indicator
    table: pd.DataFrame
    national_label: str | None = None
    observed_breaks: bool = False
    suppression: Suppression | None = None
    comparator_scope: str | None = None

    def values(self, codes: pd.Index) -> pd.Series:
        return self.table[self.record.id].reindex(codes).astype(float)

    def national(self) -> pd.Series:
        return self.table[self.record.id].astype(float)

    def weights(self, register: pd.DataFrame) -> pd.Series:
        if not self.record.weight:
            return pd.Series(1.0, index=register.index)
        name = weight_column(self.record, self.table.columns)
        if name not in self.table.columns:
            raise ValueError(f"indicator {self.record.id!r}: weight column {self.record.weight!r} is in neither "
                             f"the ward register nor {self.record.file}")
        return self.table[name].reindex(register.index).astype(float)


@dataclass(frozen=True)
class AreaValue:
    """One layer's value for an area, and how many of the area's wards it was made from."""

    value: float
    n_used: int
    n_wards: int


def area_value_of(source: LayerSource, register: pd.DataFrame, include: pd.Series) -> AreaValue:
    """The layer's value for the wards ``include`` selects (bool Series over ``register``, the ward
    register indexed by ward_code), by the record's aggregation (see :func:`geo.areas.area_value`).

    Only wards with a value count, so a suppressed count is never part of a total anyone could
    subtract it from; areal-overlay wards are left out unless the record is published for wards.
    """
    record = source.record
    direct = record.method == "direct"
    values = source.values(register.index)
    weights = source.weights(register)
    best_fit = counted(register)
    inside = include.reindex(register.index, fill_value=False).astype(bool)
    value = area_value(values, weights, inside, best_fit, record.aggregation, direct=direct)
    eligible = inside & (best_fit | direct | (record.aggregation not in PEOPLE_BASED))
    used = values.notna() & eligible
    if record.aggregation == "weighted mean":
        used &= weights.notna() & (weights > 0)
    return AreaValue(value, int(used.sum()), int(eligible.sum()))
