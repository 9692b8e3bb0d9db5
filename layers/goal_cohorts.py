"""The readings of "the most disadvantaged wards" for a goal, and how they overlap.

The goal's cohort comes first (the most disadvantaged X% of the ICB's wards by IMD 2025; for a
place, the ICB cohort's wards in the place), then the other readings -- wards in England's most
deprived decile or quintile, Core20 wards, and for a place the within-place ranking, labelled as
such. Each :class:`Reading` holds its wards, residents and share of the area;
:func:`overlap_tables` and :func:`overlap_payload` show how they overlap (tables and a map).
Pure: no streamlit, no files.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from geo.areas import Area, counted
from geo.targeting import Coverage, coverage
from layers.goals import Goal
from layers.indicator import Indicator
from layers.mappayload import AreaGeometry, MapPayload, layer_payload
from layers.style import NO_DATA_COLOUR, NO_DATA_LABEL, Legend, LegendEntry
from layers.targets import TARGETINGS, Targeting
from layers.view import Catalogue, select_targets

#: The layer the cohorts and deprivation groups are read from, and the edition they are frozen on.
IMD = "imd_score_2025"

_SHARE_KEYS = {0.1: "10%", 0.2: "20%"}
_ENGLAND = {0.1: "england10", 0.2: "england20"}
_ICB = {0.1: "imd10", 0.2: "imd20"}


def _place_reading(share: float) -> Targeting:
    words = _SHARE_KEYS[share]
    return Targeting(
        id=f"place{round(share * 100)}",
        label=f"Within-place reading: most disadvantaged {words} of the place's wards (IMD 2025)",
        short=f"Within-place: most disadvantaged {words} of the place's wards",
        description=f"The {words} of the place's wards with the highest IMD 2025 average score, ranked among "
                    "themselves (not within the ICB): a separate reading, not the ICB goal's cohort.",
        indicator=IMD, rule="worst share", parameter=share, scope="area")


#: The within-place readings by share (for a place, beside the ICB-wide cohort).
PLACE_READINGS: dict[float, Targeting] = {s: _place_reading(s) for s in _SHARE_KEYS}

@dataclass(frozen=True, eq=False)
class Reading:
    """One reading of "the most disadvantaged wards": its definition, the area's wards it picks
    (bool by ward_code) and the residents they hold; ``goal``: the goal's own cohort."""

    targeting: Targeting
    wards: pd.Series
    coverage: Coverage
    goal: bool

    @property
    def id(self) -> str:
        return self.targeting.id

    @property
    def label(self) -> str:
        return self.targeting.short

    @property
    def codes(self) -> list[str]:
        return list(self.wards.index[self.wards])



def _share(goal: Goal) -> float:
    return min(_SHARE_KEYS, key=lambda s: abs(s - goal.share))


def reading_definitions(goal: Goal, area: Area) -> list[Targeting]:
    """The goal's cohort first, then the other readings: the within-ICB share, England's most
    deprived decile or quintile (the goal's share), Core20, and for a place the within-place ranking."""
    share = _share(goal)
    ids = dict.fromkeys([goal.cohort, _ICB[share], _ENGLAND[share], "core20"])
    definitions = [TARGETINGS[i] for i in ids]
    if area.lad is not None:
        definitions.append(PLACE_READINGS[share])
    return definitions


def cohort_readings(catalogue: Catalogue, register: pd.DataFrame, goal: Goal, area: Area, codes: pd.Index,
              shown: str) -> tuple[Reading, ...]:
    rows = register.loc[codes]
    best_fit = counted(rows)
    out = []
    for i, definition in enumerate(reading_definitions(goal, area)):
        chosen = select_targets(catalogue, register, definition, shown, codes)
        out.append(Reading(definition, chosen, coverage(chosen, rows["population"], best_fit), goal=i == 0))
    return tuple(out)


OVERLAP_COLOURS = {"all": "#253494", "some": "#41b6c4", "one": "#c7e9b4", "none": "#f7f7f7"}


