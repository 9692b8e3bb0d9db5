"""Disclosure control of what can be derived (issues 14 and 3): counts read as rates, totals and parts,
rates with their denominator, and the rate per 1,000 residents made from every uploaded count.

A reader of the app sees every value shown; these tests play that reader: from the values shown they
work out what they can (a part as total minus the other parts, a count as rate × denominator) and
check it is never a count from 1 to 4. The corpus files are in ``tests/data/uploads`` (see its README).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from geo.upload import (Relation, UploadError, aggregate_to_wards, complementary_suppression, find_relations,
                        inspect_upload, read_pasted, read_reference, read_upload, small_numerators)
from geo.upload.disclosure import USUAL_SCALES, rate_scales
from layers.source import area_value_of, value_text
from layers.targets import TARGETINGS
from layers.uploaded import (PER_RESIDENTS, PER_RESIDENTS_UNIT, DerivedSuppression, count_targeting_warning,
                             per_residents, user_layer)
from layers.view import style_source

CORPUS = Path(__file__).parent / "data" / "uploads"
ASHTON, BROOKFIELD, DEEPDALE = "E05012193", "E05012194", "E05012197"  # Preston wards
LSC_FILE = "lsc_lsoa21_5plus_ltc.csv"
CHILDREN = "Aged 0-17 with 5+ long-term conditions"


@pytest.fixture(scope="module")
def reference():
    return read_reference()


def wards_of(name: str, reference, **options):
    return aggregate_to_wards(inspect_upload(read_upload(name, (CORPUS / name).read_bytes()), reference), reference,
                              **options)


def derivable_small(frame: pd.DataFrame, relations, threshold: int = 5) -> list[tuple[str, str]]:
    """What a reader can work out by subtraction from the values shown (NaN = hidden) that is a count
    from 1 to threshold - 1: (ward, what) pairs."""
    found = []
    for r in relations:
        for ward, row in frame.iterrows():
            total, parts = row[r.total], row[list(r.parts)]
            if np.isnan(total):
                continue
            hidden = parts.isna()
            if r.is_pair:
                if not hidden.any() and 1 <= round(total - parts.iloc[0]) < threshold:
                    found.append((ward, f"{r.total} - {r.parts[0]}"))
            elif hidden.any() and 1 <= round(total - parts[~hidden].sum()) < threshold:
                found.append((ward, f"{r.total} - shown parts"))
    return found


# --- counts that look like rates stay counts (issue 14) -----------------------------------------

@pytest.mark.parametrize("name, column", [("per_named_counts.csv", "Patients per ward"),
                                          ("decimal_counts.csv", "LTC 5+")])
def test_counts_named_per_or_written_with_decimals_are_counts_and_suppressed(name, column, reference) -> None:
    wards = wards_of(name, reference)
    assert wards.kinds[column] == "count"
    assert wards.suppressed[column][wards.suppressed[column]].index.tolist() == [ASHTON, DEEPDALE]
    layer = user_layer("upload-1", wards, column, title="T", unit="", higher_is_worse=True, source_name=name)
    shown = value_text(layer, wards.frame.index)
    assert shown[ASHTON] == shown[DEEPDALE] == "fewer than 5"
    assert not shown.str.fullmatch(r"[1-4](\.0+)?").any()


@pytest.mark.parametrize("header, values, guess", [
    ("Patients per ward", "3 12 40", "count"),
    ("Patients per practice", "1.0 12.0 40.0", "count"),
    ("People", "1.0 2.0 3.0", "count"),
    ("Rate per 1,000", "3 12 40", "rate"),
    ("Admissions per 100k", "3 12 40", "rate"),
    ("Share", "0.1 0.2 0.3", "rate"),
    ("Value", "1.5 2.5 3", "rate"),
    ("Value", "12 15 40", "count"),
])
def test_count_or_rate_guess(header, values, guess, reference) -> None:
    text = f"lsoa21_code,{header}\n" + "".join(f"E0102523{i},{v}\n" for i, v in enumerate(values.split(), 1))
    column = inspect_upload(read_pasted(text), reference).columns[0]
    assert column.guess == guess, column.reason
    if guess == "rate" and header.startswith(("Rate", "Admissions")):
        assert column.reason.endswith("though every value is a whole number: check it is not a count")


# --- totals and parts (secondary suppression) ---------------------------------------------------

def test_a_total_and_its_parts_never_give_a_hidden_part_back(reference) -> None:
    wards = wards_of("total_and_parts.csv", reference)
    frame = wards.frame
    assert np.isnan(frame.at[ASHTON, "Children"]) and np.isnan(frame.at[ASHTON, "Adults"])  # 1 hidden, 100 hidden too
    assert frame.at[ASHTON, "All ages"] == 101
    assert wards.secondary.to_numpy().sum() == 1 and wards.secondary.at[ASHTON, "Adults"]
    assert frame.drop(index=ASHTON).notna().all().all()  # nothing else hidden
    assert Relation("All ages", ("Adults", "Children")) in wards.relations
    assert derivable_small(frame, wards.relations) == []
    layer = user_layer("upload-1", wards, "Adults", title="Adults", unit="", higher_is_worse=True, source_name="f")
    assert isinstance(layer.suppression, DerivedSuppression) and value_text(layer, pd.Index([ASHTON])).item() == \
        "suppressed"
    assert "1 more are suppressed (shown as “suppressed”)" in layer.record.method_note


def test_a_total_and_one_part_never_give_the_difference_when_it_is_small(reference) -> None:
    wards = wards_of("total_and_one_part.csv", reference)
    assert np.isnan(wards.frame.at[ASHTON, "Adults"]) and wards.frame.at[ASHTON, "All patients"] == 101
    assert int(wards.suppressed.to_numpy().sum()) == 1
    assert derivable_small(wards.frame, wards.relations) == []


def test_relations_are_found_within_rounding_and_only_where_they_hold() -> None:
    values = pd.DataFrame({"total": [10, 20, 31, np.nan], "a": [4, 5, 10, 1], "b": [6, 15, 21, 2],
                           "c": [1, 2, 3, 4], "half": [5, 10, 15.5, 1]})
    found = set(find_relations(values, ["total", "a", "b", "c", "half"]))
    assert Relation("total", ("a", "b")) in found
    assert Relation("total", ("a", "b", "c")) not in found and Relation("total", ("half",)) in found
    rounded = pd.DataFrame({"total": [10, 22], "a": [4, 10], "b": [6, 10]})  # 22 vs 20: beyond 0.5 per part
    assert Relation("total", ("a", "b")) not in find_relations(rounded, ["total", "a", "b"])
    assert Relation("total", ("a", "b")) in find_relations(rounded.assign(total=[10, 20.9]), ["total", "a", "b"])


def test_complementary_suppression_hides_until_the_hidden_parts_add_up_to_five() -> None:
    # total = a + b + c; a is 1 (hidden), b is 0, c is 7: hiding b alone would give a + b = 1.
    frame = pd.DataFrame({"total": [8.0], "a": [1.0], "b": [0.0], "c": [7.0]})
    hidden = pd.DataFrame({"total": [False], "a": [True], "b": [False], "c": [False]})
    more = complementary_suppression(frame, hidden, [Relation("total", ("a", "b", "c"))], threshold=5)
    assert more.iloc[0].tolist() == [False, False, True, True]
    # With the total hidden too, nothing more is needed.
    hidden["total"] = True
    assert not complementary_suppression(frame, hidden, [Relation("total", ("a", "b", "c"))], 5).to_numpy().any()


def test_the_lsc_file_needs_no_secondary_suppression(reference) -> None:
    wards = wards_of(LSC_FILE, reference)
    assert wards.secondary.to_numpy().sum() == 0 and int(wards.suppressed[CHILDREN].sum()) == 161
    assert Relation("People with 5+ long-term conditions", (CHILDREN,)) in wards.relations


# --- rates and their numerators -----------------------------------------------------------------

def test_a_rate_with_its_denominator_is_hidden_where_their_product_is_small(reference) -> None:
    wards = wards_of("rate_and_denominator.csv", reference)
    rate = "Prevalence (%)"
    hidden = wards.suppressed[rate]
    assert hidden[hidden].index.tolist() == [ASHTON, BROOKFIELD]  # 0.10% of 1,000 = 1; 0.20% of 1,500 = 3
    layer = user_layer("upload-1", wards, rate, title="Prevalence", unit="%", higher_is_worse=True, source_name="f")
    assert isinstance(layer.suppression, DerivedSuppression)
    assert value_text(layer, pd.Index([ASHTON, BROOKFIELD])).tolist() == ["suppressed", "suppressed"]
    assert style_source(layer, wards.frame.index).legend.suppressed.count == 2
    shown = wards.frame[rate].dropna() * wards.frame.loc[wards.frame[rate].notna(), "Registered population"] / 100
    assert (shown.round() >= 5).all()


def test_rate_scales_and_small_numerators() -> None:
    assert rate_scales("%", pd.Series([3.5])) == (100.0,)
    assert rate_scales("per 1,000", pd.Series([40.0])) == (1000.0,)
    assert rate_scales("per 10k residents", pd.Series([40.0])) == (10000.0,)
    assert rate_scales("", pd.Series([0.2, 0.5])) == (1.0,) and rate_scales("", pd.Series([12.0])) == USUAL_SCALES
    small = small_numerators(pd.Series([0.1, 0.5, 0.04]), pd.Series([1000.0, 1000.0, 100_000.0]), (100.0,), 5)
    assert small.tolist() == [True, False, False]  # 1 person, 5 people, 40 people
    assert small_numerators(pd.Series([0.004]), pd.Series([1000.0]), (1.0,), 5).tolist() == [True]


def test_a_rate_without_a_denominator_is_checked_against_residents_when_its_unit_is_known(reference) -> None:
    preston = reference.wards[reference.wards["lad_code"] == "E07000123"].set_index("ward_code")["population"]
    rates = {ASHTON: 0.3, BROOKFIELD: 40.0}  # per 1,000: 0.3 of Ashton's 9,671 residents is 2.9
    text = "ward_code,Admission rate per 1000\n" + "".join(f"{c},{rates.get(c, 25.5)}\n" for c in preston.index)
    wards = aggregate_to_wards(inspect_upload(read_pasted(text), reference), reference, denominator=None)
    hidden = wards.suppressed["Admission rate per 1000"]
    assert hidden[hidden].index.tolist() == [ASHTON]
    assert "gives a count from 1 to 4" in " ".join(wards.notes)


# --- the rate per 1,000 residents of an uploaded count (issue 3) --------------------------------

@pytest.fixture(scope="module")
def lsc(reference):
    return wards_of(LSC_FILE, reference)


def test_every_count_gets_a_rate_per_1000_residents_suppressed_where_the_count_is(lsc, reference, ward_table) -> None:
    count = user_layer("upload-1", lsc, CHILDREN, title="Children with 5+ LTCs", unit="children",
                       higher_is_worse=True, source_name=LSC_FILE)
    rate = per_residents(count, ward_table["population"], "upload-2")
    record = rate.record
    assert (record.title, record.family, record.variant, record.unit) == (
        "Children with 5+ LTCs per 1,000 residents", "Children with 5+ LTCs", PER_RESIDENTS, PER_RESIDENTS_UNIT)
    assert (record.aggregation, record.weight, rate.kind) == ("weighted mean", "population", "rate")
    assert rate.suppressed.equals(count.suppressed) and rate.n_suppressed == 161
    assert rate.ward_values[count.suppressed].isna().all()
    expected = count.ward_values / ward_table["population"].reindex(count.ward_values.index) * 1000
    assert np.allclose(rate.ward_values.dropna(), expected.dropna())
    assert set(value_text(rate, count.suppressed[count.suppressed].index)) == {"suppressed"}
    # An area's rate is its shown wards' counts over their residents.
    register = ward_table
    inside = pd.Series(register.index.isin(count.ward_values.index), index=register.index)
    value = area_value_of(rate, register, inside).value
    shown = count.ward_values.dropna().index.intersection(register.index[register["method_flag"] != "areal overlay"])
    assert value == pytest.approx(count.ward_values[shown].sum() / register.loc[shown, "population"].sum() * 1000)
    with pytest.raises(ValueError, match="only a count"):
        per_residents(rate, ward_table["population"], "upload-3")


def test_targeting_a_raw_count_is_warned_about(lsc) -> None:
    count = user_layer("upload-1", lsc, "People with 5+ long-term conditions", title="5+ LTCs", unit="people",
                       higher_is_worse=True, source_name=LSC_FILE)
    warning = count_targeting_warning(count.record, TARGETINGS["layer10"], "5+ LTCs per 1,000 residents")
    assert warning == ("“Worst 10% on the layer shown” is ranking wards by a raw count, “5+ LTCs”: the wards with the "
                       "most people come first, whether or not more of their people are affected. Show “5+ LTCs per "
                       "1,000 residents” to target by rate instead.")
    assert count_targeting_warning(count.record, TARGETINGS["imd10"]) is None  # reads IMD, not the layer shown
    rate = per_residents(count, pd.Series(10_000.0, index=count.ward_values.index), "upload-2")
    assert count_targeting_warning(rate.record, TARGETINGS["layer10"]) is None
    assert "Target by a rate" in count_targeting_warning(count.record, TARGETINGS["layer10"])


def test_the_worst_wards_by_count_and_by_rate_differ(lsc, ward_table) -> None:
    # The example: 'worst 10%' on a count picks the biggest wards, on the rate the most affected.
    count = user_layer("upload-1", lsc, "People with 5+ long-term conditions", title="5+ LTCs", unit="people",
                       higher_is_worse=True, source_name=LSC_FILE)
    rate = per_residents(count, ward_table["population"], "upload-2")
    top = 28
    by_count = set(count.ward_values.nlargest(top).index)
    by_rate = set(rate.ward_values.nlargest(top).index)
    biggest = set(ward_table.loc[list(count.ward_values.index), "population"].nlargest(top).index)
    assert len(by_count & biggest) > len(by_rate & biggest)


def test_a_rate_is_not_made_from_a_rate_and_odd_kinds_are_refused(reference) -> None:
    preview = inspect_upload(read_pasted("lsoa21_code,Share\nE01025231,0.5\n"), reference)
    with pytest.raises(UploadError, match="must be 'count' or 'rate'"):
        aggregate_to_wards(preview, reference, kinds={"Share": "ratio"})


# --- what suppress_ward_values hides and says, by hand ------------------------------------------

def test_suppress_ward_values_hides_small_counts_what_gives_them_back_and_small_numerators() -> None:
    """Three wards. w1's children (2) are hidden; 'All' = 'Adults' + 'Children' would give them back
    from w1's adults (98 of 100), so those are hidden too (secondary). A rate of 0.5 per 100 over a
    denominator of 400 is a count of 2: hidden; a blank rate is not "hidden"."""
    from geo.upload.suppression import suppress_ward_values

    wards = pd.Index(["w1", "w2", "w3"], name="ward_code")
    frame = pd.DataFrame({"All": [100.0, 60.0, 30.0], "Adults": [98.0, 50.0, 20.0], "Children": [2.0, 10.0, 10.0],
                          "Rate": [0.5, 5.0, np.nan], "List": [400.0, 400.0, 400.0]}, index=wards)
    values = frame.copy()  # the file's own values (here one area per ward)
    result = suppress_ward_values(frame, values, ["All", "Adults", "Children", "List"], ["Rate"],
                                  {"Rate": "per 100"}, "List", None, threshold=5)
    assert result.hidden["Children"].tolist() == [True, False, False]
    assert result.secondary["Adults"].tolist() == [True, False, False] and not result.secondary["All"].any()
    assert result.hidden["Rate"].tolist() == [True, False, False]
    assert not result.hidden[["All", "List"]].to_numpy().any()
    assert result.notes == (
        "1 ward value(s) between 1 and 4 were suppressed (shown as 'fewer than 5') to protect confidentiality",
        "Totals and parts found between columns ('All' = 'Adults' + 'Children'): 1 more ward value(s) were "
        "suppressed so that no count from 1 to 4 can be worked out by subtraction (secondary suppression)",
        "'Rate': 1 ward rate(s) suppressed because the rate × the denominator column 'List' gives a count from 1 to 4")


def test_a_total_and_parts_with_nothing_small_say_so_and_hide_nothing() -> None:
    from geo.upload.suppression import suppress_ward_values

    frame = pd.DataFrame({"All": [100.0, 60.0], "Adults": [90.0, 50.0], "Children": [10.0, 10.0]},
                         index=pd.Index(["w1", "w2"], name="ward_code"))
    result = suppress_ward_values(frame, frame, ["All", "Adults", "Children"], [], {}, None, None, threshold=5)
    assert not result.hidden.to_numpy().any() and not result.secondary.to_numpy().any()
    assert result.notes == ("Totals and parts found between columns ('All' = 'Adults' + 'Children'): no suppressed "
                            "count can be worked out by subtraction",)


def test_the_secondary_suppression_note_lists_three_totals_and_says_how_many_more() -> None:
    """Patients by sex and by age band, with the 18+ subtotal: four totals-and-parts sums. w3's
    3 children are hidden; 45 - 42 (18+) and 45 - 30 - 12 (18-64, 65+) would give them back, so
    18+ and 65+ (the smaller of the two bands still shown) are hidden too. The note names three
    of the four sums and says there is one more."""
    from geo.upload.suppression import suppress_ward_values

    columns = ["All patients", "Female", "Male", "Aged 0-17", "Aged 18+", "Aged 18-64", "Aged 65+"]
    frame = pd.DataFrame([[100, 60, 40, 20, 80, 50, 30], [60, 33, 27, 10, 50, 35, 15], [45, 21, 24, 3, 42, 30, 12]],
                         columns=columns, index=pd.Index(["w1", "w2", "w3"], name="ward_code"), dtype=float)
    result = suppress_ward_values(frame, frame, columns, [], {}, None, None, threshold=5)
    assert [r for r in result.relations if not r.is_pair] == [
        Relation("All patients", ("Female", "Male")), Relation("All patients", ("Aged 0-17", "Aged 18+")),
        Relation("All patients", ("Aged 0-17", "Aged 18-64", "Aged 65+")),
        Relation("Aged 18+", ("Aged 18-64", "Aged 65+"))]
    hidden = result.hidden.loc["w3"]
    assert hidden[hidden].index.tolist() == ["Aged 0-17", "Aged 18+", "Aged 65+"]
    assert not result.hidden.loc[["w1", "w2"]].to_numpy().any()
    assert derivable_small(frame.mask(result.hidden), result.relations) == []
    assert result.notes[1] == (
        "Totals and parts found between columns ('All patients' = 'Female' + 'Male', 'All patients' = 'Aged 0-17' + "
        "'Aged 18+', 'All patients' = 'Aged 0-17' + 'Aged 18-64' + 'Aged 65+' and 1 more): 2 more ward value(s) were "
        "suppressed so that no count from 1 to 4 can be worked out by subtraction (secondary suppression)")
