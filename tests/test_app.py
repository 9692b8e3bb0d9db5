"""The app with Streamlit's AppTest: controls, targeting, URL state and bad links, on the real data."""

from __future__ import annotations

import json
import math
import re

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from geo.upload.safety import WORD_JOINER
from layers import INDICATORS

from tests.conftest import BLOOMFIELD, INDICATOR_DIR, LLR, LSC, ONS_OS_LINE
from tests.conftest import assert_no_exception as _ok
from tests.conftest import run_app as _app
from tests.conftest import shown_profile as _profile
from tests.profile_reading import table_headers, theme_headings

BLACKPOOL = "E06000009"
LEICESTER = "E06000016"
EYRES_MONSELL = "E05010465"  # Leicester: LLR's most deprived ward by IMD 2025


def _heading(at: AppTest) -> str:
    return next(m.value for m in at.main.markdown if m.value.startswith("# "))


def _subtitle(at: AppTest) -> str:
    return next(m.value for m in at.main.markdown if "**Outlined:**" in m.value)


def _column(at: AppTest, name: str) -> list[str]:
    """A column of the target list, in rank order."""
    return list(next(df.value for df in at.dataframe if "Rank" in df.value.columns)[name])


def _metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def _query(at: AppTest) -> dict[str, str]:
    return {k: at.query_params[k][0] if isinstance(at.query_params[k], list) else at.query_params[k]
            for k in at.query_params}


@pytest.fixture()
def default_app() -> AppTest:
    """A fresh app for each test: a test that changes the page cannot change another's."""
    return _app()


def test_default_view_is_lsc_imd_2025_with_its_28_most_deprived_wards(default_app: AppTest) -> None:
    at = default_app
    _ok(at)
    assert _heading(at) == "# Lancashire and South Cumbria ICB"
    subtitle = next(m.value for m in at.main.markdown if m.value.startswith("**Index of Multiple"))
    assert "(IoD2025)** for 280 wards" in subtitle.replace("\\", "") and "28 wards, 221,247 residents (12.9%" in subtitle
    assert (_metric(at, "Wards"), _metric(at, "Residents"), _metric(at, "Share of area")) == ("28", "221,247", "12.9%")
    listing = next(df.value for df in at.dataframe if "Rank" in df.value.columns)
    assert listing.iloc[0]["Ward"] == "Bloomfield" and len(listing) == 28
    assert _query(at) == {"area": LSC, "layer": "imd_score_2025", "target": "imd10"}
    assert not at.warning
    captions = " ".join(c.value for c in at.caption)
    assert ONS_OS_LINE in captions


def test_switching_area_layer_and_targeting_updates_page_and_url(default_app: AppTest) -> None:
    at = default_app
    at.sidebar.selectbox(key="icb").set_value(LLR).run()
    _ok(at)
    assert _heading(at) == "# Leicester, Leicestershire and Rutland ICB"
    assert _metric(at, "Wards") == "18"
    at.sidebar.selectbox(key="theme").set_value("Health").run()
    at.sidebar.selectbox(key="family").set_value("Life expectancy at birth").run()
    at.sidebar.radio(key="variant").set_value("Female").run()
    _ok(at)
    assert _query(at)["layer"] == "le_female_2016_20"
    assert any("Life expectancy at birth, females" in m.value for m in at.main.markdown)
    at.sidebar.radio(key="targeting").set_value("core20").run()
    _ok(at)
    assert _query(at) == {"area": LLR, "layer": "le_female_2016_20", "target": "core20"}
    assert _metric(at, "Wards") == "11"
    at.sidebar.radio(key="targeting").set_value("layer10").run()
    _ok(at)
    assert _metric(at, "Wards") == "18"  # worst 10% on female life expectancy: the lowest values
    at.sidebar.selectbox(key="scheme").set_value("NationalDeciles").run()
    _ok(at)
    assert _query(at)["classes"] == "NationalDeciles"


