"""Which ward values of an upload are hidden: small counts, what would give one back, rates whose count is small.

Applied to the upload's values on wards (:func:`geo.upload.aggregation.aggregate_to_wards`):
ward counts from 1 to threshold - 1 are hidden (:func:`~geo.upload.safety.small_count_mask`,
default 1–4); then what could give a hidden count back (:mod:`geo.upload.disclosure`): a part
of a total found in the file whose difference or complement is small (secondary suppression),
and a rate whose numerator -- rate × the denominator column, or × the ward's Census 2021
population when the unit is known and no denominator is chosen -- is small. Pure: frames in,
masks and notes out.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from geo.upload.disclosure import (USUAL_SCALES, Relation, complementary_suppression, find_relations, rate_scales,
                                   small_numerators)
from geo.upload.safety import small_count_mask
from geo.upload.tables import listed


@dataclass(frozen=True, eq=False)
class Suppression:
    """What is hidden of the ward values: ``hidden`` (True where a value is hidden, for any reason),
    ``secondary`` (hidden so that another cannot be derived), the totals and parts found, and
    the notes saying so."""

    hidden: pd.DataFrame
    secondary: pd.DataFrame
    relations: tuple[Relation, ...]
    notes: tuple[str, ...]


def suppress_ward_values(frame: pd.DataFrame, values: pd.DataFrame, counts: list[str], rates: list[str],
                         units: dict[str, str], denominator: str | None, population: pd.Series | None,
                         threshold: int) -> Suppression:
    """The ward values of ``frame`` to hide (see the module docstring). ``values``: the file's own
    values by area (where totals and parts are found); ``counts`` and ``rates``: the columns of
    each kind; ``units``: each column's unit (every rate column's, "" for none); ``population``:
    Census 2021 residents by ward_code."""
    notes = []
    primary = small_count_mask(frame, counts, threshold)
    n = int(primary.to_numpy().sum())
    if n:
        notes.append(f"{n:,} ward value(s) between 1 and {threshold - 1} were suppressed (shown as 'fewer than "
                     f"{threshold}') to protect confidentiality")
    relations = find_relations(values, counts)
    secondary = pd.DataFrame(False, index=frame.index, columns=frame.columns)
    if relations and counts:
        secondary[counts] = complementary_suppression(frame[counts], primary[counts], relations, threshold)
        notes += _relation_notes(relations, secondary, threshold)
    hidden = primary | secondary
    for column in rates:
        scales = rate_scales(units[column], values[column])
        if denominator is not None:
            base, by = frame[denominator], f"the denominator column '{denominator}'"
        elif population is not None and scales != USUAL_SCALES:
            base, by = population, "the ward's Census 2021 population"
        else:
            continue
        # A rate column is neither a count nor a part, so nothing above hid any of it.
        hidden[column] = small_numerators(frame[column], base, scales, threshold) & frame[column].notna()
        hidden_here = int(hidden[column].sum())
        if hidden_here:
            notes.append(f"'{column}': {hidden_here:,} ward rate(s) suppressed because the rate × {by} gives a count "
                         f"from 1 to {threshold - 1}")
    return Suppression(hidden, secondary, tuple(relations), tuple(notes))


def _relation_notes(relations: list[Relation], secondary: pd.DataFrame, threshold: int) -> list[str]:
    """What was found (totals and parts) and how many more values it hid."""
    sums = [r for r in relations if not r.is_pair]
    pairs = [r for r in relations if r.is_pair]
    found = [r.describe() for r in sums] or [r.describe() for r in pairs]
    n = int(secondary.to_numpy().sum())
    note = (f"Totals and parts found between columns ({listed(found, 3)}): " + (
        f"{n:,} more ward value(s) were suppressed so that no count from 1 to {threshold - 1} can be worked out by "
        "subtraction (secondary suppression)" if n else "no suppressed count can be worked out by subtraction"))
    return [note]
