"""Ward profiles and area values for every indicator record, computed from the records' own fields.

``table`` below is the ward register (``geo.store.read_wards``) with one extra column per
indicator id holding its ward values, plus any weight column a record takes from its own file
(named by :func:`weight_column`) -- what ``ui/loaders.ward_table`` builds.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from geo.areas import area_value, counted, group_values, rank_worst_first
from layers.indicator import Indicator
from layers.style import FLAG_LABELS


def ward_text(record: Indicator, value: float) -> str:
    """A ward value as text: flags read "Yes" / "No", other values in the record's format."""
    if record.kind == "flag" and value == value and value is not None:
        return FLAG_LABELS[int(value > 0)]
    return record.format_value(value)


def area_text(record: Indicator, value: float | None) -> str:
    """An area value as text: a share of wards reads "23% of wards", others in the record's format."""
    if record.aggregation == "share of wards" and value is not None and value == value:
        return f"{value:.0%} of wards"
    return record.format_value(value)


def weight_column(record: Indicator, register: pd.Index) -> str:
    """Where ``record``'s weight sits in the ward table: the register column of that name (e.g.
    ``population``), else the column of its own file, stored as ``"<file>:<column>"``."""
    return record.weight if record.weight in register else f"{record.file}:{record.weight}"


def table_columns(records: Iterable[Indicator], register: pd.Index) -> dict[str, tuple[str, str]]:
    """What to read into the ward table: ``{name: (file, column)}`` for every record's values (named
    by id) and every weight a record takes from its own file (named by :func:`weight_column`)."""
    columns: dict[str, tuple[str, str]] = {}
    for r in records:
        columns[r.id] = (r.file, r.column)
        if r.weight and r.weight not in register:
            columns[weight_column(r, register)] = (r.file, r.weight)
    return columns


def _weights(table: pd.DataFrame, record: Indicator) -> pd.Series:
    if not record.weight:
        return pd.Series(1.0, index=table.index)
    name = weight_column(record, table.columns)
    if name not in table.columns:
        raise ValueError(f"indicator {record.id!r}: weight column {record.weight!r} is in neither the ward "
                         f"register nor {record.file}")
    return table[name].astype(float)


def area_values(table: pd.DataFrame, records: Iterable[Indicator], include: pd.Series) -> pd.Series:
    """Each record's value for the area ``include`` selects (bool Series over ``table``), by id.

    Uses the record's ``aggregation`` (weighted mean by its ``weight`` column, sum, or share of
    wards); overlay wards are left out of weighted means and sums unless the record's
    ``method`` is "direct" (see :func:`geo.areas.counted`).
    """
    best_fit = counted(table)
    return pd.Series({r.id: area_value(table[r.id], _weights(table, r), include, best_fit,
                                       r.aggregation, direct=r.method == "direct")
                      for r in records}, dtype=float)


def values_by_group(table: pd.DataFrame, records: Iterable[Indicator], group: str) -> pd.DataFrame:
    """Area values of every record for every value of ``group`` (e.g. ``icb_code``): rows groups, columns ids."""
    best_fit = counted(table)
    return pd.DataFrame({r.id: group_values(table[r.id], _weights(table, r), table[group], best_fit,
                                            r.aggregation, direct=r.method == "direct")
                         for r in records})


def ranks_within(table: pd.DataFrame, records: Iterable[Indicator], group: str = "icb_code") -> pd.DataFrame:
    """Rank of each ward within its ``group`` for every record, 1 = worst (per ``higher_is_worse``)."""
    return pd.DataFrame({r.id: rank_worst_first(table[r.id], table[group], r.higher_is_worse)
                         for r in records}, index=table.index)


def ward_profile(table: pd.DataFrame, records: Iterable[Indicator], ward: str, icb_values: pd.DataFrame,
                 england_values: pd.Series, ranks: pd.DataFrame) -> pd.DataFrame:
    """One row per record for ``ward``: theme, indicator, edition, ward / ICB / England values as
    formatted text, unit, rank within the ICB ("3 of 280"; "–" for flags), period and caveat."""
    records = list(records)
    row = table.loc[ward]
    icb = row["icb_code"]
    group_sizes = table.groupby("icb_code")[[r.id for r in records]].count()
    out = []
    for r in records:
        rank = ranks.at[ward, r.id]
        n = int(group_sizes.at[icb, r.id])
        rank_text = f"{int(rank)} of {n}" if r.kind == "numeric" and not pd.isna(rank) else "–"
        out.append({
            "Theme": r.theme,
            "Indicator": r.title,
            "Edition": r.variant,
            "Ward": ward_text(r, row[r.id]),
            "ICB": area_text(r, icb_values.at[icb, r.id]) if icb in icb_values.index else "no data",
            "England": area_text(r, england_values.get(r.id)),
            "Unit": r.unit,
            "Rank in ICB (1 = worst)": rank_text,
            "Period": r.period,
            "Caveat": r.caveat,
        })
    return pd.DataFrame(out)
