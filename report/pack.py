"""The place pack: one PDF of an area or place for a Health and Wellbeing Board, from the app's own views.

:func:`place_pack` turns one view of the app -- area or place, layer, classification,
targeting definition, flags -- and the wards the user picked into a
:class:`report.document.Document`:

1. **Cover**: the area, the date, the key figures of the target wards, what the pack holds and
   the data vintages.
2. **Map** (landscape): the static map of the view (:mod:`report.mapspec`, the web map's
   colours and legend).
3. **Target wards**: the full ranked list, every row, with residents and the key indicators,
   and each column's period and caveat.
4. **Comparison** (landscape): the target wards against the rest of the area, the place, the ICB
   and England for the main indicators (:data:`COMPARISON`), computed by WardLens from ward
   values; beside them MHCLG's published IMD average score of the local authority and the ICB.
5. **Goal** (when one is given): cohort, baseline, target, people, detectability and the SII,
   from :func:`layers.goalview.goal_view`.
6. **Ward profiles**: a page per ward picked, from :func:`layers.profile.ward_profile`.
7. **Definitions, caveats and sources**, with the attribution the licences ask for.

Every number comes from the functions the app shows it with -- :func:`layers.view.layer_view`
(list, coverage, colours), :func:`layers.source.area_value_of` and
:func:`layers.profile.area_text` (area values), :func:`layers.profile.ward_profile`,
:meth:`layers.view.LayerView.status`, :func:`layers.goalview.goal_view` -- so the pack and the app
show the same numbers for the same view. A layer's suppressed small counts read ``"<5"`` in
every table (:class:`layers.source.Suppression`), never the hidden number. Pure: the caller
passes the data in (the app its session's catalogue, uploads included; the command line the
published one) and renders the document with :func:`report.document.render_pdf`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence

import geopandas as gpd
import pandas as pd

from geo.areas import Area, icb_short_name
from geo.bestfit import OVERLAY
from layers.goalview import GoalView
from layers.indicator import Indicator
from layers.profile import PUBLISHED_MARK, Published, area_text, ward_profile
from layers.source import LayerSource, area_value_of
from layers.sources import attribution_texts
from layers.targets import TARGETINGS
from layers.view import Catalogue, LayerView, layer_view
from report.document import (Block, Bullets, Document, Heading, Image, Keep, KeyFigure, KeyFigures, Note, PageBreak,
                             Paragraph, Table)
from report.mapspec import classes_text, coverage_text, map_alt, map_spec, records_of, vintage_rows
from report.staticmap import render_map

#: The main indicators of the comparison page, in the order it lists them (after the layer shown
#: and the list's own columns): deprivation and its domains, health, long-term conditions, children.
COMPARISON: tuple[str, ...] = (
    "imd_score_2025", "core20_share_2025", "income_score_2025", "employment_score_2025", "health_score_2025",
    "le_male_2016_20", "le_female_2016_20", "emergency_admissions_2025", "bad_health_2021", "disabled_pct_2021",
    "cidr_2025", "child_low_income_pct_fye2025", "idaci_decile1_share_2025",
)

#: How the pack says where the ward values come from (the Methods tab, in short).
WARD_VALUES = (
    "Most indicators are published for small areas (LSOAs or MSOAs), not wards. Every Census 2021 Output Area is "
    "placed in the 2025 ward holding its population-weighted centroid (ONS's best-fit method), and an LSOA's value "
    "counts towards each ward with the residents of its Output Areas there. A few very small wards hold no Output "
    "Area: they take the values of the areas they overlap (areal overlay), are listed, and are left out of totals "
    "because their residents are counted in a best-fit ward.")
AREA_VALUES = (
    "Area values (the target wards, the rest of the area, the place, the ICB and England) are computed by "
    "WardLens from ward values: a weighted mean over best-fit wards with Census 2021 residents as weights (or the "
    "weight each indicator names), a sum for counts, the share of wards for flags. They can differ slightly from "
    "figures published for local authorities or ICBs.")
SAME_NUMBERS = (
    "Every figure in this pack comes from the same functions as the WardLens app for the same view (area, layer, "
    "classification and targeting definition), so the pack and the app show the same numbers. Ward values are "
    "estimates made from small-area open data: read each with its period and caveat.")


# --- small helpers ------------------------------------------------------------------------------------

def slug(text: str) -> str:
    """``"Blackburn with Darwen"`` -> ``"blackburn-with-darwen"`` (for file names)."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "area"


