"""Life expectancy by MSOA 2011 (layers/msoa_view.py, ui/msoa_panel.py) on the real built data.

Values are checked against ``data/indicators/msoa11_life_expectancy.csv`` read here with plain
pandas, so a reader or formatting slip in the app cannot hide itself.
"""

from __future__ import annotations

import json
import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from branca.utilities import color_brewer
from streamlit.testing.v1 import AppTest

from geo import msoa, paths, store
from geo.areas import make_area
from geo.paths import ROOT
from layers.mappayload import prepare_area
from layers.mapview import map_frame, standalone
from layers.msoa import CAVEAT, MSOA_LIFE_EXPECTANCY, MSOA_LIFE_EXPECTANCY_COLUMNS
from layers.msoa_view import (HIGHER, LOWER, NO_FIGURE, NO_FIGURE_REASON, UNCLEAR, compare_with_median, msoa_payload,
                              msoa_table, msoas_in_area)
from layers.style import NO_DATA_COLOUR

from tests.conftest import LLR, LSC, map_documents

ICB_BUDGET = 200_000
ENGLAND_BUDGET = 3_000_000
BLACKPOOL = "E06000009"
BLACKPOOL_013 = "E02002645"  # lowest male life expectancy in L&SC
LANCASTER_015 = "E02005235"  # no figure for persons (nor males)
PRESTON_015 = "E02005267"  # no figure for persons (nor males)
SHEFFIELD_2025 = "E08000039"  # E08000019 in the life expectancy file (LAD 2024 code)


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    """The life expectancy file as written by the build, read with plain pandas."""
    return pd.read_csv(paths.DATA / "indicators" / "msoa11_life_expectancy.csv").set_index("msoa11_code")


@pytest.fixture(scope="module")
def msoas(ward_table: pd.DataFrame) -> pd.DataFrame:
    """As the app loads it (ui/msoa_panel.msoa_frame): the file plus each MSOA's 2025 LAD."""
    frame = store.read_msoa_life_expectancy(MSOA_LIFE_EXPECTANCY_COLUMNS)
    return frame.assign(lad_code=msoa.msoa_lad25(store.read_msoa_ward_lookup(), ward_table["lad_code"]))


@pytest.fixture(scope="module")
def shapes() -> gpd.GeoDataFrame:
    return store.read_msoa_shapes()


def _area_rows(msoas: pd.DataFrame, ward_table: pd.DataFrame, icb: str | None, lad: str | None = None):
    area = make_area(ward_table, icb, lad)
    return area, msoas_in_area(msoas, area)


def _payload(msoas, ward_table, shapes, icb, sex, lad=None):
    area, rows = _area_rows(msoas, ward_table, icb, lad)
    geometry = prepare_area(shapes.loc[rows.index], rows["lad24_name"], area.level)
    payload = msoa_payload(geometry, rows, MSOA_LIFE_EXPECTANCY[sex])
    return geometry, payload, json.loads(payload.to_json())


def test_lsc_has_its_217_msoas_by_icb_code(msoas: pd.DataFrame, raw: pd.DataFrame, ward_table: pd.DataFrame) -> None:
    _, rows = _area_rows(msoas, ward_table, LSC)
    assert len(rows) == 217 == (raw["icb_code"] == LSC).sum()
    assert rows.at[BLACKPOOL_013, "msoa11_name"] == "Blackpool 013"
    assert set(raw.index[raw["msoa11_name"].str.startswith("Blackpool ")]) <= set(rows.index)  # all 19
    assert len(_area_rows(msoas, ward_table, LLR)[1]) == 125


def test_a_place_takes_the_msoas_of_its_2025_local_authority(msoas: pd.DataFrame, ward_table: pd.DataFrame) -> None:
    _, blackpool = _area_rows(msoas, ward_table, LSC, BLACKPOOL)
    assert len(blackpool) == 19 and blackpool["msoa11_name"].str.startswith("Blackpool ").all()
    # Sheffield was recoded in 2025; the file still says E08000019, the view finds its 70 MSOAs.
    icb = ward_table.loc[ward_table["lad_code"] == SHEFFIELD_2025, "icb_code"].iloc[0]
    _, sheffield = _area_rows(msoas, ward_table, icb, SHEFFIELD_2025)
    assert len(sheffield) == 70 and (sheffield["lad24_code"] == "E08000019").all()


def test_every_icb_and_local_authority_gets_msoas_and_each_msoa_one_area(msoas: pd.DataFrame,
                                                                         ward_table: pd.DataFrame) -> None:
    assert msoas["lad_code"].notna().all() and len(msoas) == 6791
    pairs = ward_table[["icb_code", "lad_code"]].drop_duplicates()
    assert sum(len(_area_rows(msoas, ward_table, icb)[1]) for icb in pairs["icb_code"].unique()) == 6791
    empty = [(i, l) for i, l in pairs.itertuples(index=False) if _area_rows(msoas, ward_table, i, l)[1].empty]
    # A LAD split between ICBs can have no MSOA in the smaller part; every whole LAD has some.
    assert all(ward_table.loc[ward_table["lad_code"] == lad, "icb_code"].nunique() > 1 for _, lad in empty)


