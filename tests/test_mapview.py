"""The map: compact geometry, the ward payload and the map page as drawn (layers/mapview.py).

Includes the generic test over every record in :data:`layers.INDICATORS`: each renders a map
of Lancashire and South Cumbria with a legend, with no new test code per indicator.
"""

from __future__ import annotations

import json
import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geo import areas
from layers import INDICATORS
from layers.indicator import Indicator
from layers.mapdata import decode, encode_geometries, encode_lines
from layers.mappayload import AreaGeometry, layer_payload, prepare_area
from layers.mapview import map_frame, standalone
from layers.style import style_layer
from layers.view import layer_view

from tests.conftest import BLOOMFIELD, LLR, LSC

#: Budgets from the issue: map HTML/JSON per render.
ICB_BUDGET = 200_000
ENGLAND_BUDGET = 3_000_000


def test_polyline_encoding_matches_googles_reference_example() -> None:
    # https://developers.google.com/maps/documentation/utilities/polylinealgorithm
    line = shapely.LineString([(-120.2, 38.5), (-120.95, 40.7), (-126.453, 43.252)])
    assert encode_lines(np.array([line]), 5, closed=False) == ["_p~iF~ps|U_ulLnnqC_mqNvxq`@"]
    assert decode("_p~iF~ps|U_ulLnnqC_mqNvxq`@", 5) == [(38.5, -120.2), (40.7, -120.95), (43.252, -126.453)]


def test_encoded_wards_decode_to_their_rounded_rings(icb_shapes: gpd.GeoDataFrame, ward_table: pd.DataFrame) -> None:
    codes = ward_table.index[ward_table["icb_code"] == LSC]
    shapes = icb_shapes.loc[codes]
    fragments = encode_geometries(shapes.geometry.values, 4)
    checked = 0
    for geom, fragment in zip(shapes.geometry.values, fragments):
        polygons = json.loads(fragment)
        assert len(polygons) == shapely.get_num_geometries(geom)
        for polygon, rings in zip(shapely.get_parts(geom), polygons):
            exterior = [(round(y, 4), round(x, 4)) for x, y in polygon.exterior.coords]
            decoded = [(round(a, 4), round(b, 4)) for a, b in decode(rings[0], 4)]
            assert decoded[0] == exterior[0]
            assert set(decoded) == set(exterior)  # same vertices, repeats and the closing one dropped
            checked += 1
    assert checked >= 280


def test_point_in_bloomfield_is_found(icb_shapes: gpd.GeoDataFrame) -> None:
    point = icb_shapes.loc[BLOOMFIELD].geometry.representative_point()
    assert areas.ward_at(icb_shapes, point.y, point.x) == BLOOMFIELD
    assert areas.ward_at(icb_shapes, 48.0, -20.0) is None  # mid-Atlantic


def _geometry(ward_table: pd.DataFrame, shapes: gpd.GeoDataFrame, icb: str | None,
              level: str) -> tuple[AreaGeometry, pd.Index]:
    codes = ward_table.index if icb is None else ward_table.index[ward_table["icb_code"] == icb]
    return prepare_area(shapes.loc[codes], ward_table.loc[codes, "lad_name"], level), codes


def _render(catalogue, ward_table: pd.DataFrame, geometry: AreaGeometry, icb: str | None, record: Indicator,
            selected: str | None = None, flags: tuple[str, ...] = ()) -> tuple[str, int]:
    area = areas.make_area(ward_table, icb)
    view = layer_view(catalogue, ward_table, area, record.id, None, "imd10", flags, geometry)
    index = geometry.codes.index(selected) if selected else -1
    html = standalone(map_frame(geometry), view.payload, index)
    return html, view.payload.nbytes


def _payload(html: str) -> dict:
    start = html.index("WardLens.mount(box, ") + len("WardLens.mount(box, ")
    return json.JSONDecoder().raw_decode(html[start:])[0]["layer"]


