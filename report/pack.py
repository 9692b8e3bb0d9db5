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
   and England for the main indicators (:data:`report.pack_comparison.COMPARISON`), computed by
   WardLens from ward values; beside them MHCLG's published IMD average score of the local
   authority and the ICB.
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

This module makes the cover and the map page and puts the pack together; the other sections
are built in their own modules: :mod:`report.pack_list` (target wards),
:mod:`report.pack_comparison`, :mod:`report.pack_goal`, :mod:`report.pack_profile` (ward
profiles) and :mod:`report.pack_definitions` (definitions, caveats and sources).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

import geopandas as gpd
import pandas as pd

from geo.areas import Area
from layers.goalview import GoalView
from layers.indicator import Indicator
from layers.profile import Published
from layers.view import Catalogue, LayerView, layer_view
from report.document import Block, Bullets, Document, Heading, Image, KeyFigure, KeyFigures, Note, PageBreak, Table
from report.mapspec import map_alt, map_spec, records_of, vintage_rows
from report.pack_comparison import comparison_page, comparison_sources
from report.pack_definitions import definitions_page
from report.pack_goal import goal_page
from report.pack_list import target_list_page
from report.pack_profile import profile_page
from report.staticmap import render_map

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
    return [PageBreak("landscape"), Heading(f"Map: {view.record.full_title}"),
            Image(png, alt=map_alt(view), height=0.92)]


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

    blocks: list[Block] = [*_cover(view, records, contents), *_map_page(view, png), *target_list_page(view),
                           *comparison_page(view, catalogue, register, official)]
    if goal is not None:
        blocks += goal_page(goal)
    blocks += [block for _, page in extra for block in page]
    for ward in wards:
        blocks += profile_page(view, catalogue, register, ward, official)
    blocks += definitions_page(view, records)
    return Document(title=pack_title(area), date=generated, blocks=tuple(blocks),
                    subtitle=f"Place pack · {view.record.full_title} · {view.targeting.short}",
                    author=f"WardLens {version}")


__all__ = ["file_stem", "pack_title", "place_pack", "slug"]