def overlap_tables(readings: tuple[Reading, ...], register: pd.DataFrame, imd: pd.Series,
             codes: pd.Index) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.Series]:
    """Ward-by-reading membership table (wards in any reading), one row per reading, one row per
    overlap (in all, in some, in one), and each area ward's overlap category ("all", "some", "one", "none")."""
    member = pd.DataFrame({r.id: r.wards.reindex(codes, fill_value=False) for r in readings})
    n = member.sum(axis=1)
    k = len(readings)
    category = pd.Series(np.select([n == k, n > 1, n == 1], ["all", "some", "one"], "none"), index=codes)
    rows = register.loc[codes]
    table = pd.DataFrame({
        "Ward": rows["ward_name"].astype(str), "Local authority": rows["lad_name"].astype(str),
        "Residents": rows["population"].astype(int), "IMD 2025 score": imd.reindex(codes).round(1),
        **{r.label: member[r.id] for r in readings},
        "Readings": n.astype(int), "Ward code": codes,
    }, index=codes)
    table = table[n > 0].sort_values(["Readings", "IMD 2025 score"], ascending=[False, False])
    best_fit = counted(rows)
    population = rows["population"].where(best_fit, 0)
    area_pop = float(population.sum())
    summary = []
    for r in readings:
        alone = r.wards.reindex(codes, fill_value=False) & (n == 1)
        summary.append({"Reading": r.label, "Wards": r.coverage.wards, "Residents": r.coverage.population,
                        "Share of area": r.coverage.share, "Only in this reading": int(alone.sum()),
                        "Goal's cohort": r.goal})
    some = "In 2 of 3 readings" if k == 3 else f"In some (2 to {k - 1}) readings"
    groups = {"all": f"In all {k} readings", "some": some, "one": "In one reading only"}
    overlaps = []
    for key, label in groups.items():
        if key == "some" and k < 3:
            continue
        mask = category == key
        overlaps.append({"Wards picked by": label, "Wards": int(mask.sum()), "Residents": int(population[mask].sum()),
                         "Share of area": float(population[mask].sum()) / area_pop if area_pop else math.nan})
    return table.reset_index(drop=True), pd.DataFrame(summary), pd.DataFrame(overlaps), category


#: The column of :func:`reading_text` that holds residents and their share of the area.
RESIDENTS_SHARE = "Residents (share of area)"


def reading_text(summary: pd.DataFrame) -> pd.DataFrame:
    """The one-row-per-reading table (:func:`overlap_tables`) as the page and the pack print it, in four
    columns narrow enough for a phone: the reading (the goal's cohort says so), its wards, its residents with
    their share of the area ("427,676 (24.8%)") and the wards only it picks."""
    return pd.DataFrame({
        "Reading": [f"{r} (the goal's cohort)" if goal else r
                    for r, goal in zip(summary["Reading"], summary["Goal's cohort"])],
        "Wards": summary["Wards"].to_numpy(),
        RESIDENTS_SHARE: _residents_share(summary),
        "Only in this reading": summary["Only in this reading"].to_numpy(),
    })


def overlap_text(overlaps: pd.DataFrame) -> pd.DataFrame:
    """The one-row-per-overlap table (:func:`overlap_tables`) as the page prints it, in three columns."""
    return pd.DataFrame({"Wards picked by": overlaps["Wards picked by"], "Wards": overlaps["Wards"].to_numpy(),
                         RESIDENTS_SHARE: _residents_share(overlaps)})


def _residents_share(table: pd.DataFrame) -> list[str]:
    """"427,676 (24.8%)": each row's residents and share of the area."""
    return [f"{int(n):,} ({share:.1%})" for n, share in zip(table["Residents"], table["Share of area"])]


def overlap_payload(geometry: AreaGeometry, rows: pd.DataFrame, imd_record: Indicator, readings: tuple[Reading, ...],
                     category: pd.Series, cohort: Reading) -> MapPayload:
    k = len(readings)
    labels = {"all": f"In all {k} readings", "some": "In 2 of 3 readings" if k == 3 else "In some readings", "one": "In one reading only",
              "none": "In none"}
    member = pd.DataFrame({r.id: r.wards.reindex(category.index, fill_value=False) for r in readings})
    counts = category.value_counts()
    entries = tuple(LegendEntry(OVERLAP_COLOURS[c], labels[c], int(counts.get(c, 0)))
                    for c in ("none", "one", "some", "all") if c != "some" or k >= 3)
    legend = Legend(title="Cohort readings", unit="readings", scheme="how many readings pick the ward",
                    entries=entries, no_data=LegendEntry(NO_DATA_COLOUR, NO_DATA_LABEL, 0))
    n = member.sum(axis=1)
    text = pd.Series([f"{int(i)} of {k}" for i in n], index=category.index)
    ticks = member.to_numpy()
    names = [f"✓ {r.label}" for r in readings]
    notes = pd.Series(["\n".join(name for name, hit in zip(names, row) if hit) for row in ticks],
                      index=category.index)
    record = replace(imd_record, unit="readings")
    return layer_payload(geometry, rows, record, text, category.map(OVERLAP_COLOURS), legend, cohort.wards,
                         cohort.label, notes=notes)
