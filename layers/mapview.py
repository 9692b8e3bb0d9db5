"""The folium map: a base map that changes only with the area, and a ward layer that changes with everything else.

:func:`prepare_area` encodes an area's ward polygons and LAD boundaries once (cache it on the
area id). :func:`ward_layer` turns the classified colours, target wards, flag outlines and the
selected ward into one :class:`WardLayer` element -- a small JavaScript builder fed with a
compact payload (see :mod:`layers.mapdata`), which draws the choropleth, the outlines and the
legend. :func:`base_map` draws the area frame: no basemap tiles by default (the app works
offline), Leaflet from the app's own static files, LAD boundaries on top.

The two parts are separate so that streamlit-folium can swap the ward layer in place
(``feature_group_to_add``) without reloading the map, keeping the user's pan and zoom; for a
standalone HTML page, :func:`standalone` puts them together.

Every text that reaches the browser (ward and LAD names, labels, legend) is HTML-escaped here.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from dataclasses import dataclass

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from branca.element import MacroElement
from folium.template import Template

from layers.indicator import Indicator
from layers.mapdata import DECODE_JS, encode_geometries
from layers.style import SUPPRESSED_FILL, Legend

#: Decimal places of the coordinates sent to the browser, by boundary level: 1e-4 degrees is
#: about 11 m north-south (an ICB map), 1e-3 about 110 m (all England at zoom 6-8).
PRECISION = {"icb": 4, "england": 3}

#: Where the app serves Leaflet from (Streamlit static serving of ./static, see ui/assets.py).
DEFAULT_ASSET_BASE = "/app/static/vendor/leaflet"

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
BACKGROUND = "#eef1f4"
#: Pixels kept free on the right and bottom when fitting the map to the area (the legend's room).
LEGEND_CLEARANCE = (190, 10)

#: Fills that are SVG patterns (defined once per page by the ward layer, see _PATTERNS), and the
#: CSS background that draws the same hatch in the legend; plain colours are their own swatch.
SWATCHES = {SUPPRESSED_FILL: "repeating-linear-gradient(45deg,#737373 0 1.6px,#f7f7f7 1.6px 5px)"}
_PATTERNS = ('<defs><pattern id="wl-suppressed" patternUnits="userSpaceOnUse" width="5" height="5" '
             'patternTransform="rotate(45)"><rect width="5" height="5" fill="#f7f7f7"/>'
             '<rect width="1.6" height="5" fill="#737373"/></pattern></defs>')

OPENSTREETMAP_ATTRIBUTION = ('&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> '
                             "contributors")


@dataclass(frozen=True)
class AreaGeometry:
    """An area's ward shapes and LAD boundaries, encoded for the browser once.

    ``codes``: ward codes in drawing order; ``shapes``: one JSON fragment per ward (same
    order); ``lad_lines``: JSON fragments of the LAD boundaries; ``bounds``: [[south, west],
    [north, east]] in degrees; ``precision``: decimal places of the encoding; ``level``: the
    boundary level ("icb" or "england"), which also sets the stroke widths.
    """

    codes: tuple[str, ...]
    shapes: tuple[str, ...]
    lad_lines: tuple[str, ...]
    bounds: tuple[tuple[float, float], tuple[float, float]]
    precision: int
    level: str

    @property
    def nbytes(self) -> int:
        return sum(map(len, self.shapes)) + sum(map(len, self.lad_lines))


def prepare_area(shapes: gpd.GeoDataFrame, lad_lines: gpd.GeoDataFrame, level: str) -> AreaGeometry:
    """Encode one area's ward polygons (``shapes``, indexed by ward_code) and LAD boundaries.

    ``lad_lines``: the LAD boundaries to draw (polygons or lines, EPSG:4326); ``level``: a key
    of :data:`PRECISION`.
    """
    if shapes.empty:
        raise ValueError("the area has no ward shapes to draw")
    precision = PRECISION[level]
    west, south, east, north = (float(v) for v in shapes.total_bounds)
    return AreaGeometry(
        codes=tuple(map(str, shapes.index)),
        shapes=tuple(encode_geometries(shapes.geometry.values, precision)),
        lad_lines=tuple(encode_geometries(lad_lines.geometry.values, precision)),
        bounds=((south, west), (north, east)),
        precision=precision,
        level=level,
    )


#: Column of a border line holding the LAD on its other side (see ``geo.simplify.border_lines``).
NEIGHBOUR = "neighbour_lad_code"


def lad_lines_for(lines: gpd.GeoDataFrame, lad_codes: Sequence[str]) -> gpd.GeoDataFrame:
    """The borders of ``lad_codes``: rows whose ``lad_code`` or ``neighbour_lad_code`` is one of them
    (so the area's outline, its inner LAD borders and its coast; borders between outside LADs are left out)."""
    wanted = lines["lad_code"].isin(lad_codes)
    if NEIGHBOUR in lines.columns:
        wanted |= lines[NEIGHBOUR].isin(lad_codes)
    return lines[wanted.fillna(False).astype(bool)]


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
class LayerPayload:
    """The ward layer as the browser gets it: a JSON text and its parts' sizes."""

    json: str
    n_wards: int

    @property
    def nbytes(self) -> int:
        return len(self.json.encode("utf-8"))


def ward_payload(geometry: AreaGeometry, wards: pd.DataFrame, record: Indicator, values: pd.Series,
                 colour: pd.Series, legend: Legend, targets: pd.Series, target_label: str,
                 flags: Sequence[Outline] = (), selected: str | None = None, notes: pd.Series | None = None,
                 noun: str = "wards", value_text: pd.Series | None = None) -> LayerPayload:
    """Assemble the ward layer's payload.

    ``wards``: the register rows (``ward_name``, ``lad_name``, ``method_flag``) indexed by
    ward_code; ``values`` and ``colour``: the layer's value and fill per ward; ``targets``: bool
    per ward; ``flags``: outline overlays; ``selected``: the ward to highlight, if any. Wards are
    sent in ``geometry.codes`` order; only what the tooltip and styling need is sent.

    Other polygons with a code work the same way (e.g. MSOAs, :mod:`layers.msoa_view`):
    ``notes`` adds text per polygon to its tooltip (newlines break the line), ``noun`` heads the
    legend's counts, and an empty ``target_label`` leaves the outline out of the legend.
    ``value_text``: the value as the tooltip shows it, by code, where it is not the record's
    formatted value (an uploaded count's suppressed wards read "fewer than 5").
    """
    codes = pd.Index(geometry.codes)
    reg = wards.reindex(codes)
    lad_names = sorted(reg["lad_name"].dropna().astype(str).unique())
    lad_index = {name: i for i, name in enumerate(lad_names)}
    shown = (pd.Series([record.format_value(v) for v in values.reindex(codes).to_numpy(dtype=float)], index=codes)
             if value_text is None else value_text.reindex(codes).fillna(record.format_value(None)))
    value_text = [_esc(t) for t in shown]
    position = {code: i for i, code in enumerate(geometry.codes)}

    def indices(mask: pd.Series) -> list[int]:
        hit = mask.reindex(codes, fill_value=False).fillna(False).astype(bool).to_numpy()
        return np.flatnonzero(hit).tolist()

    body = {
        "p": 10 ** geometry.precision,
        "c": colour.reindex(codes).fillna(legend.no_data.colour).tolist(),
        "n": [_esc(n) for n in reg["ward_name"].fillna(pd.Series(codes, index=codes))],
        "L": [_esc(n) for n in lad_names],
        "l": [lad_index.get(str(n), -1) for n in reg["lad_name"]],
        "v": value_text,
        "o": indices(reg["method_flag"] == "areal overlay"),
        "t": indices(targets),
        "s": position.get(selected, -1) if selected else -1,
        "x": [] if notes is None else [_esc(t).replace("\n", "<br>") for t in notes.reindex(codes).fillna("")],
        "noun": _esc(noun),
        "label": _esc(legend.title),
        "unit": _esc(record.unit),
        "outlines": [{"label": _esc(o.label), "colour": o.colour, "dash": o.dash, "i": indices(o.wards)}
                     for o in flags],
        "legend": {
            "title": _esc(legend.title), "unit": _esc(legend.unit), "scheme": _esc(legend.scheme),
            "entries": [[e.colour, _esc(e.label), e.count, SWATCHES.get(e.colour, e.colour)]
                        for e in (*legend.entries, *filter(None, [legend.suppressed]), legend.no_data)],
            "target": _esc(target_label), "targetColour": TARGET_OUTLINE,
        },
        "style": {"selected": SELECTED_OUTLINE, "target": TARGET_OUTLINE,
                  **{f"w_{k}": v for k, v in vars(LINE_WEIGHTS[geometry.level]).items()}},
    }
    head = (json.dumps(body, separators=(",", ":"), ensure_ascii=False)
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))
    text = head[:-1] + ',"g":[' + ",".join(geometry.shapes) + "]}"
    return LayerPayload(json=text, n_wards=len(codes))


