"""The ward layer as the browser gets it: an area's geometry encoded once, and the payload with named fields.

:func:`prepare_area` encodes an area's ward polygons and LAD boundaries once (cache it on the
area id). :func:`layer_payload` turns the classified colours, target wards and flag outlines
into a :class:`MapPayload` (named fields, sent as JSON), which the app's own script
``static/wardlens/wardlens.js`` draws (:mod:`layers.mapview` sends it with the area's frame). The
web map's line colours and widths are declared here, for the static map to draw the same.

Every text that reaches the browser (ward and LAD names, labels, legend) is HTML-escaped here
(:func:`escape_for_browser`).
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from functools import cached_property

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.areas import lad_outlines, outline_lines
from geo.bestfit import OVERLAY
from layers.indicator import Indicator
from layers.mapdata import encode_geometries
from layers.style import SUPPRESSED_FILL, Legend

#: Decimal places of the coordinates sent to the browser, by boundary level: 1e-4 degrees is
#: about 11 m north-south (an ICB map), 1e-3 about 110 m (all England at zoom 6-8).
PRECISION = {"icb": 4, "england": 3}

#: Styles of the outlines drawn for flag overlays, given out in order to the flags shown.
FLAG_OUTLINES = (("#0571b0", "6 4"), ("#1b7837", "2 4"), ("#762a83", "8 3 2 3"))


@dataclass(frozen=True)
class LineWeights:
    """Stroke widths in pixels: thinner on the all-England map, where 6,826 wards share the screen."""

    ward: float
    target: float
    flag: float
    lad: float
    selected: float


#: Stroke widths by boundary level.
LINE_WEIGHTS = {"icb": LineWeights(ward=0.6, target=2.4, flag=2.2, lad=1.3, selected=3.0),
                "england": LineWeights(ward=0.12, target=0.9, flag=0.9, lad=0.45, selected=2.5)}

TARGET_OUTLINE = "#000000"
SELECTED_OUTLINE = "#00c8ff"
LAD_LINE = "#3c3c3c"
#: Zoom level from which ward names are written on the map.
WARD_LABEL_ZOOM = 12

#: Fills that are SVG patterns (defined once a page by wardlens.js), and the CSS background that
#: draws the same hatch in the legend; plain colours are their own swatch.
SWATCHES = {SUPPRESSED_FILL: "repeating-linear-gradient(45deg,#737373 0 1.6px,#f7f7f7 1.6px 5px)"}


@dataclass(frozen=True)
class AreaGeometry:
    """An area's ward shapes, local authority borders and place names, encoded for the browser once.

    ``codes``: ward codes in drawing order; ``shapes``: one JSON fragment per ward (same
    order); ``points``: a [lat, lng] inside each ward (for its name at close zoom);
    ``lad_lines``: JSON fragments of the borders between the area's local authorities and its
    outline; ``lad_labels``: (name, lat, lng) of each local authority's part of the area;
    ``bounds``: [[south, west], [north, east]] in degrees; ``precision``: decimal places of the
    encoding; ``level``: the boundary level ("icb" or "england"), which also sets the stroke widths.
    """

    codes: tuple[str, ...]
    shapes: tuple[str, ...]
    points: tuple[tuple[float, float], ...]
    lad_lines: tuple[str, ...]
    lad_labels: tuple[tuple[str, float, float], ...]
    bounds: tuple[tuple[float, float], tuple[float, float]]
    precision: int
    level: str

    @property
    def nbytes(self) -> int:
        return sum(map(len, self.shapes)) + sum(map(len, self.lad_lines))


def _lat_lng(points: np.ndarray, precision: int) -> list[tuple[float, float]]:
    xy = shapely.get_coordinates(points)
    return [(round(float(y), precision), round(float(x), precision)) for x, y in xy]


def prepare_area(shapes: gpd.GeoDataFrame, lad_names: pd.Series, level: str) -> AreaGeometry:
    """Encode one area's polygons (``shapes``, EPSG:4326, indexed by code), the borders of the local
    authorities they lie in (``lad_names``: each polygon's LAD name) and the places' names.

    Borders and names are those of the LADs' parts in the area (:func:`geo.areas.lad_outlines`),
    so a LAD only partly in an ICB is outlined only where it is in it. ``level``: a key of
    :data:`PRECISION`.
    """
    if shapes.empty:
        raise ValueError("the area has no shapes to draw")
    precision = PRECISION[level]
    west, south, east, north = (float(v) for v in shapes.total_bounds)
    outlines = lad_outlines(shapes, lad_names)
    labels = _lat_lng(outlines["label"].to_numpy(), precision)
    return AreaGeometry(
        codes=tuple(map(str, shapes.index)),
        shapes=tuple(encode_geometries(shapes.geometry.values, precision)),
        points=tuple(_lat_lng(shapely.point_on_surface(shapes.geometry.to_numpy()), precision)),
        lad_lines=tuple(encode_geometries(np.array([outline_lines(outlines)]), precision)),
        lad_labels=tuple((name, lat, lng) for name, (lat, lng) in zip(outlines.index, labels)),
        bounds=((south, west), (north, east)),
        precision=precision,
        level=level,
    )


def escape_for_browser(text: object) -> str:
    """HTML-escape a data text for the browser."""
    return html.escape(str(text), quote=True)


@dataclass(frozen=True)
class Outline:
    """An outline overlay over some wards: a legend label and which wards (bool Series by ward_code)."""

    label: str
    wards: pd.Series
    colour: str = TARGET_OUTLINE
    dash: str = ""


def flag_outlines(flags: Sequence[tuple[Indicator, pd.Series]]) -> list[Outline]:
    """Outlines for flag layers (``kind="flag"``): the wards whose flag is set, each flag styled
    in turn from :data:`FLAG_OUTLINES`."""
    styles = [FLAG_OUTLINES[i % len(FLAG_OUTLINES)] for i in range(len(flags))]
    return [Outline(label=record.title, wards=(values > 0).fillna(False), colour=colour, dash=dash)
            for (record, values), (colour, dash) in zip(flags, styles)]


@dataclass(frozen=True)
class LegendRow:
    """One legend entry: fill colour, label, number of areas, and the CSS swatch that draws it."""

    colour: str
    label: str
    count: int
    swatch: str


@dataclass(frozen=True)
class LegendData:
    """The legend as the browser draws it; ``target`` labels the target outline ("" for none)."""

    title: str
    unit: str
    scheme: str
    entries: tuple[LegendRow, ...]
    target: str
    note: str = ""
    target_colour: str = TARGET_OUTLINE


@dataclass(frozen=True)
class OutlineData:
    """A flag overlay as the browser draws it: label, line colour and dash, and the areas (indices)."""

    label: str
    colour: str
    dash: str
    wards: tuple[int, ...]


@dataclass(frozen=True)
class MapPayload:
    """The ward layer as the browser gets it (``static/wardlens/wardlens.js`` reads these names).

    Per area, in ``AreaGeometry.codes`` order: ``fills`` (colour), ``names``, ``points`` (where
    the name goes at close zoom), ``lad_of`` (index into ``lad_names``, -1 for none), ``values``
    (the value as text; ``no_data`` is the text of a ward without one, shown without the unit),
    ``notes`` (extra tooltip lines, or empty); ``targets`` and ``overlay``
    are indices of the target wards and of the areal-overlay wards. ``shapes`` are the encoded polygons (:mod:`layers.mapdata`) at
    ``factor`` = 10 ** precision. Texts are HTML-escaped.
    """

    factor: int
    fills: tuple[str, ...]
    names: tuple[str, ...]
    points: tuple[tuple[float, float], ...]
    lad_names: tuple[str, ...]
    lad_of: tuple[int, ...]
    values: tuple[str, ...]
    notes: tuple[str, ...]
    targets: tuple[int, ...]
    overlay: tuple[int, ...]
    noun: str
    label: str
    unit: str
    no_data: str
    warning: str
    outlines: tuple[OutlineData, ...]
    legend: LegendData
    style: dict[str, object]
    shapes: tuple[str, ...]

    @property
    def n_wards(self) -> int:
        return len(self.names)

    def to_json(self) -> str:
        """The payload as one JSON text (the encoded shapes spliced in as they are): made once, as the
        payload never changes (a published layer's is shared by every rerun of every session)."""
        return self._json

    @cached_property
    def _json(self) -> str:
        body = {k: v for k, v in asdict(self).items() if k != "shapes"}
        head = (json.dumps(body, separators=(",", ":"), ensure_ascii=False)
                .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))
        return head[:-1] + ',"shapes":[' + ",".join(self.shapes) + "]}"

    @property
    def nbytes(self) -> int:
        return len(self.to_json().encode("utf-8"))


def layer_payload(geometry: AreaGeometry, wards: pd.DataFrame, record: Indicator, value_text: pd.Series,
                  colour: pd.Series, legend: Legend, targets: pd.Series, target_label: str,
                  flags: Sequence[Outline] = (), notes: pd.Series | None = None, noun: str = "wards") -> MapPayload:
    """Assemble the layer's payload.

    ``wards``: the register rows (``ward_name``, ``lad_name``, ``method_flag``) indexed by code;
    ``value_text`` and ``colour``: the value as shown and the fill per area; ``targets``: bool per
    area; ``flags``: outline overlays. Areas are sent in ``geometry.codes`` order; only what the
    tooltip and styling need is sent.

    Other polygons with a code work the same way (e.g. MSOAs, :mod:`layers.msoa_view`):
    ``notes`` adds text per polygon to its tooltip (newlines break the line), ``noun`` heads the
    legend's counts, and an empty ``target_label`` leaves the outline out of the legend.
    """
    codes = pd.Index(geometry.codes)
    reg = wards.reindex(codes)
    lad_names = sorted(reg["lad_name"].dropna().astype(str).unique())
    lad_index = {name: i for i, name in enumerate(lad_names)}

    def indices(mask: pd.Series) -> tuple[int, ...]:
        hit = mask.reindex(codes, fill_value=False).fillna(False).astype(bool).to_numpy()
        return tuple(np.flatnonzero(hit).tolist())

    return MapPayload(
        factor=10 ** geometry.precision,
        fills=tuple(colour.reindex(codes).fillna(legend.no_data.colour)),
        names=tuple(escape_for_browser(n) for n in reg["ward_name"].fillna(pd.Series(codes, index=codes))),
        points=geometry.points,
        lad_names=tuple(escape_for_browser(n) for n in lad_names),
        lad_of=tuple(lad_index.get(str(n), -1) for n in reg["lad_name"]),
        values=tuple(escape_for_browser(t) for t in value_text.reindex(codes).fillna(record.format_value(None))),
        notes=() if notes is None else tuple(escape_for_browser(t).replace("\n", "<br>") for t in notes.reindex(codes).fillna("")),
        targets=indices(targets),
        overlay=indices(reg["method_flag"] == OVERLAY),
        noun=escape_for_browser(noun),
        label=escape_for_browser(legend.title),
        unit=escape_for_browser(record.unit),
        no_data=escape_for_browser(record.format_value(None)),
        warning=escape_for_browser(record.warning),
        outlines=tuple(OutlineData(escape_for_browser(o.label), o.colour, o.dash, indices(o.wards)) for o in flags),
        legend=LegendData(
            title=escape_for_browser(legend.title), unit=escape_for_browser(legend.unit), scheme=escape_for_browser(legend.scheme),
            entries=tuple(LegendRow(e.colour, escape_for_browser(e.label), e.count, SWATCHES.get(e.colour, e.colour))
                          for e in (*legend.entries, *filter(None, [legend.suppressed]), legend.no_data)),
            target=escape_for_browser(target_label), note=escape_for_browser(legend.note)),
        style={"selected": SELECTED_OUTLINE, "target": TARGET_OUTLINE, "label_zoom": WARD_LABEL_ZOOM,
               "weights": vars(LINE_WEIGHTS[geometry.level]).copy()},
        shapes=geometry.shapes,
    )
