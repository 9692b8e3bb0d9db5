"""Size limits outside tests/: no module over 400 physical lines, no function over 60.

A function's length is ``end_lineno - lineno + 1`` of its ``ast`` node (decorators not
counted, nested functions counted on their own too). The walk skips tests/, .git, mutmut's
mutants/ and any virtualenv (a folder holding ``pyvenv.cfg``, or a ``site-packages``).
"""

from __future__ import annotations

import ast
import os
from collections.abc import Iterator
from pathlib import Path

from geo.paths import ROOT

MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
#: Folders never walked, by name, wherever they are.
SKIPPED = {"tests", ".git", "mutants", "site-packages", "node_modules", "__pycache__"}


def python_files(root: Path) -> Iterator[Path]:
    """Every .py file below ``root``, less the folders of :data:`SKIPPED` and virtualenvs."""
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED and not (Path(folder, d) / "pyvenv.cfg").exists())
        yield from (Path(folder, f) for f in sorted(files) if f.endswith(".py"))


def offenders(path: Path, root: Path) -> list[str]:
    """What in ``path`` breaks the limits, one line each (``path: N lines`` / ``path:line name(): N lines``)."""
    text = path.read_text(encoding="utf-8")
    rel = path.relative_to(root).as_posix()
    found = []
    lines = len(text.splitlines())
    if lines > MAX_MODULE_LINES:
        found.append(f"{rel}: {lines} lines (module limit {MAX_MODULE_LINES})")
    for node in ast.walk(ast.parse(text, filename=rel)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            length = node.end_lineno - node.lineno + 1
            if length > MAX_FUNCTION_LINES:
                found.append(f"{rel}:{node.lineno} {node.name}(): {length} lines (function limit {MAX_FUNCTION_LINES})")
    return found


def test_the_walk_finds_the_code_and_skips_the_tests() -> None:
    files = {p.relative_to(ROOT).as_posix() for p in python_files(ROOT)}
    assert {"app.py", "geo/rawdata.py", "layers/goals.py", "report/mapdraw.py"} <= files
    assert not any(f.startswith(("tests/", "mutants/", ".git/")) for f in files)


def test_the_check_names_a_long_module_and_a_long_function(tmp_path: Path) -> None:
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION_LINES))  # def line + 60 = 61 lines
    (tmp_path / "long.py").write_text("def long():\n" + body + "\n" + "\n" * MAX_MODULE_LINES, encoding="utf-8")
    (tmp_path / "fine.py").write_text("def fine():\n" + "\n".join(body.splitlines()[1:]) + "\n", encoding="utf-8")
    assert offenders(tmp_path / "long.py", tmp_path) == [
        f"long.py: {MAX_MODULE_LINES + MAX_FUNCTION_LINES + 1} lines (module limit {MAX_MODULE_LINES})",
        f"long.py:1 long(): {MAX_FUNCTION_LINES + 1} lines (function limit {MAX_FUNCTION_LINES})"]
    assert offenders(tmp_path / "fine.py", tmp_path) == []


def test_no_module_or_function_outside_tests_is_too_long() -> None:
    found = [line for path in python_files(ROOT) for line in offenders(path, ROOT)]
    assert not found, "over the size limits:\n" + "\n".join(found)