_WARD_LAYER_JS = """
(function (D) {
  %(decode)s
  if (!document.getElementById('wl-style')) {
    var css = document.createElement('style');
    css.id = 'wl-style';
    css.textContent = %(css)s;
    document.head.appendChild(css);
    var defs = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    defs.setAttribute('style', 'position:absolute;width:0;height:0');
    defs.innerHTML = %(patterns)s;
    document.body.appendChild(defs);
  }
  var f = D.p, S = D.style, inT = {}, inO = {};
  D.t.forEach(function (i) { inT[i] = 1; });
  D.o.forEach(function (i) { inO[i] = 1; });
  function outline(ll, pane, colour, weight, extra) {
    return L.polygon(ll, L.extend({pane: pane, fill: false, color: colour, weight: weight,
                                   interactive: false}, extra || {}));
  }
  var holder = L.featureGroup(), wards = L.featureGroup(), targets = L.featureGroup();
  var shapes = D.g.map(function (g) {
    return g.map(function (poly) { return poly.map(function (r) { return wlDecode(r, f); }); });
  });
  shapes.forEach(function (ll, i) {
    var poly = L.polygon(ll, {fillColor: D.c[i], fillOpacity: 0.82, color: '#ffffff',
                              weight: S.w_ward, opacity: 0.9});
    poly.wlIndex = i;
    wards.addLayer(poly);
    if (inT[i]) targets.addLayer(outline(ll, 'targets', S.target, S.w_target));
  });
  wards.bindTooltip(function (layer) {
    var i = layer.wlIndex, lad = D.l[i] >= 0 ? D.L[D.l[i]] : '';
    return '<div class="wl-tip"><b>' + D.n[i] + '</b><span class="wl-muted">' + lad + '</span>' +
      '<div>' + D.label + ': <b>' + D.v[i] + '</b> <span class="wl-unit">' + D.unit + '</span></div>' +
      (D.x.length && D.x[i] ? '<div class="wl-x">' + D.x[i] + '</div>' : '') +
      (inT[i] ? '<div class="wl-target">Target ward</div>' : '') +
      (inO[i] ? '<div class="wl-note">Small ward: values by areal overlay</div>' : '') + '</div>';
  }, {sticky: true, direction: 'top', offset: [0, -8]});
  wards.on('mouseover', function (e) { e.layer.setStyle({weight: 2, color: '#222222'}); });
  wards.on('mouseout', function (e) { e.layer.setStyle({weight: S.w_ward, color: '#ffffff'}); });
  holder.addLayer(wards);
  holder.addLayer(targets);
  D.outlines.forEach(function (o) {
    var g = L.featureGroup();
    o.i.forEach(function (i) { g.addLayer(outline(shapes[i], 'flags', o.colour, S.w_flag, {dashArray: o.dash})); });
    holder.addLayer(g);
  });
  if (D.s >= 0) {
    holder.addLayer(outline(shapes[D.s], 'selected', '#ffffff', S.w_selected * 2, {opacity: 0.9}));
    holder.addLayer(outline(shapes[D.s], 'selected', S.selected, S.w_selected));
  }
  var legend = L.control({position: 'bottomright'});
  legend.onAdd = function () {
    var div = L.DomUtil.create('div', 'wl-legend'), G = D.legend;
    function row(swatch, label, count) {
      return '<div class="wl-row">' + swatch + '<span>' + label + '</span><em>' + count + '</em></div>';
    }
    var html = G.entries.map(function (e) {
      return row('<i style="background:' + e[3] + '"></i>', e[1], e[2]);
    }).join('');
    var lines = G.target ? row('<i class="wl-line" style="border:2.4px solid ' + G.targetColour + '"></i>',
                               G.target, '') : '';
    D.outlines.forEach(function (o) {
      lines += row('<i class="wl-line" style="border:2.2px ' + (o.dash ? 'dashed ' : 'solid ') + o.colour +
                   '"></i>', o.label, '');
    });
    if (lines) html += '<div class="wl-sep"></div>' + lines;
    div.innerHTML = '<details open><summary class="wl-title">' + G.title + '</summary>' +
      '<div class="wl-sub">' + G.unit + ' · ' + G.scheme + '</div>' +
      '<div class="wl-row wl-head"><span></span><em>' + D.noun + '</em></div>' + html + '</details>';
    L.DomEvent.disableClickPropagation(div);
    L.DomEvent.disableScrollPropagation(div);
    return div;
  };
  holder.on('add', function () { legend.addTo(holder._map); });
  holder.on('remove', function () { legend.remove(); });
  return holder;
})(%(payload)s)
"""

