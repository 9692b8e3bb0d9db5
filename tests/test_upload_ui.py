"""Your data in the app (issue 5): an uploaded column used like any layer, with small counts suppressed.

Two parts. The glue, on the real L&SC file (``tests/data/uploads/lsc_lsoa21_5plus_ltc.csv``,
1,063 LSOA 2021 rows): the runtime record, its colours and legend, the map payload, the
profile row, the target list and its CSV/Excel files. Then the app itself with Streamlit's
AppTest: a paste and a file upload become a layer on the map, in the legend, in the list
and in the profile; refused files give one message and leave the page as it was; a link to
another session's layer falls back to the default; and the user's data reach no cache
shared between sessions.

The "Aged 0-17" column is the one with small numbers: of its 280 ward totals, 161 are
between 1 and 4 and are suppressed, 119 are shown (0 or 5 and over). (Each LSOA's counts are
split among the wards its Output Areas lie in, by their Census 2021 residents.)
"""

from __future__ import annotations

import builtins
import io
import json
import pickle
import re
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from geo.targeting import rank_targets, select
from geo.upload import UploadError, aggregate_to_wards, inspect_upload, read_pasted, read_reference, read_upload
from geo.upload.safety import WORD_JOINER
from layers import INDICATORS
from layers.export import decimals, notes, notes_csv, target_table, to_csv, to_excel
from layers.indicator import THEMES
from layers.mappayload import layer_payload, prepare_area
from layers.profile import profile_row
from layers.source import area_value_of, value_text
from layers.style import NO_DATA_COLOUR, SUPPRESSED_FILL
from layers.targets import TARGETINGS, key_indicators
from layers.uploaded import (PER_RESIDENTS, SOURCE, THEME, USER_LAYER_PREFIX, VARIANT, per_residents, unique_title,
                             user_layer)
from layers.view import style_source
from tests.conftest import assert_no_exception as _ok
from tests.conftest import run_app
from tests.conftest import shown_profile
from tests.profile_reading import theme_headings
from ui.link import parse_query
from ui.session import Keys

from tests.conftest import LSC

CORPUS = Path(__file__).parent / "data" / "uploads"
LSC_FILE = "lsc_lsoa21_5plus_ltc.csv"
PEOPLE = "People with 5+ long-term conditions"
CHILDREN = "Aged 0-17 with 5+ long-term conditions"
ASHTON = "E05012193"  # Preston: 7 children with 5+ LTCs (shown), 545 people (see tests/test_upload.py)
BLACKBURN_CENTRAL = "E05011511"  # IMD rank 4 in L&SC, its children's count is suppressed
#: The pasted layer's title: a marker to look for in the shared caches, with HTML and Markdown in it.
MARKED = "Secret marker 7f3a <b>kids</b> [x](http://e.vil)"
#: A text 1-4 standing alone: what must never be shown for a suppressed count.
SMALL = re.compile(r"^\s*[1-4](\.0+)?\s*$")


@pytest.fixture(scope="module")
def reference():
    return read_reference()


@pytest.fixture(scope="module")
def lsc_wards(reference):
    table = read_upload(LSC_FILE, (CORPUS / LSC_FILE).read_bytes())
    return aggregate_to_wards(inspect_upload(table, reference), reference)


@pytest.fixture(scope="module")
def children(lsc_wards):
    return user_layer(f"{USER_LAYER_PREFIX}1", lsc_wards, CHILDREN, title="Children with 5+ LTCs", unit="children",
                      higher_is_worse=True, source_name=LSC_FILE)


# --- the runtime record and its values -----------------------------------------------------------

def test_uploaded_column_becomes_a_valid_record_with_suppressed_values_missing(children, lsc_wards) -> None:
    r = children.record
    assert (r.id, r.title, r.theme, r.unit, r.higher_is_worse, r.kind) == (
        "upload-1", "Children with 5+ LTCs", THEME, "children", True, "numeric")
    assert THEME in THEMES and r.id not in INDICATORS  # listed under its theme, never in the registry
    assert r.source == SOURCE and r.source.dataset == "Your upload — not published"
    assert (r.method, r.aggregation, r.weight, r.value_format) == ("summed", "sum", "", ",.0f")
    assert "161 of the 280 ward values" in r.method_note and "Counts from 1 to 4 are suppressed" in r.method_note
    assert "browser session only" in r.caveat
    assert (children.n_suppressed, children.n_values) == (161, 119)
    raw = lsc_wards.frame[CHILDREN]
    assert children.ward_values.isna().equals(raw.isna()) and children.ward_values[ASHTON] == 7
    hidden = children.suppressed[children.suppressed].index
    assert children.values(hidden).isna().all()
    assert set(value_text(children, hidden)) == {"fewer than 5"}
    assert value_text(children, pd.Index([ASHTON])).item() == "7"
    assert children.suppression.label == "<5"