def file_stem(area: Area, layer: str, targeting: str) -> str:
    """The file name (without suffix) of a view's map or pack: the area's name and code, the layer and
    the targeting definition, e.g. ``wardlens_blackpool_E06000009_imd_score_2025_imd10``."""
    name = slug(area.name.split(" (")[0])
    code = f"_{area.lad or area.icb}" if area.icb else ""
    return f"wardlens_{name}{code}_{slug(layer).replace('-', '_')}_{targeting}"


def _printf(fmt: str, value: object) -> str:
    """A target-list cell as the app's grid prints it (:class:`layers.export.TargetTable` formats)."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "no data"
    if isinstance(value, str):
        return value  # a suppressed count's label ("<5")
    return f"{value:,.0f}" if fmt == "localized" else fmt % value


def _hidden_label(source: LayerSource, ward: str) -> str | None:
    """``"<5"`` when ``ward``'s value of ``source`` is a suppressed small count, else None."""
    hidden = source.suppression
    if hidden is not None and bool(hidden.hidden(pd.Index([ward])).iloc[0]):
        return hidden.label
    return None


def _name(record: Indicator) -> str:
    """``"Life expectancy at birth, males (ranking estimate)"``; the edition added when the title lacks it."""
    return record.title if record.variant in record.title else f"{record.title} ({record.variant})"


def caveat_lines(records: Sequence[Indicator]) -> list[str]:
    """Each distinct caveat once, after the indicators it applies to and their periods:
    ``"Asthma, …; COPD, … (QOF 2017/18 or 2018/19 …): Modelled estimate, …"``."""
    by_caveat: dict[str, list[Indicator]] = {}
    for r in dict.fromkeys(records):
        by_caveat.setdefault(r.caveat, []).append(r)
    lines = []
    for caveat, group in by_caveat.items():
        periods = "; ".join(dict.fromkeys(r.period for r in group))
        lines.append(f"{'; '.join(_name(r) for r in group)}, {periods}: {caveat}")
    return lines


# --- pages -------------------------------------------------------------------------------------------

def _cover(view: LayerView, records: Sequence[Indicator], contents: list[str]) -> list[Block]:
    cov = view.coverage
    frame = pd.DataFrame(vintage_rows(records), columns=["Data", "Period"])
    return [
        KeyFigures((
            KeyFigure(f"{len(view.codes):,}", "wards in the area", "electoral wards, 2025 boundaries"),
            KeyFigure(f"{cov.wards:,}", "target wards", view.targeting.short),
            KeyFigure(f"{cov.population:,}", "residents in the target wards", "Census 2021 usual residents"),
            KeyFigure(f"{cov.share:.1%}", "of the area's residents", f"of {cov.area_population:,}"),
        )),
        Heading("In this pack"),
        Bullets(tuple(contents)),
        Note(SAME_NUMBERS, title="The same numbers as the app"),
        Heading("Data vintages"),
        Table(frame, caption="The data behind this pack and the period each describes", widths=(2, 3), size="small"),
    ]


def _map_page(view: LayerView, png: bytes) -> list[Block]:
    return [PageBreak("landscape"), Heading(f"Map: {view.record.title} ({view.record.variant})"),
            Image(png, alt=map_alt(view), height=0.92)]


#: Marks a ward valued by areal overlay in the printed lists.
OVERLAY_MARK = "†"
OVERLAY_NOTE = ("† Valued by areal overlay: a very small ward with no Output Area of its own, valued from the areas "
                "it overlaps; listed, but its residents are counted in a best-fit ward and not added to the totals.")


