"""The ward profile as HTML (layers/profile.py profile_html): nothing lost, every text shown as written.

Read back with the standard library's HTML parser (tests/profile_reading.py), the tables and notes
give the profile frame they were made from, for the real Bloomfield and for hand-made rows whose
texts hold markup, a Markdown link and entities.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pandas as pd
import pytest

from layers.profile import CARE_MARK, PROFILE_COLUMNS, profile_html, profile_notes, ward_profile
from tests.conftest import BLOOMFIELD
from tests.profile_reading import canonical, read_profile, table_headers, theme_headings

HOSTILE = "<b>bold</b> [x](http://e) & <script>alert(1)</script> **now**"


def _bodies(themes) -> list[str]:
    return [body for t in themes for body in (t.table, t.notes)]


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        self.tags.append(tag)


def _tags(body: str) -> list[str]:
    parser = _Tags()
    parser.feed(body)
    return parser.tags


@pytest.fixture(scope="module")
def bloomfield(catalogue, ward_table) -> pd.DataFrame:
    return ward_profile(list(catalogue.values()), ward_table, BLOOMFIELD)


def test_the_tables_and_notes_give_back_the_whole_profile(bloomfield: pd.DataFrame) -> None:
    themes = profile_html(bloomfield, "Bloomfield", "Blackpool")
    assert [t.theme for t in themes] == theme_headings(_bodies(themes)) == [
        "Deprivation", "Health", "Long-term conditions", "Children", "Place"]
    pd.testing.assert_frame_equal(read_profile(_bodies(themes)), bloomfield)
    life = bloomfield[bloomfield["Indicator"] == "Life expectancy at birth, males (ranking estimate)"].iloc[0]
    assert (life["Higher is"], life["Unit"]) == ("better", "years") and life["Note"]


def test_only_the_table_changes_with_the_ward(bloomfield: pd.DataFrame, catalogue, ward_table) -> None:
    claremont = ward_profile(list(catalogue.values()), ward_table, "E05015190")
    ours, theirs = profile_html(bloomfield, "Bloomfield", "Blackpool"), profile_html(claremont, "Claremont", "Blackpool")
    assert [t.notes for t in ours] == [t.notes for t in theirs]
    assert all(a.table != b.table for a, b in zip(ours, theirs, strict=True))
    # Shown before a ward is chosen, the notes alone are the very same HTML, theme by theme: a ward
    # chosen then sends them only by reference.
    assert profile_notes(claremont) == [(t.theme, t.notes) for t in ours]


def test_a_row_with_a_warning_is_marked_and_its_note_says_so(bloomfield: pd.DataFrame) -> None:
    health = profile_html(bloomfield, "Bloomfield", "Blackpool")[1]
    marked = health.table.count(f"<i>{CARE_MARK}</i>")
    assert marked == (bloomfield.loc[bloomfield["Theme"] == "Health", "Note"] != "").sum() == 5
    assert health.notes.count("Read with care: ") == marked
    # Each table: a real table, a caption, column headers and one row header per indicator.
    tags = _tags(health.table)
    assert tags[:4] == ["h4", "table", "caption", "thead"] and tags.count("tbody") == 1
    assert health.table.count("<th scope=row>") == 6 and tags.count("th") == 7 + 6


def test_texts_from_the_data_are_shown_as_written_never_as_markup() -> None:
    row = {c: "" for c in PROFILE_COLUMNS} | {
        "Theme": "Your data", "Indicator": f"Title {HOSTILE}", "Ward": "<5", "Local authority": "1 < 2 & 3 > 2",
        "ICB": "[y](javascript:alert(1))", "England": "&amp;", "Rank in ICB (1 = worst)": "–", "In England": "–",
        "Unit": f"unit {HOSTILE}", "Higher is": "worse", "Period": "<i>2024</i>", "Note": HOSTILE,
        "Definition": "<a href='http://e'>link</a>", "Caveat": "<details open>x</details>"}
    profile = pd.DataFrame([row], columns=list(PROFILE_COLUMNS))
    themes = profile_html(profile, "<b>Ward</b> [x](http://e)", "LA & <i>Co</i>")
    bodies = _bodies(themes)
    shown = read_profile(bodies)
    pd.testing.assert_frame_equal(shown, profile)  # every text back as written
    assert table_headers(bodies)[0][1:3] == ["<b>Ward</b> [x](http://e)", "LA & <i>Co</i>"]
    for body in bodies:
        assert "<b>bold" not in body and "<script" not in body and "<a " not in body and "<b>Ward" not in body
    assert "<td>&amp;amp;<td>" in themes[0].table and "&lt;b&gt;bold&lt;/b&gt; [x](http://e)" in themes[0].notes
    # Only the tags the renderer writes: no <a>, <script> or <b> from the texts (one <b> per note: the name).
    table_tags, note_tags = _tags(themes[0].table), _tags(themes[0].notes)
    assert set(table_tags) == {"h4", "table", "caption", "thead", "tr", "th", "tbody", "td", "i"}
    assert set(note_tags) == {"ol", "li", "b", "span", "p", "details", "summary"} and note_tags.count("b") == 1


# A hand-made profile: two themes, Health before Deprivation (not the alphabet's order); a row with every
# field, one with no unit and no warning and a definition only, one with no period and no definition or
# caveat, one with neither unit nor period and a caveat only.
HAND = pd.DataFrame([
    ("Health", "Life expectancy, males", "74.1", "3 of 280 · worst fifth", "worst fifth", "75.0", "77.2 · MHCLG",
     "79.3", "years", "better", "2016–20", "Few deaths: read with care", "Years a newborn boy would live.",
     "Modelled for small areas."),
    ("Health", "Self-harm admissions", "212", "40 of 280 · worst fifth", "second fifth", "180", "150", "120",
     "", "worse", "2019/20–23/24", "", "Emergency admissions per 100,000, age-standardised.", ""),
    ("Deprivation", "Income deprivation", "31%", "12 of 280 · worst fifth", "worst fifth", "25%", "18%", "12%",
     "%", "worse", "", "", "", ""),
    ("Deprivation", "Rural area", "No", "–", "–", "10% of wards", "20% of wards", "17% of wards",
     "", "neither (context)", "", "", "", "Urban–rural classification, 2021."),
], columns=list(PROFILE_COLUMNS))

HEAD = ("<thead><tr><th>Indicator</th><th>Bloomfield</th><th>Blackpool</th><th>ICB</th><th>England</th>"
        "<th>Rank in ICB (1 = worst)</th><th>In England</th></tr></thead>")


def test_hand_made_profile_tables_exactly_as_a_browser_reads_them() -> None:
    """Headings, caption (read first by a screen reader), column headers and rows, themes in the profile's order."""
    health, deprivation = profile_html(HAND, "Bloomfield", "Blackpool")
    assert (health.theme, deprivation.theme) == ("Health", "Deprivation")
    assert canonical(health.table) == (
        '<h4>Health</h4><table class="wlp"><caption>Health indicators for Bloomfield</caption>' + HEAD
        + '<tbody><tr><th scope="row">Life expectancy, males<i>⚠</i></th><td>74.1</td><td>75.0</td>'
        "<td>77.2 <small>· MHCLG</small></td><td>79.3</td><td>3 of 280 · worst fifth</td><td>worst fifth</td></tr>"
        '<tr><th scope="row">Self-harm admissions</th><td>212</td><td>180</td><td>150</td><td>120</td>'
        "<td>40 of 280 · worst fifth</td><td>second fifth</td></tr></tbody></table>")
    assert canonical(deprivation.table) == (
        '<h4>Deprivation</h4><table class="wlp"><caption>Deprivation indicators for Bloomfield</caption>' + HEAD
        + '<tbody><tr><th scope="row">Income deprivation</th><td>31%</td><td>25%</td><td>18%</td><td>12%</td>'
        "<td>12 of 280 · worst fifth</td><td>worst fifth</td></tr>"
        '<tr><th scope="row">Rural area</th><td>No</td><td>10% of wards</td><td>20% of wards</td>'
        "<td>17% of wards</td><td>–</td><td>–</td></tr></tbody></table>")