_CSS = (
    ".leaflet-container{background:%(bg)s;font-family:'Source Sans Pro','Source Sans 3',system-ui,sans-serif}"
    ".wl-legend{background:rgba(255,255,255,.94);padding:8px 10px;border-radius:6px;"
    "box-shadow:0 1px 4px rgba(0,0,0,.25);font-size:12px;line-height:1.25;color:#222;max-width:260px}"
    ".wl-title{font-weight:600;font-size:12.5px;margin-bottom:1px;cursor:pointer}"
    ".wl-sub{color:#555;font-size:11px;margin-bottom:3px}.wl-head{margin:0}.wl-head em{font-size:10.5px}"
    ".wl-row{display:flex;align-items:center;gap:6px;margin:2px 0}"
    ".wl-row i{display:inline-block;width:18px;height:12px;border:1px solid rgba(0,0,0,.25);flex:none}"
    ".wl-row i.wl-line{height:8px;background:transparent;border-radius:1px}"
    ".wl-row span{flex:1}.wl-row em{color:#666;font-style:normal;font-size:11px}"
    ".wl-sep{border-top:1px solid #ddd;margin:5px 0 4px}"
    ".wl-tip{font-size:12.5px;line-height:1.35;white-space:normal;width:max-content;max-width:260px}"
    ".wl-tip b{font-weight:600}"
    ".wl-muted{display:block;color:#555;font-size:11.5px}.wl-unit{color:#555;font-size:11.5px}"
    ".wl-x{color:#333;font-size:11.5px;margin-top:1px}"
    ".wl-target{color:#000;font-weight:600;margin-top:2px}.wl-note{color:#8a4b00;font-style:italic;margin-top:2px}"
)