def test_bad_titles_are_refused_and_repeated_titles_numbered(lsc_wards) -> None:
    for title, message in [("  ", r"^The layer has no title\."), ("x" * 81, r"^The title is 81 characters long")]:
        with pytest.raises(UploadError, match=message):
            user_layer("upload-2", lsc_wards, PEOPLE, title=title, unit="", higher_is_worse=True, source_name="f")
    with pytest.raises(ValueError, match="must start with 'upload-'"):
        user_layer("imd_score_2025", lsc_wards, PEOPLE, title="T", unit="", higher_is_worse=True, source_name="f")
    assert unique_title("A", {"A", "A (2)"}) == "A (3)" and unique_title("B", {"A"}) == "B"
    people = user_layer("upload-3", lsc_wards, PEOPLE, title="People", unit="", higher_is_worse=True, source_name="f")
    assert people.record.unit == "count" and people.n_suppressed == 0


def test_rates_are_not_suppressed_and_average_by_their_denominator(reference) -> None:
    # Ashton's LSOAs and the share of each one's residents whose Output Areas are in Ashton.
    ashton = {"E01025231": 1.0, "E01025232": 1.0, "E01025233": 1.0, "E01025266": 1.0, "E01025267": 0.18980798,
              "E01025288": 1.0, "E01025311": 0.65955701, "E01025312": 0.31934878}
    rates, lists = [1.0, 2, 3, 4, 5, 6, 7, 8], [1000] * 6 + [4000, 1000]
    text = "lsoa21_code,Rate per 1000,List size\n" + "\n".join(
        f"{c},{r},{n}" for c, r, n in zip(ashton, rates, lists))
    wards = aggregate_to_wards(inspect_upload(read_pasted(text), reference), reference)
    rate = user_layer("upload-4", wards, "Rate per 1000", title="Rate", unit="per 1,000", higher_is_worse=True,
                      source_name="pasted text")
    assert (rate.kind, rate.record.aggregation, rate.record.weight) == ("rate", "weighted mean", "List size")
    assert rate.suppression is None and rate.n_suppressed == 0 and "Rates are not suppressed" in rate.record.method_note
    weights = [n * s for n, s in zip(lists, ashton.values())]
    expected = sum(r * w for r, w in zip(rates, weights)) / sum(weights)  # 4.66 is shown: rates are never suppressed
    assert rate.ward_values[ASHTON] == pytest.approx(expected) and value_text(rate, pd.Index([ASHTON])).item() == "4.66"
    register = reference.wards.set_index("ward_code")
    england = area_value_of(rate, register, pd.Series(True, index=register.index))
    assert (england.n_used, england.value) == (1, pytest.approx(expected))
    assert style_source(rate, rate.ward_values.index).legend.suppressed is None


# --- map: colours, legend, payload ---------------------------------------------------------------

def test_suppressed_wards_are_hatched_with_their_own_legend_entry(children, ward_table) -> None:
    codes = ward_table.index[ward_table["icb_code"] == LSC]
    styled = style_source(children, codes)
    legend = styled.legend
    assert legend.suppressed.colour == SUPPRESSED_FILL and legend.suppressed.label == "Suppressed (1–4)"
    assert (legend.suppressed.count, legend.no_data.count) == (161, 0)
    assert sum(e.count for e in legend.entries) == 119
    assert (styled.colour == SUPPRESSED_FILL).sum() == 161 and NO_DATA_COLOUR not in set(styled.colour)
    assert legend.title == "Children with 5+ LTCs · Your data"
    # Class bounds are values that occur (0, 5, 6 ...), so no label names a hidden 1-4.
    numbers = {float(n) for e in legend.entries for n in re.findall(r"\d+(?:\.\d+)?", e.label)}
    assert numbers and not numbers & {1.0, 2.0, 3.0, 4.0}, [e.label for e in legend.entries]
    deciles = style_source(children, codes, "NationalDeciles")
    assert deciles.legend.scheme == "deciles of all wards in your file"