def test_a_place_keeps_the_icb_wide_cohort_and_offers_a_within_place_ranking_apart() -> None:
    at = _app()
    ranks = _column(at, "Ward")
    at.sidebar.selectbox(key="lad").set_value(BLACKPOOL).run()
    _ok(at)
    assert _heading(at) == "# Blackpool (Lancashire and South Cumbria ICB)"
    # The ICB's cohort (the 28 most deprived of L&SC's 280 wards) that lies in Blackpool: 7 wards, Brunswick among them.
    in_blackpool = _column(at, "Ward")
    assert _metric(at, "Wards") == "7" and "Brunswick" in set(in_blackpool) and set(in_blackpool) <= set(ranks)
    assert "Most disadvantaged 10% of the ICB's wards" in _subtitle(at)
    # A ward's profile says where its rank counts: among the 7 ICB target wards in Blackpool.
    at.selectbox(key="ward_search").set_value(BLOOMFIELD).run()
    status = next(m.value for m in at.main.markdown if m.value.startswith("**Target ward?**"))
    assert "Most disadvantaged 10% of the ICB's wards: **yes (rank 1 of 7 in Blackpool)**" in status
    at.sidebar.radio(key="targeting").set_value("place10").run()  # ranked within Blackpool only
    _ok(at)
    assert _metric(at, "Wards") == "3"  # ceil(10% of Blackpool's 21 wards)
    assert "not an ICB goal's cohort" in " ".join(c.value for c in at.caption)
    assert _query(at)["place"] == BLACKPOOL and _query(at)["target"] == "place10"


def test_a_missing_value_in_the_target_list_reads_no_data() -> None:
    """Park (Blackpool) is a target ward without a male life expectancy: its cell says "no data", not "None"."""
    at = _app({"area": LSC, "place": BLACKPOOL, "layer": "le_male_2016_20"})
    _ok(at)
    listed = next(df for df in at.dataframe if "Rank" in df.value.columns)
    park = listed.value.set_index("Ward").loc["Park"]
    assert math.isnan(park.filter(like="Life expectancy").iloc[0])
    assert listed.proto.placeholder == "no data"


def test_the_subtitle_names_the_layer_once_and_counts_the_wards_with_a_value() -> None:
    at = _app({"area": LSC, "layer": "le_male_2016_20"})
    _ok(at)
    assert _subtitle(at).replace("\\", "").startswith("**Life expectancy at birth, males (ranking estimate)** for 277 of the 280 "
                                    "wards (the rest have no value), coloured by")


def test_choosing_a_ward_shows_its_profile_and_goes_in_the_url() -> None:
    at = _app()
    at.selectbox(key="ward_search").set_value(BLOOMFIELD).run()
    _ok(at)
    assert any(m.value == "### Bloomfield" for m in at.main.markdown)
    status = next(m.value for m in at.main.markdown if m.value.startswith("**Target ward?**"))
    assert "Most disadvantaged 10% of the ICB's wards: **yes (rank 1 of 28 in the ICB)**" in status
    profile = _profile(at)
    shown = [h.value for h in at.main.html]
    assert theme_headings(shown) == ["Deprivation", "Health", "Long-term conditions", "Children", "Place"]
    assert table_headers(shown)[0] == ["Indicator", "Bloomfield", "Blackpool", "ICB", "England",
                                       "Rank in ICB (1 = worst)", "In England"]  # the ward's and its LAD's names
    imd = profile[profile["Indicator"] == "Index of Multiple Deprivation, average score (IoD2025)"].iloc[0]
    assert (imd["Ward"], imd["Rank in ICB (1 = worst)"], imd["In England"]) == ("86.2", "1 of 280 · worst fifth",
                                                                               "worst fifth")
    # MHCLG publishes the IMD average score for LADs and ICBs: the profile shows theirs, and says so.
    official = {level: pd.read_csv(INDICATOR_DIR / f"summaries_{level}_2025_official.csv", index_col="area_code")
                for level in ("lad", "icb")}
    assert imd["ICB"] == f"{official['icb'].at[LSC, 'imd_average_score']:.1f} · MHCLG" == "25.8 · MHCLG"
    assert imd["Local authority"] == f"{official['lad'].at[BLACKPOOL, 'imd_average_score']:.1f} · MHCLG"
    assert not imd["Note"]
    life = profile[(profile["Indicator"] == INDICATORS["le_male_2016_20"].full_title)].iloc[0]
    assert "about 2 years above official" in life["Note"] and "· MHCLG" not in life["ICB"]  # computed, with its warning
    rural = profile[profile["Indicator"] == INDICATORS["rural_share_2021"].full_title].iloc[0]
    assert (rural["Ward"], rural["Rank in ICB (1 = worst)"]) == ("0%", "–")  # context: neither better nor worse
    assert _query(at)["ward"] == BLOOMFIELD


