"""The folium map: a base map that changes only with the area, a ward layer, and the selected ward.

:func:`prepare_area` encodes an area's ward polygons and LAD boundaries once (cache it on the
area id). :func:`layer_payload` turns the classified colours, target wards and flag outlines
into a :class:`MapPayload` (named fields, sent as JSON), which the app's own script
``static/wardlens/wardlens.js`` draws as the choropleth, the outlines and the legend
(:class:`WardLayer`). The selected ward is its own small layer (:class:`SelectedWard`), so
moving the selection never resends the polygons. :func:`base_map` draws the area frame: no
basemap tiles by default (the app works offline), Leaflet and the app's script and styles
from its own static files, LAD boundaries on top.

The parts are separate so that streamlit-folium can swap the ward layer in place
(``feature_group_to_add``) without reloading the map, keeping the user's pan and zoom; for a
standalone HTML page, :func:`standalone` puts them together.

Every text that reaches the browser (ward and LAD names, labels, legend) is HTML-escaped here.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement
from folium.template import Template

from geo.areas import lad_outlines, outline_lines
from geo.bestfit import OVERLAY
from layers.indicator import Indicator
from layers.mapdata import encode_geometries
from layers.style import SUPPRESSED_FILL, Legend

#: Decimal places of the coordinates sent to the browser, by boundary level: 1e-4 degrees is
#: about 11 m north-south (an ICB map), 1e-3 about 110 m (all England at zoom 6-8).
PRECISION = {"icb": 4, "england": 3}

#: Where the app serves ./static (Streamlit static serving, see ui/assets.py): Leaflet under
#: ``vendor/leaflet``, the app's own map script and styles under ``wardlens``.
DEFAULT_STATIC_BASE = "/app/static"

#: Map panes above the ward fills (overlayPane, z-index 400), none catching the mouse.
PANES = (("lads", 410), ("flags", 420), ("targets", 430), ("selected", 440))

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
#: Pixels kept free on the right and bottom when fitting the map to the area (the legend's room).
LEGEND_CLEARANCE = (250, 10)
#: Zoom levels from which local authority names and ward names are written on the map.
LAD_LABEL_ZOOM = {"icb": 7, "england": 8}
WARD_LABEL_ZOOM = 12

#: Fills that are SVG patterns (defined once a page by wardlens.js), and the CSS background that
#: draws the same hatch in the legend; plain colours are their own swatch.
SWATCHES = {SUPPRESSED_FILL: "repeating-linear-gradient(45deg,#737373 0 1.6px,#f7f7f7 1.6px 5px)"}

OPENSTREETMAP_ATTRIBUTION = ('&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> '
                             "contributors")


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


def _esc(text: object) -> str:
    """HTML-escape a data text for the browser (``{`` too: folium re-reads scripts as Jinja templates)."""
    return html.escape(str(text), quote=True).replace("{", "&#123;")


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
    (the value as text), ``notes`` (extra tooltip lines, or empty); ``targets`` and ``overlay``
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
    warning: str
    outlines: tuple[OutlineData, ...]
    legend: LegendData
    style: dict[str, object]
    shapes: tuple[str, ...]

    @property
    def n_wards(self) -> int:
        return len(self.names)

    def to_json(self) -> str:
        """The payload as one JSON text (the encoded shapes spliced in as they are)."""
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
        names=tuple(_esc(n) for n in reg["ward_name"].fillna(pd.Series(codes, index=codes))),
        points=geometry.points,
        lad_names=tuple(_esc(n) for n in lad_names),
        lad_of=tuple(lad_index.get(str(n), -1) for n in reg["lad_name"]),
        values=tuple(_esc(t) for t in value_text.reindex(codes).fillna(record.format_value(None))),
        notes=() if notes is None else tuple(_esc(t).replace("\n", "<br>") for t in notes.reindex(codes).fillna("")),
        targets=indices(targets),
        overlay=indices(reg["method_flag"] == OVERLAY),
        noun=_esc(noun),
        label=_esc(legend.title),
        unit=_esc(record.unit),
        warning=_esc(record.warning),
        outlines=tuple(OutlineData(_esc(o.label), o.colour, o.dash, indices(o.wards)) for o in flags),
        legend=LegendData(
            title=_esc(legend.title), unit=_esc(legend.unit), scheme=_esc(legend.scheme),
            entries=tuple(LegendRow(e.colour, _esc(e.label), e.count, SWATCHES.get(e.colour, e.colour))
                          for e in (*legend.entries, *filter(None, [legend.suppressed]), legend.no_data)),
            target=_esc(target_label), note=_esc(legend.note)),
        style={"selected": SELECTED_OUTLINE, "target": TARGET_OUTLINE, "label_zoom": WARD_LABEL_ZOOM,
               "weights": vars(LINE_WEIGHTS[geometry.level]).copy()},
        shapes=geometry.shapes,
    )


class WardLayer(MacroElement):
    """The choropleth, target and flag outlines and legend, as one Leaflet layer drawn by
    ``WardLens.wardLayer`` (static/wardlens/wardlens.js). Add it to a :class:`folium.FeatureGroup`;
    removing the group removes the legend too."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = WardLens.wardLayer({{ this.payload }});
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, payload: MapPayload) -> None:
        super().__init__()
        self._name = "WardLayer"
        self.payload = payload.to_json()


