"""``python -m report pack`` and ``python -m report map``: they write their files (the same bytes as
the functions the app calls), ``--all-places`` writes one pack per place with a progress bar, and
bad codes are refused in one line naming the valid choices, with exit status 2."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
from PIL import Image
from pypdf import PdfReader

from geo import store
from layers.data import read_published_summaries
from geo.paths import ROOT
from layers.view import layer_view
from report import inputs
from report.__main__ import main
from report.document import render_pdf
from report.pack import place_pack
from report.version import version
from tests.conftest import LSC

DATE = "2026-01-15"
#: Northamptonshire ICB: two local authorities (North and West Northamptonshire), 66 wards.
NORTHANTS = "E54000059"


def test_pack_writes_the_pdf_the_app_would(tmp_path, capsys, catalogue, ward_table) -> None:
    out = tmp_path / "lsc.pdf"
    assert main(["pack", "--area", LSC, "--date", DATE, "--out", str(out)]) == 0
    assert f"{out}: Lancashire and South Cumbria ICB" in capsys.readouterr().err
    pdf = out.read_bytes()
    area = inputs.area_of(LSC)
    expected = place_pack(catalogue, ward_table, area, "imd_score_2025", None, "imd10", (), (),
                          shapes=store.read_ward_shapes("icb"), official=read_published_summaries(),
                          generated=dt.date(2026, 1, 15), version=version())
    assert pdf == render_pdf(expected)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    view = layer_view(catalogue, ward_table, area, "imd_score_2025", None, "imd10")
    assert all(name in text for name in view.table.frame["Ward"])


def test_map_writes_png_at_both_sizes_and_svg(tmp_path) -> None:
    view = ["--area", LSC, "--place", "E06000009", "--layer", "le_male_2016_20", "--targeting", "place10",
            "--flags", "coastal_flag", "--date", DATE]
    assert main(["map", *view, "--out", str(tmp_path / "bp.png")]) == 0
    assert main(["map", *view, "--size", "a4", "--out", str(tmp_path / "bp_a4.png")]) == 0
    assert main(["map", *view, "--out", str(tmp_path / "bp.svg")]) == 0
    assert Image.open(tmp_path / "bp.png").size == (1920, 1080)
    assert Image.open(tmp_path / "bp_a4.png").size == (3508, 2480)
    texts = ["".join(t.itertext()) for t in ET.parse(tmp_path / "bp.svg").iter("{http://www.w3.org/2000/svg}text")]
    assert "Life expectancy at birth, males (ranking estimate): Blackpool (Lancashire and South Cumbria" in texts
    assert "ICB)" in texts  # the title, wrapped over two lines
    assert "Coastal ward" in texts


def test_all_places_writes_one_pack_per_place_with_a_progress_bar(tmp_path, capsys) -> None:
    out = tmp_path / "packs"
    assert main(["pack", "--area", NORTHANTS, "--all-places", "--jobs", "2", "--date", DATE, "--out", str(out)]) == 0
    files = sorted(p.name for p in out.iterdir())
    assert files == ["wardlens_north-northamptonshire_E06000061_imd_score_2025_imd10.pdf",
                     "wardlens_west-northamptonshire_E06000062_imd_score_2025_imd10.pdf"]
    err = capsys.readouterr().err
    assert "[" + "#" * 28 + "] 2/2" in err and f"2 packs written to {out}" in err
    first = PdfReader(out / files[0])
    assert first.metadata["/Title"] == "North Northamptonshire (Northamptonshire ICB): health inequality by ward"


@pytest.mark.parametrize("argv, named", [
    (["pack", "--area", "E5400004", "--out", "x.pdf"], "E54000048 Lancashire and South Cumbria"),
    (["pack", "--area", LSC, "--place", "E06000016", "--out", "x.pdf"], "E06000009 Blackpool"),
    (["pack", "--area", LSC, "--layer", "imd", "--out", "x.pdf"], "imd_score_2025"),
    (["pack", "--area", LSC, "--targeting", "imd15", "--out", "x.pdf"], "imd10, imd20"),
    (["pack", "--area", LSC, "--scheme", "jenks", "--out", "x.pdf"], "FisherJenks"),
    (["pack", "--area", LSC, "--flags", "coast", "--out", "x.pdf"], "coastal_flag"),
    (["pack", "--area", LSC, "--wards", "E05010465", "--out", "x.pdf"], "E05005150 Bank Hall"),
    (["pack", "--area", LSC, "--goal", "hle20", "--out", "x.pdf"], "hle10, nea20, cyp10"),
    (["pack", "--area", LSC, "--out", "x.docx"], "FILE.pdf"),
    (["pack", "--area", LSC, "--date", "15/01/2026", "--out", "x.pdf"], "YYYY-MM-DD"),
    (["map", "--area", LSC, "--out", "x.jpg"], "FILE.png, FILE.svg"),
    (["map", "--area", "england", "--place", "E06000009", "--out", "x.png"], "ICB code as --area"),
])
def test_bad_codes_are_refused_in_one_line_naming_the_choices(tmp_path, capsys, monkeypatch, argv, named) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert captured.out == "" and len(lines) == 1
    assert lines[0].startswith(f"python -m report {argv[0]}: error: --") and named in lines[0]
    assert not list(tmp_path.iterdir())  # nothing written


def test_all_places_needs_an_icb_and_no_ward_profiles(capsys) -> None:
    assert main(["pack", "--area", "E06000009", "--all-places", "--out", "packs"]) == 2
    assert "give an ICB code as --area" in capsys.readouterr().err
    assert main(["pack", "--area", LSC, "--all-places", "--wards", "E05015188", "--out", "packs"]) == 2
    assert "leave --wards out" in capsys.readouterr().err


def test_runs_as_a_module(tmp_path) -> None:
    bad = subprocess.run([sys.executable, "-m", "report", "pack", "--area", "X1", "--out", "x.pdf"], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1 and "Choose one of:" in bad.stderr
    helped = subprocess.run([sys.executable, "-m", "report", "--help"], cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert all(f"    {name}" in helped.stdout for name in ("pack", "map", "goals"))