def test_hand_made_profile_notes_exactly_as_a_browser_reads_them() -> None:
    """The notes' label (read by a screen reader), and each note: no empty unit or period between the
    separators, a warning only where there is one, the definition and caveat as paragraphs behind a
    disclosure only where there is one of them."""
    health, deprivation = profile_html(HAND, "Bloomfield", "Blackpool")
    label = "each indicator's unit, period and caveats, numbered as the table's rows"
    assert canonical(health.notes) == (
        f'<ol class="wlp-notes" data-theme="Health" aria-label="Health: {label}">'
        '<li><b data-f="Indicator">Life expectancy, males</b>: <span data-f="Unit">years</span> · '
        'higher is <span data-f="Higher is">better</span> · <span data-f="Period">2016–20</span>.'
        '<p class="wlp-care"><span aria-hidden="true">⚠ </span>Read with care: '
        '<span data-f="Note">Few deaths: read with care</span></p>'
        '<details><summary>Definition and caveat</summary><p data-f="Definition">Years a newborn boy would live.</p>'
        '<p data-f="Caveat">Modelled for small areas.</p></details></li>'
        '<li><b data-f="Indicator">Self-harm admissions</b>: higher is <span data-f="Higher is">worse</span> · '
        '<span data-f="Period">2019/20–23/24</span>.<details><summary>Definition and caveat</summary>'
        '<p data-f="Definition">Emergency admissions per 100,000, age-standardised.</p></details></li></ol>')
    assert canonical(deprivation.notes) == (
        f'<ol class="wlp-notes" data-theme="Deprivation" aria-label="Deprivation: {label}">'
        '<li><b data-f="Indicator">Income deprivation</b>: <span data-f="Unit">%</span> · '
        'higher is <span data-f="Higher is">worse</span>.</li>'
        '<li><b data-f="Indicator">Rural area</b>: higher is <span data-f="Higher is">neither (context)</span>.'
        '<details><summary>Definition and caveat</summary><p data-f="Caveat">Urban–rural classification, 2021.</p>'
        "</details></li></ol>")
    pd.testing.assert_frame_equal(read_profile(_bodies([health, deprivation])), HAND)


def test_a_theme_split_across_the_profile_is_one_table_in_the_place_it_first_appears() -> None:
    mixed = HAND.iloc[[0, 2, 1, 3]].reset_index(drop=True)  # Health, Deprivation, Health, Deprivation
    themes = profile_html(mixed, "Bloomfield", "Blackpool")
    assert [t.theme for t in themes] == theme_headings(_bodies(themes)) == ["Health", "Deprivation"]
    pd.testing.assert_frame_equal(read_profile(_bodies(themes)), HAND)
