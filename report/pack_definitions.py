"""The place pack's words about its indicators: definitions, caveats, sources and attribution.

:func:`definitions_page` is the pack's last section; :func:`caveat_lines` (each distinct caveat
once, after the indicators it applies to) and :func:`records_by_theme` serve the comparison and
ward profile pages too. Pure: no streamlit, no files.
"""

from __future__ import annotations

from collections.abc import Sequence

from layers.indicator import Indicator
from layers.sources import ALWAYS, attribution_texts
from layers.view import LayerView
from report.document import Block, Bullets, Heading, PageBreak, Paragraph

#: How the pack says where the ward values come from (the Methods tab, in short).
WARD_VALUES = (
    "Most indicators are published for small areas (LSOAs or MSOAs), not wards. Every Census 2021 Output Area is "
    "placed in the 2025 ward holding its population-weighted centroid (ONS's best-fit method), and an LSOA's value "
    "counts towards each ward with the residents of its Output Areas there. A few very small wards hold no Output "
    "Area: they take the values of the areas they overlap (areal overlay), are listed, and are left out of totals "
    "because their residents are counted in the wards their Output Areas lie in.")
AREA_VALUES = (
    "Area values (the target wards, the rest of the area, the place, the ICB and England) are computed by "
    "WardLens from ward values: a weighted mean over the wards holding Output Areas with Census 2021 residents as "
    "weights (or the weight each indicator names), a sum for counts, the share of wards for flags. They can differ "
    "slightly from the summaries MHCLG publishes for local authorities and ICBs; where MHCLG publishes one, the "
    "pack shows it beside them, labelled MHCLG published.")


def caveat_lines(records: Sequence[Indicator]) -> list[str]:
    """Each distinct caveat once, after the indicators it applies to and their periods:
    ``"Asthma, …; COPD, … (QOF 2017/18 or 2018/19 …): Modelled estimate, …"``."""
    by_caveat: dict[str, list[Indicator]] = {}
    for r in dict.fromkeys(records):
        by_caveat.setdefault(r.caveat, []).append(r)
    lines = []
    for caveat, group in by_caveat.items():
        periods = "; ".join(dict.fromkeys(r.period for r in group))
        lines.append(f"{'; '.join(r.full_title for r in group)}, {periods}: {caveat}")
    return lines


def records_by_theme(records: Sequence[Indicator]) -> dict[str, list[Indicator]]:
    """``records`` grouped by theme, themes in order of first appearance."""
    groups: dict[str, list[Indicator]] = {}
    for r in records:
        groups.setdefault(r.theme, []).append(r)
    return groups



def definitions_page(view: LayerView, records: Sequence[Indicator]) -> list[Block]:
    """The last section: the target definition, how ward and area values are made, each indicator's
    definition, unit, period, method and caveat, then the sources, licences and attribution."""
    blocks: list[Block] = [
        PageBreak(),
        Heading("Definitions, caveats and sources"),
        Heading("Target wards", 2),
        Paragraph(f"{view.targeting.label}. {view.definition}"),
        Paragraph("Residents are Census 2021 usual residents (ONS) of the Output Areas in each ward; a share of the "
                  "area is a share of its residents, areal-overlay wards left out so no one is counted twice."),
        Heading("How ward and area values are made", 2),
        Paragraph(WARD_VALUES),
        Paragraph(AREA_VALUES),
        Heading("Indicators", 2),
    ]
    for r in records:
        weight = f" weighted by {r.weight}" if r.weight else ""
        blocks += [
            Heading(f"{r.full_title}", 3),
            Paragraph(r.definition),
            Paragraph(f"Unit: {r.unit}. Period: {r.period}. Published for: {r.source_geography}; ward value: "
                      f"{r.method} — {r.method_note} Area value: {r.aggregation}{weight}. Higher is "
                      f"{'worse' if r.higher_is_worse else 'better'}. Source: {r.source.dataset}, {r.source.publisher} "
                      f"({r.source.licence}).", size="small"),
            Paragraph(f"Caveat: {r.caveat}" + (f" Coverage: {r.coverage_note}" if r.coverage_note else ""),
                      size="small"),
        ]
    sources = list(dict.fromkeys([*ALWAYS, *(r.source for r in records)]))
    blocks += [
        Heading("Sources and licences", 2),
        Bullets(tuple(f"{s.dataset} — {s.publisher}, {s.licence}." + (f" {s.url}" if s.url else "")
                      for s in sources), size="small"),
        Heading("Attribution", 2),
        *(Paragraph(text) for text in attribution_texts(sources)),
    ]
    return blocks
