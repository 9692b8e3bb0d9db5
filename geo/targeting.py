"""Which wards to target: pure selection rules over one Series of ward values.

Two rules cover the app's definitions (``layers/targets.py`` names them):

* ``worst share``: the area's worst ``share`` of wards on an indicator. The count is
  ``ceil(share x wards with a value)`` -- so 10% of 280 wards is 28 and 10% of 176 is 18, and
  a small place still gets at least one ward -- plus any ward tied with the last one (ties
  are never split arbitrarily, so the list can run slightly over the count). "Worst" follows
  the indicator's direction: highest values when higher is worse, lowest otherwise.
* ``at least``: every ward whose value is at least ``threshold`` (e.g. Core20 share >= 0.5).

Wards with no value are never targets.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd


def target_count(n_with_value: int, share: float) -> int:
    """How many wards make the worst ``share`` of ``n_with_value`` wards: ``ceil(share * n)``, at least 1 if n > 0."""
    if not 0 < share <= 1:
        raise ValueError(f"share must be in (0, 1], got {share}")
    if n_with_value <= 0:
        return 0
    # round() first so that 0.1 * 280 = 28.000000000000004 does not become 29.
    return max(1, math.ceil(round(share * n_with_value, 9)))


def worst_share(values: pd.Series, share: float, higher_is_worse: bool) -> pd.Series:
    """True for the worst ``share`` of wards with a value (ties at the cut included); see module doc."""
    present = values.dropna()
    n = target_count(len(present), share)
    if n == 0:
        return pd.Series(False, index=values.index)
    # The cut is a value, so how ties are ordered before it does not matter: all of them are in.
    cut = present.sort_values(ascending=not higher_is_worse).iloc[n - 1]
    chosen = present >= cut if higher_is_worse else present <= cut
    return chosen.reindex(values.index, fill_value=False).astype(bool)


def at_least(values: pd.Series, threshold: float, higher_is_worse: bool) -> pd.Series:
    """True where the value is at least ``threshold`` (NaN or ``<NA>`` is never selected).

    ``higher_is_worse`` does not change the rule; it is taken so that every rule has one signature.
    """
    return (values >= threshold).fillna(False).astype(bool)


#: The selection rules by name, each ``(values, parameter, higher_is_worse) -> bool Series``.
RULES: dict[str, Callable[[pd.Series, float, bool], pd.Series]] = {
    "worst share": worst_share,
    "at least": at_least,
}


def select(values: pd.Series, rule: str, parameter: float, higher_is_worse: bool) -> pd.Series:
    """Apply the named rule (``worst share`` or ``at least``) to an area's ward values."""
    if rule not in RULES:
        raise ValueError(f"targeting rule {rule!r} is not one of {sorted(RULES)}")
    return RULES[rule](values, parameter, higher_is_worse)


@dataclass(frozen=True)
class Coverage:
    """How much of an area the target wards hold (Census 2021 usual residents)."""

    wards: int
    population: int
    area_population: int

    @property
    def share(self) -> float:
        """Share of the area's residents living in target wards (0-1; NaN for an empty area)."""
        return self.population / self.area_population if self.area_population else float("nan")


def coverage(targets: pd.Series, population: pd.Series, best_fit: pd.Series) -> Coverage:
    """Target wards, and residents covered, over the area's wards (``targets``: bool by ward_code).

    Residents are summed over best-fit wards only: an areal-overlay ward's residents are
    already counted in the best-fit ward their LSOA belongs to. ``population`` and ``best_fit``
    may cover more wards than ``targets`` (e.g. all England's); a ward ``best_fit`` does not
    name is not counted, and one with no population holds no residents.
    """
    counted = best_fit.reindex(targets.index, fill_value=False).astype(bool)
    pop = population.reindex(targets.index)
    return Coverage(wards=int(targets.sum()), population=int(pop[targets & counted].sum()),
                    area_population=int(pop[counted].sum()))


def rank_targets(targets: pd.Series, keys: list[tuple[pd.Series, bool]]) -> pd.Series:
    """Rank 1..n of the target wards, worst first, ordered by ``keys`` then ward code.

    ``keys``: ``(values, higher_is_worse)`` pairs, the first deciding and the rest breaking
    ties (e.g. Core20 share, then IMD score); a ward with no value on a key comes after those
    with one. Returns an int Series over the target wards only.
    """
    chosen = targets[targets].index
    frame = pd.DataFrame({f"k{i}": values for i, (values, _) in enumerate(keys)}, index=chosen)
    frame["code"] = chosen  # ward codes are unique, so the order is total: no tie is left to chance
    ordered = frame.sort_values(list(frame.columns), ascending=[not worse for _, worse in keys] + [True])
    return pd.Series(range(1, len(ordered) + 1), index=ordered.index)