def test_payload_says_fewer_than_5_and_escapes_the_users_text(lsc_wards, ward_table, icb_shapes) -> None:
    layer = user_layer("upload-5", lsc_wards, CHILDREN, title="<b>Kids</b> [x](http://e.vil)", unit="<i>n</i>",
                       higher_is_worse=True, source_name="f")
    codes = ward_table.index[ward_table["icb_code"] == LSC]
    geometry = prepare_area(icb_shapes.loc[codes], ward_table.loc[codes, "lad_name"], "icb")
    styled = style_source(layer, codes)
    payload = layer_payload(geometry, ward_table.loc[codes], layer.record, value_text(layer, codes), styled.colour,
                            styled.legend, pd.Series(False, index=codes), "")
    data = json.loads(payload.to_json().replace("\\u007b", "{"))
    shown = data["values"]
    assert shown.count("fewer than 5") == 161 and not [v for v in shown if SMALL.match(v)]
    assert data["fills"].count(SUPPRESSED_FILL) == 161
    entries = data["legend"]["entries"]
    assert [e["label"] for e in entries[-2:]] == ["Suppressed (1–4)", "No data"] and entries[-2]["count"] == 161
    assert entries[-2]["swatch"].startswith("repeating-linear-gradient")  # the hatch, drawn in CSS in the legend
    assert "<b>" not in payload.to_json() and "&lt;b&gt;Kids&lt;/b&gt;" in data["legend"]["title"]
    assert data["unit"] == "&lt;i&gt;n&lt;/i&gt;"


# --- profile, list and downloads -----------------------------------------------------------------

def test_profile_row_sums_only_the_wards_shown_in_the_file(children, ward_table) -> None:
    shown = children.ward_values.dropna()
    total = f"{shown.sum():,.0f} in your file"
    row = profile_row(children, ward_table, ASHTON)
    assert (row["Ward"], row["ICB"], row["England"], row["Unit"]) == ("7", total, total, "children")
    assert " of 119 · " in row["Rank in ICB (1 = worst)"] and row["Theme"] == THEME
    assert "sum of its 119 wards with a value in your file" in row["Caveat"]
    hidden = profile_row(children, ward_table, BLACKBURN_CENTRAL)
    assert (hidden["Ward"], hidden["Rank in ICB (1 = worst)"]) == ("fewer than 5", "–")
    elsewhere = profile_row(children, ward_table, "E05010465")  # Leicester: not in the file
    assert (elsewhere["Ward"], elsewhere["ICB"], elsewhere["England"]) == ("no data", "none in your file", total)


def test_target_list_and_downloads_write_suppressed_counts_as_lt5(children, ward_table, catalogue) -> None:
    lsc = ward_table[ward_table["icb_code"] == LSC]
    t = TARGETINGS["imd10"]
    ranks = rank_targets(select(lsc[t.indicator], t.rule, t.parameter, True), [(lsc[t.indicator], True)])
    layers = {**catalogue, children.id: children}
    sources = [layers[i] for i in key_indicators(children.id)]
    records = [s.record for s in sources]
    table = target_table(ward_table, ranks, sources)
    column = "Children with 5+ LTCs (Your data)"
    cells = table.frame[column].tolist()
    n_hidden = int(children.suppressed.reindex(ranks.index).sum())
    assert cells.count("<5") == n_hidden > 0 and table.frame.set_index("Ward code").at[BLACKBURN_CENTRAL, column] == "<5"
    assert not [c for c in cells if c != "<5" and (c is None or 1 <= c <= 4)]
    assert table.labelled == (column,)
    assert table.notes == (f"Column {column}: {n_hidden} of the 28 listed wards have a count from 1 to 4 (or one "
                           "that would reveal it), suppressed to protect confidentiality and written '<5'.",)
    screen = table.screen_frame()[column]
    assert "<5" in set(screen) and not [c for c in screen if c and SMALL.match(c)]

    lines = notes(area="L&SC", definition=t.describe(children.record), coverage="28", records=records,
                  layer=children.record, generated="now", extra=table.notes)
    text = notes_csv(lines).decode("utf-8-sig")
    assert "Your upload — not published" in text and "Children with 5+ LTCs" in text
    assert "Counts from 1 to 4 are suppressed" in text and table.notes[0] in text
    back = pd.read_csv(io.BytesIO(to_csv(table.frame)), dtype=str, encoding="utf-8-sig")
    assert (back[column] == "<5").sum() == n_hidden and not back[column].dropna().map(SMALL.match).any()
    book = openpyxl.load_workbook(io.BytesIO(to_excel(table, lines)))
    sheet = book["Target wards"]
    j = [c.value for c in sheet[1]].index(column)
    values = [row[j].value for row in sheet.iter_rows(min_row=2)]
    assert values.count("<5") == n_hidden and not [v for v in values if isinstance(v, (int, float)) and 1 <= v <= 4]
    assert table.notes[0] in [c.value for c in book["Notes"]["A"]]


