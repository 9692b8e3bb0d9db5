"""The web map as data: an area frame that changes only with the area, and a ward layer.

The app's own script ``static/wardlens/wardlens.js`` draws both with Leaflet (``WardLens.mount``):
the :class:`MapFrame` (fitted to the area, panes for the outlines, LAD borders and place names,
optional OpenStreetMap tiles) and the ward layer's :class:`~layers.mappayload.MapPayload`
(choropleth, outlines, legend). In the app the map is a Streamlit component drawn in the page
itself (``ui/wardmap.py``); :func:`standalone` puts the same two parts on a self-contained HTML
page (tests, benchmarks). The frame and the layer carry an ``id`` each, a digest of their
content, so that the browser rebuilds the map only when the area changes and swaps the ward
layer only when the layer does, keeping the reader's pan and zoom.

No basemap tiles by default: the map works offline, with Leaflet and the app's script and
styles from the app's own static files. Every text that reaches the browser (ward and LAD
names, labels, legend) is HTML-escaped (:func:`layers.mappayload.escape_for_browser`).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass

from layers.mappayload import LAD_LINE, LINE_WEIGHTS, AreaGeometry, MapPayload, escape_for_browser

#: Where the app serves ./static (Streamlit static serving, see ui/assets.py): Leaflet under
#: ``vendor/leaflet``, the app's own map script and styles under ``wardlens``.
DEFAULT_STATIC_BASE = "/app/static"

#: Map panes above the ward fills (overlayPane, z-index 400), none catching the mouse. The dashed
#: flag outlines (coastal, rural) lie over the solid target outline, so a coastal target ward shows both.
PANES = (("lads", 410), ("targets", 420), ("flags", 430), ("selected", 440))

#: Pixels kept free on the right and bottom when fitting the map to the area (the legend's room).
LEGEND_CLEARANCE = (250, 10)
#: Zoom levels from which local authority names are written on the map.
LAD_LABEL_ZOOM = {"icb": 7, "england": 8}

OPENSTREETMAP_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OPENSTREETMAP_ATTRIBUTION = ('&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> '
                             "contributors")


@dataclass(frozen=True)
class MapFrame:
    """An area's map frame as ``WardLens.mount`` reads it.

    ``bounds``: [[south, west], [north, east]], fitted leaving ``clearance`` pixels (right,
    bottom) for the legend; ``lad_lines``: encoded LAD borders (empty when not drawn) at
    ``factor``, drawn ``lad_colour`` at ``lad_weight`` px; ``labels``: escaped (name, lat, lng)
    of the local authorities, written from ``label_zoom``; ``tiles``: the OpenStreetMap tile
    URL, or "" for none; ``static``: the URL of the app's static folder.
    """

    bounds: tuple[tuple[float, float], tuple[float, float]]
    clearance: tuple[int, int]
    panes: tuple[tuple[str, int], ...]
    lad_lines: tuple[str, ...]
    factor: int
    lad_colour: str
    lad_weight: float
    labels: tuple[tuple[str, float, float], ...]
    label_zoom: int
    tiles: str
    tiles_attribution: str
    static: str

    def to_json(self) -> str:
        """The frame as one JSON text (the encoded borders spliced in as they are), with its ``id``."""
        body = json.dumps({k: v for k, v in asdict(self).items() if k != "lad_lines"}, separators=(",", ":"),
                          ensure_ascii=False)
        text = body[:-1] + ',"lad_lines":[' + ",".join(self.lad_lines) + "]}"
        return text[:-1] + f',"id":"{_digest(text)}"}}'


def map_frame(geometry: AreaGeometry, *, lad_boundaries: bool = True, tiles: bool = False,
              static_base: str = DEFAULT_STATIC_BASE) -> MapFrame:
    """The frame for one area: its bounds, panes, LAD borders (``lad_boundaries``) and names,
    and OpenStreetMap tiles if ``tiles`` (they need the internet; the map says when they fail)."""
    return MapFrame(
        bounds=geometry.bounds, clearance=LEGEND_CLEARANCE, panes=PANES,
        lad_lines=geometry.lad_lines if lad_boundaries else (), factor=10 ** geometry.precision,
        lad_colour=LAD_LINE, lad_weight=LINE_WEIGHTS[geometry.level].lad,
        labels=tuple((escape_for_browser(n), lat, lng) for n, lat, lng in geometry.lad_labels),
        label_zoom=LAD_LABEL_ZOOM[geometry.level], tiles=OPENSTREETMAP_TILES if tiles else "",
        tiles_attribution=OPENSTREETMAP_ATTRIBUTION if tiles else "", static=static_base)


def map_document(frame: MapFrame, payload: MapPayload, height: int, name: str = "map",
                 clickable: bool = False) -> bytes:
    """What the browser's ``WardLens.mount`` gets, as UTF-8 JSON: the map's ``name`` on the page,
    the frame, the ward layer with its ``layer_id``, the height in pixels, and whether a click
    reports its point back (``clickable``)."""
    layer = payload.to_json()
    head = json.dumps({"name": name, "height": int(height), "clickable": clickable}, separators=(",", ":"))
    return (f'{head[:-1]},"frame":{frame.to_json()},"layer_id":"{_digest(layer)}","layer":{layer}}}').encode("utf-8")


def standalone(frame: MapFrame, payload: MapPayload, selected: int = -1, height: int = 640) -> str:
    """A self-contained HTML page drawing the map as the app does (``selected``: the outlined
    ward's index, -1 for none)."""
    static = escape_for_browser(frame.static)
    document = map_document(frame, payload, height).decode("utf-8").replace("</", "<\\/")
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<link rel="stylesheet" href="{static}/vendor/leaflet/leaflet.css">'
            f'<link rel="stylesheet" href="{static}/wardlens/wardlens.css">'
            f'<script src="{static}/vendor/leaflet/leaflet.js"></script>'
            f'<script src="{static}/wardlens/wardlens.js"></script></head>\n'
            f'<body><div id="map"></div><script>\nvar box = document.getElementById("map");\n'
            f"WardLens.mount(box, {document});\nWardLens.select(box, {int(selected)});\n</script></body></html>\n")


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()
