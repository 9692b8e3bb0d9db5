"""Tracking a goal in the app (issue 13), with Streamlit's AppTest: a fresh app for each test.

A file with a period column opens the time-series card instead of the layer card; "Track with it"
puts it in the session; the Goals tab then reads the SYNTHETIC L&SC fall as special-cause
improvement from 2025-09, with the gap's change, and re-baselining changes the reading. A file with a
gap gives one message with a fix; without a series the tab offers the template; stopping
tracking removes the series from the session; the series never reaches a cache shared between
sessions.
"""

from __future__ import annotations

import pickle

from streamlit.testing.v1 import AppTest

from geo.upload import plain_markdown

from tests.conftest import assert_no_exception as _ok
from tests.conftest import run_app
from tests.test_track_upload import SYNTHETIC
from ui.session import Keys

CARD = "trw1_"


def _tracking(higher_is_worse: bool = True, goal: str | None = None) -> AppTest:
    at = run_app(opened=(Keys.YOUR_DATA,))
    at.file_uploader(key="upload_file").set_value((SYNTHETIC.name, SYNTHETIC.read_bytes(), "text/csv")).run()
    _ok(at)
    if not higher_is_worse:
        at.toggle(key=f"{CARD}worse").set_value(False).run()
    if goal is not None:
        at.selectbox(key=f"{CARD}goal").set_value(goal).run()
    at.button(key=f"{CARD}use").click().run()
    at.session_state["tab"] = "Goals"
    return at.run()


def _text(at: AppTest) -> str:
    return " ".join([m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info]
                    + [s.value for s in at.success] + [e.value for e in at.error] + [w.value for w in at.warning])


def _metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_a_file_with_a_period_column_opens_the_time_series_card() -> None:
    at = run_app(opened=(Keys.YOUR_DATA,))
    at.file_uploader(key="upload_file").set_value((SYNTHETIC.name, SYNTHETIC.read_bytes(), "text/csv")).run()
    _ok(at)
    text = _text(at)
    assert "a time series — check it, then track a goal with it" in text
    assert "36 months, 2023-10 to 2026-09" in text and "LSOA 2021" in text
    # 281 wards reached: 280 of the ICB and Gosforth (Cumberland), which holds residents of one LSOA.
    assert plain_markdown("280 wards of NHS Lancashire and South Cumbria Integrated Care Board, plus 1 ward outside it "
                          "that holds some of the file's residents (Gosforth, Cumberland), left out of the ICB's "
                          "figures") in text
    assert "281 wards reached" not in text
    assert "Your data: check it, then add it as a layer" not in text  # not the single-period card
    assert [m.value for m in at.metric][:3] == ["38,268", "1,063", "36"]
    assert "track_series" not in at.session_state  # nothing is used until the button is pressed


def test_the_goals_tab_tracks_the_fall_from_2025_09() -> None:
    at = _tracking()
    _ok(at)
    assert at.success[0].value.startswith("Special cause improvement since 2025\\-09")
    assert _metric(at, "Cohort baseline") == "11.55" and _metric(at, "Target rate by March 2027") == "9.24"
    assert _metric(at, "Gap change") == "-19.5%"
    assert "95% CI \\-2\\.57 to \\-1\\.92" in _text(at) or "(95% CI -2.57 to -1.92)" in _text(at)
    assert len(at.get("vega_lite_chart")) >= 4  # trajectory, rates, SPC and the gradient
    at.selectbox(key="track_rebase").set_value(at.selectbox(key="track_rebase").options[23]).run()
    _ok(at)
    assert "the target is not yet assured" in _text(at)
    assert "re\\-baseline the chart from" not in _text(at)


def test_limits_spanning_the_fall_judge_no_target_and_offer_the_re_baseline() -> None:
    # The cohort is at 8.97 against a target of 9.24 and ahead of its trajectory: one set of limits over both
    # levels must not call the target "consistently missed".
    at = _tracking()
    _ok(at)
    assert at.success[0].value == ("Special cause improvement since 2025\\-09; whether the target is met cannot be "
                                   "judged until the chart is re\\-baselined from 2025\\-09 \\(the process limits "
                                   "span the shift\\)\\.")
    text = _text(at)
    assert "consistently missed" not in text and "Target consistently" not in text
    assert ":gray-badge[Assurance: Not judged until the chart is re-baselined (–)]" in text
    assert "Next step\\: re\\-baseline the chart from 2025\\-09" in text
    button = at.button(key="track_rebase_shift")
    assert button.label == "Re-baseline from 2025-09"
    button.click().run()
    _ok(at)
    assert str(at.selectbox(key="track_rebase").value) == "2025-09"
    assert "the target is not yet assured" in at.success[0].value
    assert "Assurance: Target not yet assured" in _text(at)
    assert not [b for b in at.button if b.key == "track_rebase_shift"]


