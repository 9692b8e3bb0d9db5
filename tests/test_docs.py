"""The words match the code: the README's commands, paths, limits and privacy text; data/README's
raw files; the Methods tab's method, numbers, limits, privacy and attributions (AppTest).

Each sentence checked here is either taken from the code that it describes (``limits_text``,
``PRIVACY_TEXT``, ``attribution_texts``) or checked against the processed data, so that the words
cannot drift from what the code does.
"""

from __future__ import annotations

import re
import tomllib

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from geo import rawdata
from geo.bestfit import OVERLAY
from geo.paths import DATA, ROOT
from geo.upload import SMALL_COUNT_THRESHOLD
from geo.upload.limits import LIMITS, limits_text, size_text
from layers import INDICATORS as RECORDS
from layers.indicator import N_OVERLAY_WARDS
from layers.sources import ALWAYS, FOUNDATION, attribution_texts
from tests.conftest import ONS_OS_LINE, assert_no_exception, run_app
from ui.upload_memory import PRIVACY_TEXT

README = (ROOT / "README.md").read_text(encoding="utf-8")
INDICATORS = DATA / "indicators"


def _flat(text: str) -> str:
    """``text`` with every run of whitespace one space (README paragraphs are wrapped)."""
    return " ".join(text.split())


def _bash_blocks(text: str) -> list[str]:
    return re.findall(r"```bash\n(.*?)```", text, re.S)


def test_the_readme_runs_and_tests_as_ci_does() -> None:
    blocks = _bash_blocks(README[README.index("## Run it"):README.index("## What's new")])
    run, test = blocks
    assert run.splitlines() == ["python3 -m venv .venv && . .venv/bin/activate", "pip install -r requirements.txt",
                                "streamlit run app.py"]
    assert test.strip() == "pip install -r requirements-dev.txt && python -m pytest"
    ci = [line.strip() for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
          if line.strip() and not line.lstrip().startswith("#")]
    assert ci[-1] == test.strip().split(" && ")[1]  # CI runs the README's test command
    assert any(line.endswith("-r requirements-dev.txt") for line in ci)
    python = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["requires-python"]
    assert python == ">=3.11" and "needs Python 3.11 or newer" in README
    assert "typst==" in (ROOT / "requirements.txt").read_text(encoding="utf-8") and "Typst" in README


def _tree_paths(text: str) -> set[str]:
    """The paths of the README's annotated tree: top-level entries and the files listed under them."""
    tree = text[text.index("## The tree"):]
    tree = tree[tree.index("```") + 3:]
    tree = tree[:tree.index("```")]
    paths, parent = set(), ""
    for line in tree.splitlines()[1:]:
        indent = len(line) - len(line.lstrip())
        if not line.strip() or indent > 4:  # a continuation of the description above
            continue
        names = re.split(r"\s{2,}", line.strip())[0]
        for name in (n.strip() for n in names.split(",")):
            if indent == 0:
                parent = name if name.endswith("/") else ""
                paths.add(name)
            else:
                paths.add(parent + name)
    return paths


def test_every_path_the_readme_names_exists() -> None:
    named = set(re.findall(r"`((?:[A-Za-z_.][\w.-]*/)+[\w.()-]*)`", README))  # `layers/view.py`, `tests/data/track`
    named |= set(re.findall(r"`([\w-]+\.(?:py|md|toml|txt))`", README))  # `pyproject.toml`
    named |= {link for link in re.findall(r"\]\(([^)#]+)\)", README) if not link.startswith("http")}
    named |= _tree_paths(README)
    assert {"layers/view.py", "layers/source.py", "ui/upload_memory.py", "geo/upload/limits.py"} <= named
    assert len(named) > 80
    made = {line.strip("/") for line in (ROOT / ".gitignore").read_text().splitlines()}  # made by tools, not committed
    missing = sorted(p for p in named if not p.startswith("../") and p.strip("/") not in made  # ../: the raw data
                     and not (ROOT / p).exists())
    assert not missing, f"README.md names paths that do not exist: {missing}"


def test_the_readme_limits_and_privacy_are_the_codes() -> None:
    table = README[README.index("| Limit | Value | Why |"):README.index("The server reads two files")]
    rows = {r.split("|")[1].strip(): r.split("|")[2].strip() for r in table.splitlines()[2:] if r.startswith("|")}
    assert rows["File (or pasted text)"] == size_text(LIMITS.bytes, limit=True)
    assert rows["Rows"].startswith(f"{LIMITS.rows:,}, plus {LIMITS.extra_rows:,} ")
    assert rows["Columns"] == f"{LIMITS.columns:,}"
    assert rows["Cells (rows × columns)"] == f"{LIMITS.cells:,}"
    assert rows["Excel: filled cells"] == f"{LIMITS.excel_cells:,}"
    assert rows["Excel: unpacked size"].startswith(size_text(LIMITS.unpacked_for(LIMITS.bytes), limit=True) + " ")
    assert rows["Excel: sheets, parts"] == f"{LIMITS.sheets} sheets, {LIMITS.parts:,} parts"
    assert rows["One cell"] == f"{LIMITS.cell_chars:,} characters"
    assert rows["Time"] == f"{LIMITS.seconds:g} s to read, {LIMITS.seconds:g} s to check"
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] * 2**20 == LIMITS.bytes  # the server refuses at the same size
    assert _flat(f"**Privacy.** {PRIVACY_TEXT}") in _flat(README)
    assert f"Ward counts of 1–{SMALL_COUNT_THRESHOLD - 1}" in _flat(README)


