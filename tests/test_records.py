"""The record files: ``layers/records/*.toml`` read by :mod:`layers.recordfile` into the frozen records.

Each refusal is one line naming the file, the record and the problem; every shipped record
round-trips (written back as TOML with all its fields, it reads as the same record); every source
name is the public name in :mod:`layers.sources`.
"""

from __future__ import annotations

import json
from dataclasses import fields, replace

import pytest

import layers.sources
from layers import INDICATORS, MSOA_INDICATORS
from layers.indicator import PHRASES, Indicator
from layers.recordfile import parse
from layers.sources import SOURCES, Source

WHERE = "layers/records/test.toml"
RECORD = """
[[indicator]]
id = "test_rate"
title = "A test rate"
theme = "Health"
family = "Test rate"
variant = "Test"
definition = "A rate for the tests."
file = "ward_health.csv"
column = "test_rate"
unit = "% of residents"
period = "2025"
method_note = "LSOA rates {BY_OA_RESIDENTS}."
source = "IOD2025"
caveat = "Made up for the tests, so it means nothing."
valid_range = [0, 100]
"""


def _read(text: str) -> dict[str, Indicator]:
    return parse(text, WHERE, "indicator", Indicator, phrases=PHRASES, refs={Source: SOURCES})


def _refusal(text: str) -> str:
    with pytest.raises(ValueError) as refused:
        _read(text)
    message = str(refused.value)
    assert "\n" not in message and message.startswith(f"{WHERE}: ")
    return message


def test_a_record_reads_with_its_phrases_source_and_defaults() -> None:
    record = _read(RECORD)["test_rate"]
    assert record.method_note == ("LSOA rates weighted by the Census 2021 residents of each LSOA's Output Areas "
                                  "in the ward.")
    assert record.source is layers.sources.IOD2025
    assert record.valid_range == (0.0, 100.0) and isinstance(record.valid_range[0], float)  # TOML 0 is a float here
    assert (record.scheme, record.weight, record.higher_is_worse) == ("Quantiles", "population", True)


@pytest.mark.parametrize(("change", "problem"), [
    (('id = "test_rate"', 'id = "test_rate"\ncolour = "red"'),
     "indicator 'test_rate': unknown field(s) ['colour']; the fields are ['aggregation', "),
    (('caveat = "Made up for the tests, so it means nothing."\n', ""),
     "indicator 'test_rate': missing field(s) ['caveat']; every record states ['id', "),
    (('title = "A test rate"', 'title = ""'), "indicator 'test_rate': empty field(s) title"),
    (('unit = "% of residents"', "unit = 5"),
     "indicator 'test_rate': unit is int 5, not text; write it as \"...\""),
    (('id = "test_rate"', 'id = "test_rate"\nhigher_is_worse = "no"'), "higher_is_worse is str 'no', not true or false"),
    (("valid_range = [0, 100]", "valid_range = [0, 50, 100]"),
     "valid_range is list [0, 50, 100], not a list of 2 numbers; write it as [0.0, 0.0]"),
    (("valid_range = [0, 100]", 'valid_range = [0, "100"]'), "valid_range is list [0, '100'], not a list of 2 numbers"),
    (('id = "test_rate"', 'id = "test_rate"\nmin_coverage = true'), "min_coverage is bool True, not a number"),
    (('theme = "Health"', 'theme = "Wealth"'), "indicator 'test_rate': theme 'Wealth' is not one of ("),
    (('source = "IOD2025"', 'source = "IOD2052"'), "indicator 'test_rate': source 'IOD2052' is not a known Source; name "
                                                   "one of ['CENSUS_OA', "),
    (('method_note = "LSOA rates {BY_OA_RESIDENTS}."', 'method_note = "LSOA rates {BY_OA_RESIDENT}."'),
     "indicator 'test_rate', method_note: unknown phrase {BY_OA_RESIDENT}; use one of ['BY_OA_RESIDENTS', "),
    (('id = "test_rate"\n', ""), "indicator '#1': no id; give every [[indicator]] its id"),
])
def test_a_bad_record_is_refused_in_one_line_naming_file_record_and_problem(change: tuple[str, str],
                                                                            problem: str) -> None:
    old, new = change
    assert old in RECORD
    assert problem in _refusal(RECORD.replace(old, new, 1))