def test_tooltip_gives_name_value_ci_and_deaths_from_the_file(msoas, raw, ward_table, shapes) -> None:
    geometry, _, data = _payload(msoas, ward_table, shapes, LSC, "Male")
    i = geometry.codes.index(BLACKPOOL_013)
    row = raw.loc[BLACKPOOL_013]
    median = raw.loc[raw["icb_code"] == LSC, "le_male_2016_20"].median()
    assert (data["names"][i], data["lad_names"][data["lad_of"][i]]) == ("Blackpool 013", "Blackpool")
    assert data["values"][i] == f"{row['le_male_2016_20']:.1f}" == "69.8"
    assert data["notes"][i] == (f"95% CI {row['le_male_2016_20_lower95']:.1f} to {row['le_male_2016_20_upper95']:.1f} "
                            f"years · {int(row['deaths_male_2016_20'])} deaths, 2016–20<br>Lower than the "
                            f"area&#x27;s MSOA median ({median:.1f}): the whole 95% CI is below it")
    assert "95% CI 68.1 to 71.4 years · 255 deaths" in data["notes"][i] and f"{median:.1f}" == "80.9"
    assert data["noun"] == "MSOAs" and data["legend"]["target"] == "" and data["targets"] == []


def test_missing_life_expectancy_shows_as_no_data_with_the_reason(msoas, raw, ward_table, shapes) -> None:
    geometry, _, data = _payload(msoas, ward_table, shapes, LSC, "Persons")
    for code in (LANCASTER_015, PRESTON_015):
        i = geometry.codes.index(code)
        assert np.isnan(raw.at[code, "le_persons_2016_20"])
        assert data["values"][i] == "no data" and data["fills"][i] == NO_DATA_COLOUR
        deaths = int(raw.at[code, "deaths_persons_2016_20"])
        assert data["notes"][i] == (NO_FIGURE_REASON.replace("'", "&#x27;") + f"<br>{deaths} deaths, 2016–20")
    assert [data["legend"]["entries"][-1][k] for k in ("colour", "label", "count")] == [NO_DATA_COLOUR, "No data", 2]
    _, rows = _area_rows(msoas, ward_table, LSC)
    table = msoa_table(rows, MSOA_LIFE_EXPECTANCY["Persons"])
    assert list(table["MSOA code"].tail(2)) == [LANCASTER_015, PRESTON_015]
    assert table["Life expectancy"].tail(2).isna().all()
    assert (table["Against the area median"].tail(2) == NO_FIGURE).all()


def test_lowest_life_expectancy_gets_the_darkest_colour(msoas, ward_table, shapes) -> None:
    geometry, _, data = _payload(msoas, ward_table, shapes, LSC, "Male")
    darkest_to_lightest = color_brewer("PuBu", 5)[::-1]  # higher is better: palette reversed
    assert [e["colour"] for e in data["legend"]["entries"][:5]] == darkest_to_lightest
    assert data["fills"][geometry.codes.index(BLACKPOOL_013)] == darkest_to_lightest[0]
    assert [e["count"] for e in data["legend"]["entries"]] == [43, 42, 42, 42, 43, 5]  # quintiles of 212 + no data


def test_table_is_lowest_first_with_ci_width_and_the_median_flag(msoas, raw, ward_table) -> None:
    _, rows = _area_rows(msoas, ward_table, LSC)
    table = msoa_table(rows, MSOA_LIFE_EXPECTANCY["Male"])
    assert len(table) == 217
    first = table.iloc[0]
    assert (first["MSOA"], first["MSOA code"], first["Local authority"]) == ("Blackpool 013", BLACKPOOL_013,
                                                                             "Blackpool")
    assert first["Life expectancy"] == pytest.approx(raw.at[BLACKPOOL_013, "le_male_2016_20"])
    assert first["CI width"] == pytest.approx(raw.at[BLACKPOOL_013, "le_male_2016_20_upper95"]
                                              - raw.at[BLACKPOOL_013, "le_male_2016_20_lower95"])
    assert first["Deaths 2016–20"] == 255 and first["Against the area median"] == LOWER
    values = table["Life expectancy"].dropna()
    assert values.is_monotonic_increasing and len(values) == 212 and table["Life expectancy"].tail(5).isna().all()
    assert table["Against the area median"].value_counts().to_dict() == {LOWER: 72, HIGHER: 70, UNCLEAR: 70,
                                                                         NO_FIGURE: 5}


def test_comparison_needs_the_whole_ci_beyond_the_median() -> None:
    measure = MSOA_LIFE_EXPECTANCY["Female"]
    rec = measure.record.column
    frame = pd.DataFrame({rec: [70.0, 75.0, 80.0, 85.0, 90.0, np.nan],
                          measure.lower: [68.0, 74.0, 78.0, 80.0, 88.0, np.nan],
                          measure.upper: [72.0, 80.0, 82.0, 90.0, 92.0, np.nan]},
                         index=[f"E0200000{i}" for i in range(6)])
    comparison, median = compare_with_median(frame, measure)
    assert median == 80.0  # of the five with a figure
    # 75 (74-80) touches the median: not clearly lower; 85 (80-90) touches it: not clearly higher.
    assert list(comparison) == [LOWER, UNCLEAR, UNCLEAR, UNCLEAR, HIGHER, NO_FIGURE]
    empty, none = compare_with_median(frame.iloc[5:], measure)
    assert np.isnan(none) and list(empty) == [NO_FIGURE]


