"""A ward's profile: every layer's value for one ward beside its local authority, ICB and England.

Computed from :class:`~layers.source.LayerSource` objects alone, so a published layer and a
user's uploaded layer give their rows the same way. Where MHCLG publishes the measure for local
authorities and ICBs (:class:`Published`), the LAD and ICB columns show MHCLG's figure
("· MHCLG"); every other comparator is computed by WardLens from the ward values, weighted by
Census 2021 residents, and says so when it rests on only some of the area's wards.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo.areas import rank_worst_first
from layers.source import AreaValue, LayerSource, area_value_of, value_text

#: The profile's columns, in order.
PROFILE_COLUMNS = ("Theme", "Indicator", "Ward", "Rank in ICB (1 = worst)", "In England",
                   "Local authority", "ICB", "England", "Unit", "Period", "Note", "Caveat")

#: Marks an LAD or ICB value that is MHCLG's published figure, not one WardLens computed.
PUBLISHED_MARK = " · MHCLG"

#: Where a ward stands among a group of wards, by the fifth of the ranking it falls in (1 = worst).
FIFTHS = ("worst fifth", "second fifth", "middle fifth", "fourth fifth", "best fifth")


@dataclass(frozen=True, eq=False)
class Published:
    """MHCLG's published IoD2025 summaries (``summaries_{lad,icb}_2025_official.csv``), indexed by
    area code; a record's ``official`` names the column."""

    lad: pd.DataFrame
    icb: pd.DataFrame

    def value(self, level: str, code: str, column: str) -> float | None:
        table = self.lad if level == "lad" else self.icb
        if not column or code not in table.index or column not in table.columns:
            return None
        value = table.at[code, column]
        return None if pd.isna(value) else float(value)

    def count(self, level: str) -> int:
        """How many areas MHCLG ranks at ``level`` ("lad" or "icb")."""
        return len(self.lad if level == "lad" else self.icb)


def fifth(rank: float, n: int) -> str:
    """Which fifth of ``n`` ranked wards rank ``rank`` (1 = worst) falls in: "worst fifth" ... "best fifth"."""
    return FIFTHS[int(np.ceil(5 * rank / n)) - 1]  # 1 <= rank <= n, so 0..4


def area_text(source: LayerSource, area: AreaValue) -> str:
    """An area value as text: "23% of wards" for a share of wards, else the record's format; a layer
    with a ``comparator_scope`` says it ("641 in your file", "none in your file"); a value made from
    only some of the area's wards says how many ("12.4 (88 of 97 wards)")."""
    record, scope = source.record, source.comparator_scope
    if scope and area.n_used == 0:
        return f"none {scope}"
    value = area.value
    if record.aggregation == "share of wards" and value == value:
        text = f"{value:.0%} of wards"
    else:
        text = record.format_value(value)
    if scope:
        return f"{text} {scope}"
    if 0 < area.n_used < area.n_wards:
        return f"{text} ({area.n_used:,} of {area.n_wards:,} wards)"
    return text


def _caveat(source: LayerSource, icb: AreaValue, england: AreaValue) -> str:
    """The record's caveat; for a layer with a ``comparator_scope``, also what its area values add up."""
    record, scope = source.record, source.comparator_scope
    if not scope:
        return record.caveat
    how = "sum" if record.aggregation == "sum" else "average"
    return (f"{record.caveat} {record.method_note} The ICB value is the {how} of its {icb.n_used:,} wards with a "
            f"value {scope}, England's the {how} of all {england.n_used:,} such wards.")


def _comparator(source: LayerSource, register: pd.DataFrame, include: pd.Series, level: str, code: str,
                published: Published | None) -> tuple[str, AreaValue]:
    computed = area_value_of(source, register, include)
    official = published.value(level, code, source.record.official) if published else None
    if official is None:
        return area_text(source, computed), computed
    return source.record.format_value(official) + PUBLISHED_MARK, computed


def _standing(source: LayerSource, register: pd.DataFrame, ward: str) -> tuple[str, str]:
    """The ward's rank in its ICB ("3 of 280 · worst fifth") and its fifth in England ("–" for context
    layers, flags and wards with no value)."""
    record = source.record
    if record.kind != "numeric" or record.context:
        return "–", "–"
    values = source.values(register.index)
    in_icb = register["icb_code"] == register.at[ward, "icb_code"]
    rank = rank_worst_first(values, register["icb_code"], record.higher_is_worse).get(ward)
    if rank is None or pd.isna(rank):
        return "–", "–"
    n_icb = int((values.notna() & in_icb).sum())
    national = rank_worst_first(values, pd.Series("England", index=register.index), record.higher_is_worse)
    n_england = int(values.notna().sum())
    return f"{int(rank)} of {n_icb} · {fifth(rank, n_icb)}", fifth(national[ward], n_england)


def profile_row(source: LayerSource, register: pd.DataFrame, ward: str,
                published: Published | None = None) -> dict[str, str]:
    """One layer's row of the profile of ``ward`` (see :data:`PROFILE_COLUMNS`), as text.

    ``register``: the ward register indexed by ward_code (``icb_code``, ``lad_code`` ...);
    ``published``: MHCLG's LAD and ICB summaries, used where the record names an ``official`` column.
    """
    record = source.record
    row = register.loc[ward]
    lad, lad_value = _comparator(source, register, register["lad_code"] == row["lad_code"], "lad",
                                 row["lad_code"], published)
    icb, icb_value = _comparator(source, register, register["icb_code"] == row["icb_code"], "icb",
                                 row["icb_code"], published)
    england = area_value_of(source, register, pd.Series(True, index=register.index))
    in_icb, in_england = _standing(source, register, ward)
    return {
        "Theme": record.theme,
        "Indicator": record.full_title,
        "Ward": value_text(source, pd.Index([ward])).iloc[0],
        "Rank in ICB (1 = worst)": in_icb,
        "In England": in_england,
        "Local authority": lad,
        "ICB": icb,
        "England": area_text(source, england),
        "Unit": record.unit,
        "Period": record.period,
        "Note": record.warning,
        "Caveat": _caveat(source, icb_value, england),
    }


def ward_profile(sources: Sequence[LayerSource], register: pd.DataFrame, ward: str,
                 published: Published | None = None) -> pd.DataFrame:
    """One row per layer for ``ward`` (see :func:`profile_row`), in the order of ``sources``."""
    return pd.DataFrame([profile_row(s, register, ward, published) for s in sources], columns=list(PROFILE_COLUMNS))