def test_the_series_tracks_only_the_goal_it_was_chosen_for() -> None:
    at = _tracking()
    at.selectbox(key="track_rebase").set_value(at.selectbox(key="track_rebase").options[23]).run()
    at.selectbox(key="goal").set_value("hle10").run()
    _ok(at)
    labels = [m.label for m in at.metric]
    assert not [m for m in labels if m.startswith("Target rate by")] and "Cohort baseline" not in labels
    assert ("tracks the goal **Decrease non\\-elective admissions by 20% in the 20% most disadvantaged by March "
            "2027**, not this one") in _text(at)
    assert len(at.get("vega_lite_chart")) < 4  # no tracking charts
    at.button(key="track_this_goal").click().run()  # the user's explicit choice
    _ok(at)
    assert at.session_state["track_series"].goal_id == "hle10"
    assert at.selectbox(key="track_rebase").value is None  # re-baselining belongs to the (series, goal) pair
    assert _metric(at, "Target rate by January 2030")
    at.selectbox(key="goal").set_value("nea20").run()
    _ok(at)
    assert "tracks the goal **Improve healthy life expectancy" in _text(at)


def test_the_goal_is_chosen_on_the_card() -> None:
    at = _tracking(goal="cyp10")
    _ok(at)
    assert at.session_state["track_series"].goal_id == "cyp10"
    assert "Target rate by March 2027" not in [m.label for m in at.metric]
    assert "Tracking **Improve key health outcomes for children" in _text(at)


def test_detectability_says_the_goal_is_tracked_from_the_upload() -> None:
    at = run_app()
    at.session_state["tab"] = "Goals"
    at.run()
    assert "To confirm it: Emergency \\(non\\-elective\\) admissions by LSOA" in _text(at)  # no series yet
    at = _tracking()
    _ok(at)
    text = _text(at)
    assert "To confirm it" not in text
    name = plain_markdown(SYNTHETIC.name)
    assert (f"This goal is now tracked from your uploaded data, **{name}** (Non "
            "elective admissions): see “Is it on track?” above. The test here still uses the published layer's "
            "estimated counts.") in text


def test_a_measure_where_higher_is_better_reads_the_fall_as_a_concern() -> None:
    at = _tracking(higher_is_worse=False)
    _ok(at)
    assert at.warning[0].value.startswith("Special cause concern since 2025\\-09")


def test_stopping_tracking_removes_the_series_and_the_tab_invites_an_upload() -> None:
    at = _tracking()
    at.button(key="track_stop").click().run()
    _ok(at)
    assert "track_series" not in at.session_state
    assert "Track this goal with your own counts" in _text(at)
    assert any(b.label.startswith("Time-series template") for b in at.get("download_button"))


def test_a_file_with_a_gap_gives_one_message_with_a_fix() -> None:
    at = run_app(opened=(Keys.YOUR_DATA,))
    rows = "lsoa21_code,month,admissions\n" + "".join(f"E01012670,{m},{20 + i}\n" for i, m in
                                                      enumerate(["2025-01", "2025-02", "2025-04"]))
    at.text_area(key="upload_paste").input(rows).run()
    _ok(at)
    assert len(at.main.error) == 1
    assert at.main.error[0].value.startswith("The file has no rows for 1 month between 2025\\-01 and 2025\\-04")
    assert "Fix\\: Add rows for the missing months" in at.main.error[0].value


def test_the_series_reaches_no_shared_cache() -> None:
    import streamlit as st

    _tracking()
    for cache in (st.cache_data, st.cache_resource):
        blob = pickle.dumps([v for v in getattr(cache, "_function_caches", {}).values()], protocol=5) \
            if hasattr(cache, "_function_caches") else b""
        assert SYNTHETIC.name.encode() not in blob


def test_the_place_pack_offers_the_tracking_page_once_a_goal_is_tracked() -> None:
    at = _tracking()
    at.session_state["tab"] = "Map explorer"
    at.run()
    _ok(at)
    box = at.checkbox(key="pack_track")
    assert box.label == "Add the tracking page (your time series)" and box.value
