"""The static map renderer (report.staticmap) on the real committed data.

The map under test is the app's default view: IMD 2025 average score over Lancashire and
South Cumbria ICB (280 wards), styled by layers.style, with the 28 most deprived wards as
targets. Pixel checks read the PNG at points well inside each ward (the centre of its largest
inscribed circle), away from LAD names, where only the ward's fill can show.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import itertools
import xml.etree.ElementTree as ET

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from PIL import Image

from geo import store
from layers.mappayload import Outline
from layers.style import SUPPRESSED_FILL, LegendEntry
from report.mapdraw import _paths
from report.mapstyle import HATCH_BACKGROUND
from report.samples import LSC, sample_map
from report.staticmap import BNG, CANVASES, MapSpec, RenderedMap, render, render_map

#: Smallest inscribed-circle radius, in pixels, of a ward whose centre pixel is tested: the
#: white ward edges and black target outlines reach at most ~2 px into a ward.
MIN_RADIUS_PX = 4


@pytest.fixture(scope="module")
def register() -> pd.DataFrame:
    return store.read_wards()


@pytest.fixture(scope="module")
def shapes() -> gpd.GeoDataFrame:
    return store.read_ward_shapes("icb")


@pytest.fixture(scope="module")
def imd(register, shapes):
    """(spec, values, styled) of IMD 2025 over L&SC."""
    return sample_map("imd_score_2025", LSC, shapes=shapes)


@pytest.fixture(scope="module")
def slide(imd) -> RenderedMap:
    return render(imd[0], size="slide")


def pixels(rendered: RenderedMap) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(rendered.data)).convert("RGB"))


def hex_at(image: np.ndarray, col: float, row: float) -> str:
    return "#%02x%02x%02x" % tuple(image[int(row), int(col)])


def sample_points(spec: MapSpec, rendered: RenderedMap) -> pd.DataFrame:
    """For each ward: pixel (col, row) of its inscribed-circle centre, the radius in pixels and
    whether a LAD name (with its halo) covers the point."""
    wards = spec.wards.geometry.to_crs(BNG)
    circles = shapely.maximum_inscribed_circle(wards.values, tolerance=10)
    xy = rendered.to_pixels(gpd.GeoSeries(shapely.get_point(circles, 0), crs=BNG))
    halo = 0.5 * rendered.canvas.em * rendered.canvas.dpi / 72
    covered = [any(l - halo <= x <= r + halo and t - halo <= y <= b + halo
                   for l, t, r, b in rendered.label_boxes.values()) for x, y in xy]
    return pd.DataFrame({"col": xy[:, 0], "row": xy[:, 1], "radius": shapely.length(circles) / rendered.metres_per_pixel,
                         "covered": covered}, index=wards.index)


def luminance(colour: str) -> float:
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_the_sample_is_the_default_view(imd):
    spec, values, styled = imd
    assert len(spec.wards) == 280
    assert int(spec.targets.sum()) == 28
    # the targets are the 28 highest IMD scores
    assert set(spec.targets[spec.targets].index) == set(values.nlargest(28).index)


@pytest.mark.parametrize("size", sorted(CANVASES))
def test_png_has_the_exact_size(imd, size):
    image = Image.open(io.BytesIO(render_map(imd[0], fmt="png", size=size)))
    canvas = CANVASES[size]
    assert image.format == "PNG"
    assert image.size == (canvas.width_px, canvas.height_px)
    assert image.size == {"slide": (1920, 1080), "a4": (3508, 2480)}[size]


def test_png_is_not_blank_and_shows_every_class_colour(imd, slide):
    image = pixels(slide)
    distinct = {tuple(p) for p in image.reshape(-1, 3)[::7]}
    assert len(distinct) > 100
    present = {"#%02x%02x%02x" % p for p in distinct}
    assert {e.colour for e in imd[0].legend.entries} <= present


@pytest.mark.parametrize("size", sorted(CANVASES))
def test_ward_fills_are_their_legend_colours(imd, slide, size):
    spec = imd[0]
    rendered = slide if size == "slide" else render(spec, size=size)
    image = pixels(rendered)
    points = sample_points(spec, rendered)
    big = points[(points["radius"] >= MIN_RADIUS_PX) & ~points["covered"]]
    assert len(big) >= 100  # enough wards to make the share meaningful (of 280; the rest are tiny at this size)
    got = pd.Series([hex_at(image, c, r) for c, r in zip(big["col"], big["row"])], index=big.index)
    expected = spec.colour.reindex(big.index)
    assert (got == expected).mean() >= 0.95, got[got != expected].to_dict()
    # and every sampled colour is a legend colour (no blending inside wards)
    legend_colours = {e.colour for e in spec.legend.entries} | {spec.legend.no_data.colour}
    assert set(got) <= legend_colours


def test_the_area_is_inside_the_map_box_clear_of_the_legend(imd, slide):
    left, top, right, bottom = slide.map_box
    bounds = gpd.GeoSeries(shapely.points(imd[0].wards.to_crs(BNG).total_bounds.reshape(2, 2)), crs=BNG)
    (x0, y0), (x1, y1) = slide.to_pixels(bounds)
    assert left <= x0 < x1 <= right and top <= y1 < y0 <= bottom
    assert right < slide.legend_box[0]  # the legend column starts right of the map


def test_lad_labels_do_not_overlap(imd, slide):
    boxes = slide.label_boxes
    lads = set(imd[0].lads["lad_name"])
    assert set(boxes) <= lads
    assert len(boxes) >= len(lads) - 3  # at most a few dropped for want of room
    for (a, (al, at, ar, ab)), (b, (bl, bt, br, bb)) in itertools.combinations(boxes.items(), 2):
        assert ar <= bl or br <= al or ab <= bt or bb <= at, f"{a} overlaps {b}"
    left, top, right, bottom = slide.map_box
    assert all(left <= l and r <= right and top <= t and b <= bottom for l, t, r, b in boxes.values())


def test_crowded_lad_names_never_overlap(register):
    """All England with every LAD named (296): names that find no free spot are left out, the
    rest never touch. (By default a map names LADs only up to MAX_LAD_LABELS.)"""
    spec, _, _ = sample_map("imd_score_2025", None)
    assert render(spec).label_boxes == {}
    rendered = render(dataclasses.replace(spec, lad_labels=True))
    boxes = list(rendered.label_boxes.values())
    assert 60 <= len(boxes) < 296
    for (al, at, ar, ab), (bl, bt, br, bb) in itertools.combinations(boxes, 2):
        assert ar <= bl or br <= al or ab <= bt or bb <= at


def test_svg_is_xml_with_the_title_as_text(imd):
    spec = imd[0]
    data = render_map(spec, fmt="svg")
    root = ET.fromstring(data)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    texts = ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert spec.title in texts
    assert spec.legend.entries[0].label in texts
    # slide proportions (16:9), in points
    width, height = (float(root.get(k).removesuffix("pt")) for k in ("width", "height"))
    assert width / height == pytest.approx(16 / 9)
    assert len(root.findall(".//{http://www.w3.org/2000/svg}path")) > 280  # vector wards


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_output_is_deterministic(imd, slide, fmt):
    first = slide.data if fmt == "png" else render_map(imd[0], fmt=fmt)
    assert render_map(imd[0], fmt=fmt) == first
    assert b"Date" not in first[:2000] and b"matplotlib" not in first.lower()


def test_higher_is_better_layer_uses_the_reversed_palette(register, shapes):
    """Male life expectancy: the darkest colour marks the lowest (worst) values."""
    spec, values, styled = sample_map("le_male_2016_20", LSC, shapes=shapes)
    entries = spec.legend.entries
    assert luminance(entries[0].colour) < luminance(entries[-1].colour)  # low values dark
    rendered = render(spec, size="a4")
    image = pixels(rendered)
    points = sample_points(spec, rendered)
    fine = points[(points["radius"] >= MIN_RADIUS_PX) & ~points["covered"]].index
    worst, best = values[fine].idxmin(), values[fine].idxmax()
    assert values[worst] <= values.quantile(0.05) and values[best] >= values.quantile(0.95)
    assert hex_at(image, *points.loc[worst, ["col", "row"]]) == entries[0].colour
    assert hex_at(image, *points.loc[best, ["col", "row"]]) == entries[-1].colour
    # the worst wards on this layer are the targets, outlined: lowest life expectancy
    assert spec.targets[values.nsmallest(5).index].all()


def test_suppressed_wards_are_hatched(imd):
    spec = imd[0]
    hidden = spec.wards.index[:40]
    colour = spec.colour.copy()
    colour[hidden] = SUPPRESSED_FILL
    legend = dataclasses.replace(spec.legend, suppressed=LegendEntry(SUPPRESSED_FILL, "Fewer than 5", len(hidden)))
    rendered = render(dataclasses.replace(spec, colour=colour, legend=legend), size="a4")
    image = pixels(rendered)
    points = sample_points(spec, rendered).loc[hidden]
    points = points[(points["radius"] >= 12) & ~points["covered"]]
    assert len(points) >= 5
    for col, row in zip(points["col"].astype(int), points["row"].astype(int)):
        window = {"#%02x%02x%02x" % tuple(p) for p in image[row - 6:row + 7, col - 6:col + 7].reshape(-1, 3)}
        assert HATCH_BACKGROUND in window and window != {HATCH_BACKGROUND}  # hatch lines over the light ground
        assert not window & {e.colour for e in spec.legend.entries}


def test_flag_outlines_are_drawn_in_their_colour(imd):
    spec = imd[0]
    flagged = pd.Series(False, index=spec.wards.index)
    flagged.iloc[:60] = True
    plain = render(dataclasses.replace(spec, targets=None, target_label=""))
    outlined = render(dataclasses.replace(spec, targets=None, target_label="",
                                          outlines=(Outline("Coastal ward", flagged, "#0571b0", "6 4"),)))
    count = lambda r: int((pixels(r) == (0x05, 0x71, 0xb0)).all(axis=2).sum())
    assert count(plain) == 0
    assert count(outlined) > 500  # the outline and its legend sample
    assert plain.data != outlined.data


def test_bad_inputs_raise_with_a_useful_message(imd):
    spec = imd[0]
    with pytest.raises(ValueError, match="#rrggbb"):
        dataclasses.replace(spec, colour=spec.colour.replace(spec.legend.entries[0].colour, "red"))
    with pytest.raises(ValueError, match="no LAD code"):
        dataclasses.replace(spec, lads=spec.lads.iloc[5:])
    with pytest.raises(ValueError, match="dash"):
        dataclasses.replace(spec, outlines=(Outline("x", spec.targets, "#000000", "6 x"),))
    with pytest.raises(ValueError, match="no ward polygons"):
        dataclasses.replace(spec, wards=spec.wards.iloc[:0])
    with pytest.raises(ValueError, match="size"):
        render_map(spec, size="a3")
    with pytest.raises(ValueError, match="format"):
        render_map(spec, fmt="jpg")


def test_polygon_holes_stay_empty_and_parts_stay_together():
    """A ward with an enclave (a hole) and a ward in two parts: one path each; drawn, the hole
    shows the background and both parts are filled."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.collections import PathCollection
    from matplotlib.figure import Figure
    # exterior and hole both clockwise: only re-orienting them leaves the hole empty
    donut = shapely.Polygon([(0, 0), (0, 10), (10, 10), (10, 0)], holes=[[(4, 4), (4, 6), (6, 6), (6, 4)]])
    islands = shapely.MultiPolygon([shapely.box(20, 0, 22, 2), shapely.box(30, 0, 32, 2)])
    paths = _paths(np.array([donut, islands], dtype=object))
    assert len(paths) == 2
    fig = Figure(figsize=(4, 1), dpi=100)  # 1 px = 0.1 units
    canvas = FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 40)
    ax.set_ylim(0, 10)
    ax.add_collection(PathCollection(paths, facecolors=["#ff0000", "#0000ff"], edgecolors="none",
                                     antialiaseds=False))
    canvas.draw()
    image = np.asarray(canvas.buffer_rgba())[:, :, :3]
    at = lambda x, y: tuple(image[int(100 - 10 * y), int(10 * x)])
    assert at(2, 2) == (255, 0, 0) and at(5, 5) == (255, 255, 255)  # the hole is empty
    assert at(21, 1) == (0, 0, 255) and at(31, 1) == (0, 0, 255) and at(26, 1) == (255, 255, 255)