@pytest.mark.parametrize("icb", [LSC, LLR])
def test_icb_map_is_within_budget_offline_and_outlines_its_targets(
        icb: str, catalogue, ward_table: pd.DataFrame, icb_shapes: gpd.GeoDataFrame) -> None:
    geometry, codes = _geometry(ward_table, icb_shapes, icb, "icb")
    html, payload_bytes = _render(catalogue, ward_table, geometry, icb, INDICATORS["imd_score_2025"])
    assert len(html.encode()) <= ICB_BUDGET
    # Only the app's own files: Leaflet and its map script; no CDN, no jQuery / Bootstrap / Font Awesome.
    assert sorted(re.findall(r'(?:src|href)="([^"]+)"', html)) == [
        "/app/static/vendor/leaflet/leaflet.css", "/app/static/vendor/leaflet/leaflet.js",
        "/app/static/wardlens/wardlens.css", "/app/static/wardlens/wardlens.js"]
    assert "cdn" not in html and "jquery" not in html.lower()
    data = _payload(html)
    assert len(data["shapes"]) == len(codes) == len(data["fills"]) == len(data["names"])
    assert len(data["targets"]) == (18 if icb == LLR else 28)
    assert data["legend"]["entries"][-1]["label"] == "No data"


def test_england_map_is_within_budget(catalogue, ward_table: pd.DataFrame, england_shapes: gpd.GeoDataFrame) -> None:
    geometry, codes = _geometry(ward_table, england_shapes, None, "england")
    html, _ = _render(catalogue, ward_table, geometry, None, INDICATORS["imd_score_2025"])
    assert len(codes) == 6826
    assert len(html.encode()) <= ENGLAND_BUDGET


def test_data_text_is_html_escaped_and_cannot_break_the_template() -> None:
    shapes = gpd.GeoDataFrame(
        {"ward_code": ["E05999991", "E05999992"]},
        geometry=[shapely.box(-2.0, 53.0, -1.9, 53.1), shapely.box(-1.9, 53.0, -1.8, 53.1)], crs=4326,
    ).set_index("ward_code")
    wards = pd.DataFrame({"ward_name": ['<script>alert("x")</script>', "{{ 7*7 }} & {% raw %}"],
                          "lad_name": ["<b>LAD</b>", "O'Brien"], "method_flag": ["best fit", "areal overlay"]},
                         index=shapes.index)
    geometry = prepare_area(shapes, wards["lad_name"], "icb")
    record = INDICATORS["imd_score_2025"]
    values = pd.Series([10.0, np.nan], index=shapes.index)
    styled = style_layer(record, values, values)
    payload = layer_payload(geometry, wards, record, values.map(record.format_value), styled.colour, styled.legend,
                            pd.Series([True, False], index=shapes.index), "<i>targets</i>")
    html = standalone(map_frame(geometry), payload, 1)
    assert "<script>alert" not in html and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "&lt;b&gt;LAD&lt;/b&gt;" in html and "O&#x27;Brien" in html and "&lt;i&gt;targets&lt;/i&gt;" in html
    assert "{{ 7*7 }} &amp; {% raw %}" in html  # data, kept as it is: no template reads it
    data = json.loads(payload.to_json())
    assert data["overlay"] == [1] and data["targets"] == [0] and data["values"] == ["10.0", "no data"]
    assert "WardLens.select(box, 1)" in html  # the selected ward is outlined apart from the layer


@pytest.mark.parametrize("record", list(INDICATORS.values()), ids=list(INDICATORS))
def test_every_indicator_renders_an_lsc_map_with_a_legend(
        record: Indicator, catalogue, ward_table: pd.DataFrame, icb_shapes: gpd.GeoDataFrame) -> None:
    geometry, codes = _geometry(ward_table, icb_shapes, LSC, "icb")
    flags = tuple(r.id for r in INDICATORS.values() if r.kind == "flag")
    html, payload_bytes = _render(catalogue, ward_table, geometry, LSC, record, selected=BLOOMFIELD, flags=flags)
    data = _payload(html)
    legend = data["legend"]
    assert legend["title"] == f"{record.family} · {record.variant}".replace("&", "&amp;").replace("'", "&#x27;")
    assert legend["unit"] and len(legend["entries"]) >= 2 and legend["entries"][-1]["label"] == "No data"
    assert sum(e["count"] for e in legend["entries"]) == len(codes)
    assert all(re.fullmatch(r"#[0-9a-f]{6}", c) for c in data["fills"])
    assert len(data["outlines"]) == len(flags)
    assert payload_bytes <= ICB_BUDGET