def target_list_frame(view: LayerView) -> pd.DataFrame:
    """The ranked target list as printed text, every row: rank, ward (marked † when valued by areal
    overlay), ward code, local authority, residents, then each key indicator in the app grid's
    format (:class:`layers.export.TargetTable`; a suppressed count reads ``"<5"``). The pack and
    the page's print view both print this."""
    table = view.table
    frame = table.frame
    overlay = frame["Values by"].eq(OVERLAY).to_numpy()
    out = pd.DataFrame({
        "Rank": frame["Rank"].astype(int).to_numpy(),
        "Ward": [f"{w} {OVERLAY_MARK}" if o else w for w, o in zip(frame["Ward"], overlay)],
        "Ward code": frame["Ward code"].to_numpy(),
        "Local authority": frame["Local authority"].to_numpy(),
        "Residents": [_printf("localized", v) for v in frame["Population (Census 2021)"]],
    })
    for name, header in _headers(view).items():
        out[header] = [_printf(table.formats[name].replace("%%", ""), v) for v in frame[name]]
    return out


def _headers(view: LayerView) -> dict[str, str]:
    """Each key indicator column of the list: its short heading, with (%) for percentages."""
    table = view.table
    return {name: short + (" (%)" if table.formats[name] == "%.1f%%" else "")
            for name, (short, _) in table.labels.items()}


def target_list_notes(view: LayerView) -> list[str]:
    """What the list's columns are -- unit, period and caveat of each -- and its table notes."""
    headers = _headers(view)
    notes = ["Residents: Census 2021 usual residents (ONS)."]
    notes += [f"{headers[n]}: {s.record.title} ({s.record.variant}), {s.record.unit}; {s.record.period}. "
              + (f"⚠ {s.record.warning} " if s.record.warning else "") + s.record.caveat
              for n, s in zip(headers, view.key_sources)]
    if view.table.frame["Values by"].eq(OVERLAY).any():
        notes.append(OVERLAY_NOTE)
    return [*notes, *view.table.notes]


