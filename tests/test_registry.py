"""One generic test over every indicator record, and every data file declared and documented.

Parametrised over :data:`layers.INDICATORS` (ward layers) and :data:`layers.MSOA_INDICATORS`
(MSOA 2011 layers), so a new record is checked with no new test code: its file and column are
declared in :mod:`geo.manifest` (checked without reading data), they exist in the built data,
it covers enough of its areas (or says why not), every value lies in its plausible range, flags
are booleans, the weight column is there, and the metadata the app shows is complete.
"""

from __future__ import annotations

import typing
from dataclasses import fields
from functools import lru_cache

import pandas as pd
import pytest

import geopandas as gpd

from geo.manifest import OUTPUTS, output
from geo.paths import DATA
from layers import INDICATORS, MSOA_INDICATORS
from layers.indicator import Indicator, Method

RECORDS = [*INDICATORS.values(), *MSOA_INDICATORS.values()]
IDS = [r.id for r in RECORDS]


@lru_cache(maxsize=None)
def _table(name: str) -> pd.DataFrame:
    path = output(name).path(DATA)
    if not path.is_file():
        pytest.fail(f"{path} is missing: run `python -m geo.build`")
    key = output(name).key[0]
    return pd.read_csv(path, dtype={key: "string"})


def _areas(record: Indicator) -> pd.Index:
    """The areas a record's values are for: every English ward, or every row of an MSOA file."""
    key = output(record.file).key[0]
    codes = pd.Index(_table("wards.csv")["ward_code"] if key == "ward_code" else _table(record.file)[key])
    assert codes.is_unique and len(codes) == (6_826 if key == "ward_code" else 6_791)
    return codes


@pytest.mark.parametrize("record", RECORDS, ids=IDS)
def test_record_names_a_declared_file_and_columns(record: Indicator) -> None:
    spec = output(record.file)  # a KeyError names the declared files
    assert record.column in spec.columns, f"{record.file} declares no column {record.column!r}"
    register = output("wards.csv").columns
    assert not record.weight or record.weight in spec.columns or record.weight in register, (
        f"{record.id}: weight column {record.weight!r} is declared neither in {record.file} nor in wards.csv")


@pytest.mark.parametrize("record", RECORDS, ids=IDS)
def test_record_data_exists_covers_its_areas_and_is_in_range(record: Indicator) -> None:
    key = output(record.file).key[0]
    table = _table(record.file)
    assert record.column in table.columns, f"{record.file} has no column {record.column!r}"
    assert table[key].is_unique
    areas = _areas(record)
    assert set(table[key]) <= set(areas), f"{record.file} has codes outside its areas"
    values = table.set_index(key)[record.column].reindex(areas)

    coverage = values.notna().mean()
    assert coverage >= record.min_coverage, (
        f"{record.id}: {values.notna().sum()} of {len(areas)} areas ({coverage:.1%}) have data, "
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
        weights_from = table if record.weight in table.columns else _table("wards.csv")
        weights = weights_from.set_index(key)[record.weight].reindex(present.index)
        assert weights.notna().all() and (weights >= 0).all() and (weights > 0).any()


@pytest.mark.parametrize("record", RECORDS, ids=IDS)
def test_record_metadata_is_complete(record: Indicator) -> None:
    optional = {"weight", "coverage_note", "warning", "official"}  # set only where a layer has one
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


def test_every_data_file_is_declared_built_with_its_columns_and_documented() -> None:
    readme = DATA / "README.md"
    assert readme.is_file(), f"{readme} is missing: every file under data/ must be described there"
    text = readme.read_text(encoding="utf-8")
    files = sorted(p for p in DATA.rglob("*") if p.is_file() and p != readme
                   and not any(part.startswith(".") for part in p.relative_to(DATA).parts))
    assert {str(p.relative_to(DATA)) for p in files} == {f"{o.folder}/{o.name}" for o in OUTPUTS.values()}
    for spec in OUTPUTS.values():
        path = spec.path(DATA)
        columns = gpd.read_parquet(path).columns if path.suffix == ".parquet" else pd.read_csv(path, nrows=0).columns
        assert tuple(columns) == spec.columns, f"{spec.name}: built columns differ from geo/manifest.py"
    undocumented = [str(p.relative_to(DATA)) for p in files if p.name not in text]
    assert not undocumented, f"data/README.md does not mention: {', '.join(undocumented)}"


@pytest.mark.parametrize("family", sorted({r.family for r in INDICATORS.values()}))
def test_every_indicator_family_is_in_the_readme_data_table(family: str) -> None:
    readme = (DATA.parent / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("| Indicator (family) |"):readme.index("Every output file")]
    assert family.split(" (")[0].lower() in table.lower(), f"README.md's data table has no row for {family!r}"
