"""Tracking in the place pack and on the command line (issue 13): the same reading everywhere.

The pack with the tracking page of the SYNTHETIC L&SC series holds, as searchable text, the reading
"Special cause improvement since 2025-09", the gap's change and the notes (synthetic file named,
not official statistics, Census 2021 residents), and the chart as a tagged figure with its text
alternative; ``python -m report track --json`` gives the same figures; a bad option or file is one
line and exit status 2.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import replace
import json
import subprocess
import sys

import pypdf
import pytest

from geo.areas import make_area
from geo.paths import ROOT
from layers.goals import GOALS
from layers.trackchart import chart_text
from layers.tracking import track_goal
from report.__main__ import main
from report.document import Image, render_pdf
from report.pack import place_pack
from report.track import latest_table, tracking_csv, tracking_page, tracking_pages, tracking_summary
from report.trackchart import render_tracking
from tests.conftest import LSC
from tests.test_track import series  # noqa: F401 -- the fixture
from tests.test_track_upload import SYNTHETIC


@pytest.fixture(scope="module")
def tracked(series, ward_table, catalogue):  # noqa: F811
    return track_goal(series, ward_table, catalogue, make_area(ward_table, LSC), GOALS["nea20"],
                      measure="Non-elective admissions", source_name=SYNTHETIC.name)


def test_the_pack_has_the_tracking_page_with_its_reading(tracked, ward_table, catalogue, icb_shapes) -> None:
    area = make_area(ward_table, LSC)
    document = place_pack(catalogue, ward_table, area, "imd_score_2025", None, "imd10", shapes=icb_shapes,
                          generated=dt.date(2026, 12, 2), version="test", extra=[tracking_pages(tracked, SYNTHETIC.name)])
    reader = pypdf.PdfReader(io.BytesIO(render_pdf(document)))
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert "Tracking: Decrease non-elective admissions by 20%" in text
    assert "Special cause improvement since 2025-09" in text and "-19.5%" in text
    assert "whether the target is met cannot be judged until the chart is re-baselined from 2025-09" in text
    assert "consistently missed" not in text
    assert SYNTHETIC.name in text and "not official statistics" in text and "Census 2021 usual residents" in text
    assert "Tracking: Decrease non-elective admissions" in " ".join(reader.pages[0].extract_text().split())  # contents


def test_the_page_carries_the_chart_with_its_text_alternative(tracked) -> None:
    blocks = tracking_page(tracked, SYNTHETIC.name, png=render_tracking(tracked, chart_text(tracked, SYNTHETIC.name)))
    image = next(b for b in blocks if isinstance(b, Image))
    assert image.suffix == "png" and "XmR chart of the cohort's rate" in image.alt
    assert "Special cause improvement since 2025-09" in image.alt and "per 1,000 residents a month" in image.alt


def test_latest_table_and_csv_say_less_than_5_not_the_count(tracked) -> None:
    table = latest_table(tracked)
    assert table["Period"].iloc[0] == "2025-10" and len(table) == 12
    suppressed = tracked.table.assign(suppressed=tracked.table["period"] == tracked.periods[-1])
    csv = tracking_csv(replace(tracked, table=suppressed), SYNTHETIC.name).decode("utf-8-sig")
    assert csv.count(",<5,") == len(tracked.groups) and "Source: " + SYNTHETIC.name in csv


def test_json_matches_the_tracking(tracked, capsys) -> None:
    code = main(["track", "--area", LSC, "--goal", "nea20", "--upload", str(SYNTHETIC), "--today", "2026-12-02",
                 "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["special_cause_since"] == "2025-09" and out["variation"] == "special_cause_improvement"
    assert out["reading"] == tracked.reading and out["assurance"] == "not_judged_limits_span_shift"
    assert out["did"]["relative"] == pytest.approx(tracked.did.relative)
    assert out["did"]["relative_lower"] < -0.2 < out["did"]["relative_upper"]
    assert out["baseline_periods"] == ["2024-01", "2024-12"] and len(out["cohort_wards"]) == 56
    assert out == json.loads(json.dumps(tracking_summary(tracked, LSC, SYNTHETIC.name) | {
        "measure": out["measure"], "notes": out["notes"]}))


def test_rebase_on_the_command_line(capsys) -> None:
    main(["track", "--area", LSC, "--goal", "nea20", "--upload", str(SYNTHETIC), "--rebase", "2025-09", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert out["rebase_at"] == ["2025-09"] and out["assurance"] == "inconsistent"


def test_the_text_reading_advises_re_baselining_until_it_is_done(capsys) -> None:
    args = ["track", "--area", LSC, "--goal", "nea20", "--upload", str(SYNTHETIC), "--today", "2026-12-02"]
    main(args)
    lines = capsys.readouterr().out.splitlines()
    assert lines[2] == ("  SPC: Special cause improvement since 2025-09; whether the target is met cannot be judged "
                        "until the chart is re-baselined from 2025-09 (the process limits span the shift).")
    assert lines[-1] == ("  Next step: re-baseline the chart from 2025-09, so that new limits start at the shift, to "
                         "judge the target against the new level.")
    main([*args, "--rebase", "2025-09"])
    out = capsys.readouterr().out
    assert "re-baseline" not in out and "the target is not yet assured" in out


@pytest.mark.parametrize(("args", "message"), [
    (["--goal", "nea99"], "--goal: 'nea99' is not a goal. Choose one of: hle10, nea20, cyp10"),
    (["--upload", "missing.csv"], "--upload: no file 'missing.csv'"),
    (["--area", "E99999999"], "--area: 'E99999999' is not"),
    (["--rebase", "2030-01"], "--rebase 2030-01 is not a period of the file (2023-10 to 2026-09)"),
    (["--today", "2025-01-01"], "Column 'month' has 20 months in the future (after 01 January 2025): 2025-02"),
    (["--upload", str(ROOT / "tests/data/uploads/lsc_lsoa21_5plus_ltc.csv")], "has no period column"),
])
def test_bad_input_is_one_line_and_exit_2(args, message) -> None:
    base = {"--area": LSC, "--goal": "nea20", "--upload": str(SYNTHETIC)}
    for key, value in zip(args[::2], args[1::2]):
        base[key] = value
    argv = [sys.executable, "-m", "report", "track", *[x for kv in base.items() for x in kv]]
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], done.stderr