class WardLayer(MacroElement):
    """The ward choropleth, target and flag outlines, selected ward and legend, as one Leaflet layer.

    Add it to a :class:`folium.FeatureGroup`; removing the group removes the legend too.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = {{ this.js }};
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, payload: LayerPayload) -> None:
        super().__init__()
        self._name = "WardLayer"
        self.js = _WARD_LAYER_JS % {"decode": DECODE_JS, "css": json.dumps(_CSS % {"bg": BACKGROUND}),
                                    "patterns": json.dumps(_PATTERNS),
                                    "payload": payload.json}


class EncodedLines(MacroElement):
    """LAD boundaries decoded from polylines, drawn as thin dark lines in the ``lads`` pane."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function (G, f) {
          {{ this.decode }}
          var lines = [];
          G.forEach(function (g) {
            (Array.isArray(g[0]) ? [].concat.apply([], g) : g).forEach(function (s) { lines.push(wlDecode(s, f)); });
          });
          return L.polyline(lines, {pane: 'lads', color: {{ this.colour|tojson }}, weight: {{ this.weight }},
                                    opacity: 0.85, interactive: false});
        })({{ this.lines }}, {{ this.factor }});
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, fragments: Sequence[str], precision: int, colour: str = LAD_LINE, weight: float = 1.3) -> None:
        super().__init__()
        self._name = "EncodedLines"
        self.weight = weight
        self.decode = DECODE_JS
        self.lines = "[" + ",".join(fragments) + "]"
        self.factor = 10 ** precision
        self.colour = colour