def _target_list(view: LayerView) -> list[Block]:
    cov = view.coverage
    if not cov.wards:
        return [PageBreak(), Heading(f"Target wards: {view.targeting.short}"),
                Paragraph(f"No ward of {view.area.name} is a target ward under this definition. {view.definition}")]
    out = target_list_frame(view)
    numbers = ["Residents", *_headers(view).values()]
    return [
        PageBreak(),
        Heading(f"Target wards: {view.targeting.short}"),
        Paragraph(f"{cov.wards:,} wards holding {cov.population:,} of the area's {cov.area_population:,} Census 2021 "
                  f"usual residents ({cov.share:.1%}), ranked worst first (rank 1 = most disadvantaged). "
                  f"{view.definition}"),
        Table(out, caption=f"The {len(out):,} target wards of {view.area.name}, ranked",
              align={c: "right" for c in numbers},
              widths=(0.5, 2.3, 1.2, 2.5, 0.9, *(0.85,) * (len(out.columns) - 5)) if len(out.columns) <= 7 else
                     (0.5, 2.1, 1.25, 2.1, 0.9, *(1.1,) * (len(out.columns) - 5)),
              size="normal" if len(out.columns) <= 7 else "small"),  # three indicators: smaller type
        Bullets(tuple(target_list_notes(view)), size="small"),
    ]


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
        row = {"Theme": r.theme, "Indicator": f"{r.title} ({r.variant})", "Unit": r.unit, "Period": r.period}
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
    row = {"Theme": record.theme, "Indicator": f"{record.title} ({record.variant}): MHCLG published",
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


def _by_theme(records: Sequence[Indicator]) -> dict[str, list[Indicator]]:
    """``records`` grouped by theme, themes in order of first appearance."""
    groups: dict[str, list[Indicator]] = {}
    for r in records:
        groups.setdefault(r.theme, []).append(r)
    return groups


def _comparison(view: LayerView, catalogue: Catalogue, register: pd.DataFrame,
                official: Published | None) -> list[Block]:
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
    for theme, members in _by_theme(records).items():
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


def _goal(goal: GoalView) -> list[Block]:
    cohort, base, det, grad = goal.cohort.coverage, goal.baseline, goal.detectability, goal.gradient
    record = goal.record
    ci = (f"95% CI {goal.fmt(base.lower)} to {goal.fmt(base.upper)}" if base.has_interval
          else "no confidence interval")
    target = "no relative target" if math.isnan(goal.target) else goal.fmt(goal.target)
    verdict = {True: "Yes", False: "No", None: "Not known"}[det.detectable]
    figures = [
        KeyFigure(f"{cohort.wards:,}", "cohort wards" if not goal.within_place else "wards, within-place reading",
                  f"{cohort.population:,} residents, {cohort.share:.1%} of the area"),
        KeyFigure(goal.fmt(base.value), "baseline", f"{record.unit}; {ci}"),
        KeyFigure(target, f"target by {goal.goal.deadline:%B %Y}", f"{goal.change:+.0%}"),
        KeyFigure(verdict, "detectable by the deadline?",
                  f"smallest detectable change {abs(det.min_change):.1%}" if not math.isnan(det.min_change)
                  else "no counts to test with"),
    ]
    if grad is not None and not math.isnan(grad.sii):
        figures.append(KeyFigure(f"{grad.sii:,.3g}", f"SII ({grad.k} groups)",
                                 f"95% CI {grad.sii_lower:,.3g} to {grad.sii_upper:,.3g}"
                                 if not math.isnan(grad.sii_lower) else "no interval"))
    rows = [("The cohort", base), ("Rest of the area", goal.rest), ("England", goal.england)]
    estimates = pd.DataFrame({
        "Group": [name for name, _ in rows],
        "Value": [goal.fmt(e.value) for _, e in rows],
        "95% CI": [f"{goal.fmt(e.lower)} to {goal.fmt(e.upper)}" if e.has_interval else "–" for _, e in rows],
        "Interval": [e.method or "none" for _, e in rows],
        "Wards": [f"{e.n_wards:,}" for _, e in rows],
    })
    readings = goal.reading_table.assign(**{
        "Residents": [f"{int(v):,}" for v in goal.reading_table["Residents"]],
        "Share of area": [f"{v:.1%}" for v in goal.reading_table["Share of area"]],
        "Goal's cohort": ["yes" if v else "" for v in goal.reading_table["Goal's cohort"]],
    })
    people = goal.impact.text
    blocks: list[Block] = [
        PageBreak(),
        Heading(f"Goal: {goal.goal.title}"),
        Paragraph(f"Modelled with {record.title} ({record.variant}), {goal.period}; unit: {record.unit}. "
                  f"Source of the goal: {goal.goal.origin}."),
    ]
    if goal.goal.gap_note:
        blocks.append(Note(goal.goal.gap_note, title=f"The measure the goal names: {goal.goal.named_measure}"))
    blocks += [
        KeyFigures(tuple(figures)),
        Heading("Where the cohort starts", 2),
        Table(estimates, caption=f"{record.title} ({record.variant}), {goal.period}",
              align={"Value": "right", "95% CI": "right", "Wards": "right"}),
        Paragraph(goal.cohort_gap),
        Paragraph(f"In people: {people}" if not math.isnan(goal.impact.change) or not people.startswith("A score")
                  else people),
        Heading("Is the change detectable?", 2),
        Paragraph(det.text + (f" Data needed: {det.needs}" if det.detectable is None and det.needs else "")),
        Heading("The gradient across deprivation", 2),
        Paragraph(grad.text if grad is not None else "Too few wards to cut into deprivation groups."),
    ]
    if goal.scale_note:
        blocks.append(Paragraph(goal.scale_note))
    blocks += [
        Heading("Who is in the cohort", 2),
        Paragraph(goal.cohort.targeting.describe(record) + " " + goal.imd_edition[0].upper()
                  + goal.imd_edition[1:] + "."),
        Table(readings, caption="Readings of “the most disadvantaged wards” for this area",
              align={"Residents": "right", "Share of area": "right"}),
        Heading("Notes on the goal", 2),
        Bullets(tuple([*(n for n in goal.notes if not (goal.goal.gap_note and goal.goal.gap_note in n)),
                       *([grad.note] if grad is not None else [])]), size="small"),
    ]
    return blocks


def _profile(view: LayerView, catalogue: Catalogue, register: pd.DataFrame, ward: str,
             official: Published | None) -> list[Block]:
    sources = list(catalogue.values())
    profile = ward_profile(sources, register, ward, official)
    for i, source in enumerate(sources):
        label = _hidden_label(source, ward)
        if label:
            profile.at[i, "Ward"] = label
    row = register.loc[ward]
    name = str(row["ward_name"])
    method = ("values by areal overlay: a very small ward with no Output Area of its own, valued from the areas it "
              "overlaps" if row["method_flag"] == OVERLAY else "values from its best-fit small areas")
    status = view.status(ward)
    frame = pd.DataFrame({
        "Indicator": profile["Indicator"] + " (" + profile["Edition"] + ")",
        "Unit": profile["Unit"],
        name: profile["Ward"],
        "Local authority": profile["Local authority"],
        "ICB": profile["ICB"],
        "England": profile["England"],
        "Rank in ICB": profile["Rank in ICB (1 = worst)"],
        "Period": profile["Period"],
    })
    numbers = (name, "Local authority", "ICB", "England", "Rank in ICB")
    blocks: list[Block] = [
        PageBreak(),
        Heading(f"Ward profile: {name}"),
        Paragraph(f"{row['lad_name']} · {icb_short_name(str(row['icb_name']))} · ward code {ward} · "
                  f"{int(row['population']):,} residents (Census 2021) · {method}."),
        Paragraph("Target ward? " + " · ".join(f"{TARGETINGS[t].short}: {s}" for t, s in status.items())),
    ]
    themes = [s.record.theme for s in sources]
    for theme, members in _by_theme([s.record for s in sources]).items():
        rows = frame[[t == theme for t in themes]]
        blocks.append(Keep((
            Heading(theme, 2),
            Table(rows, caption=f"{name}: {theme.lower()} beside its local authority, ICB and England (rank among "
                                f"the ICB's wards with a value, 1 = worst; “{PUBLISHED_MARK.strip(' ·')}”: MHCLG's "
                                "published figure)",
                  align={c: "right" for c in numbers}, widths=(2.3, 1.1, 0.9, 0.95, 0.9, 0.9, 0.95, 1.6),
                  size="small"),
            Bullets(tuple(caveat_lines(members)), size="small"),
        )))
    return blocks


def _definitions(view: LayerView, records: Sequence[Indicator]) -> list[Block]:
    blocks: list[Block] = [
        PageBreak(),
        Heading("Definitions, caveats and sources"),
        Heading("Target wards", 2),
        Paragraph(f"{view.targeting.label}. {view.definition}"),
        Paragraph("Residents are Census 2021 usual residents (ONS); a share of the area is a share of its residents "
                  "in best-fit wards, so no one is counted twice."),
        Heading("How ward and area values are made", 2),
        Paragraph(WARD_VALUES),
        Paragraph(AREA_VALUES),
        Heading("Indicators", 2),
    ]
    for r in records:
        weight = f" weighted by {r.weight}" if r.weight else ""
        blocks += [
            Heading(f"{r.title} ({r.variant})", 3),
            Paragraph(r.definition),
            Paragraph(f"Unit: {r.unit}. Period: {r.period}. Published for: {r.source_geography}; ward value: "
                      f"{r.method} — {r.method_note} Area value: {r.aggregation}{weight}. Higher is "
                      f"{'worse' if r.higher_is_worse else 'better'}. Source: {r.source.dataset}, {r.source.publisher} "
                      f"({r.source.licence}).", size="small"),
            Paragraph(f"Caveat: {r.caveat}" + (f" Coverage: {r.coverage_note}" if r.coverage_note else ""),
                      size="small"),
        ]
    sources = list(dict.fromkeys(r.source for r in records))
    blocks += [
        Heading("Sources and licences", 2),
        Bullets(tuple(f"{s.dataset} — {s.publisher}, {s.licence}." + (f" {s.url}" if s.url else "")
                      for s in sources), size="small"),
        Heading("Attribution", 2),
        *(Paragraph(text) for text in attribution_texts(sources)),
    ]
    return blocks


# --- the pack ----------------------------------------------------------------------------------------

def pack_title(area: Area) -> str:
    """The document's title: ``"Lancashire and South Cumbria ICB: health inequality by ward"``."""
    return f"{area.name}: health inequality by ward"


def place_pack(catalogue: Catalogue, register: pd.DataFrame, area: Area, layer: str, scheme: str | None,
               targeting: str, flags: Sequence[str] = (), wards: Sequence[str] = (), *,
               shapes: gpd.GeoDataFrame, official: Published | None = None, goal: GoalView | None = None,
               generated: dt.date, version: str, extra: Sequence[tuple[str, Sequence[Block]]] = ()) -> Document:
    """The place pack of one view (see the module docstring), ready for :func:`report.document.render_pdf`.

    ``catalogue``: every layer by id (the app's session catalogue, uploads included, or the
    published one); ``register``: the ward table indexed by ward_code; ``area``, ``layer``,
    ``scheme``, ``targeting``, ``flags``: the view, as :func:`layers.view.layer_view` takes it;
    ``wards``: ward codes of the area to give a profile page each (in that order); ``shapes``:
    ward polygons covering the area (for the map); ``official``: MHCLG's published LAD and ICB
    summaries (:class:`layers.profile.Published`), or None to leave that row out;
    ``goal``: a goal modelled over the area (:func:`layers.goalview.goal_view`), or None for no
    goal page; ``extra``: more pages after the goal's, each ``(line for "In this pack", blocks)``
    (e.g. :func:`report.track.tracking_pages`); ``generated``: the pack's date (cover, footers, PDF
    metadata: the same inputs and date give the same bytes); ``version``: the WardLens version. Raises ``ValueError`` for a
    ward not in the area or a goal over another area.
    """
    view = layer_view(catalogue, register, area, layer, scheme, targeting, flags)
    outside = [w for w in wards if w not in view.codes]
    if outside:
        raise ValueError(f"ward(s) {outside} are not in {area.name}: pick wards of the area for their profiles")
    if goal is not None and goal.area.key != area.key:
        raise ValueError(f"the goal was modelled for {goal.area.name}, not {area.name}")
    wards = list(dict.fromkeys(wards))
    spec = map_spec(view, shapes, register, generated=generated, version=version)
    png = render_map(spec, fmt="png", size="a4")

    records: list[Indicator] = records_of(view)
    records += [s.record for s in comparison_sources(view, catalogue)]
    if goal is not None:
        records += list(goal.sources)
    if wards:
        records += [s.record for s in catalogue.values()]
    records = list(dict.fromkeys(records))

    contents = [
        "Map of the layer with the target wards outlined (landscape).",
        (f"Target wards: all {view.coverage.wards:,}, ranked, with residents and the key indicators."
         if view.coverage.wards else "Target wards: none in this area under this definition."),
        "Comparison: the target wards against the rest of the area, the ICB and England.",
    ]
    if goal is not None:
        contents.append(f"Goal: {goal.goal.title} — cohort, baseline, target, detectability and SII.")
    contents += [line for line, _ in extra]
    if wards:
        contents.append("Ward profiles: " + ", ".join(str(register.at[w, "ward_name"]) for w in wards) + ".")
    contents.append("Definitions, caveats, sources and attribution.")

    blocks: list[Block] = [*_cover(view, records, contents), *_map_page(view, png), *_target_list(view),
                           *_comparison(view, catalogue, register, official)]
    if goal is not None:
        blocks += _goal(goal)
    blocks += [block for _, page in extra for block in page]
    for ward in wards:
        blocks += _profile(view, catalogue, register, ward, official)
    blocks += _definitions(view, records)
    return Document(title=pack_title(area), date=generated, blocks=tuple(blocks),
                    subtitle=f"Place pack · {view.record.title} ({view.record.variant}) · {view.targeting.short}",
                    author=f"WardLens {version}")


__all__ = ["COMPARISON", "comparison_groups", "comparison_sources", "comparison_table", "file_stem", "pack_title",
           "place_pack", "slug", "target_list_frame", "target_list_notes"]