def test_data_readme_names_every_raw_file_the_build_reads() -> None:
    text = (DATA / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Raw files the build reads"):text.index("## How ward values are made")]
    declared = [s.path for s in (*rawdata.RAW_TABLES.values(), *rawdata.RAW_VECTORS.values())]
    missing = [p for p in dict.fromkeys(declared) if f"`{p}`" not in section]
    assert not missing, f"data/README.md does not list the raw file(s) {missing}"


def test_the_overlay_ward_count_the_records_quote_is_the_datas() -> None:
    wards = pd.read_csv(INDICATORS / "wards.csv")
    assert int((wards["method_flag"] == OVERLAY).sum()) == N_OVERLAY_WARDS


def test_every_map_credits_the_boundaries_and_the_census_output_areas() -> None:
    assert [s.attribution[-5:] for s in ALWAYS] == ["2025.", "2022."]  # the boundaries' and the OAs' OS data
    assert attribution_texts([]) == [ONS_OS_LINE]  # one ONS line naming both years


def test_the_attribution_is_one_line_per_licence_holder() -> None:
    texts = attribution_texts([*(r.source for r in RECORDS.values()), *FOUNDATION])
    assert texts == [
        "Source: Office for National Statistics licensed under the Open Government Licence v.3.0. Contains OS data "
        "© Crown copyright and database right 2021, 2022, 2024 and 2025.",
        "Contains public sector information licensed under the Open Government Licence v3.0 (MHCLG, English "
        "Indices of Deprivation 2025).",
        "Contains public sector information licensed under the Open Government Licence v3.0 (MHCLG, English "
        "Indices of Deprivation 2019).",
        "Contains Parliamentary information licensed under the Open Parliament Licence v3.0. Underlying data: "
        "Quality and Outcomes Framework, NHS England (formerly NHS Digital).",
        "Source: Department for Work and Pensions, Children in low income families: local area statistics, "
        "licensed under the Open Government Licence v3.0.",
        "Made with Natural Earth.",
    ]
    coastal = attribution_texts([RECORDS["coastal_flag"].source])
    assert coastal == [ONS_OS_LINE, "Made with Natural Earth."]


@pytest.fixture(scope="module")
def methods() -> str:
    at = run_app()
    at.session_state["tab"] = "Methods and sources"
    at.run()
    assert_no_exception(at)
    return _flat(" ".join(m.value for m in at.main.markdown))


def test_the_methods_tab_explains_output_area_best_fit_with_the_datas_numbers(methods: str) -> None:
    wards = pd.read_csv(INDICATORS / "wards.csv")
    membership = pd.read_csv(INDICATORS / "lsoa21_ward25_membership.csv")
    best = membership[membership["method"] != OVERLAY]
    split = int(best.groupby("lsoa21_code")["ward_code"].nunique().gt(1).sum())
    overlay = int((wards["method_flag"] == OVERLAY).sum())
    assert "**Output Areas**" in methods and "*population-weighted centroid*" in methods
    assert "A ward's population is the sum of its Output Areas' residents" in methods
    assert f"{split:,} of England's {best['lsoa21_code'].nunique():,} LSOAs are split" in methods  # 6,400 of 33,755
    assert f"{overlay} very small wards hold no Output Area centroid** (15 in City of London, 1 in Isles of " \
           "Scilly)" in methods
    assert "MHCLG published" in methods and "computed by WardLens with Census 2021 weights" in methods
    assert "best-fitted" not in methods and "LSOA centroid" not in methods and "33 wards" not in methods


def test_the_methods_tab_states_the_real_limits_privacy_and_every_attribution(methods: str) -> None:
    assert _flat(limits_text()) in methods and "at most 20 MB, 200,000 rows" in methods
    assert _flat(PRIVACY_TEXT) in methods
    assert f"Ward counts from 1 to {SMALL_COUNT_THRESHOLD - 1}" in methods and "secondary suppression" in methods
    for source in FOUNDATION:
        assert _flat(source.dataset) in methods and _flat(source.attribution) in methods


def test_the_methods_tab_says_how_goals_are_modelled_and_tracked_with_the_codes_settings(methods: str) -> None:
    assert "Goals and tracking" in methods
    assert "at 5% significance and 80% power" in methods and "(2 by default; Breslow and Day 1987)" in methods
    assert "limits at the mean ± 2.66 average moving ranges, trial limits below 12 points" in methods
    assert "SII is the least deprived end minus the most deprived end" in methods