def test_the_search_box_names_the_shown_ward_and_emptying_it_closes_the_profile() -> None:
    at = _app()
    at.selectbox(key="ward_search").set_value(BLOOMFIELD).run()
    assert at.selectbox(key="ward_search").value == BLOOMFIELD
    assert not at.toast  # the profile is right under the box: no toast to cover it
    assert at.session_state["map_selection"][0] == BLOOMFIELD
    at.selectbox(key="ward_search").set_value(None).run()
    _ok(at)
    assert at.session_state["ward"] is None and at.session_state["map_selection"][0] is None  # outline gone too
    assert not any(m.value == "### Bloomfield" for m in at.main.markdown)
    assert "ward" not in _query(at)


def test_url_state_is_restored_and_written_back_unchanged() -> None:
    query = {"area": LLR, "place": LEICESTER, "layer": "income_score_2025", "classes": "NationalDeciles",
             "target": "layer10", "ward": EYRES_MONSELL, "flags": "rural_flag_2021,coastal_flag"}
    at = _app(query)
    _ok(at)
    assert not at.warning
    assert at.sidebar.selectbox(key="icb").value == LLR
    assert at.sidebar.selectbox(key="lad").value == LEICESTER
    assert at.sidebar.selectbox(key="family").value == "Income deprivation"
    assert at.sidebar.selectbox(key="scheme").value == "NationalDeciles"
    assert at.sidebar.radio(key="targeting").value == "layer10"
    assert at.sidebar.multiselect(key="flags").value == ["rural_flag_2021", "coastal_flag"]
    assert at.session_state["ward"] == EYRES_MONSELL == at.selectbox(key="ward_search").value  # the box names it
    assert any(m.value == "### Eyres Monsell" for m in at.main.markdown)
    assert _heading(at) == "# Leicester (Leicester, Leicestershire and Rutland ICB)"
    assert _query(at) == query


def test_a_flag_layers_link_has_no_classes() -> None:
    """A flag draws two categories: the classes chosen for another layer stay out of its link."""
    at = _app({"layer": "le_male_2016_20", "classes": "EqualInterval"})
    assert _query(at)["classes"] == "EqualInterval"
    at = _app({"layer": "coastal_flag", "classes": "EqualInterval"})
    _ok(at)
    assert "classes" not in _query(at) and _query(at)["layer"] == "coastal_flag"


def test_a_ward_alone_in_the_link_opens_its_icb() -> None:
    at = _app({"ward": EYRES_MONSELL})
    _ok(at)
    assert _heading(at) == "# Leicester, Leicestershire and Rutland ICB"
    assert _query(at)["ward"] == EYRES_MONSELL


def test_bad_links_say_what_was_wrong_and_fall_back_to_the_default() -> None:
    at = _app({"area": "E54999999", "layer": "no_such_layer", "target": "top5", "classes": "Jenks",
               "place": "E06999999", "ward": "E05XXXXXX", "flags": "coastal_flag,seaside"})
    _ok(at)
    warnings = " ".join(re.sub(r"\\(.)", r"\1", w.value) for w in at.warning)  # as the page shows them
    for bad in ("E54999999", "no_such_layer", "top5", "Jenks", "E06999999", "E05XXXXXX", "“seaside”"):
        assert bad in warnings
    assert _heading(at) == "# Lancashire and South Cumbria ICB"
    assert _query(at) == {"area": LSC, "layer": "imd_score_2025", "target": "imd10", "flags": "coastal_flag"}


