"""What a ward's profile sends over the websocket (ui/panels.py profile_panel, layers/profile.py).

Under AppTest, pick Bloomfield then Claremont (both Blackpool) in the ward finder and record every
ForwardMsg the profile enqueues (tests/wire.py). The notes under each theme's table and the caption
are the same for every ward and large enough for Streamlit to cache (``minCachedMessageSize``), so
for the second ward they go as references to their hash; what is sent in full is only what changes
with the ward: its heading, place line and target status, and one table per theme.

The budget for those, 8,300 bytes serialized, is what a reader needs in each row and no more:
Claremont's 30 rows hold about 1,600 bytes of indicator names (the row headers, which must sit in
the same table as the figures for the table to be read) and 1,600 of figures (value, local
authority, ICB, England, rank, fifth); the markup is at most 52 bytes a row (no classes, no end
tags HTML lets a table leave out), plus 15 for each of MHCLG's published figures (its mark is
small print, ``<small>``, so that a narrow cell wraps before the mark, not inside it), each of the 8 messages carries about 90 bytes of Streamlit's
framing (hash, delta path), the heading, place line and target status about 1,000 bytes (each "yes"
says where its rank counts, "rank 2 of 28 in the ICB"), and each cached message a 76-byte reference.
Measured: 8,225 bytes (3,949 deflated), against 35,135 (13,592 deflated) when each theme was an Arrow
dataframe (``python bench/bench_profile.py``).
"""

from __future__ import annotations

import tomllib

import pytest
from streamlit import config
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from geo.paths import ROOT
from layers.profile import VALUE_COLUMNS
from tests.conftest import BLOOMFIELD, assert_no_exception, run_app
from tests.profile_reading import read_profile
from tests.wire import cacheable, on_the_wire, recording, sizes
from ui import panels

CLAREMONT = "E05015190"  # Blackpool, rank 2 in L&SC by IMD 2025
#: Serialized bytes of the second ward's profile messages (see the module's docstring).
PER_WARD_BUDGET = 8_300
#: Markup of a theme table beyond its texts: a row's tags (``<tr><th scope=row>``, six ``<td>``, the ⚠
#: mark's ``<i>``: 52 bytes), and the table's own (heading, caption with the theme and ward, header row).
ROW_MARKUP, TABLE_MARKUP = 52, 180


def _html(messages: list[ForwardMsg]) -> list[str]:
    return [m.delta.new_element.html.body for m in messages
            if m.WhichOneof("type") == "delta" and m.delta.new_element.WhichOneof("type") == "html"]


@pytest.fixture(scope="module")
def two_wards() -> tuple[list[ForwardMsg], list[ForwardMsg]]:
    """The profile's messages for Bloomfield, then for Claremont in the same session."""
    at = run_app()
    sent = []
    for ward in (BLOOMFIELD, CLAREMONT):
        with recording(panels, "profile_panel") as log:
            at.selectbox(key="ward_search").set_value(ward).run()
        assert_no_exception(at)
        sent.append([m for inside, m in log if inside])
    return sent[0], sent[1]


def test_the_app_caches_messages_as_the_served_app_does() -> None:
    served = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["global"]["minCachedMessageSize"]
    assert config.get_option("global.minCachedMessageSize") == served == 256


def test_the_notes_are_the_same_for_every_ward_and_cached(two_wards) -> None:
    first, second = two_wards
    notes = [[m for m in sent if "wlp-notes" in m.delta.new_element.html.body] for sent in (first, second)]
    assert len(notes[0]) == len(notes[1]) == 5  # one list per theme
    assert [m.hash for m in notes[0]] == [m.hash for m in notes[1]]
    assert all(m.metadata.cacheable for m in notes[0])
    assert all(m.HasField("ref_hash") for m in on_the_wire(notes[1], cacheable(first)))


def test_the_second_ward_sends_only_what_changes_within_budget(two_wards) -> None:
    first, second = two_wards
    wire = on_the_wire(second, cacheable(first))
    full = [m for m in wire if not m.HasField("ref_hash")]
    # In full: heading, place line, target status and one table per theme; the rest by reference.
    assert len(full) == 8 and len(wire) - len(full) == 6
    assert sizes(wire) <= PER_WARD_BUDGET < sizes(first) / 4
    tables = _html(full)
    assert len(tables) == 5 and not any("wlp-notes" in t for t in tables)
    assert read_profile(_html(second))["Ward"].tolist() != read_profile(_html(first))["Ward"].tolist()


def test_a_theme_table_carries_little_but_its_text(two_wards) -> None:
    _, second = two_wards
    profile = read_profile(_html(second))
    texts = sum(len(profile[c].str.cat().encode()) for c in ("Indicator", *VALUE_COLUMNS))
    headers = len("IndicatorClaremontBlackpoolICBEnglandRank in ICB (1 = worst)In England") * 5
    tables = sum(len(t.encode()) for t in _html(second) if "<table" in t)
    assert tables <= texts + headers + ROW_MARKUP * len(profile) + TABLE_MARKUP * 5, (tables, texts)
