"""Raw-data tests skip where ``../shared/data/raw`` is absent, and fail there under ``WARDLENS_STRICT=1``
(which ``.ci/run`` sets), so in CI no comparison with the published figures can quietly not run."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from geo.paths import ROOT

#: One test that reads the raw MHCLG summaries through :func:`tests.conftest.require_raw`.
RAW_TEST = "tests/test_summaries.py::test_official_summaries_are_the_published_values"


def _run(strict: bool) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "WARDLENS_RAW": str(ROOT / "no-such-raw-folder")}
    env.pop("WARDLENS_STRICT", None)
    if strict:
        env["WARDLENS_STRICT"] = "1"
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider",
                           RAW_TEST], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("strict", [False, True])
def test_a_missing_raw_folder_skips_with_its_reason_and_fails_when_strict(strict: bool) -> None:
    done = _run(strict)
    assert "raw open data not found at" in done.stdout and "no-such-raw-folder" in done.stdout
    if strict:
        assert done.returncode == 1 and "2 failed" in done.stdout
        assert "WARDLENS_STRICT=1 makes a skip a failure" in done.stdout
    else:
        assert done.returncode == 0 and "2 skipped" in done.stdout


def test_ci_runs_the_readme_command_strictly() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "export WARDLENS_STRICT=1" in ci
    assert ci.rstrip().splitlines()[-1] == "python -m pytest"
    assert "pip install -r requirements-dev.txt && python -m pytest" in (ROOT / "README.md").read_text(encoding="utf-8")
