"""``python -m report goals``: JSON keys, values that agree with the view, bad codes refused in one line."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from geo.paths import ROOT
from report.__main__ import main
from report.cli_goals import KEYS
from tests.conftest import LLR, LSC


def _json_lines(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def test_json_has_every_key_for_each_goal(capsys) -> None:
    assert main(["goals", "--area", LSC, "--json"]) == 0
    rows = _json_lines(capsys.readouterr().out)
    assert [r["goal"] for r in rows] == ["hle10", "nea20", "cyp10"]
    for row in rows:
        assert list(row)[:len(KEYS)] == list(KEYS)
        assert row["area_code"] == LSC and row["cohort_population"] > 0
        assert isinstance(row["cohort_wards"], list) and all(c.startswith("E05") for c in row["cohort_wards"])
        assert row["detectable"] in (True, False, None) and row["notes"]
        assert row["baseline_lower"] < row["baseline"] < row["baseline_upper"]
        assert row["sii_lower"] < row["sii"] < row["sii_upper"]
    nea = rows[1]
    assert nea["measure"] == "emergency_admissions_2025" and nea["cohort_id"] == "imd20"
    assert nea["target"] == pytest.approx(0.8 * nea["baseline"]) and nea["min_detectable_change"] < 0
    assert nea["people_approximate"] is True and "a year" in nea["people"]
    assert rows[0]["target"] == pytest.approx(1.1 * rows[0]["baseline"])  # life expectancy: up


def test_one_goal_one_line_and_a_place_code(capsys) -> None:
    assert main(["goals", "--area", "E06000016", "--goal", "cyp10", "--json", "--groups", "5"]) == 0
    rows = _json_lines(capsys.readouterr().out)
    assert len(rows) == 1 and rows[0]["goal"] == "cyp10" and rows[0]["deprivation_groups"] == 5
    assert rows[0]["area_name"].startswith("Leicester (")
    assert main(["goals", "--area", "E06000009", "--goal", "hle10", "--within-place", "--json"]) == 0
    place = _json_lines(capsys.readouterr().out)[0]
    assert place["cohort_id"] == "place10" and place["cohort_is_goal_cohort"] is False
    assert place["notes"][0].startswith("Modelled on the within-place reading")
    assert main(["goals", "--area", LLR, "--goal", "nea20"]) == 0  # text
    assert "Detectable?" in capsys.readouterr().out


@pytest.mark.parametrize("argv, named", [
    (["goals", "--area", "E5400004"], "E54000048 Lancashire and South Cumbria"),
    (["goals", "--area", LSC, "--goal", "hle20"], "hle10, nea20, cyp10"),
    (["goals", "--area", LSC, "--goal", "nea20", "--measure", "nope"], "emergency_admissions_2025"),
    (["goals", "--area", LSC, "--groups", "7"], "10, 5"),
    (["goals", "--area", LSC, "--within-place"], "local authority code"),
])
def test_bad_codes_are_refused_in_one_line_naming_the_choices(capsys, argv, named) -> None:
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("python -m report goals: error:") and named in lines[0]


def test_runs_as_a_module_with_exit_status_2_for_a_bad_area() -> None:
    bad = subprocess.run([sys.executable, "-m", "report", "goals", "--area", "X1"], cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1
    ok = subprocess.run([sys.executable, "-m", "report", "goals", "--area", LLR, "--goal", "nea20", "--json"],
                        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert ok.returncode == 0, ok.stderr
    assert set(KEYS) <= set(json.loads(ok.stdout))
