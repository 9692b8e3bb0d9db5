"""The board downloads in the app (ui/board_panel.py) under Streamlit's AppTest.

AppTest draws the three buttons but cannot click a download (a deferred file is made by the
server only when a browser asks for it; ``tests/test_browser_pack.py`` does that), so the files
are checked by calling the panel's builders with what the panel captures -- and compared with
the command line's, byte for byte.
"""

from __future__ import annotations

import datetime as dt
import html
import io

import pytest
from PIL import Image
from pypdf import PdfReader

from geo import store
from layers.data import read_published_summaries
from layers.goals import GOALS
from layers.view import layer_view
from report import inputs
from report.document import render_pdf
from report.pack import place_pack
from report.version import version
from tests.conftest import LSC
from tests.conftest import assert_no_exception as _ok
from tests.conftest import run_app
from ui.board_panel import BoardData, map_bytes, pack_bytes, print_list_html
from ui.session import GoalChoice, Keys

BUTTONS = ("Map image (PNG)", "Map (SVG)", "Place pack (PDF)")
DATE = dt.date(2026, 1, 15)
BLOOMFIELD = "E05015188"


def _buttons(at) -> dict[str, object]:
    return {b.proto.label: b.proto for b in at.get("download_button")}


def test_three_buttons_beside_the_list_downloads_made_on_click_only() -> None:
    at = run_app()
    _ok(at)
    buttons = _buttons(at)
    assert {"Target list (CSV)", "Workbook (Excel)", *BUTTONS} <= set(buttons)
    for label in BUTTONS:
        # deferred: a file id to ask for on click, no file made or stored while the page runs
        assert buttons[label].deferred_file_id and not buttons[label].url and buttons[label].ignore_rerun
    assert at.multiselect(key=Keys.PACK_WARDS).value == []
    assert not [c for c in at.checkbox if c.key == Keys.PACK_GOAL]  # no goal modelled yet


def test_picked_wards_and_a_modelled_goal_reach_the_pack_caption() -> None:
    at = run_app()
    at.multiselect(key=Keys.PACK_WARDS).set_value([BLOOMFIELD]).run()
    at.session_state["tab"] = "Goals"
    at.run()  # the Goals tab models its default goal (nea20) over the area
    at.session_state["tab"] = "Map explorer"
    at.run()  # back on the map: the pack offers that goal's page
    _ok(at)
    box = at.checkbox(key=Keys.PACK_GOAL)
    assert box.value is True and GOALS["nea20"].title in box.label
    caption = next(c.value for c in at.caption if c.value.startswith("Made when you click"))
    assert "the goal, the ward profiles" in caption


def test_another_areas_wards_are_dropped_from_the_pick() -> None:
    at = run_app()
    at.multiselect(key=Keys.PACK_WARDS).set_value([BLOOMFIELD]).run()
    at.selectbox(key=Keys.AREA).set_value("E54000015").run()  # LLR: Bloomfield is not one of its wards
    _ok(at)
    assert at.multiselect(key=Keys.PACK_WARDS).value == []


@pytest.fixture(scope="module")
def board(catalogue, ward_table) -> tuple:
    area = inputs.area_of(LSC)
    view = layer_view(catalogue, ward_table, area, "imd_score_2025", None, "imd10", ("coastal_flag",))
    shapes = store.read_ward_shapes("icb")
    data = BoardData(catalogue, ward_table, shapes.loc[shapes.index.intersection(view.codes)],
                     read_published_summaries(), inputs.components())
    return view, data


def test_the_map_buttons_files(board) -> None:
    view, data = board
    png = map_bytes(view, data, fmt="png", size="slide", generated=DATE)
    assert Image.open(io.BytesIO(png)).size == (1920, 1080)
    assert Image.open(io.BytesIO(map_bytes(view, data, fmt="png", size="a4", generated=DATE))).size == (3508, 2480)
    svg = map_bytes(view, data, fmt="svg", size="slide", generated=DATE).decode()
    assert svg.lstrip().startswith("<?xml") and "Lancashire and South Cumbria ICB" in svg and "Coastal ward" in svg


def test_the_pack_button_makes_the_command_lines_pack(board, catalogue, ward_table) -> None:
    view, data = board
    goal = GoalChoice(LSC, GOALS["nea20"], "emergency_admissions_2025", 10, 2.0, False)
    pdf = pack_bytes(view, data, (BLOOMFIELD,), goal, generated=DATE)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Ward profile: Bloomfield" in text and "Goal: Decrease non-elective admissions" in text
    from report.cli_pack import PackJob, make_pack
    job = PackJob(key=LSC, layer="imd_score_2025", scheme=None, targeting="imd10", flags=("coastal_flag",),
                  wards=(BLOOMFIELD,), goal="nea20", measure=None, choice_date=DATE.isoformat(), out=None)
    assert make_pack(job) == pdf  # the app and the command line: the same file


def test_print_view_lists_every_target_ward_escaped(board) -> None:
    view, _ = board
    page = print_list_html(view)
    assert page.count("<tr>") == 1 + 28 and all(html.escape(n) in page for n in view.table.frame["Ward"])
    assert "Marsden &amp; Southfield" in page and "221,247 residents" in page
