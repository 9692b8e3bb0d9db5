"""Time-series uploads (issue 13): the period column, its checks, and ward values period by period.

Hand-built tables for each rule (every kind of period, a column mixing kinds, cells that are
not periods, future periods, gaps, an area twice in one period, areas missing from some
periods) and the SYNTHETIC L&SC file of tests/data/track: it reads as 36 months, and each
month's ward values are exactly those of the same month uploaded on its own.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
from dataclasses import replace

import pandas as pd
import pytest

from geo.paths import ROOT
from geo.upload import UploadError, aggregate_to_wards, inspect_upload, read_reference, read_upload
from geo.upload.periods import (DAY, FINANCIAL_YEAR, MONTH, QUARTER, classify, find_period_column, read_periods,
                                recent_periods)
from geo.upload.series import SeriesReach, aggregate_series, inspect_series, series_reach, series_template
from geo.upload.tables import Table

TRACK = ROOT / "tests" / "data" / "track"
SYNTHETIC = TRACK / "SYNTHETIC_lsc_nel_admissions_monthly_lsoa21.csv"
TODAY = dt.date(2026, 12, 2)
#: Every LSOA of Bloomfield (E05015188) and of Claremont (E05015191), Blackpool: each wholly in its ward.
BLOOMFIELD = ("E01012670", "E01012671", "E01012672", "E01012673", "E01012674")
LSOAS = (*BLOOMFIELD, "E01012685", "E01012686", "E01012687", "E01012688", "E01012689")


@pytest.fixture(scope="module")
def reference():
    return read_reference()


def table(rows: list[list[object]], header: tuple[str, ...] = ("lsoa21_code", "month", "admissions")) -> Table:
    frame = pd.DataFrame(rows, columns=list(header), dtype=object)
    frame.index = pd.RangeIndex(2, len(rows) + 2, name="row")
    return Table(frame, "hand-built")


def long(periods: list[str], codes=LSOAS, value=lambda i, j: 10 + i + j) -> list[list[object]]:
    return [[c, p, str(value(i, j))] for i, c in enumerate(codes) for j, p in enumerate(periods)]


@pytest.mark.parametrize(("cell", "kind", "period"), [
    ("2025-04", MONTH, pd.Period("2025-04", "M")),
    ("Apr 2025", MONTH, pd.Period("2025-04", "M")),
    ("September 2025", MONTH, pd.Period("2025-09", "M")),
    ("2025-Q2", QUARTER, pd.Period("2025Q2", "Q-DEC")),
    ("Q4 2024", QUARTER, pd.Period("2024Q4", "Q-DEC")),
    ("2025/26", FINANCIAL_YEAR, pd.Period("2026", "Y-MAR")),
    ("FY 2024-25", FINANCIAL_YEAR, pd.Period("2025", "Y-MAR")),
    ("2025-04-15", DAY, pd.Period("2025-04-15", "D")),
    ("15/04/2025", DAY, pd.Period("2025-04-15", "D")),
    (dt.datetime(2025, 4, 15), DAY, pd.Period("2025-04-15", "D")),
])
def test_each_kind_of_period_is_read(cell, kind, period) -> None:
    assert classify(cell) == (kind, period)


@pytest.mark.parametrize("cell", ["2025-13", "2025/27", "2025", "12", "E01012671", "Q5 2025", "31/02/2025", None, 3.0])
def test_what_is_not_a_period(cell) -> None:
    assert classify(cell) is None


def test_a_financial_year_runs_april_to_march() -> None:
    fy = classify("2025/26")[1]
    assert (fy.start_time.date(), fy.end_time.date()) == (dt.date(2025, 4, 1), dt.date(2026, 3, 31))


def test_the_period_column_is_found_by_its_cells_not_its_name() -> None:
    frame = table(long(["2025-01", "2025-02"]), ("code", "when", "n")).frame
    assert find_period_column(frame) == "when"
    one_period = table(long(["2025-01"]), ("code", "when", "n")).frame
    assert find_period_column(one_period) is None  # one period: a single-period upload


def test_dates_on_the_first_of_each_month_are_months() -> None:
    frame = table(long(["2025-01-01", "2025-02-01"])).frame
    read = read_periods(frame, "month", today=TODAY)
    assert read.kind is MONTH and list(read.periods.astype(str)) == ["2025-01", "2025-02"]
    assert "read as months" in read.notes[0]


@pytest.mark.parametrize(("cells", "message"), [
    (["2025-01", "2025-02", "Feb-ish"], "Column 'month' has 10 cell(s) that are not periods: row 4 'Feb-ish', row 7 "
                                        "'Feb-ish'"),
    (["2025-01", "2025-Q1", "2025-Q2"], "Column 'month' mixes kinds of period: quarters (20, e.g. row 3 '2025-Q1') "
                                        "and months (10, e.g. row 2 '2025-01')"),
    (["2026-11", "2027-01", "2062-01"], "Column 'month' has 2 months in the future (after 02 December 2026): "
                                        "2027-01, 2062-01"),
])
def test_period_problems_are_one_message_with_a_fix(cells, message) -> None:
    with pytest.raises(UploadError) as err:
        read_periods(table(long(cells)).frame, "month", today=TODAY)
    assert str(err.value).startswith(message) and "Fix: " in str(err.value)


def test_a_month_not_over_yet_is_noted() -> None:
    read = read_periods(table(long(["2026-11", "2026-12"])).frame, "month", today=TODAY)
    assert read.notes == ("The latest month, 2026-12, is not over yet: its figures may be incomplete",)


def test_a_gap_is_refused(reference) -> None:
    with pytest.raises(UploadError) as err:
        inspect_series(table(long(["2025-01", "2025-02", "2025-05"])), reference, today=TODAY)
    assert str(err.value) == ("The file has no rows for 2 months between 2025-01 and 2025-05 (column 'month'): 2025-03, "
                              "2025-04. Fix: Add rows for the missing months (0 where there were none), or upload only "
                              "an unbroken run of periods.")


def test_an_area_twice_in_one_period_is_refused_but_once_per_period_is_a_series(reference) -> None:
    rows = long(["2025-01", "2025-02"])
    series = inspect_series(table(rows), reference, today=TODAY)
    assert series.preview.geography.key == "lsoa21" and len(series.span) == 2
    with pytest.raises(UploadError) as err:
        inspect_series(table([*rows, [LSOAS[1], "2025-02", "3"]]), reference, today=TODAY)
    assert "1 area-period pair(s) appear more than once (e.g. E01012671 in 2025-02 on rows 5, 22)" in str(err.value)
    with pytest.raises(UploadError, match="appear more than once"):  # without a period column: refused as before
        inspect_upload(table(rows), reference)


def test_areas_missing_from_some_periods_are_noted_not_zeroed(reference) -> None:
    rows = [r for r in long(["2025-01", "2025-02", "2025-03"]) if not (r[0] == LSOAS[0] and r[1] == "2025-02")]
    series = inspect_series(table(rows), reference, today=TODAY)
    assert any(n.startswith("1 area-period(s) have no row (1 area(s), e.g. E01012670)") for n in series.notes)
    wards = aggregate_series(series, reference, "admissions")
    ward = reference.lookups["lsoa21"].set_index("area_code").at[LSOAS[0], "ward_code"]
    assert wards.counts.loc[ward].isna().tolist() == [False, True, False]


def test_small_counts_are_suppressed_in_every_period(reference) -> None:
    series = inspect_series(table(long(["2025-01", "2025-02"], value=lambda i, j: int(i == 0) if j else 30)),
                            reference, today=TODAY)
    wards = aggregate_series(series, reference, "admissions")
    first, second = wards.counts.columns
    assert wards.counts[first].gt(4).any() and wards.suppressed[second].any()
    assert not wards.counts[second][wards.suppressed[second]].notna().any()
    assert not wards.counts.isin([1, 2, 3, 4]).any().any()
    assert wards.suppressed[second].tolist() == [True, False]  # Bloomfield's 1; Claremont's 0 is shown
    assert wards.counts[second].tolist()[1] == 0 and wards.counts[first].tolist() == [150, 150]


def test_template_lists_every_lsoa_for_each_period(reference) -> None:
    membership = reference.lookups["lsoa21"].rename(columns={"area_code": "lsoa21_code"}).assign(method="best fit")
    months = recent_periods(MONTH, 3, today=TODAY)
    assert list(months.astype(str)) == ["2026-09", "2026-10", "2026-11"]
    frame = read_upload("t.csv", series_template(reference.wards, "E06000009", months, membership=membership)).frame
    assert list(frame.columns) == ["lsoa21_code", "period", "ward_name", "lad_name", "count"]
    assert len(frame) == 3 * frame["lsoa21_code"].nunique() and frame["count"].isna().all()


# --- the synthetic L&SC file ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def synthetic(reference):
    return inspect_series(read_upload(SYNTHETIC.name, SYNTHETIC.read_bytes()), reference, today=TODAY)


def test_synthetic_file_is_reproducible_from_its_script() -> None:
    spec = importlib.util.spec_from_file_location("make_track", TRACK / "make_track.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert SYNTHETIC.read_bytes() == module.build(), "run python tests/data/track/make_track.py"
    assert SYNTHETIC.read_bytes().startswith(b'"SYNTHETIC TEST DATA') and SYNTHETIC.stat().st_size < 2_000_000


def test_synthetic_file_reads_as_36_months_of_every_lsc_lsoa(synthetic) -> None:
    assert (synthetic.kind, str(synthetic.span[0]), str(synthetic.span[-1]), len(synthetic.span)) == (
        MONTH, "2023-10", "2026-09", 36)
    assert synthetic.preview.values.index.nunique() == 1063 and len(synthetic.periods) == 38_268
    assert synthetic.count_columns == ["non_elective_admissions"]


def test_each_month_goes_to_wards_exactly_as_a_single_month_upload(synthetic, reference) -> None:
    wards = aggregate_series(synthetic, reference, "non_elective_admissions")
    month = pd.Period("2025-09", "M")
    rows = synthetic.preview.rows[(synthetic.periods == month).to_numpy()]
    single = read_upload(SYNTHETIC.name, SYNTHETIC.read_bytes())
    frame = single.frame.loc[rows.to_numpy()].drop(columns="month")
    alone = aggregate_to_wards(inspect_upload(replace(single, frame=frame), reference), reference)
    pd.testing.assert_series_equal(wards.counts[month].dropna(), alone.frame["non_elective_admissions"].dropna(),
                                   check_names=False)
    assert wards.counts.shape == (281, 36)
    assert (wards.counts.notna() | wards.suppressed).sum().tolist() == [280] * 36  # Gosforth is partial: no value


def test_the_wards_reached_name_the_one_outside_the_icb(reference) -> None:
    from layers.data import read_ward_table

    preview = inspect_series(read_upload(SYNTHETIC.name, SYNTHETIC.read_bytes()), reference, today=TODAY)
    reach = series_reach(aggregate_series(preview, reference, "non_elective_admissions"), read_ward_table())
    icb = "NHS Lancashire and South Cumbria Integrated Care Board"
    assert reach == SeriesReach(icb, 280, ("Gosforth, Cumberland",))
    assert reach.describe() == ("280 wards of NHS Lancashire and South Cumbria Integrated Care Board, plus 1 ward "
                                "outside it that holds some of the file's residents (Gosforth, Cumberland), left out "
                                "of the ICB's figures")
    assert SeriesReach("X ICB", 12, ()).describe() == "12 wards of X ICB"
    assert SeriesReach("X ICB", 12, ("A, P", "B, Q")).describe().endswith(
        "plus 2 wards outside it that hold some of the file's residents (A, P; B, Q), left out of the ICB's figures")
