"""A ward's profile: every layer's value for one ward beside its ICB and England, and its rank.

Computed from :class:`~layers.source.LayerSource` objects alone, so a published layer and a
user's uploaded layer give their rows the same way.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from geo.areas import rank_worst_first
from layers.source import AreaValue, LayerSource, area_value_of, value_text

#: The profile's columns, in order.
PROFILE_COLUMNS = ("Theme", "Indicator", "Edition", "Ward", "ICB", "England", "Unit", "Rank in ICB (1 = worst)",
                   "Period", "Caveat")


def area_text(source: LayerSource, area: AreaValue) -> str:
    """An area value as text: "23% of wards" for a share of wards, else the record's format; a layer
    with a ``comparator_scope`` says it ("641 in your file", "none in your file")."""
    record, scope = source.record, source.comparator_scope
    if scope and area.n_used == 0:
        return f"none {scope}"
    value = area.value
    if record.aggregation == "share of wards" and value == value:
        text = f"{value:.0%} of wards"
    else:
        text = record.format_value(value)
    return f"{text} {scope}" if scope else text


def _caveat(source: LayerSource, icb: AreaValue, england: AreaValue) -> str:
    """The record's caveat; for a layer with a ``comparator_scope``, also what its area values add up."""
    record, scope = source.record, source.comparator_scope
    if not scope:
        return record.caveat
    how = "sum" if record.aggregation == "sum" else "average"
    return (f"{record.caveat} {record.method_note} The ICB value is the {how} of its {icb.n_used:,} wards with a "
            f"value {scope}, England's the {how} of all {england.n_used:,} such wards.")


def profile_row(source: LayerSource, register: pd.DataFrame, ward: str) -> dict[str, str]:
    """One layer's row of the profile of ``ward``: its value, its ICB's and England's (as text), the
    unit, its rank among the ICB's wards with a value ("3 of 280"; "–" for flags and no value),
    the period and the caveat. ``register``: the ward register indexed by ward_code."""
    record = source.record
    in_icb = register["icb_code"] == register.at[ward, "icb_code"]
    icb = area_value_of(source, register, in_icb)
    england = area_value_of(source, register, pd.Series(True, index=register.index))
    values = source.values(register.index)
    rank = rank_worst_first(values, register["icb_code"], record.higher_is_worse).get(ward)
    n_ranked = int((values.notna() & in_icb).sum())
    ranked = record.kind == "numeric" and rank is not None and not pd.isna(rank)
    return {
        "Theme": record.theme,
        "Indicator": record.title,
        "Edition": record.variant,
        "Ward": value_text(source, pd.Index([ward])).iloc[0],
        "ICB": area_text(source, icb),
        "England": area_text(source, england),
        "Unit": record.unit,
        "Rank in ICB (1 = worst)": f"{int(rank)} of {n_ranked}" if ranked else "–",
        "Period": record.period,
        "Caveat": _caveat(source, icb, england),
    }


def ward_profile(sources: Sequence[LayerSource], register: pd.DataFrame, ward: str) -> pd.DataFrame:
    """One row per layer for ``ward`` (see :func:`profile_row`), in the order of ``sources``."""
    return pd.DataFrame([profile_row(s, register, ward) for s in sources], columns=list(PROFILE_COLUMNS))