def test_the_rate_per_residents_is_listed_with_its_decimals_and_suppressed_where_the_count_is(
        children, ward_table) -> None:
    rate = per_residents(children, ward_table["population"], "upload-9")
    lsc = ward_table[ward_table["icb_code"] == LSC]
    t = TARGETINGS["imd10"]
    ranks = rank_targets(select(lsc[t.indicator], t.rule, t.parameter, True), [(lsc[t.indicator], True)])
    table = target_table(ward_table, ranks, [children, rate])
    column = "Children with 5+ LTCs (Per 1,000 residents)"
    shown = dict(zip(table.frame["Ward code"], table.frame[column]))
    hidden = rate.suppressed.reindex(ranks.index)
    assert rate.suppression.label == "suppressed"  # not "<5": the rate itself is not a count
    assert hidden.sum() > 0 and [c for c, h in hidden.items() if h] == [c for c, v in shown.items() if v == "suppressed"]
    first = next(c for c, v in shown.items() if isinstance(v, float))  # its count over its residents, to the format's decimals
    places = decimals(rate.record)
    expected = round(children.ward_values[first] / ward_table.at[first, "population"] * 1_000, places)
    assert places >= 1 and shown[first] == expected and shown[first] != round(expected)
    assert table.notes[1].startswith(f"Column {column}: ") and "a rate made from a count from 1 to 4" in table.notes[1]


def test_formula_titles_are_neutralised_in_the_downloads(lsc_wards, ward_table) -> None:
    layer = user_layer("upload-6", lsc_wards, PEOPLE, title='=HYPERLINK("http://e.vil","x")', unit="n",
                       higher_is_worse=True, source_name="@SUM(1).csv")
    table = target_table(ward_table, pd.Series({ASHTON: 1}), [layer])
    sheet = openpyxl.load_workbook(io.BytesIO(to_excel(table, ["note"])))["Target wards"]
    assert [c.value for c in sheet[1]][3].startswith("'=HYPERLINK")  # the layer's column, after Rank, code, ward
    assert to_csv(table.frame).decode("utf-8-sig").splitlines()[0].split(",")[3].startswith("\"'=HYPERLINK")


def test_a_link_to_another_sessions_layer_says_so_and_falls_back(ward_table) -> None:
    view, messages = parse_query({"layer": "upload-3"}, ward_table, INDICATORS, ("Quantiles",), TARGETINGS)
    assert view.layer == "imd_score_2025"
    assert len(messages) == 1 and "uploaded in another browser session" in messages[0]
    assert "upload the file again" in messages[0]


# --- the app (AppTest) ---------------------------------------------------------------------------


def _app(query: dict[str, str] | None = None) -> AppTest:
    """The explorer with "Your data" open in the sidebar (its uploader and paste box are drawn only then)."""
    return run_app(query, opened=(Keys.YOUR_DATA,))


def _map_json(at: AppTest) -> dict:
    """The ward layer's payload as the ward map sends it to the browser."""
    component = next(c for c in at.get("bidi_component") if c.proto.component_name == "wardlens_map" and c.proto.bytes)
    return json.loads(component.proto.bytes)["layer"]


def _plain(markdown: str) -> str:
    """Markdown made plain by :func:`geo.upload.plain_markdown`, as the page shows it."""
    return re.sub(r"\\(.)", r"\1", markdown).replace(WORD_JOINER, "")


def _layer_query(at: AppTest) -> str:
    value = at.query_params["layer"]
    return value[0] if isinstance(value, list) else value


def _column(at: AppTest, name: str) -> pd.Series:
    listing = next(df.value for df in at.dataframe if "Rank" in df.value.columns)
    return listing.set_index("Ward code")[name]