def test_a_place_map_names_its_target_wards_and_an_icb_map_with_many_does_not(register, shapes):
    """Blackpool: the 7 wards of the ICB's cohort in Blackpool are named, away from each other and from
    "Blackpool"; L&SC's 28 would crowd an ICB map, so there only the LAD names are written."""
    from geo.areas import make_area
    from layers.view import layer_view
    from report import inputs
    from report.mapspec import map_alt, map_spec

    table = inputs.ward_table()
    view = layer_view(inputs.catalogue(), table, make_area(table, LSC, "E06000009"), "imd_score_2025", None, "imd10")
    spec = map_spec(view, shapes, table, generated=dt.date(2026, 1, 15), version="test")
    assert list(spec.ward_labels) == ["Bloomfield", "Claremont", "Talbot", "Brunswick", "Park", "Victoria",
                                      "Waterloo"]  # rank order: the ICB's IMD 2025 ranks
    rendered = render(spec)
    boxes = [*rendered.ward_label_boxes.values(), *rendered.label_boxes.values()]
    assert set(rendered.ward_label_boxes) == set(spec.ward_labels) and "Blackpool" in rendered.label_boxes
    for (al, at, ar, ab), (bl, bt, br, bb) in itertools.combinations(boxes, 2):
        assert ar <= bl or br <= al or ab <= bt or bb <= at
    assert "so are the outlined wards' names" in map_alt(view)
    whole = layer_view(inputs.catalogue(), table, make_area(table, LSC, None), "imd_score_2025", None, "imd10")
    assert map_spec(whole, shapes, table, generated=dt.date(2026, 1, 15), version="test").ward_labels is None
