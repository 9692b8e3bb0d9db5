"""An upload taken to wards (geo/upload/aggregation.py) over a hand-built lookup, every figure worked by hand.

Seven wards in register order (not code order): Beta, Alpha, Gamma, Epsilon, Zeta and Eta in
authority E06000001, Delta in E06000002. Three LSOA 2011s reach them:

    LSOA       ward (share)                     Census 2021 residents
    E01000001  Alpha (1)                        100
    E01000002  Alpha (0.25), Beta (0.75)        300
    E01000003  Beta (1)                         200

Gamma, Epsilon, Zeta and Eta are in no LSOA's lookup (no Output Area centroid), so no LSOA figure
can reach them.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from geo.upload import UploadError, aggregate_to_wards, inspect_upload, read_pasted
from geo.upload.geography import Reference
from geo.upload.suppression import suppress_ward_values

ALPHA, BETA, GAMMA, DELTA = "E05000001", "E05000002", "E05000003", "E05000009"
OTHERS = ("E05000004", "E05000005", "E05000006")  # Epsilon, Zeta and Eta: like Gamma, out of reach
UNREACHABLE = ("4 ward(s) in these areas (e.g. Gamma, Epsilon, Zeta) contain no Output Area's population-weighted "
               "centre, so LSOA 2011 figures cannot reach them; they show as no data")


@pytest.fixture(scope="module")
def reference() -> Reference:
    wards = pd.DataFrame({"ward_code": [BETA, ALPHA, GAMMA, *OTHERS, DELTA],
                          "ward_name": ["Beta", "Alpha", "Gamma", "Epsilon", "Zeta", "Eta", "Delta"],
                          "lad_code": ["E06000001"] * 6 + ["E06000002"],
                          "population": [4000, 1000, 500, 600, 700, 900, 800]})
    lookup = pd.DataFrame({"area_code": ["E01000001", "E01000002", "E01000002", "E01000003"],
                           "ward_code": [ALPHA, ALPHA, BETA, BETA], "share": [1.0, 0.25, 0.75, 1.0]})
    ward25 = wards.assign(area_code=wards["ward_code"], share=1.0)[["area_code", "ward_code", "share"]]
    population = pd.Series([100.0, 300.0, 200.0], index=["E01000001", "E01000002", "E01000003"])
    return Reference(wards=wards, lookups={"lsoa11": lookup, "ward25": ward25}, populations={"lsoa11": population})


def upload(reference: Reference, text: str, **options):
    return aggregate_to_wards(inspect_upload(read_pasted(text), reference), reference, threshold=1, **options)


def test_counts_are_shared_by_population_and_listed_in_register_order(reference: Reference) -> None:
    wards = upload(reference, "lsoa11_code,Patients\nE01000001,10\nE01000002,8\nE01000003,20\n")
    # Beta: 0.75 x 8 + 20 = 26; Alpha: 10 + 0.25 x 8 = 12; 38 in all, as in the file.
    assert wards.frame["Patients"].to_dict() == {BETA: 26.0, ALPHA: 12.0}
    assert list(wards.frame.index) == [BETA, ALPHA] and wards.frame.index.name == "ward_code"
    assert wards.notes == (
        "'Patients': 1 LSOA 2011 area(s) are split between wards, so their counts were shared out by population "
        "and the ward totals rounded to whole numbers",
        "'Patients': the ward totals add up to the file's total",
        UNREACHABLE)


def test_counts_with_decimals_are_not_rounded(reference: Reference) -> None:
    wards = upload(reference, "lsoa11_code,Patients\nE01000001,10.5\nE01000002,9\nE01000003,20\n")
    assert wards.frame["Patients"].to_dict() == {BETA: 0.75 * 9 + 20, ALPHA: 10.5 + 0.25 * 9}
    assert wards.notes[0] == ("'Patients': 1 LSOA 2011 area(s) are split between wards, so their counts were shared "
                              "out by population")


def test_rates_are_weighted_by_population_or_the_denominator_and_a_gap_leaves_no_value(reference: Reference) -> None:
    text = ("lsoa11_code,Patients,Rate per 1000,List\n"
            "E01000001,10,5.0,1000\nE01000002,,20.0,\nE01000003,30,8.0,400\n")
    by_population = upload(reference, text, denominator=None)
    # Alpha: (5 x 100 x 1 + 20 x 300 x 0.25) / (100 + 75) = 2,000 / 175; Beta: (20 x 225 + 8 x 200) / 425.
    assert by_population.frame["Rate per 1000"].to_dict() == pytest.approx({BETA: 6100 / 425, ALPHA: 2000 / 175})
    # E01000002 has no count (nor list size), so neither ward has a complete total: no value rather than a
    # partial one. List is a count too, and Patients a part of it.
    assert by_population.frame["Patients"].isna().all() and by_population.frame["List"].isna().all()
    split = ("1 LSOA 2011 area(s) are split between wards, so their counts were shared out by population and the "
             "ward totals rounded to whole numbers")
    gap = ("2 ward(s) left without a value (e.g. Beta, Alpha) because some of their LSOAs are missing from the file "
           "or blank there; ")
    relation = ("Totals and parts found between columns ('Patients' is part of 'List'): no suppressed count can be "
                "worked out by subtraction")
    assert by_population.notes == (
        f"'Patients': {split}", f"'Patients': {gap}a partial total would understate them",
        f"'List': {split}", f"'List': {gap}a partial total would understate them",
        "'Rate per 1000': ward rates are averages of the LSOA rates weighted by Census 2021 population",
        UNREACHABLE, relation)
    # Weighted by the list size instead, E01000002's blank list leaves both wards without a rate.
    by_list = upload(reference, text, denominator="List")
    assert by_list.frame["Rate per 1000"].isna().all()
    assert (by_list.denominator, by_list.units["Rate per 1000"], by_list.kinds["List"]) == ("List", "per 1,000",
                                                                                            "count")
    assert by_list.notes == (
        f"'Patients': {split}", f"'Patients': {gap}a partial total would understate them",
        f"'Rate per 1000': {gap}a partial average could mislead",
        f"'List': {split}", f"'List': {gap}a partial total would understate them",
        "'Rate per 1000': ward rates are averages of the LSOA rates weighted by the denominator column 'List'",
        UNREACHABLE, relation)


def test_a_denominator_weights_each_area_by_its_share(reference: Reference) -> None:
    text = "lsoa11_code,Rate per 1000,List\nE01000001,5.0,1000\nE01000002,20.0,800\nE01000003,8.0,400\n"
    wards = upload(reference, text, denominator="List")
    # Alpha: (5 x 1,000 + 20 x 800 x 0.25) / (1,000 + 200) = 9,000 / 1,200 = 7.5.
    assert wards.frame.at[ALPHA, "Rate per 1000"] == pytest.approx(7.5)
    assert wards.frame.at[BETA, "Rate per 1000"] == pytest.approx((20 * 600 + 8 * 400) / 1000)


def test_a_ward_whose_denominator_is_0_everywhere_has_no_rate_and_a_note_says_why(reference: Reference) -> None:
    # Beta's LSOAs (E01000002, E01000003) have a list of 0: 0 / 0. Alpha's E01000001 weighs 1,000 and
    # E01000002 0, so Alpha's rate is E01000001's alone, 5.0.
    text = "lsoa11_code,Rate per 1000,List\nE01000001,5.0,1000\nE01000002,20.0,0\nE01000003,8.0,0\n"
    wards = upload(reference, text, denominator="List")
    assert wards.frame["Rate per 1000"].to_dict() == pytest.approx({BETA: np.nan, ALPHA: 5.0}, nan_ok=True)
    assert ("'Rate per 1000': 1 ward(s) left without a value (e.g. Beta) because the denominator column 'List' "
            "is 0 in all their LSOAs: a rate over no one has no value") in wards.notes
    # A count of 0 is a value, not a gap: no such note for the list itself.
    assert wards.frame["List"].to_dict() == {BETA: 0.0, ALPHA: 1000.0}
    assert not any(n.startswith("'List'") and "over no one" in n for n in wards.notes)


def test_one_area_per_ward_needs_no_sharing_or_weighting_note(reference: Reference) -> None:
    text = f"ward_code,Patients,Rate per 1000\n{ALPHA},10,2.5\n{BETA},20,4.0\n{DELTA},7,1.0\n"
    wards = upload(reference, text, denominator=None)
    assert wards.frame.to_dict("index") == {BETA: {"Patients": 20.0, "Rate per 1000": 4.0},
                                            ALPHA: {"Patients": 10.0, "Rate per 1000": 2.5},
                                            DELTA: {"Patients": 7.0, "Rate per 1000": 1.0}}
    # Gamma is in the register's lookup for wards, so it is reachable, just not in the file.
    assert wards.denominator is None  # no denominator chosen
    assert wards.notes == ("'Patients': the ward totals add up to the file's total",)


def test_blank_wards_are_counted_and_three_of_them_named(reference: Reference) -> None:
    text = (f"ward_code,Patients,Rate per 1000\n{ALPHA},,\n{BETA},,\n{GAMMA},,\n{OTHERS[0]},,\n"
            f"{DELTA},7,1.5\n")
    wards = upload(reference, text)
    # Every ward in the file, in register order; only Delta has values.
    assert list(wards.frame.index) == [BETA, ALPHA, GAMMA, OTHERS[0], DELTA]
    assert wards.frame.loc[DELTA].to_dict() == {"Patients": 7.0, "Rate per 1000": 1.5}
    assert wards.frame.drop(index=DELTA).isna().all().all()
    gap = "4 ward(s) left without a value (e.g. Beta, Alpha, Gamma) because they are missing from the file or blank there; "
    assert wards.notes == (f"'Patients': {gap}a partial total would understate them",
                           f"'Rate per 1000': {gap}a partial average could mislead")


def test_a_count_only_file_has_no_denominator_even_with_a_column_that_looks_like_one(reference: Reference) -> None:
    text = "lsoa11_code,Patients,Registered population\nE01000001,10,100\nE01000002,8,300\nE01000003,20,200\n"
    preview = inspect_upload(read_pasted(text), reference)
    assert preview.denominator == "Registered population"  # offered, in case a rate is confirmed
    wards = aggregate_to_wards(preview, reference, threshold=1)  # the guessed denominator, by default
    # Both columns are counts, summed: Beta 0.75 x 300 + 200 = 425, Alpha 100 + 0.25 x 300 = 175. No rate was
    # weighted by anything, so the upload names no denominator.
    assert wards.frame["Registered population"].to_dict() == {BETA: 425.0, ALPHA: 175.0}
    assert wards.kinds == {"Patients": "count", "Registered population": "count"} and wards.denominator is None


def test_counts_alone_get_no_weighting_note(reference: Reference) -> None:
    wards = upload(reference, "lsoa11_code,Patients,Visits\nE01000001,10,1\nE01000002,8,4\nE01000003,20,2\n")
    assert wards.frame["Visits"].to_dict() == {BETA: 5.0, ALPHA: 2.0}  # 0.75 x 4 + 2 = 5; 1 + 0.25 x 4 = 2
    split = ("1 LSOA 2011 area(s) are split between wards, so their counts were shared out by population and the "
             "ward totals rounded to whole numbers")
    assert wards.notes == (
        f"'Patients': {split}", "'Patients': the ward totals add up to the file's total",
        f"'Visits': {split}", "'Visits': the ward totals add up to the file's total", UNREACHABLE,
        "Totals and parts found between columns ('Visits' is part of 'Patients'): no suppressed count can be worked "
        "out by subtraction")


def test_equal_weights_without_a_population(reference: Reference) -> None:
    bare = dataclasses.replace(reference, populations={})
    text = "lsoa11_code,Rate per 1000\nE01000001,5.0\nE01000002,20.0\nE01000003,8.0\n"
    wards = upload(bare, text, denominator=None)
    assert wards.frame.at[ALPHA, "Rate per 1000"] == pytest.approx((5 + 20 * 0.25) / 1.25)
    assert wards.notes[0] == ("'Rate per 1000': ward rates are plain averages of the LSOA 2011 rates in each ward "
                              "(equal weights: WardLens has no LSOA 2011 population yet); choose a denominator column "
                              "to weight them")
    assert np.isnan(wards.frame.reindex([GAMMA]).iloc[0, 0])


@pytest.mark.parametrize("values, problem", [
    # File rows 2-9 (row 1 is the header). Seven negative counts: the first five are quoted, then "and 2 more".
    ([5, -1, -2, -3.5, -4, -5, -6, -7], "7 negative value(s): row 3 (-1), row 4 (-2), row 5 (-3.5), row 6 (-4), "
                                        "row 7 (-5) and 2 more"),
    # Exactly five: all quoted, nothing more to say.
    ([5, -1, -2, -3.5, -4, -5, 6, 7], "5 negative value(s): row 3 (-1), row 4 (-2), row 5 (-3.5), row 6 (-4), "
                                      "row 7 (-5)"),
    ([5, 1, 2, 3, -4, 5, 6, 7], "1 negative value(s): row 6 (-4)"),
])
def test_negative_counts_are_refused_naming_their_rows(values: list[float], problem: str) -> None:
    codes = [f"E0500001{i}" for i in range(8)]
    wards = pd.DataFrame({"ward_code": codes, "ward_name": [f"W{i}" for i in range(8)], "lad_code": "E06000001",
                          "population": 100})
    lookup = wards.assign(area_code=wards["ward_code"], share=1.0)[["area_code", "ward_code", "share"]]
    reference = Reference(wards=wards, lookups={"ward25": lookup})
    text = "ward_code,Patients\n" + "".join(f"{c},{v}\n" for c, v in zip(codes, values))
    with pytest.raises(UploadError) as raised:
        upload(reference, text)
    assert (raised.value.problem, raised.value.fix) == (
        f"Column 'Patients' is a count but has {problem}",
        "Counts cannot be negative: correct those rows, or treat the column as a rate if negative values are meant "
        "(for example a change)")
    # Treated as a rate (e.g. a change), the same values are taken as they are.
    assert upload(reference, text, kinds={"Patients": "rate"}).frame["Patients"].tolist() == values


def test_a_negative_denominator_is_refused_and_a_zero_one_leaves_the_ward_without_a_rate(reference: Reference) -> None:
    # Weighted by -400 x 0.75 and 200, Beta's rate would be (20 x -300 + 8 x 200) / -100 = 44, outside its
    # LSOAs' 20 and 8; Alpha's weights, 100 and -400 x 0.25, add up to 0.
    text = "lsoa11_code,Rate per 1000,List change\nE01000001,5.0,100\nE01000002,20.0,-400\nE01000003,8.0,200\n"
    with pytest.raises(UploadError) as raised:
        upload(reference, text, denominator="List change")
    assert (raised.value.problem, raised.value.fix) == (
        "Column 'List change' is the denominator for rates but has 1 negative value(s): row 3 (-400)",
        "A denominator weights each area's rate and cannot be negative: correct those rows, or choose another "
        "denominator or none")
    # Alpha's LSOAs both have a list of 0: 0 / 0, no rate; Beta's is E01000003's 8 (its other LSOA weighs 0).
    wards = upload(reference, text.replace("-400", "0").replace(",100", ",0"), denominator="List change")
    assert wards.frame["Rate per 1000"].to_dict() == pytest.approx({BETA: 8.0, ALPHA: np.nan}, nan_ok=True)


def test_ward_totals_rounded_one_by_one_may_drift_from_the_file_total(reference: Reference) -> None:
    # Alpha 11 + 0.25 x 2 = 11.5 rounds to 12, Beta 0.75 x 2 + 20 = 21.5 to 22 (halves to even): 34, not 33.
    wards = upload(reference, "lsoa11_code,Patients\nE01000001,11\nE01000002,2\nE01000003,20\n")
    assert wards.frame["Patients"].to_dict() == {BETA: 22.0, ALPHA: 12.0}
    assert wards.notes[1] == "'Patients': the ward totals add up to the file's total (to within rounding)"


def test_a_register_without_population_and_a_choice_the_file_cannot_take(reference: Reference) -> None:
    bare = dataclasses.replace(reference, wards=reference.wards.drop(columns="population"))
    text = "lsoa11_code,Patients,Rate per 1000\nE01000001,10,5.0\nE01000002,8,20.0\nE01000003,20,8.0\n"
    assert upload(bare, text).frame["Patients"].to_dict() == {BETA: 26.0, ALPHA: 12.0}
    preview = inspect_upload(read_pasted(text), reference)
    with pytest.raises(UploadError) as raised:
        aggregate_to_wards(preview, reference, kinds={"Patients": "average"})
    assert (raised.value.problem, raised.value.fix) == (
        "Cannot treat {'Patients': 'average'} as counts or rates: each value column must be 'count' or 'rate'",
        "Choose count or rate for each of: Patients, Rate per 1000")
    with pytest.raises(UploadError) as raised:
        aggregate_to_wards(preview, reference, denominator="List")
    assert (raised.value.problem, raised.value.fix) == ("'List' is not a value column of this file",
                                                        "Choose the denominator from: Patients, Rate per 1000")


def test_suppression_notes_small_counts_and_small_numerators() -> None:
    wards = pd.Index(["w1", "w2", "w3"], name="ward_code")
    frame = pd.DataFrame({"Patients": [2.0, 10.0, 0.0], "Index": [3.0, 4.0, 5.0], "Rate (%)": [0.1, 20.0, 0.5]},
                         index=wards)
    values = frame.rename(index={"w1": "a1", "w2": "a2", "w3": "a3"})
    population = pd.Series([1000.0, 1000.0, 400.0], index=wards)
    out = suppress_ward_values(frame, values, ["Patients"], ["Index", "Rate (%)"], {"Index": "", "Rate (%)": "%"}, None,
                               population, 5)
    # 2 patients is hidden (0 is not); the index has no known unit, so no count can be read from it; 0.1% of
    # 1,000 = 1 and 0.5% of 400 = 2 are small counts, 20% of 1,000 is not.
    assert out.hidden.to_dict("list") == {"Patients": [True, False, False], "Index": [False, False, False],
                                          "Rate (%)": [True, False, True]}
    assert out.notes == (
        "1 ward value(s) between 1 and 4 were suppressed (shown as 'fewer than 5') to protect confidentiality",
        "'Rate (%)': 2 ward rate(s) suppressed because the rate × the ward's Census 2021 population gives a count "
        "from 1 to 4")