def _caches_hold(marker: str) -> tuple[int, bool]:
    """How many shared cache entries there are, and whether any holds ``marker`` (pickled)."""
    from streamlit.runtime.caching import cache_data_api, cache_resource_api

    entries, found, needle = 0, False, marker.encode("utf-8")
    # Both managers keep {session id (None: global, shared by every session) -> {function -> cache}}.
    for caches in cache_data_api._data_caches._function_caches.values():
        for cache in caches.values():
            for blob in list(cache.storage._mem_cache.values()):  # pickled results
                entries += 1
                found |= needle in blob
    for caches in cache_resource_api._resource_caches._function_caches.values():
        for cache in caches.values():
            for result in list(cache._mem_cache.values()):
                entries += 1
                found |= needle in pickle.dumps(result.value)
    return entries, found


@pytest.fixture()
def pasted() -> AppTest:
    """A fresh app after pasting the L&SC file and adding its children's column as a layer (one per test:
    the tests change it)."""
    at = _app()
    at.text_area(key="upload_paste").input((CORPUS / LSC_FILE).read_text(encoding="utf-8")).run()
    _ok(at)
    assert not at.error
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["Rows read"], metrics["Areas matched"], metrics["Not matched"]) == ("1,063", "1,063", "0")
    assert any(m.value.startswith("**Geography:** LSOA 2021") for m in at.markdown)
    assert [at.radio(key=f"upw1_kind{i}").value for i in range(3)] == ["count", "count", "count"]
    at.selectbox(key="upw1_column").set_value(1).run()
    assert at.text_input(key="upw1_title1").value == CHILDREN
    assert any("**119** wards with a value, **161** suppressed" in m.value for m in at.markdown)
    at.text_input(key="upw1_title1").input(MARKED).run()
    at.button(key="upw1_add").click().run()
    _ok(at)
    # A count is added with its rate per 1,000 residents, and the rate is shown first (issue 3) ...
    assert _layer_query(at) == "upload-2" and at.sidebar.radio(key="variant").value == PER_RESIDENTS
    assert _map_json(at)["legend"]["title"] == f"{MARKED.replace('<', '&lt;').replace('>', '&gt;')} · {PER_RESIDENTS}"
    # ... the count stays one click away: the tests below look at it.
    at.sidebar.radio(key="variant").set_value(VARIANT).run()
    _ok(at)
    return at


def test_a_pasted_file_becomes_the_layer_on_the_map_with_suppression(pasted: AppTest) -> None:
    at = pasted
    assert at.sidebar.selectbox(key="theme").value == THEME
    assert at.sidebar.selectbox(key="family").value == MARKED
    assert _layer_query(at) == "upload-1"  # the URL names the layer, never its data
    heading = next(m.value for m in at.markdown if m.value.startswith("**Secret marker"))
    assert heading.startswith(rf"**Secret marker 7f3a \<b\>kids\</b\> \[x\]\(http{WORD_JOINER}\://e\.vil\) \(Your data\)** for 280")
    data = _map_json(at)
    legend = data["legend"]
    assert legend["title"] == "Secret marker 7f3a &lt;b&gt;kids&lt;/b&gt; [x](http://e.vil) · Your data"
    assert "<b>kids" not in json.dumps(data)
    assert [(e["label"], e["count"]) for e in legend["entries"][-2:]] == [("Suppressed (1–4)", 161), ("No data", 0)]
    assert data["values"].count("fewer than 5") == 161 and not [v for v in data["values"] if SMALL.match(v)]
    captions = " ".join(c.value for c in at.caption)
    assert "Your upload — not published" in captions


def test_the_list_and_profile_show_the_uploaded_layer_suppressed(pasted: AppTest, children) -> None:
    at = pasted
    column = _column(at, f"{MARKED} (Your data)")
    assert column[BLACKBURN_CENTRAL] == "<5" and not [v for v in column if v and SMALL.match(v)]
    at.selectbox(key="ward_search").set_value(BLACKBURN_CENTRAL).run()
    _ok(at)
    profile = shown_profile(at)
    first = profile.iloc[0]
    assert theme_headings(h.value for h in at.main.html)[0] == THEME
    bodies = [h.value for h in at.main.html]  # st.html: never read as Markdown, every text escaped
    assert any("Secret marker 7f3a &lt;b&gt;kids&lt;/b&gt; [x](http://e.vil)" in b for b in bodies)
    assert not any("<b>kids" in b for b in bodies)
    assert (first["Indicator"], first["Ward"], first["Rank in ICB (1 = worst)"]) == (
        f"{MARKED} (Your data)", "fewer than 5", "–")
    assert first["ICB"].endswith(" in your file") and first["ICB"] == first["England"]
    assert profile.iloc[1]["Indicator"] == f"{MARKED} per 1,000 residents"  # its rate, then the published layers
    assert profile.iloc[1]["Ward"] == "suppressed"
    assert profile.iloc[2]["Indicator"] == INDICATORS["imd_score_2025"].full_title
    at.sidebar.radio(key="targeting").set_value("layer10").run()  # worst 10% on the uploaded layer
    _ok(at)
    # ceil(10% of the 119 wards shown) = 12, plus the wards tied with the 12th; suppressed wards never count.
    shown = children.ward_values.dropna().sort_values(ascending=False)
    assert next(m.value for m in at.metric if m.label == "Wards") == str(int((shown >= shown.iloc[11]).sum())) == "14"
    status = next(m.value for m in at.main.markdown if m.value.startswith("**Target ward?**"))
    assert "Worst 10% on the layer shown: **no**" in status