def test_names_and_notes_are_html_escaped() -> None:
    measure = MSOA_LIFE_EXPECTANCY["Male"]
    codes = ["E02999991", "E02999992"]
    shapes = gpd.GeoSeries([shapely.box(-2.0, 53.0, -1.9, 53.1), shapely.box(-1.9, 53.0, -1.8, 53.1)],
                           index=codes, crs=4326)
    frame = pd.DataFrame({"msoa11_name": ['<script>alert("x")</script>', "{{ 7*7 }}"], "lad24_name": ["<b>A</b>", "B"],
                          **{c: [80.0, np.nan] for c in measure.columns}}, index=codes)
    geometry = prepare_area(gpd.GeoDataFrame(geometry=shapes), frame["lad24_name"], "icb")
    html = standalone(map_frame(geometry), msoa_payload(geometry, frame, measure))
    assert "<script>alert" not in html and "&lt;script&gt;" in html and "&lt;b&gt;A&lt;/b&gt;" in html
    assert "{{ 7*7 }}" in html


@pytest.mark.parametrize(("icb", "budget"), [(LSC, ICB_BUDGET), (LLR, ICB_BUDGET), (None, ENGLAND_BUDGET)])
def test_map_is_offline_and_within_budget(icb, budget, msoas, ward_table, shapes) -> None:
    area, rows = _area_rows(msoas, ward_table, icb)
    geometry = prepare_area(shapes.loc[rows.index], rows["lad24_name"], area.level)
    html = standalone(map_frame(geometry), msoa_payload(geometry, rows, MSOA_LIFE_EXPECTANCY["Persons"]))
    assert len(html.encode()) <= budget
    assert sorted(re.findall(r'(?:src|href)="([^"]+)"', html)) == [
        "/app/static/vendor/leaflet/leaflet.css", "/app/static/vendor/leaflet/leaflet.js",
        "/app/static/wardlens/wardlens.css", "/app/static/wardlens/wardlens.js"]


def test_caveat_says_compare_msoas_only_and_gives_no_official_figure() -> None:
    assert "each other only" in CAVEAT and "1.5–2.5 years above" in CAVEAT
    assert not re.search(r"\b(7\d|8\d)\.\d\b", CAVEAT)  # no life expectancy value to set beside it
    for measure in MSOA_LIFE_EXPECTANCY.values():
        assert measure.record.source_geography == "MSOA 2011" and not measure.record.higher_is_worse


# --- The tab in the app (AppTest renders a tab's content only when it is the open one) ---

def _msoa_tab(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "explorer.py"), default_timeout=60)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert list(map_documents(at)) == ["map"]  # closed tab: its map is neither built nor sent
    at.session_state["tab"] = "Life expectancy by MSOA"
    return at.run()


def _msoa_listing(at: AppTest) -> pd.DataFrame:
    return next(df.value for df in at.dataframe if "Against the area median" in df.value.columns)


def test_msoa_tab_shows_caveat_map_and_table_for_the_sidebar_area() -> None:
    at = _msoa_tab()
    assert not at.exception, [e.value for e in at.exception]
    assert any(m.value == "## Life expectancy by MSOA: Lancashire and South Cumbria ICB" for m in at.main.markdown)
    assert any("1.5–2.5 years above" in i.value for i in at.info)
    assert at.radio(key="msoa_sex").options == ["Male", "Female", "Persons"]
    listing = _msoa_listing(at)
    assert len(listing) == 217 and listing.iloc[0]["MSOA"] == "Blackpool 013"
    (msoa_map,) = map_documents(at).values()  # the ward map is drawn only while its own tab is shown
    assert msoa_map["name"] == "msoa_map" and not msoa_map["clickable"]
    assert "Blackpool 013" in msoa_map["layer"]["names"]
    assert len(json.dumps(msoa_map).encode()) <= ICB_BUDGET

    at.radio(key="msoa_sex").set_value("Female").run()
    assert not at.exception
    assert any(m.value.startswith("**Life expectancy at birth by MSOA, females") for m in at.main.markdown)
    assert _msoa_listing(at).iloc[0]["MSOA"] == "Blackpool 007"  # no male figure; lowest female
    at.sidebar.selectbox(key="icb").set_value(LLR).run()
    assert not at.exception
    assert len(_msoa_listing(at)) == 125


def test_msoa_tab_for_a_place() -> None:
    at = _msoa_tab({"area": LSC, "place": BLACKPOOL})
    assert not at.exception, [e.value for e in at.exception]
    listing = _msoa_listing(at)
    assert len(listing) == 19 and set(listing["Local authority"]) == {"Blackpool"}