def test_a_hostile_link_is_quoted_as_plain_text_never_as_a_link() -> None:
    at = _app({"layer": "[Sign in](http://e.vil/login) **now**", "classes": "www.evil.example"})
    _ok(at)
    notes = " ".join(w.value for w in at.warning)
    # Every Markdown character escaped, and a word joiner inside "http://" and after "www", so nothing
    # is rendered as a link, emphasis or an address.
    assert rf"\[Sign in\]\(http{WORD_JOINER}\://e\.vil/login\) \*\*now\*\*" in notes
    assert rf"www{WORD_JOINER}\.evil\.example" in notes


def test_all_england_outlines_each_icbs_cohort_or_the_national_decile(ward_table) -> None:
    at = _app({"area": "england"})
    _ok(at)
    assert _heading(at) == "# England"
    # Every ICB's own most disadvantaged 10%: ceil(10% of its wards), summed over the 42 ICBs.
    per_icb = ward_table.groupby("icb_code")["imd_score_2025"].count().map(lambda n: math.ceil(round(n / 10, 9)))
    assert _metric(at, "Wards") == f"{per_icb.sum():,}" == "700"
    assert at.sidebar.selectbox(key="icb").value == "england"
    at.sidebar.radio(key="targeting").set_value("england10").run()
    assert _metric(at, "Wards") == "683"  # England's most deprived 10% of its 6,826 wards


def _map(at: AppTest):
    """The map component's element (its document is the proto's bytes; the selection is another element)."""
    (component,) = [e for e in at.get("bidi_component") if e.proto.component_name == "wardlens_map" and e.proto.bytes]
    return component.proto


def _map_args(at: AppTest) -> dict:
    return json.loads(_map(at).bytes)


def test_map_component_is_local_small_and_reruns_only_on_clicks() -> None:
    at = _app()
    args, script = _map_args(at), _map(at).js_content
    assert args["clickable"] and args["frame"]["static"] == "/app/static"
    # Its script loads Leaflet and the app's map script and styles from there, nothing else; only a
    # click goes back to the server, and once a page the first page's "map drawn" (pan and zoom never
    # rerun the script).
    assert re.findall(r"`\$\{base\}([^`]+)`", script) == ["/vendor/leaflet/leaflet.css", "/wardlens/wardlens.css",
                                                          "/vendor/leaflet/leaflet.js", "/wardlens/wardlens.js"]
    assert re.findall(r"set\w+Value\(([^)]*)\)", script) == ["'drawn', true", "'click', { lat, lng }"]
    assert "openstreetmap" not in _map(at).bytes.decode()
    assert len(_map(at).bytes) <= 200_000
    at.sidebar.toggle(key="tiles").set_value(True).run()
    _ok(at)
    assert _map_args(at)["frame"]["tiles"] == "https://tile.openstreetmap.org/{z}/{x}/{y}.png"


def test_flag_overlays_are_offered_and_credited_once() -> None:
    flags = [r for r in INDICATORS.values() if r.kind == "flag"]
    at = _app()
    if not flags:
        assert not at.sidebar.multiselect  # nothing to outline yet
        return
    at.sidebar.multiselect(key="flags").set_value([r.id for r in flags]).run()
    _ok(at)
    document = _map(at).bytes.decode()
    assert all(r.title in document for r in flags)
    captions = next(c.value for c in at.caption if c.value.startswith("Source: Office for National Statistics"))
    assert captions.count("Contains OS data") == 1 and ONS_OS_LINE in captions  # one ONS/OS line, both years
    assert captions.count("Made with Natural Earth.") == 1  # the coastal flag's own line, apart from ONS's
    for r in flags:
        for sentence in r.source.attribution.split(". "):
            assert sentence.strip().rstrip(".") in captions