def test_uploaded_data_reach_no_cache_shared_between_sessions(pasted: AppTest) -> None:
    assert _caches_hold("Blackburn Central")[1]  # the search finds what the published caches do hold
    entries, found = _caches_hold("Secret marker 7f3a")
    assert entries > 0 and not found


def test_a_bad_paste_gives_one_message_and_the_page_keeps_its_state(pasted: AppTest) -> None:
    at = pasted
    assert at.sidebar.selectbox(key="theme").value == THEME
    at.text_area(key="upload_paste").input("LSOA,Patients\nE01012571,twelve\nE01012572,3\nE01012573,7\n"
                                           "E01012574,9\n").run()
    _ok(at)
    assert len(at.main.error) == 1  # one message, escaped for Markdown
    assert _plain(at.main.error[0].value).startswith("Column 'Patients' has 1 value(s) that are not numbers: row 2 "
                                                     "'twelve'")
    assert at.main.error[0].value != _plain(at.main.error[0].value)  # escaped: the file's text cannot inject Markdown
    # The same message where the text was pasted, in case the page's copy is out of view.
    assert [e.value for e in at.sidebar.error] == [at.main.error[0].value]
    assert at.sidebar.selectbox(key="theme").value == THEME
    assert _layer_query(at) == "upload-1" and _map_json(at)["legend"]["title"].startswith("Secret marker 7f3a")
    at.text_area(key="upload_paste").input("").run()  # cleared: the message goes, the layer stays
    _ok(at)
    assert not at.error and _layer_query(at) == "upload-1"


def test_uploaded_files_are_read_checked_and_refused_through_the_uploader(monkeypatch) -> None:
    real_open = builtins.open

    def read_only_open(file, mode="r", *args, **kwargs):
        if any(flag in mode for flag in "wax+"):
            raise AssertionError(f"the app opened {file!r} for writing")
        return real_open(file, mode, *args, **kwargs)

    at = _app({"area": "E54000015"})  # LLR: the file is for L&SC
    monkeypatch.setattr(builtins, "open", read_only_open)
    at.file_uploader(key="upload_file").set_value((LSC_FILE, (CORPUS / LSC_FILE).read_bytes(), "text/csv")).run()
    _ok(at)
    at.button(key="upw1_add").click().run()
    _ok(at)
    assert _layer_query(at) == "upload-2"  # the count's rate per 1,000 residents (upload-1 is the count)
    notes_shown = " ".join(i.value for i in at.info)
    assert "has no values in Leicester, Leicestershire and Rutland ICB" in notes_shown
    assert "Lancashire and South Cumbria" in notes_shown
    at.sidebar.selectbox(key="icb").set_value(LSC).run()
    _ok(at)
    assert not at.info and "Suppressed (1–4)" not in str(_map_json(at)["legend"])  # no count under 5: no rate hidden
    at.sidebar.radio(key="variant").set_value(VARIANT).run()  # the count itself
    _ok(at)
    assert not at.info and _map_json(at)["legend"]["entries"][-2]["label"] == "Suppressed (1–4)"

    for name, message in [("nhs_numbers.csv", "This looks like person-level data, which WardLens refuses: column "
                                              "'NHS number' holds 40 value(s) that are valid NHS numbers"),
                          ("html_and_formula_names.csv", None)]:
        at.file_uploader(key="upload_file").set_value((name, (CORPUS / name).read_bytes(), "text/csv")).run()
        _ok(at)
        if message:
            assert len(at.main.error) == 1 and _plain(at.main.error[0].value).startswith(message), at.main.error
            assert _layer_query(at) == "upload-1" and len(_map_json(at)["values"]) == 280  # the map is still there
    # HTML in a column name is shown as typed: escaped for Markdown in the card (the file reaches no
    # complete ward, so it cannot be added: tests below).
    assert any(r"\<script\>alert\(1\)\</script\> patients" in m.value for m in at.markdown)
    assert at.button(key="upw2_add").disabled  # the refused file made no card: this is the second


