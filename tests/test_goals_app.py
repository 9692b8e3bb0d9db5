"""The Goals tab under Streamlit's AppTest, on the real data (figures compared with the pure view, not written down)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.areas import make_area
from geo.upload import aggregate_to_wards, inspect_upload, plain_markdown, read_reference, read_upload
from layers.goals import GOALS
from layers.goal_impact import about
from layers.goalview import goal_view
from layers.uploaded import USER_LAYER_PREFIX, user_layer
from tests.conftest import LSC, ONS_OS_LINE
from tests.conftest import assert_no_exception as _ok
from tests.conftest import run_app

BLACKPOOL = "E06000009"
UPLOAD = Path(__file__).parent / "data" / "uploads" / "lsc_lsoa21_5plus_ltc.csv"


def _goals_tab(query: dict[str, str] | None = None) -> AppTest:
    at = run_app(query)
    at.session_state["tab"] = "Goals"
    return at.run()


def _metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def _text(at: AppTest) -> str:
    return " ".join([m.value for m in at.main.markdown] + [c.value for c in at.caption] + [i.value for i in at.info]
                    + [s.value for s in at.success] + [e.value for e in at.error] + [w.value for w in at.warning])


@pytest.fixture()
def app() -> AppTest:
    """A fresh app on the Goals tab for each test, so the tests run in any order."""
    return _goals_tab()


def test_nea20_on_lsc_shows_cohort_baseline_admissions_a_year_detectability_and_sii(app, ward_table,
                                                                                       catalogue) -> None:
    at = app
    _ok(at)
    assert at.selectbox(key="goal").value == "nea20"  # the default goal
    view = goal_view(catalogue, ward_table, make_area(ward_table, LSC), GOALS["nea20"])
    assert _metric(at, "Cohort") == f"{view.cohort.coverage.wards} wards"
    assert _metric(at, "Baseline") == view.fmt(view.baseline.value)
    assert _metric(at, "Target by March 2027") == view.fmt(view.target)
    assert _metric(at, "In people a year") == f"−{about(view.impact.change)}"
    assert _metric(at, "Detectable?") == {True: "Yes", False: "No"}[view.detectability.detectable]
    assert _metric(at, "SII, 10 groups") == f"{view.gradient.sii:,.3g}"
    text = _text(at)
    assert f"{view.cohort.coverage.population:,} residents" in text
    assert "fewer emergency admissions a year" in text and "approximate" in text
    assert "The measure the goal names is not published by ward" in text
    assert "SUS" in text  # what data would confirm the verdict
    assert "95% CI" in text and "phe\\_sii" in text or "phe_sii" in text
    # The SII's sign in words, beside the key figure and in the gradient section.
    reading = plain_markdown(f"least deprived end of the area is {abs(view.gradient.sii):,.3g} lower (better)")
    assert text.count(reading) == 2
    readings = next(t.value for t in at.table if "Reading" in t.value.columns)
    assert readings["Reading"].tolist()[0] == "Most disadvantaged 20% of the ICB's wards (the goal's cohort)"
    assert readings["Wards"].tolist()[0] == view.cohort.coverage.wards
    assert readings["Residents (share of area)"].tolist()[0] == (f"{view.cohort.coverage.population:,} "
                                                                 f"({view.cohort.coverage.share:.1%})")
    assert ONS_OS_LINE in text


def test_switching_to_hle10_says_healthy_life_expectancy_is_not_published(app) -> None:
    at = app
    at.selectbox(key="goal").set_value("hle10").run()
    _ok(at)
    measure = at.selectbox(key="goal_measure")
    assert measure.value == "le_male_2016_20"
    assert measure.format_func(measure.value) == "Life expectancy at birth, males (ranking estimate)"  # no "(Male)"
    text = _text(at)
    assert "Healthy life expectancy is not published for electoral wards" in text
    assert "up by" in text and "years" in text
    assert _metric(at, "Change in years").startswith("+")
    # Detectable, but the target passes England and the rest of the area: the plausibility reading warns.
    assert _metric(at, "Plausible?") == "Check"
    assert "Overtakes rest of the area and England · needs +1.52 years a year, 5.5× the fastest past rise" in " ".join(
        c.value for c in at.caption).replace("\\", "")
    warning = " ".join(w.value for w in at.warning)
    assert "would have to overtake England" in warning and "times the fastest of these" in warning
    assert "WardLens measures life expectancy at birth, males \\(ranking estimate\\) here, not healthy" in warning
    at.selectbox(key="goal_measure").set_value("le_female_2016_20").run()
    _ok(at)
    assert "Life expectancy at birth, females" in _text(at)


def test_a_custom_goal_on_any_layer(app) -> None:
    at = app
    at.selectbox(key="goal").set_value("custom").run()
    at.selectbox(key="custom_measure").set_value("disabled_pct_2021").run()
    at.selectbox(key="custom_cohort").set_value("core20").run()
    _ok(at)
    text = _text(at)
    assert "Disabled under the Equality Act" in text and "Wilson" in text
    assert _metric(at, "Cohort").endswith("wards")


def test_a_place_keeps_the_icb_cohort_and_lists_the_within_place_reading() -> None:
    at = _goals_tab({"area": LSC, "place": BLACKPOOL})
    _ok(at)
    readings = next(t.value for t in at.table if "Reading" in t.value.columns)["Reading"].tolist()
    assert readings[0] == "Most disadvantaged 20% of the ICB's wards (the goal's cohort)"
    assert readings[-1].startswith("Within-place: most disadvantaged 20% of the place's wards")
    assert "within-place reading ranks the place's wards among themselves" in _text(at)
    cohort = _metric(at, "Cohort")
    at.radio(key="goal_reading").set_value("place").run()  # the separate, labelled option
    _ok(at)
    assert _metric(at, "Within-place reading").endswith("wards")
    assert "not on the ICB goal's cohort" in _text(at) and cohort.endswith("wards")


def test_an_uploaded_count_models_the_goal_in_the_session() -> None:
    reference = read_reference()
    wards = aggregate_to_wards(inspect_upload(read_upload(UPLOAD.name, UPLOAD.read_bytes()), reference), reference)
    layer = user_layer(f"{USER_LAYER_PREFIX}1", wards, "People with 5+ long-term conditions", title="People with 5+ LTCs",
                       unit="people", higher_is_worse=True, source_name=UPLOAD.name)
    at = run_app()
    at.session_state["user_layers"] = {layer.id: layer}
    at.session_state["tab"] = "Goals"
    at.run()
    measure = at.selectbox(key="goal_measure")
    measure.select_index(measure.options.index("People with 5+ LTCs (Your data)")).run()
    _ok(at)
    text = _text(at)
    assert "People with 5\\+ LTCs" in text or "People with 5+ LTCs" in text
    assert "Byar" in text and "published counts" in text
