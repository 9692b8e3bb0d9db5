"""One generic test over every indicator record, and every data file documented.

Parametrised over :data:`layers.INDICATORS`, so a new record is checked with no new test code:
its file and column exist in the built ``data/indicators``, it covers enough English wards (or
says why not), every value lies in its plausible range, flags are booleans, the weight column
is there, and the metadata the app shows is complete.
"""

from __future__ import annotations

import typing
from dataclasses import fields
from functools import lru_cache

import pandas as pd
import pytest

from geo.paths import DATA, INDICATORS as INDICATOR_DIR
from layers import INDICATORS
from layers.indicator import Indicator, Method

RECORDS = list(INDICATORS.values())
IDS = [r.id for r in RECORDS]


@lru_cache(maxsize=None)
def _table(name: str) -> pd.DataFrame:
    path = INDICATOR_DIR / name
    if not path.is_file():
        pytest.fail(f"{path} is missing: run `python -m geo.build`")
    return pd.read_csv(path, dtype={"ward_code": "string"})


@pytest.fixture(scope="module")
def ward_codes() -> pd.Index:
    codes = pd.Index(_table("wards.csv")["ward_code"])
    assert len(codes) == 6_826 and codes.is_unique
    return codes


@pytest.mark.parametrize("record", RECORDS, ids=IDS)
def test_record_data_exists_covers_wards_and_is_in_range(record: Indicator, ward_codes: pd.Index) -> None:
    table = _table(record.file)
    assert "ward_code" in table.columns, f"{record.file} has no ward_code"
    assert record.column in table.columns, f"{record.file} has no column {record.column!r}"
    assert table["ward_code"].is_unique
    assert set(table["ward_code"]) <= set(ward_codes), f"{record.file} has codes that are not 2025 wards"
    values = table.set_index("ward_code")[record.column].reindex(ward_codes)

    coverage = values.notna().mean()
    assert coverage >= record.min_coverage, (
        f"{record.id}: {values.notna().sum()} of {len(ward_codes)} wards ({coverage:.1%}) have data, "
        f"below min_coverage {record.min_coverage:.0%}")

    present = values.dropna()
    low, high = record.valid_range
    outside = present[(present < low) | (present > high)]
    assert outside.empty, f"{record.id}: {len(outside)} value(s) outside {record.valid_range}, e.g. {outside.head(3).to_dict()}"
    assert present.nunique() > 1, f"{record.id}: every ward has the same value"

    if record.kind == "flag":
        assert table[record.column].dtype == bool, f"{record.id}: a flag column must be True/False, got {table[record.column].dtype}"
    else:
        assert pd.api.types.is_numeric_dtype(table[record.column]) and table[record.column].dtype != bool

    if record.weight:
        assert record.weight in table.columns, f"{record.id}: weight column {record.weight!r} not in {record.file}"
        weights = table.set_index("ward_code")[record.weight].reindex(present.index)
        assert weights.notna().all() and (weights >= 0).all() and (weights > 0).any()


@pytest.mark.parametrize("record", RECORDS, ids=IDS)
def test_record_metadata_is_complete(record: Indicator) -> None:
    optional = {"weight", "coverage_note"}
    for f in fields(record):
        if f.name not in optional:
            assert getattr(record, f.name) not in ("", None), f"{record.id}: {f.name} is empty"
    for part in ("publisher", "dataset", "licence", "attribution"):
        assert getattr(record.source, part).strip(), f"{record.id}: source.{part} is empty"
    assert record.method in typing.get_args(Method)
    assert len(record.method_note) > 30 and len(record.caveat) > 30
    # One sentence: ends with a full stop and has no sentence break inside.
    assert record.definition.endswith(".") and ". " not in record.definition[:-1], record.definition
    assert record.min_coverage >= 0.95 or record.coverage_note
    assert record.format_value(float("nan")) == "no data"
    low, high = record.valid_range
    assert record.format_value((low + high) / 2)
    if record.kind == "flag":
        assert record.aggregation == "share of wards" and record.valid_range == (0.0, 1.0)
    if record.aggregation == "sum":
        assert not record.weight, f"{record.id}: a summed count takes no weight"


def test_every_data_file_is_documented_in_data_readme() -> None:
    readme = DATA / "README.md"
    assert readme.is_file(), f"{readme} is missing: every file under data/ must be described there"
    text = readme.read_text(encoding="utf-8")
    files = sorted(p for p in DATA.rglob("*") if p.is_file() and p != readme
                   and not any(part.startswith(".") for part in p.relative_to(DATA).parts))
    assert files, "data/ holds no built files: run `python -m geo.build`"
    undocumented = [str(p.relative_to(DATA)) for p in files if p.name not in text]
    assert not undocumented, f"data/README.md does not mention: {', '.join(undocumented)}"


@pytest.mark.parametrize("family", sorted({r.family for r in INDICATORS.values()}))
def test_every_indicator_family_is_in_the_readme_data_table(family: str) -> None:
    readme = (DATA.parent / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("| Indicator (family) |"):readme.index("Every output file")]
    assert family.split(" (")[0].lower() in table.lower(), f"README.md's data table has no row for {family!r}"