def test_the_template_lists_the_areas_wards_or_lsoas() -> None:
    from ui import loaders

    wards = pd.read_csv(io.BytesIO(loaders.template(LSC, "ward")))
    assert len(wards) == 280 and wards.columns.tolist() == ["ward_code", "ward_name", "lad_name", "value"]
    lsoas = pd.read_csv(io.BytesIO(loaders.template(f"{LSC}/E06000009", "lsoa")))
    file = pd.read_csv(CORPUS / LSC_FILE)
    assert set(lsoas["lsoa21_code"]) <= set(file["LSOA21CD"]) and set(lsoas["lad_name"]) == {"Blackpool"}
    assert len(pd.read_csv(io.BytesIO(loaders.template(LSC, "lsoa")))) == len(file) == 1063
    assert np.all(pd.read_csv(io.BytesIO(loaders.template("england", "ward")))["value"].isna())


def test_a_link_naming_an_uploaded_layer_in_a_new_session_falls_back() -> None:
    at = _app({"layer": "upload-1"})
    _ok(at)
    assert "uploaded in another browser session" in " ".join(w.value for w in at.warning)
    assert _layer_query(at) == "imd_score_2025" and at.sidebar.selectbox(key="theme").value == "Deprivation"


def test_ward_names_are_matched_once_their_local_authority_is_chosen() -> None:
    at = _app()
    name = "ward_names_preston.csv"
    at.file_uploader(key="upload_file").set_value((name, (CORPUS / name).read_bytes(), "text/csv")).run()
    _ok(at)
    assert len(at.main.error) == 1 and "choose its local authority" in _plain(at.main.error[0].value)
    assert [e.value for e in at.sidebar.error] == [at.main.error[0].value]  # above the box to choose it in
    at.sidebar.selectbox(key="upload_lad").set_value("E07000123").run()  # Preston
    _ok(at)
    assert not at.error
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["Rows read"], metrics["Areas matched"], metrics["Not matched"]) == ("17", "16", "1")
    assert any(m.value.startswith("**Geography:** ward \\(May 2025\\)") for m in at.markdown)
    unmatched = next(df.value for df in at.dataframe if "Not matched" in df.value.columns)
    assert unmatched["Not matched"].tolist() == ["Preston Docks"]
    at.button(key="upw1_add").click().run()
    _ok(at)
    assert _layer_query(at) == "upload-2"  # the rate per 1,000 residents of the count upload-1
    no_data = _map_json(at)["legend"]["entries"][-1]
    assert (no_data["label"], no_data["count"]) == ("No data", 280 - 16)
    at.sidebar.radio(key="variant").set_value(VARIANT).run()  # the count itself
    _ok(at)
    assert _layer_query(at) == "upload-1"
    legend = _map_json(at)["legend"]
    assert legend["entries"][-2]["label"] == "Suppressed (1–4)" and legend["entries"][-1]["count"] == 280 - 16


def test_a_file_that_completes_no_ward_cannot_be_added() -> None:
    at = _app()
    name = "html_and_formula_names.csv"  # ten LSOAs: no ward has all of its LSOAs in the file
    at.file_uploader(key="upload_file").set_value((name, (CORPUS / name).read_bytes(), "text/csv")).run()
    _ok(at)
    # The ten Preston LSOAs reach five wards (their Output Areas lie in Ashton, Brookfield, Cadley ...).
    assert any("**0** wards with a value, **0** suppressed" in m.value and "**5** without a value" in m.value
               for m in at.markdown)
    assert at.button(key="upw1_add").disabled
    assert _layer_query(at) == "imd_score_2025"


def test_one_ward_is_one_ward_in_the_card() -> None:
    at = _app({"area": "E54000015"})
    at.text_area(key="upload_paste").input("ward_code,Patients\nE05005479,12\nE05010451,3\n").run()  # Ambien; unknown
    _ok(at)
    assert any("**1** ward with a value, **0** suppressed" in m.value for m in at.markdown), [m.value for m in at.markdown]