class SelectedWard(MacroElement):
    """The selected ward's outline (``index`` into the ward layer's areas; -1 for none) as its own
    small layer, drawn by ``WardLens.selectedLayer``. ``seq`` numbers selections made outside the
    map, so choosing the same ward again from the list still redraws it."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = WardLens.selectedLayer({{ this.index }}, {{ this.seq }});
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, index: int, seq: int = 0) -> None:
        super().__init__()
        self._name = "SelectedWard"
        self.index, self.seq = int(index), int(seq)


class EncodedLines(MacroElement):
    """LAD boundaries decoded from polylines, drawn as thin dark lines in the ``lads`` pane
    (``WardLens.ladLines``)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = WardLens.ladLines({{ this.lines }}, {{ this.factor }},
                                                      {{ this.colour|tojson }}, {{ this.weight }});
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, fragments: Sequence[str], precision: int, colour: str = LAD_LINE, weight: float = 1.3) -> None:
        super().__init__()
        self._name = "EncodedLines"
        self.weight = weight
        self.lines = "[" + ",".join(fragments) + "]"
        self.factor = 10 ** precision
        self.colour = colour


class PlaceNames(MacroElement):
    """Local authority names at their part of the area (``WardLens.placeNames``), from ``min_zoom``;
    names that would overlap a bigger place's are left out at that zoom."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        WardLens.placeNames({{ this._parent.get_name() }}, {{ this.labels }}, {{ this.min_zoom }});
        {% endmacro %}
    """)

    def __init__(self, labels: Sequence[tuple[str, float, float]], min_zoom: int) -> None:
        super().__init__()
        self._name = "PlaceNames"
        self.labels = json.dumps([[_esc(n), lat, lng] for n, lat, lng in labels], ensure_ascii=False)
        self.min_zoom = int(min_zoom)


class TileNotice(MacroElement):
    """Says on the map when the OpenStreetMap background cannot load (offline), instead of failing silently."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        WardLens.tileNotice({{ this._parent.get_name() }}, {{ this.tiles }});
        {% endmacro %}
    """)

    def __init__(self, tiles: folium.TileLayer) -> None:
        super().__init__()
        self._name = "TileNotice"
        self.tiles = tiles.get_name()


def base_map(geometry: AreaGeometry, *, lad_boundaries: bool = True, tiles: bool = False,
             static_base: str = DEFAULT_STATIC_BASE) -> folium.Map:
    """The map frame for one area: fitted to it, panes for the outlines, LAD boundaries.

    ``tiles``: add OpenStreetMap tiles (needs the internet); without them the map has a plain
    background and works offline. ``static_base``: the URL of the app's static folder --
    folium's CDN links (Leaflet, jQuery, Bootstrap, Font Awesome) are replaced by Leaflet and
    the app's map script and styles from there, the only files this map needs.
    """
    m = folium.Map(location=_centre(geometry), zoom_start=9, tiles=None, control_scale=True,
                   zoom_snap=0.25, zoom_delta=0.5, min_zoom=5, max_zoom=16)
    m.default_js = [("leaflet", f"{static_base}/vendor/leaflet/leaflet.js"),
                    ("wardlens", f"{static_base}/wardlens/wardlens.js")]
    m.default_css = [("leaflet_css", f"{static_base}/vendor/leaflet/leaflet.css"),
                     ("wardlens_css", f"{static_base}/wardlens/wardlens.css")]
    if tiles:
        basemap = folium.TileLayer("OpenStreetMap", attr=OPENSTREETMAP_ATTRIBUTION, max_zoom=19, opacity=0.55)
        basemap.add_to(m)
        TileNotice(basemap).add_to(m)
    for name, z in PANES:
        folium.map.CustomPane(name, z_index=z, pointer_events=False).add_to(m)
    if lad_boundaries and geometry.lad_lines:
        EncodedLines(geometry.lad_lines, geometry.precision, weight=LINE_WEIGHTS[geometry.level].lad).add_to(m)
    PlaceNames(geometry.lad_labels, LAD_LABEL_ZOOM[geometry.level]).add_to(m)
    # Keep the area clear of the legend, which sits in the bottom-right corner.
    m.fit_bounds([list(geometry.bounds[0]), list(geometry.bounds[1])], padding_top_left=(10, 10),
                 padding_bottom_right=LEGEND_CLEARANCE)
    return m


def _centre(geometry: AreaGeometry) -> list[float]:
    (s, w), (n, e) = geometry.bounds
    return [(s + n) / 2, (w + e) / 2]


def ward_group(payload: MapPayload) -> folium.FeatureGroup:
    """The feature group holding the ward layer (what streamlit-folium swaps in place)."""
    group = folium.FeatureGroup(name="Wards", control=False)
    WardLayer(payload).add_to(group)
    return group


def selection_group(index: int, seq: int = 0) -> folium.FeatureGroup:
    """The feature group holding the selected ward's outline (see :class:`SelectedWard`)."""
    group = folium.FeatureGroup(name="Selected ward", control=False)
    SelectedWard(index, seq).add_to(group)
    return group


def standalone(base: folium.Map, *groups: folium.FeatureGroup) -> folium.Map:
    """Base map and layer groups together, for a self-contained HTML page (tests, benchmarks)."""
    for group in groups:
        group.add_to(base)
    return base