def test_a_duplicate_id_is_refused() -> None:
    message = _refusal(RECORD + RECORD)
    assert message == (f"{WHERE}: indicator 'test_rate': the id is used twice; give each record its own id")


def test_the_files_tables_phrases_and_derived_records_are_checked() -> None:
    assert "unknown top-level table(s) ['indicators']" in _refusal(RECORD.replace("[[indicator]]", "[[indicators]]"))
    assert "not valid TOML" in _refusal(RECORD.replace('title = "A test rate"', "title = A test rate"))
    clash = '[phrases]\nBY_OA_RESIDENTS = "by residents"\n' + RECORD
    assert "phrase(s) ['BY_OA_RESIDENTS'] are the code's already" in _refusal(clash)
    unused = '[phrases]\nNOTE = "never named"\n' + RECORD
    assert _refusal(unused) == f"{WHERE}: phrase(s) ['NOTE'] named by no record; remove them"
    derived = RECORD + '\n[[indicator]]\nid = "test_rate_2019"\nbased_on = "test_rate"\nperiod = "2019"\n'
    assert "based_on needs the file's [derived] table" in _refusal(derived)
    with_table = '[derived]\nvariant = "Old"\nfile = "ward_old.csv"\n' + derived
    old = _read(with_table)["test_rate_2019"]
    assert old == replace(_read(RECORD)["test_rate"], id="test_rate_2019", variant="Old", file="ward_old.csv",
                          period="2019")
    assert "based_on 'test_rat' is no earlier record; name one of ['test_rate']" in _refusal(
        with_table.replace('based_on = "test_rate"', 'based_on = "test_rat"'))
    assert "field(s) ['file'] are set for every derived record by [derived]; remove them" in _refusal(
        with_table + 'file = "ward_other.csv"\n')


def test_the_iod2019_recasts_are_their_iod2025_records_with_the_recast_fields() -> None:
    for old, new in (("imd_score_2019", "imd_score_2025"), ("core20_share_2019", "core20_share_2025")):
        recast, current = INDICATORS[old], INDICATORS[new]
        same = ("title", "theme", "family", "column", "unit", "value_format", "scheme", "palette", "valid_range")
        assert all(getattr(recast, f) == getattr(current, f) for f in same), old
        assert (recast.variant, recast.file, recast.source, recast.official) == (
            "IoD2019 recast", "ward_deprivation_2019.csv", layers.sources.IOD2019, "")
        assert recast.warning == "IoD2019 recast to 2025 wards: not comparable with IoD2025."


def _toml(value: object) -> str:
    """``value`` as TOML: a Source by its name; text, numbers and flags as JSON writes them (valid TOML)."""
    if isinstance(value, Source):
        return json.dumps(next(name for name, source in SOURCES.items() if source is value))
    if isinstance(value, tuple):
        return "[" + ", ".join(map(_toml, value)) + "]"
    return json.dumps(value, ensure_ascii=False)


@pytest.mark.parametrize("record", [*INDICATORS.values(), *MSOA_INDICATORS.values()], ids=lambda r: r.id)
def test_every_record_round_trips_through_a_record_file(record: Indicator) -> None:
    text = "[[indicator]]\n" + "".join(f"{f.name} = {_toml(getattr(record, f.name))}\n" for f in fields(record))
    assert _read(text) == {record.id: record}


def test_every_source_record_is_the_public_name_it_is_filed_under() -> None:
    assert len(SOURCES) == 16
    for name, source in SOURCES.items():
        assert getattr(layers.sources, name) is source, name
        text = f"[[source]]\nname = {json.dumps(name)}\n" + "".join(
            f"{f.name} = {_toml(getattr(source, f.name))}\n" for f in fields(source))
        assert parse(text, WHERE, "source", Source, key="name") == {name: source}
