"""The ward profile as HTML (layers/profile.py profile_html): nothing lost, every text shown as written.

Read back with the standard library's HTML parser (tests/profile_reading.py), the tables and notes
give the profile frame they were made from, for the real Bloomfield and for hand-made rows whose
texts hold markup, a Markdown link and entities.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pandas as pd
import pytest

from layers.profile import CARE_MARK, PROFILE_COLUMNS, profile_html, ward_profile
from tests.conftest import BLOOMFIELD
from tests.profile_reading import read_profile, table_headers, theme_headings

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