def test_an_uploaded_count_can_sit_beside_the_public_long_term_conditions_layers() -> None:
    at = _app()
    at.text_area(key="upload_paste").input((CORPUS / LSC_FILE).read_text(encoding="utf-8")).run()
    at.selectbox(key="upw1_column").set_value(0).run()
    at.selectbox(key="upw1_theme0").set_value("Long-term conditions").run()
    at.button(key="upw1_add").click().run()
    _ok(at)
    assert at.sidebar.selectbox(key="theme").value == "Long-term conditions"
    family = at.sidebar.selectbox(key="family")
    assert family.value == at.text_input(key="upw1_title0").value
    public = {r.family for r in INDICATORS.values() if r.theme == "Long-term conditions"}
    assert public < set(family.options)


# --- issues 3, 14, 17: the rate shown first, the raw-count warning, rates confirmed, lists capped ------

def test_targeting_a_raw_uploaded_count_is_warned_about_and_the_rate_is_not() -> None:
    at = _app()
    at.text_area(key="upload_paste").input((CORPUS / LSC_FILE).read_text(encoding="utf-8")).run()
    at.text_input(key="upw1_title0").input("People with 5+ LTCs").run()
    at.button(key="upw1_add").click().run()
    at.sidebar.radio(key="targeting").set_value("layer10").run()
    _ok(at)
    assert _layer_query(at) == "upload-2" and not at.warning  # the rate per 1,000 residents: no warning
    at.sidebar.radio(key="variant").set_value(VARIANT).run()
    _ok(at)
    warning = _plain(at.warning[0].value).replace("\u2060", "")
    assert warning == ("“Worst 10% on the layer shown” is ranking wards by a raw count, “People with 5+ LTCs”: the "
                       "wards with the most people come first, whether or not more of their people are affected. "
                       "Show “People with 5+ LTCs per 1,000 residents” to target by rate instead.")
    at.sidebar.radio(key="targeting").set_value("imd10").run()
    assert not at.warning  # IMD targeting does not read the layer shown


def test_a_rate_is_added_only_once_confirmed() -> None:
    at = _app()
    name = "ward25_rates.csv"  # Preston: "Emergency admission rate per 1,000" beside "Registered population"
    at.file_uploader(key="upload_file").set_value((name, (CORPUS / name).read_bytes(), "text/csv")).run()
    _ok(at)
    assert at.radio(key="upw1_kind0").value == "rate"
    assert at.button(key="upw1_add").disabled and not at.checkbox(key="upw1_rate_ok0").value
    at.checkbox(key="upw1_rate_ok0").check().run()
    assert not at.button(key="upw1_add").disabled
    at.button(key="upw1_add").click().run()
    _ok(at)
    assert _layer_query(at) == "upload-1" and at.sidebar.selectbox(key="family").value.startswith("Emergency")
    at.radio(key="upw1_kind0").set_value("count").run()  # as a count it needs no confirmation
    assert not [c for c in at.checkbox if c.key == "upw1_rate_ok0"]


def test_the_card_lists_20_columns_and_200_unmatched_codes_and_says_how_many_more() -> None:
    codes = pd.read_csv(CORPUS / LSC_FILE)["LSOA21CD"].tolist()
    header = "lsoa21_code," + ",".join(f"Count {j}" for j in range(1, 31))
    rows = [f"{c}," + ",".join(str(10 + (i + j) % 50) for j in range(1, 31)) for i, c in enumerate(codes)]
    rows += [f"E019{i:05d}," + ",".join("5" for _ in range(30)) for i in range(250)]
    at = _app()
    at.text_area(key="upload_paste").input("\n".join([header, *rows])).run()
    _ok(at)
    kinds = [r for r in at.radio if str(r.key).startswith("upw1_kind")]
    assert len(kinds) == 20
    assert any(c.value.startswith("… and 10 more columns") for c in at.caption)
    unmatched = next(df.value for df in at.dataframe if "Not matched" in df.value.columns)
    assert len(unmatched) == 200
    assert "The first 200 are listed, in file order; 50 more are not shown." in [c.value for c in at.caption]
    at.selectbox(key="upw1_column").set_value(25).run()  # a column beyond the list: its kind is set beside it
    _ok(at)
    assert at.radio(key="upw1_kind25").value == "count"