def base_map(geometry: AreaGeometry, *, lad_boundaries: bool = True, tiles: bool = False,
             asset_base: str = DEFAULT_ASSET_BASE) -> folium.Map:
    """The map frame for one area: fitted to it, panes for the outlines, LAD boundaries.

    ``tiles``: add OpenStreetMap tiles (needs the internet); without them the map has a plain
    background and works offline. ``asset_base``: URL folder holding ``leaflet.js`` and
    ``leaflet.css`` -- folium's CDN links (Leaflet, jQuery, Bootstrap, Font Awesome) are
    replaced by these two local files, the only ones this map needs.
    """
    m = folium.Map(location=_centre(geometry), zoom_start=9, tiles=None, control_scale=True,
                   zoom_snap=0.25, zoom_delta=0.5, min_zoom=5, max_zoom=16)
    m.default_js = [("leaflet", f"{asset_base}/leaflet.js")]
    m.default_css = [("leaflet_css", f"{asset_base}/leaflet.css")]
    if tiles:
        folium.TileLayer("OpenStreetMap", attr=OPENSTREETMAP_ATTRIBUTION, max_zoom=19, opacity=0.55).add_to(m)
    for name, z in PANES:
        folium.map.CustomPane(name, z_index=z, pointer_events=False).add_to(m)
    if lad_boundaries and geometry.lad_lines:
        EncodedLines(geometry.lad_lines, geometry.precision, weight=LINE_WEIGHTS[geometry.level].lad).add_to(m)
    # Keep the area clear of the legend, which sits in the bottom-right corner.
    m.fit_bounds([list(geometry.bounds[0]), list(geometry.bounds[1])], padding_top_left=(10, 10),
                 padding_bottom_right=LEGEND_CLEARANCE)
    return m


def _centre(geometry: AreaGeometry) -> list[float]:
    (s, w), (n, e) = geometry.bounds
    return [(s + n) / 2, (w + e) / 2]


def ward_group(payload: LayerPayload) -> folium.FeatureGroup:
    """The feature group holding the ward layer (what streamlit-folium swaps in place)."""
    group = folium.FeatureGroup(name="Wards", control=False)
    WardLayer(payload).add_to(group)
    return group


def standalone(base: folium.Map, group: folium.FeatureGroup) -> folium.Map:
    """Base map and ward group together, for a self-contained HTML page (tests, benchmarks)."""
    group.add_to(base)
    return base
