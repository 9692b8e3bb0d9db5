"""The place pack's comparison: the target wards against the rest of the area, the place, the ICB and England.

Every value is computed by WardLens from ward values (:func:`layers.source.area_value_of`,
written as the profile writes it); beside them, where the area is a place or an ICB, MHCLG's
published summary of the local authority and the ICB. Pure: no streamlit, no files.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from geo.areas import Area, icb_short_name
from layers.indicator import Indicator
from layers.profile import Published, area_text
from layers.source import LayerSource, area_value_of
from layers.view import Catalogue, LayerView
from report.document import Block, Bullets, Heading, Keep, PageBreak, Paragraph, Table
from report.mapspec import coverage_text
from report.pack_definitions import AREA_VALUES, caveat_lines, records_by_theme

#: The main indicators of the comparison page, in the order it lists them (after the layer shown
#: and the list's own columns): deprivation and its domains, health, long-term conditions, children.
COMPARISON: tuple[str, ...] = (
    "imd_score_2025", "core20_share_2025", "income_score_2025", "employment_score_2025", "health_score_2025",
    "le_male_2016_20", "le_female_2016_20", "emergency_admissions_2025", "bad_health_2021", "disabled_pct_2021",
    "cidr_2025", "child_low_income_pct_fye2025", "idaci_decile1_share_2025",
)


def comparison_sources(view: LayerView, catalogue: Catalogue) -> list[LayerSource]:
    """The layers the comparison page reads: the layer shown, the list's columns, then :data:`COMPARISON`
    (numeric layers only, each once)."""
    chosen = [view.source, *view.key_sources, *(catalogue[i] for i in COMPARISON if i in catalogue)]
    seen: dict[str, LayerSource] = {}
    for s in chosen:
        if s.record.kind == "numeric":
            seen.setdefault(s.record.id, s)
    return list(seen.values())


def comparison_groups(view: LayerView, register: pd.DataFrame) -> list[tuple[str, pd.Series]]:
    """The groups of wards the comparison sets side by side, as ``(heading, bool Series over register)``:
    the target wards, the rest of the area, the place (for a place), the ICB (unless all England), England."""
    area = view.area
    in_area = pd.Series(False, index=register.index)
    in_area[view.codes] = True
    targets = view.targets.reindex(register.index, fill_value=False).astype(bool)
    place = _place_name(area, register)
    rest = place or ("the ICB" if area.icb is not None else "England")
    groups = [("Target wards", targets), (f"Rest of {rest}", in_area & ~targets)]
    if place:
        groups.append((place, in_area))
    if area.icb is not None:
        groups.append(("ICB", (register["icb_code"] == area.icb).fillna(False)))
    groups.append(("England", pd.Series(True, index=register.index)))
    return groups


def _place_name(area: Area, register: pd.DataFrame) -> str:
    if area.lad is None:
        return ""
    return str(register.loc[register["lad_code"] == area.lad, "lad_name"].iloc[0])


def _icb_name(area: Area, register: pd.DataFrame) -> str:
    if area.icb is None:
        return ""
    return icb_short_name(str(register.loc[register["icb_code"] == area.icb, "icb_name"].iloc[0]))


def comparison_table(view: LayerView, catalogue: Catalogue, register: pd.DataFrame,
                     official: Published | None = None) -> pd.DataFrame:
    """The comparison as text: one row per layer of :func:`comparison_sources` -- theme, indicator,
    unit, period, then each group of :func:`comparison_groups` (:func:`layers.source.area_value_of`, written
    by :func:`layers.profile.area_text` as the profile writes it) -- and, where the area is a place or
    an ICB, below each layer MHCLG publishes a summary of (its record's ``official``), a row with the
    published figure for the local authority and the ICB (``official``: the app's
    :class:`layers.profile.Published`)."""
    groups = comparison_groups(view, register)
    rows = []
    for source in comparison_sources(view, catalogue):
        r = source.record
        row = {"Theme": r.theme, "Indicator": f"{r.full_title}", "Unit": r.unit, "Period": r.period}
        for heading, include in groups:
            row[heading] = area_text(source, area_value_of(source, register, include))
        rows.append(row)
        if r.official and official is not None and view.area.icb is not None:
            rows.append(_official_row(view, r, register, official, [h for h, _ in groups]))
    columns = ["Theme", "Indicator", "Unit", "Period", *(h for h, _ in groups)]
    return pd.DataFrame(rows, columns=columns)


def _official_places(view: LayerView, register: pd.DataFrame) -> list[tuple[str, str, str]]:
    """The areas MHCLG publishes summaries for that the view is in: ``(level, code, column heading)``."""
    pairs = [("lad", view.area.lad, _place_name(view.area, register)), ("icb", view.area.icb, "ICB")]
    return [(level, code, heading) for level, code, heading in pairs if code]


def _official_row(view: LayerView, record: Indicator, register: pd.DataFrame, official: Published,
                  headings: list[str]) -> dict[str, str]:
    """MHCLG's published figure for the place and the ICB, under those columns ("–" elsewhere)."""
    row = {"Theme": record.theme, "Indicator": f"{record.full_title}: MHCLG published",
           "Unit": record.unit, "Period": record.period, **{heading: "–" for heading in headings}}
    for level, code, heading in _official_places(view, register):
        value = official.value(level, code, record.official)
        if value is not None:
            whole = " (whole LA)" if level == "lad" and _partial_place(view.area, register) else ""
            row[heading] = record.format_value(value) + whole
    return row


def _partial_place(area: Area, register: pd.DataFrame) -> tuple[int, int] | None:
    """For a place only partly in its ICB: (its wards in the ICB, all its wards); else None."""
    if area.lad is None:
        return None
    lad = register["lad_code"] == area.lad
    inside = int((lad & (register["icb_code"] == area.icb)).sum())
    return (inside, int(lad.sum())) if inside < int(lad.sum()) else None


def _official_note(view: LayerView, register: pd.DataFrame, official: Published | None,
                   records: Sequence[Indicator]) -> str:
    """Where the published rows come from, with each figure's rank among the level's areas."""
    published = [r for r in records if r.official]
    if official is None or view.area.icb is None or not published:
        return ""
    levels = {"lad": "local authorities", "icb": "ICBs"}
    names = {"lad": _place_name(view.area, register), "icb": _icb_name(view.area, register)}
    parts = []
    for r in published:
        domain, measure = r.official.split("_", 1)
        for level, code, _ in _official_places(view, register):
            value = official.value(level, code, r.official)
            rank = official.value(level, code, f"{domain}_rank_of_{measure}")
            if value is not None and rank is not None:
                parts.append(f"{r.title}: {names[level]} {r.format_value(value)}, rank {int(rank)} of "
                             f"{official.count(level)} {levels[level]} (1 = most deprived)")
    if not parts:
        return ""
    partial = _partial_place(view.area, register)
    whole = (f" The local authority's figures are for the whole authority, of which {partial[0]:,} of its "
             f"{partial[1]:,} wards lie in {_icb_name(view.area, register)}, so they do not describe the place's part "
             "shown here." if partial else "")
    return ("MHCLG published: the summaries MHCLG publishes for local authorities and ICBs (English indices of "
            "deprivation 2025, summaries for larger areas, from LSOA figures with MHCLG's own populations): "
            + "; ".join(parts) + ". The row above each is computed by WardLens from ward values with Census 2021 "
            "weights, so the two can differ slightly." + whole)


def comparison_page(view: LayerView, catalogue: Catalogue, register: pd.DataFrame,
                official: Published | None) -> list[Block]:
    """The comparison section: one table per theme, with MHCLG's published rows noted and the caveats."""
    frame = comparison_table(view, catalogue, register, official)
    groups = [c for c in frame.columns if c not in ("Theme", "Indicator", "Unit", "Period")]
    records = [s.record for s in comparison_sources(view, catalogue)]
    icb = f" ICB: {_icb_name(view.area, register)}." if view.area.icb is not None else ""
    blocks: list[Block] = [
        PageBreak(),
        Heading("The target wards against the rest of the area, the ICB and England"),
        Paragraph(f"Target wards: {view.targeting.short}: {coverage_text(view)}.{icb} {AREA_VALUES}"),
    ]
    note = _official_note(view, register, official, records)
    for theme, members in records_by_theme(records).items():
        rows = frame[frame["Theme"] == theme].drop(columns="Theme")
        kept: list[Block] = [
            Heading(theme, 2),
            Table(rows, caption=f"{theme}: computed by WardLens from ward values with Census 2021 weights"
                                + (" (unless the row says MHCLG published)" if note and theme == records[0].theme
                                   and rows["Indicator"].str.endswith("MHCLG published").any() else ""),
                  align={g: "right" for g in groups}, widths=(2.4, 1.3, 1.6, *(1.05,) * len(groups)), size="small"),
        ]
        if note and rows["Indicator"].str.endswith("MHCLG published").any():
            kept.append(Paragraph(note, size="small"))
        kept.append(Bullets(tuple(caveat_lines(members)), size="small"))
        blocks.append(Keep(tuple(kept)))
    return blocks
