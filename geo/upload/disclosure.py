"""Disclosure control of what can be *derived* from an upload, not only of the column shown (issue 14).

Primary suppression (:func:`geo.upload.safety.suppress_small_counts`) hides ward counts from
1 to threshold - 1. A reader can still work a hidden count out from numbers that are shown:

* **Totals and parts.** A file with a total (101) and a part (adults 100) gives the other
  part (children, 1) by subtraction; a total = adults + children with children hidden gives
  it back the same way. :func:`find_relations` finds, among the count columns of one file,
  every *nested pair* (a column never above another, row by row: the difference is a count
  of its own) and every *sum* (a column equal to the sum of two or more others in every row,
  to within rounding: 0.5 per part). :func:`complementary_suppression` then hides more cells
  ward by ward -- secondary suppression -- until nothing hidden can be derived as a count
  from 1 to threshold - 1: for a pair, the part when the difference is small; for a sum,
  the smallest part still shown (or the total) while the hidden parts add up to less than
  the threshold.
* **Rates with a known denominator.** A rate times its denominator is its numerator: 0.10%
  of 1,000 is 1 person. :func:`small_numerators` marks the wards where rate × denominator /
  scale rounds to 1 .. threshold - 1. The denominator is the file's denominator column, or
  (for a rate "per 1,000 residents" made by WardLens) the ward's Census 2021 population; the
  scale comes from the unit ("%" 100, "per 1,000" 1,000, a proportion 1) and, when the unit
  says nothing, every usual scale is tried (1, 100, 1,000, 10,000, 100,000), hiding more
  rather than less.

Missing values count as hidden (a reader cannot subtract what is not shown). Pure
functions on frames; :func:`geo.upload.aggregation.aggregate_to_wards` applies them.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

#: Relations are looked for among at most this many count columns (pairs grow as its square).
MAX_RELATION_COLUMNS = 40
#: Every subset of a total's candidate parts is tried up to this many candidates; beyond it,
#: sums of two or three parts only.
MAX_SUBSET_CANDIDATES = 12
#: Scales tried for a rate whose unit says none.
USUAL_SCALES = (1.0, 100.0, 1_000.0, 10_000.0, 100_000.0)

_PER = re.compile(r"per\s*(\d[\d,]*)\s*(k\b)?", re.IGNORECASE)


@dataclass(frozen=True)
class Relation:
    """``total`` = sum of ``parts`` in every row (two or more parts), or ``total`` ≥ its one part
    in every row (a nested pair, whose difference is a count of its own)."""

    total: str
    parts: tuple[str, ...]

    @property
    def is_pair(self) -> bool:
        return len(self.parts) == 1

    def describe(self) -> str:
        if self.is_pair:
            return f"'{self.parts[0]}' is part of '{self.total}'"
        return f"'{self.total}' = " + " + ".join(f"'{p}'" for p in self.parts)


def find_relations(values: pd.DataFrame, counts: Sequence[str]) -> list[Relation]:
    """Nested pairs and sums among the ``counts`` columns of ``values`` (area rows, file values).

    Only the first :data:`MAX_RELATION_COLUMNS` count columns are compared.
    """
    columns = [c for c in counts if values[c].notna().any()][:MAX_RELATION_COLUMNS]
    x = {c: values[c].to_numpy(dtype=float) for c in columns}
    relations: list[Relation] = []
    for total in columns:
        t = x[total]
        parts = []
        for part in columns:
            if part == total:
                continue
            both = ~np.isnan(t) & ~np.isnan(x[part])
            if both.any() and (t[both] > 0).any() and np.all(x[part][both] <= t[both] + 1e-9) \
                    and np.any(x[part][both] < t[both] - 1e-9):
                parts.append(part)
        relations += [Relation(total, (p,)) for p in parts]
        sizes = range(2, len(parts) + 1) if len(parts) <= MAX_SUBSET_CANDIDATES else (2, 3)
        for size in sizes:
            for subset in itertools.combinations(parts, size):
                stack = np.column_stack([x[p] for p in subset])
                rows = ~np.isnan(t) & ~np.isnan(stack).any(axis=1)
                if rows.any() and np.all(np.abs(stack[rows].sum(axis=1) - t[rows]) <= 0.5 * size + 1e-9):
                    relations.append(Relation(total, subset))
    return relations


def complementary_suppression(frame: pd.DataFrame, hidden: pd.DataFrame, relations: Sequence[Relation],
                              threshold: int) -> pd.DataFrame:
    """The cells to hide besides ``hidden`` so that no hidden count can be derived (bool, like ``frame``).

    ``frame``: ward values before suppression (NaN: no value); ``hidden``: the primary
    suppression mask. Returns only the secondary cells.
    """
    values = frame.to_numpy(dtype=float)
    position = {c: i for i, c in enumerate(frame.columns)}
    shown = ~hidden.to_numpy(dtype=bool) & ~np.isnan(values)
    start = shown.copy()
    changed = True
    while changed:
        changed = False
        for relation in relations:
            if relation.total not in position or any(p not in position for p in relation.parts):
                continue
            t = position[relation.total]
            parts = [position[p] for p in relation.parts]
            changed |= (_protect_pair if relation.is_pair else _protect_sum)(values, shown, t, parts, threshold)
    return pd.DataFrame(start & ~shown, index=frame.index, columns=frame.columns)


def _protect_pair(values: np.ndarray, shown: np.ndarray, t: int, parts: list[int], threshold: int) -> bool:
    """Total and part both shown with a difference from 1 to threshold - 1: hide the part."""
    p = parts[0]
    difference = values[:, t] - values[:, p]
    rows = shown[:, t] & shown[:, p] & (np.round(difference) >= 1) & (np.round(difference) < threshold)
    shown[rows, p] = False
    return bool(rows.any())


def _protect_sum(values: np.ndarray, shown: np.ndarray, t: int, parts: list[int], threshold: int) -> bool:
    """Total shown and its hidden parts adding up to 1 .. threshold - 1: hide one more cell."""
    part_values, part_shown = values[:, parts], shown[:, parts]
    known = ~np.isnan(part_values)  # a part with no value at all cannot be derived: leave the row
    derivable = np.where(part_shown, 0.0, np.nan_to_num(part_values)).sum(axis=1)
    rows = np.flatnonzero(shown[:, t] & known.all(axis=1) & ~part_shown.all(axis=1)
                          & (np.round(derivable) >= 1) & (np.round(derivable) < threshold))
    for row in rows:
        candidates = np.flatnonzero(part_shown[row])
        if len(candidates):
            shown[row, parts[candidates[np.argmin(part_values[row, candidates])]]] = False
        else:
            shown[row, t] = False
    return bool(len(rows))


def rate_scales(unit: str, values: pd.Series) -> tuple[float, ...]:
    """The scales a rate may be on, from its unit ("%" → 100, "per 1,000" → 1,000, "per 10k" →
    10,000), else 1 for proportions (every value from 0 to 1), else :data:`USUAL_SCALES`."""
    if "%" in unit or re.search(r"percent", unit, re.IGNORECASE):
        return (100.0,)
    per = _PER.search(unit)
    if per:
        return (float(per.group(1).replace(",", "")) * (1_000 if per.group(2) else 1),)
    present = values.dropna()
    if len(present) and present.between(0, 1).all():
        return (1.0,)
    return USUAL_SCALES


def small_numerators(rates: pd.Series, denominators: pd.Series, scales: Sequence[float],
                     threshold: int) -> pd.Series:
    """True where rate × denominator / scale rounds to 1 .. threshold - 1 for any of ``scales``."""
    rate = rates.astype(float)
    denominator = denominators.reindex(rate.index).astype(float)
    small = pd.Series(False, index=rate.index)
    for scale in scales:
        numerator = np.round(rate * denominator / scale)
        small |= (numerator >= 1) & (numerator < threshold)
    return small.fillna(False).astype(bool)
