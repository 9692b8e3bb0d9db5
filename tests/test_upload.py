"""Bring your own data (issue 5): every corpus file's outcome, and real values through to wards.

The corpus (``tests/data/uploads``, made by ``make_corpus.py``) is listed twice below:
:data:`REFUSED` gives each bad file's exact message, :data:`READS` what each good file
reads as. A test checks that together they cover every file in the folder.
"""

from __future__ import annotations

import builtins
import dataclasses
import importlib.util
import io
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.conftest import INDICATOR_DIR as INDICATORS
from geo.upload import (UploadError, aggregate_to_wards, escape_html, inspect_upload,
                        neutralise_formulas, nhs_number_is_valid, read_pasted, read_reference, read_upload,
                        small_count_mask, suppress_small_counts, template_for_area)

CORPUS = Path(__file__).parent / "data" / "uploads"
PRESTON = "E07000123"
LSC_ICB = "E54000048"
_PERSON = r"This looks like person-level data, which WardLens refuses: "


@pytest.fixture(scope="module")
def reference():
    return read_reference()


def run(name: str, reference, **options):
    """Read, inspect and aggregate one corpus file with the guessed kinds."""
    table = read_upload(name, (CORPUS / name).read_bytes())
    preview = inspect_upload(table, reference, lad_code=options.pop("lad_code", None))
    return table, preview, aggregate_to_wards(preview, reference, **options)


# --- the corpus: refused files ------------------------------------------------------------------

#: file -> (problem, regex over the whole message; fix, regex over ``error.fix``)
REFUSED: dict[str, tuple[str, str]] = {
    "empty.csv": (r"^The file is empty\. Fix: ", r"right file"),
    "blank_lines.csv": (r"^The file is empty\. Fix: ", r"right file"),
    "header_only.csv": (r"^'header_only\.csv' has a header row \(lsoa21_code, Number of patients\) but no data rows\.",
                        r"one row per area"),
    "binary_renamed.csv": (r"^'binary_renamed\.csv' is a PNG image, not a CSV or \.xlsx table\.", r"save it as"),
    "noise_renamed.csv": (r"^'noise_renamed\.csv' is not a text \(CSV\) file: it holds binary data\.", r"CSV or Excel"),
    "zip_archive.csv": (r"^'zip_archive\.csv' is a ZIP archive, not an Excel workbook\.", r"Unzip it"),
    "old_excel.xls": (r"^'old_excel\.xls' is an old-style Microsoft Office file \(for example Excel 97-2003 \.xls\)",
                      r"Excel Workbook \(\.xlsx\)"),
    "damaged.xlsx": (r"^'damaged\.xlsx' looks like an Excel workbook but is damaged\.", r"save it as"),
    "empty_workbook.xlsx": (r"^The workbook 'empty_workbook\.xlsx' is empty: none of its sheets \(Sheet1, Sheet2\) "
                            r"holds any data\.", r"right file"),
    "formulas_unsaved.xlsx": (r"^10 formula cell\(s\) in sheet 'Data' have no saved result, so their values cannot be "
                              r"read \(e\.g\. C2 =ROUND\(B2\*0\.06,0\); C3 ", r"Paste Special > Values"),
    "duplicate_codes.csv": (r"^2 area\(s\) appear more than once in column 'lsoa21_code' \(e\.g\. E01025233 on rows 4, 12; "
                            r"E01025236 on rows 7, 13\)\.", r"one row"),
    "mixed_geographies.csv": (r"^Column 'lsoa21_code' mixes geographies: 8 LSOA \(E01…\), 2 ward \(E05…\), "
                              r"1 local authority \(E07…\)\.", r"one geography per file"),
    "welsh_scottish_codes.csv": (r"^WardLens covers England only, and column 'lsoa21_code' holds no English area codes: "
                                 r"it has 10 Welsh and 5 Scottish code\(s\)\.", r"England"),
    "lad_level.csv": (r"^The file is by local authority \(column 'lad_code', 8 codes such as E06000008\): local "
                      r"authority areas are too coarse to map ward by ward", r"by ward \(E05 codes\), LSOA"),
    "icb_level.csv": (r"^The file is by ICB \(column 'ICB code', 2 codes such as E54000048\): ICB areas are too coarse",
                      r"by ward \(E05 codes\), LSOA"),
    "msoa11_counts.csv": (r"^MSOA uploads are not supported yet: WardLens has no MSOA 2011 to ward lookup\.",
                          r"by ward \(E05 codes\) or LSOA"),
    "unknown_codes.csv": (r"^None of the 8 LSOA code\(s\) in column 'lsoa21_code' is a known LSOA 2021 or LSOA 2011 "
                          r"code \(e\.g\. E01999000, E01999001, E01999002\)\.", r"LSOA 2021 or 2011 codes"),
    "old_ward_codes.csv": (r"^None of the 6 ward code\(s\) in column 'ward_code' is a known ward \(May 2025\) code "
                           r"\(e\.g\. E05009049, E05009050, E05009051\)\.", r"May 2025 wards"),
    "ward_names_preston.csv": (r"^The file has no column of area codes \(ONS codes such as E05… for wards or E01… for "
                               r"LSOAs\)\.", r"choose its local authority"),
    "no_value_columns.csv": (r"^The file has no column of numbers to map \(text only: 'Area name'\)\.", r"value columns"),
    "negative_counts.csv": (r"^Column 'Number of patients' is a count but has 2 negative value\(s\): row 5 \(-3\), "
                            r"row 9 \(-1\)\.", r"cannot be negative"),
    "non_numeric_counts.csv": (r"^Column 'Number of patients' has 2 value\(s\) that are not numbers: row 4 'twelve', "
                               r"row 8 'approx 40'\.", r"plain numbers"),
    "nhs_numbers.csv": (_PERSON + r"column 'NHS number' holds 40 value\(s\) that are valid NHS numbers \(10 digits "
                        r"passing the Modulus 11 check\)\.", r"aggregate figures only"),
    "nhs_numbers_unlabelled.xlsx": (_PERSON + r"column 'ID' holds 30 value\(s\) that are valid NHS numbers",
                                    r"aggregate figures only"),
    "person_sheet_in_workbook.xlsx": (_PERSON + r"sheet 'Patients', column 'NHS no' holds 20 value\(s\) that are valid "
                                      r"NHS numbers", r"aggregate figures only"),
    "dates_of_birth.csv": (_PERSON + r"column 'DOB' holds 30 date\(s\) of birth\.", r"aggregate figures only"),
    "birth_dates.xlsx": (_PERSON + r"column 'Birth' holds 30 date\(s\) of birth\.", r"aggregate figures only"),
    "postcodes.csv": (_PERSON + r"column 'Postcode' holds 30 full postcode\(s\)", r"aggregate figures only"),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_bad_file_is_refused_with_its_message(name: str, reference) -> None:
    problem, fix = REFUSED[name]
    # As today: no MSOA lookup (test_msoa_uploads_work_once_a_lookup_exists covers the other case).
    without_msoa = dataclasses.replace(reference, lookups={k: v for k, v in reference.lookups.items() if k != "msoa11"})
    with pytest.raises(UploadError) as caught:
        run(name, without_msoa)
    assert re.search(problem, str(caught.value)), str(caught.value)
    assert re.search(fix, caught.value.fix), caught.value.fix


def test_a_refused_file_names_its_other_problems_too(reference) -> None:
    """A repeated area is refused; the message also names what else needs fixing, so one edit does it."""
    text = b"lsoa_code,people\nE01025817,12\nE01025818,3\nE01025819,\nE01025821,12\nE01025821,9\nZZ,5\n"
    with pytest.raises(UploadError) as caught:
        inspect_upload(read_upload("messy.csv", text), reference)
    message = str(caught.value)
    assert message.startswith("1 area(s) appear more than once in column 'lsoa_code' (e.g. E01025821 on rows 5, 6). "
                              "Also: ")
    assert "Left out 1 row(s) with no area code in 'lsoa_code' (row 7 'ZZ')" in message
    assert "'people': 1 cell(s) read as missing (blank ×1)" in message
    assert caught.value.fix.startswith("Give each area one row")


def test_person_level_refusals_never_quote_the_records(reference) -> None:
    for name in ("nhs_numbers.csv", "nhs_numbers_unlabelled.xlsx", "person_sheet_in_workbook.xlsx",
                 "dates_of_birth.csv", "postcodes.csv"):
        with pytest.raises(UploadError) as caught:
            run(name, reference)
        assert not re.search(r"999|\d{2}/\d{2}/\d{4}|PR\d \d", str(caught.value)), name


def test_file_over_the_size_limit_is_refused_before_reading() -> None:
    with pytest.raises(UploadError, match=r"^The file is 20\.0 MB, over the 20 MB limit\."):
        read_upload("big.csv", b"E01025231,1\n" * (20 * 2**20 // 12 + 1))
    with pytest.raises(UploadError, match=r"^The file is 172 bytes, over the 100 bytes limit\."):
        read_upload("small.csv", (CORPUS / "tab_separated.tsv").read_bytes(), max_bytes=100)
    with pytest.raises(UploadError, match=r"^The file is 4\.9 KB, over the 4 KB limit\."):
        read_upload("small.xlsx", (CORPUS / "xlsx_named_csv.csv").read_bytes(), max_bytes=4096)


def test_workbook_that_unpacks_too_large_is_refused() -> None:
    package = io.BytesIO()
    with zipfile.ZipFile(package, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * 2_000_000)
    with pytest.raises(UploadError, match=r"^'bomb\.xlsx' unpacks to 1\.9 MB, too large to read"):
        read_upload("bomb.xlsx", package.getvalue(), max_bytes=100_000)


# --- the corpus: files that read ----------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Reads:
    """What a good corpus file reads as (``values``: (column, area code) -> parsed value)."""

    source: str
    geography: str
    rows_read: int
    matched: int
    guesses: dict[str, str]
    values: dict[tuple[str, str], float]
    notes: tuple[str, ...] = ()
    unmatched: tuple[str, ...] = ()
    options: tuple[tuple[str, str], ...] = ()


_BOTH = r"Every code is in both LSOA 2021 and LSOA 2011 \(areas that did not change\): read as LSOA 2021"
_PATIENTS = {"Number of patients": "count"}

READS: dict[str, Reads] = {
    "utf16.csv": Reads(r"text \(UTF-16, tab-separated\)", "lsoa21", 10, 10, _PATIENTS,
                       {("Number of patients", "E01025231"): 62}, (_BOTH,)),
    "windows1252.csv": Reads(r"text \(Windows-1252 \(the older Excel 'CSV' encoding\), comma-separated\)", "lsoa21",
                             10, 10, _PATIENTS, {("Number of patients", "E01025231"): 62}),
    "utf8_bom.csv": Reads(r"text \(UTF-8 with byte-order mark, comma-separated\)", "lsoa21", 10, 10, _PATIENTS,
                          {("Number of patients", "E01025231"): 62}),
    "semicolon_decimal_comma.csv": Reads(
        r"text \(UTF-8, semicolon-separated\)", "lsoa21", 10, 10, {"Prevalence (%)": "rate", **_PATIENTS},
        {("Prevalence (%)", "E01025231"): 3.6, ("Number of patients", "E01025231"): 1003},
        (r"'Prevalence \(%\)': decimal commas read in 10 cell\(s\)", r"'Number of patients': thousands separators "
         r"removed in 10 cell\(s\)")),
    "tab_separated.tsv": Reads(r"text \(UTF-8, tab-separated\)", "lsoa21", 10, 10, _PATIENTS,
                               {("Number of patients", "E01025231"): 59}),
    "pasted_from_excel.txt": Reads(
        r"text \(UTF-8, tab-separated\)", "lsoa21", 10, 10,
        {"Registered patients": "count", "Number with 5+ LTCs": "count"},
        {("Registered patients", "E01025231"): 1617, ("Number with 5+ LTCs", "E01025231"): 194},
        (r"'Registered patients': thousands separators removed in 10 cell\(s\)",)),
    "thousands_percent.csv": Reads(
        r"text \(UTF-8, comma-separated\)", "lsoa21", 10, 10,
        {"Registered population": "count", "Share with 5+ LTCs": "rate"},
        {("Registered population", "E01025231"): 1827, ("Share with 5+ LTCs", "E01025231"): 3.2},
        (r"'Share with 5\+ LTCs': '%' signs removed in 10 cell\(s\); values kept as percentages",
         r"weighted by the denominator column 'Registered population'")),
    "suppression_markers.csv": Reads(
        r"text \(UTF-8, comma-separated\)", "lsoa21", 10, 10, _PATIENTS,
        {("Number of patients", "E01025231"): 25, ("Number of patients", "E01025232"): np.nan},
        (r"'Number of patients': 7 cell\(s\) read as missing \('\*' ×1, '-' ×1, '\.\.' ×1, '\[c\]' ×1, blank ×1, "
         r"'c' ×1, 'x' ×1\)",)),
    "merged_title.xlsx": Reads(r"Excel workbook, sheet 'LTC'", "lsoa21", 10, 10, {"Number of people": "count"},
                               {("Number of people", "E01025231"): 33},
                               (r"Header found on row 4; the title rows above it were skipped",)),
    "several_sheets.xlsx": Reads(r"Excel workbook, sheet 'Data'", "lsoa21", 10, 10, _PATIENTS,
                                 {("Number of patients", "E01025231"): 53},
                                 (r"The workbook has 3 sheets with data \(Notes, Data, Lookup\); read 'Data' \(the first "
                                  r"with area codes\)",)),
    "formulas_saved.xlsx": Reads(r"Excel workbook, sheet 'Data'", "lsoa21", 10, 10,
                                 {"Registered population": "count", **_PATIENTS},
                                 {("Registered population", "E01025231"): 1702, ("Number of patients", "E01025231"): 102},
                                 (r"10 formula cell\(s\) read as the values Excel last saved",)),
    "xlsx_named_csv.csv": Reads(r"Excel workbook, sheet 'Data'", "lsoa21", 10, 10, _PATIENTS,
                                {("Number of patients", "E01025231"): 49},
                                (r"'xlsx_named_csv\.csv' is an Excel workbook; read as Excel",)),
    "html_and_formula_names.csv": Reads(r"text \(UTF-8, comma-separated\)", "lsoa21", 10, 10,
                                        {"<script>alert(1)</script> patients": "count"},
                                        {("<script>alert(1)</script> patients", "E01025231"): 57}),
    "england_wales_lsoa.csv": Reads(r"text \(UTF-8, comma-separated\)", "lsoa21", 13, 10, _PATIENTS,
                                    {("Number of patients", "E01025231"): 24},
                                    (r"Left out 3 row\(s\) with codes outside England \(3 Welsh\): WardLens covers "
                                     r"England only",)),
    "total_row.csv": Reads(r"text \(UTF-8, comma-separated\)", "lsoa21", 12, 10, _PATIENTS,
                           {("Number of patients", "E01025231"): 31},
                           (r"Left out 2 row\(s\) with no area code in 'lsoa21_code' \(row 12 'Total', row 14 'Source: "
                            r"synthetic test data'\)",)),
    "mixed_vintage_lsoa.csv": Reads(r"text \(UTF-8, comma-separated\)", "lsoa11", 15, 12, _PATIENTS,
                                    {("Number of patients", "E01000010"): 63},
                                    (r"The codes mix vintages \(3 only in LSOA 2021, 12 only in LSOA 2011\); read as "
                                     r"LSOA 2011",), unmatched=("E01033769", "E01033770", "E01033771")),
    "ward25_rates.csv": Reads(r"text \(UTF-8, comma-separated\)", "ward25", 18, 16,
                              {"Emergency admission rate per 1,000": "rate", "Registered population": "count"},
                              {("Emergency admission rate per 1,000", "E05012193"): 119.0,
                               ("Registered population", "E05012193"): 8666},
                              (r"2 code\(s\) did not match any ward \(May 2025\) code: WardLens uses the May 2025 "
                               r"wards",), unmatched=("E05009049", "E05009050")),
    "ward_names_preston.csv": Reads(r"text \(UTF-8, comma-separated\)", "ward25", 17, 16, _PATIENTS,
                                    {}, unmatched=("Preston Docks",), options=(("lad_code", PRESTON),)),
    "lsoa11_counts.csv": Reads(r"text \(UTF-8, comma-separated\)", "lsoa11", 177, 177,
                               {"Number of patients on the diabetes register": "count"},
                               {("Number of patients on the diabetes register", "E01019078"): 145},
                               (r"1 LSOA 2011 area\(s\) are split between wards, so their counts were shared out by "
                                r"population and the ward totals rounded",)),
    "lsc_lsoa21_5plus_ltc.csv": Reads(
        r"text \(UTF-8, comma-separated\)", "lsoa21", 1063, 1063,
        {"People with 5+ long-term conditions": "count", "Aged 0-17 with 5+ long-term conditions": "count",
         "Registered population": "count"},
        {("People with 5+ long-term conditions", "E01012571"): 131, ("Registered population", "E01012571"): 1312},
        (r"161 ward value\(s\) between 1 and 4 were suppressed",
         r"209 LSOA 2021 area\(s\) are split between wards, so their counts were shared out by population")),
    # Issue 14: counts that look like rates are still counts; totals, parts and rates' numerators are protected.
    "per_named_counts.csv": Reads(r"text \(UTF-8, comma-separated\)", "ward25", 16, 16, {"Patients per ward": "count"},
                                  {("Patients per ward", "E05012193"): 3},
                                  (r"^2 ward value\(s\) between 1 and 4 were suppressed",)),
    "decimal_counts.csv": Reads(r"text \(UTF-8, comma-separated\)", "ward25", 16, 16, {"LTC 5+": "count"},
                                {("LTC 5+", "E05012193"): 3.0, ("LTC 5+", "E05012197"): 1.0},
                                (r"^2 ward value\(s\) between 1 and 4 were suppressed",)),
    "total_and_parts.csv": Reads(
        r"text \(UTF-8, comma-separated\)", "ward25", 16, 16,
        {"All ages": "count", "Adults": "count", "Children": "count"},
        {("All ages", "E05012193"): 101, ("Adults", "E05012193"): 100, ("Children", "E05012193"): 1},
        (r"^1 ward value\(s\) between 1 and 4 were suppressed",
         r"^Totals and parts found between columns \('All ages' = 'Adults' \+ 'Children'\): 1 more ward value\(s\) "
         r"were suppressed so that no count from 1 to 4 can be worked out by subtraction \(secondary suppression\)$")),
    "total_and_one_part.csv": Reads(
        r"text \(UTF-8, comma-separated\)", "ward25", 16, 16, {"All patients": "count", "Adults": "count"},
        {("All patients", "E05012193"): 101, ("Adults", "E05012193"): 100},
        (r"^Totals and parts found between columns \('Adults' is part of 'All patients'\): 1 more ward value\(s\) "
         r"were suppressed",)),
    "rate_and_denominator.csv": Reads(
        r"text \(UTF-8, comma-separated\)", "ward25", 16, 16,
        {"Prevalence (%)": "rate", "Registered population": "count"},
        {("Prevalence (%)", "E05012193"): 0.10, ("Registered population", "E05012193"): 1000},
        (r"^'Prevalence \(%\)': 2 ward rate\(s\) suppressed because the rate × the denominator column 'Registered "
         r"population' gives a count from 1 to 4$",)),
    # Issue 15: column names that would be links, images, HTML or Markdown are read as they are.
    "markdown_names.csv": Reads(
        r"text \(UTF-8, comma-separated\)", "ward25", 16, 16,
        {n if len(n) <= 100 else n[:99] + "…": "count" for n in (
            "[Sign in again](http://e.vil/login)", "See http://x.example.org/a now", "www.evil.example",
            "me@x.example.org", "![pixel](http://127.0.0.1:9/pixel.png)", "<b>bold</b> <img src=x onerror=alert(1)>",
            "$x^2$ **b** _i_ ~~s~~", "# Heading", ":material/lock: :red[Red]", "\u202egnp.exe", "Long " + "x" * 295)},
        {}, (r"^1 column name\(s\) longer than 100 characters were shortened$",)),
}


@pytest.mark.parametrize("name", sorted(READS))
def test_good_file_reads_as_expected(name: str, reference) -> None:
    expected = READS[name]
    table, preview, wards = run(name, reference, **dict(expected.options))
    assert re.fullmatch(expected.source, table.source), table.source
    assert (preview.geography.key, preview.rows_read, preview.matched) == (
        expected.geography, expected.rows_read, expected.matched)
    assert preview.unmatched == expected.unmatched
    assert preview.guesses == expected.guesses
    for (column, code), value in expected.values.items():
        assert preview.values.at[code, column] == pytest.approx(value, nan_ok=True), (column, code)
    notes = list(preview.notes) + list(wards.notes)
    for pattern in expected.notes:
        assert any(re.search(pattern, n) for n in notes), (pattern, notes)


def test_every_corpus_file_has_an_expected_outcome() -> None:
    on_disk = {p.name for p in CORPUS.iterdir() if p.is_file() and p.name != "make_corpus.py"}
    listed = set(REFUSED) | set(READS)
    assert on_disk == listed
    assert len(REFUSED) >= 25
    assert all(p.stat().st_size < 50_000 for p in CORPUS.iterdir() if p.is_file())


def test_corpus_is_reproducible_from_its_script() -> None:
    spec = importlib.util.spec_from_file_location("make_corpus", CORPUS / "make_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    built = module.build_corpus()
    stale = sorted(n for n, data in built.items() if (CORPUS / n).read_bytes() != data)
    assert not stale, f"run python tests/data/uploads/make_corpus.py (stale: {stale})"


# --- reading details ----------------------------------------------------------------------------

def test_encodings_give_the_same_text() -> None:
    expected = ["Café Ward – north", "St Matthew’s", "Fishwick & Frenchwood £", "Ingol", "Ashton"]
    for name in ("utf16.csv", "windows1252.csv", "utf8_bom.csv"):
        table = read_upload(name, (CORPUS / name).read_bytes())
        assert list(table.frame.columns) == ["lsoa21_code", "Area name", "Number of patients"], name
        assert table.frame["Area name"].iloc[:5].tolist() == expected, name
        assert table.frame.index[0] == 2, name


def test_pasted_text_reads_like_the_file() -> None:
    text = (CORPUS / "pasted_from_excel.txt").read_text(encoding="utf-8")
    table = read_pasted(text)
    assert table.source == "text (UTF-8, tab-separated)"
    assert table.frame.loc[2].tolist() == ["E01025231", "1,617", "194"]


def test_header_above_year_columns_is_found(reference) -> None:
    table = read_pasted("Title of the table\n\nLSOA,2022,2023\nE01025231,10,12\nE01025232,11,13\n")
    assert list(table.frame.columns) == ["LSOA", "2022", "2023"]
    assert table.frame.index.tolist() == [4, 5]


def test_a_chosen_sheet_is_read_and_a_missing_one_named(reference) -> None:
    data = (CORPUS / "several_sheets.xlsx").read_bytes()
    assert read_upload("s.xlsx", data, sheet="Lookup").frame.columns.tolist() == ["Column", "Meaning"]
    with pytest.raises(UploadError, match=r"^The workbook has no sheet 'Nope' \(it has: Notes, Data, Lookup\)"):
        read_upload("s.xlsx", data, sheet="Nope")


def test_a_chosen_code_column_without_codes_is_refused(reference) -> None:
    table = read_upload("h.csv", (CORPUS / "html_and_formula_names.csv").read_bytes())
    with pytest.raises(UploadError, match=r"^Column 'Area name' holds no area codes"):
        inspect_upload(table, reference, code_column="Area name")


def test_aggregate_files_with_births_and_postcode_districts_are_not_person_level(reference) -> None:
    rows = "\n".join(f"E0102523{i},PR{i},{10 + i}" for i in range(1, 8))
    preview = inspect_upload(read_pasted("lsoa21_code,Postcode district,Births\n" + rows), reference)
    assert preview.guesses == {"Births": "count"}
    assert preview.ignored_columns == ("Postcode district",)


# --- real values through to wards ---------------------------------------------------------------

def test_lsoa21_counts_sum_to_two_wards_by_hand(reference) -> None:
    _, _, wards = run("lsc_lsoa21_5plus_ltc.csv", reference)
    people, children = "People with 5+ long-term conditions", "Aged 0-17 with 5+ long-term conditions"
    # Ashton, Preston: five whole LSOAs (E01025231 E01025232 E01025233 E01025266 E01025288) and the
    # parts of three whose Output Areas it holds: 0.18981 of E01025267, 0.65956 of E01025311 and
    # 0.31935 of E01025312 (by Census 2021 residents; lsoa21_ward25_membership.csv).
    assert wards.frame.at["E05012193", people] == round(
        90 + 60 + 107 + 101 + 72 + 0.18980798 * 74 + 0.65955701 * 74 + 0.31934878 * 163) == 545
    assert wards.frame.at["E05012193", children] == round(
        3 + 0 + 0 + 1 + 1 + 0.18980798 * 1 + 0.65955701 * 3 + 0.31934878 * 1) == 7
    # Ingol & Cottam, Preston: E01025260 E01025263 E01025272 E01025273 whole, 0.20014 of
    # E01025261, 0.87145 of E01025262 and 0.56286 of E01025264.
    assert wards.frame.at["E05012201", people] == round(
        128 + 113 + 155 + 92 + 0.20013803 * 68 + 0.87144886 * 120 + 0.56285714 * 100) == 662
    assert wards.frame.at["E05012201", "Registered population"] == round(
        1414 + 1430 + 2025 + 1418 + 0.20013803 * 1477 + 0.87144886 * 1528 + 0.56285714 * 1571) == 8798
    # Every L&SC ward gets a value. One ward outside the ICB is reached too: Gosforth (Cumberland,
    # North East and North Cumbria ICB) holds Output Areas of an L&SC LSOA of the Millom area, but
    # not all its LSOAs are in the file, so it gets no value rather than a partial total.
    register = reference.wards.set_index("ward_code")
    lsc = set(register.index[register["icb_code"] == LSC_ICB])
    with_value = set(wards.frame.index[wards.frame[people].notna()])
    assert with_value == lsc and len(lsc) == 280
    assert [register.at[c, "ward_name"] for c in set(wards.frame.index) - lsc] == ["Gosforth"]
    # A ward total of exactly 7 is shown; with threshold 8 it is hidden.
    _, _, strict = run("lsc_lsoa21_5plus_ltc.csv", reference, threshold=8)
    assert np.isnan(strict.frame.at["E05012193", children]) and strict.suppressed.at["E05012193", children]


def test_lsoa11_counts_split_by_population_share_and_conserve_the_total(reference) -> None:
    _, _, wards = run("lsoa11_counts.csv", reference, threshold=1)
    counts = wards.frame["Number of patients on the diabetes register"]
    # E01019213 (30 patients) is split 0.37059 / 0.62941 between Harraby South and Wetheral, and
    # both wards hold parts of other split LSOA 2011s (by their Output Areas' Census 2021 residents).
    assert counts["E05014192"] == round(30 * 0.37059392 + 40 * 0.31772009 + 67 * 0.15826087 + 84 + 109
                                        + 93 * 0.19300801 + 129 * 0.14789377) == 264
    assert counts["E05014214"] == round(84 * 0.17956291 + 30 * 0.62940608 + 70 * 0.77975812 + 80
                                        + 129 * 0.63141026) == 250
    # Each of the 46 ward totals is rounded to whole people on its own, so with 51 split LSOA 2011s
    # they add up to 6 fewer than the file (the note says "to within rounding").
    file_total = pd.read_csv(CORPUS / "lsoa11_counts.csv").iloc[:, 1].sum()
    assert (len(counts), counts.sum(), file_total) == (46, 15_736, 15_742)
    assert any("51 LSOA 2011 area(s) are split between wards" in n for n in wards.notes)
    assert any("add up to the file's total (to within rounding)" in n for n in wards.notes)


def test_lsoa11_counts_for_all_of_england_conserve_the_total(reference) -> None:
    lookup = reference.lookups["lsoa11"]
    codes = sorted(set(lookup["area_code"]))
    values = [(i * 37) % 200 + 5 for i in range(len(codes))]
    text = "lsoa11_code,Number of patients\n" + "\n".join(f"{c},{v}" for c, v in zip(codes, values))
    preview = inspect_upload(read_pasted(text), reference)
    wards = aggregate_to_wards(preview, reference, threshold=1)
    split_pieces = int((lookup["share"] < 1).sum())
    assert preview.geography.key == "lsoa11" and preview.matched == 32_844
    assert wards.frame["Number of patients"].notna().all()
    assert abs(wards.frame["Number of patients"].sum() - sum(values)) <= 0.5 * split_pieces


#: Ashton's LSOAs and the share of each one's Census 2021 residents whose Output Areas are in Ashton.
ASHTON = {"E01025231": 1.0, "E01025232": 1.0, "E01025233": 1.0, "E01025266": 1.0, "E01025267": 0.18980798,
          "E01025288": 1.0, "E01025311": 0.65955701, "E01025312": 0.31934878}


def test_rates_are_weighted_by_denominator_population_or_equally(reference) -> None:
    ashton, shares = list(ASHTON), list(ASHTON.values())
    rates = [10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0]
    lists = [1000, 1000, 1000, 1000, 1000, 1000, 4000, 2000]
    text = "lsoa21_code,Rate per 1000,List size\n" + "\n".join(f"{c},{r},{n}" for c, r, n in zip(ashton, rates, lists))
    preview = inspect_upload(read_pasted(text), reference)
    assert preview.denominator == "List size"
    # Each LSOA weighs its denominator times its share of the ward.
    by_list = aggregate_to_wards(preview, reference)
    weights = [n * s for n, s in zip(lists, shares)]
    assert by_list.frame.at["E05012193", "Rate per 1000"] == pytest.approx(
        sum(r * w for r, w in zip(rates, weights)) / sum(weights)) == pytest.approx(47.8652, abs=1e-4)
    no_population = dataclasses.replace(reference, populations={})
    equal = aggregate_to_wards(inspect_upload(read_pasted(text), no_population), no_population, denominator=None)
    assert equal.frame.at["E05012193", "Rate per 1000"] == pytest.approx(
        sum(r * s for r, s in zip(rates, shares)) / sum(shares)) == pytest.approx(39.1017, abs=1e-4)
    assert any("equal weights" in n for n in equal.notes)
    population = pd.DataFrame({"lsoa21_code": ashton, "population": [1, 1, 1, 1, 1, 1, 2, 1]})
    with_population = dataclasses.replace(
        reference, populations={"lsoa21": population.set_index("lsoa21_code")["population"].astype(float)})
    weighted = aggregate_to_wards(inspect_upload(read_pasted(text), with_population), with_population, denominator=None)
    weights = [p * s for p, s in zip(population["population"], shares)]
    assert weighted.frame.at["E05012193", "Rate per 1000"] == pytest.approx(
        sum(r * w for r, w in zip(rates, weights)) / sum(weights)) == pytest.approx(42.0862, abs=1e-4)


def test_a_ward_missing_one_lsoa_gets_no_value(reference) -> None:
    text = "lsoa21_code,Number of patients\n" + "\n".join(
        f"{c},{'*' if c == 'E01025232' else 10}" for c in ASHTON) + "\n"
    wards = aggregate_to_wards(inspect_upload(read_pasted(text), reference), reference)
    assert np.isnan(wards.frame.at["E05012193", "Number of patients"])
    assert not wards.suppressed.at["E05012193", "Number of patients"]
    # Ashton, and the three neighbours holding parts of E01025267, E01025311 and E01025312 (whose
    # other LSOAs are not in the file), are left without a value.
    assert wards.frame["Number of patients"].isna().all() and len(wards.frame) == 4
    assert any(re.search(r"4 ward\(s\) left without a value \(e\.g\. Ashton, Cadley, Lea & Larches\)", n)
               for n in wards.notes)


def test_msoa_uploads_work_once_a_lookup_exists(reference) -> None:
    codes = [f"E0200{n:04d}" for n in range(2700, 2710)]
    preston = reference.wards.loc[reference.wards["lad_code"] == PRESTON, "ward_code"].tolist()
    lookup = pd.DataFrame({"area_code": codes + [codes[0]], "ward_code": preston[:10] + [preston[10]],
                           "share": [0.25] + [1.0] * 9 + [0.75]}).astype({"area_code": object, "ward_code": object})
    with_msoa = dataclasses.replace(reference, lookups={**reference.lookups, "msoa11": lookup})
    table = read_upload("m.csv", (CORPUS / "msoa11_counts.csv").read_bytes())
    preview = inspect_upload(table, with_msoa)
    wards = aggregate_to_wards(preview, with_msoa, threshold=1)
    first = preview.values.at[codes[0], "Number of patients"]
    assert preview.geography.key == "msoa11" and preview.matched == 10
    assert wards.frame.at[preston[0], "Number of patients"] == round(first * 0.25)
    assert wards.frame.at[preston[10], "Number of patients"] == round(first * 0.75)


def test_msoa11_counts_reach_wards_through_the_built_lookup(reference) -> None:
    """Ten East Riding MSOAs (2011) through data/indicators/msoa11_ward25_lookup.csv, as the app reads it."""
    _, preview, wards = run("msoa11_counts.csv", reference, threshold=5)
    assert preview.geography.key == "msoa11" and preview.matched == 10 and not preview.unmatched
    # Cottingham North holds 51.2% of E02002705's residents (348 patients), 40.1% of E02002706's (235)
    # and 23.5% of E02002708's (274), and no other MSOA: 178.26 + 94.33 + 64.41 = 337.0.
    assert 348 * 0.51224692 + 235 * 0.40140168 + 274 * 0.23507076 == pytest.approx(337.0, abs=0.01)
    values = wards.frame["Number of patients"]
    assert values["E05001691"] == 337 and values["E05001692"] == 394 and values["E05001702"] == 532
    # Wards that hold part of an MSOA missing from the file are left blank, not understated.
    assert values.notna().sum() == 3 and len(values) == 10
    assert any(n.startswith("'Number of patients': 7 ward(s) left without a value") for n in wards.notes)


def test_ward_names_match_within_the_chosen_authority(reference) -> None:
    _, preview, wards = run("ward_names_preston.csv", reference, lad_code=PRESTON)
    rows = pd.read_csv(CORPUS / "ward_names_preston.csv")
    fishwick = rows.loc[rows["Ward"] == "Fishwick and Frenchwood", "Number of patients"].item()
    assert wards.frame.at["E05012198", "Number of patients"] == fishwick
    assert {"E05012201", "E05012207", "E05012208"} <= set(preview.values.index)
    with pytest.raises(UploadError, match=r"^'E99999999' is not a local authority"):
        inspect_upload(read_upload("w.csv", (CORPUS / "ward_names_preston.csv").read_bytes()), reference,
                       lad_code="E99999999")


def test_unknown_kind_or_denominator_is_refused(reference) -> None:
    _, preview, _ = run("tab_separated.tsv", reference)
    with pytest.raises(UploadError, match=r"must be 'count' or 'rate'"):
        aggregate_to_wards(preview, reference, kinds={"Number of patients": "average"})
    with pytest.raises(UploadError, match=r"^'Population' is not a value column of this file"):
        aggregate_to_wards(preview, reference, denominator="Population")


# --- suppression, privacy checks, output safety -------------------------------------------------

def test_suppress_small_counts_hides_one_to_threshold_minus_one() -> None:
    frame = pd.DataFrame({"count": [0, 1, 4, 5, np.nan, 2.6, 12], "rate": [0.5, 1, 2, 3, 4, 4, 4]})
    out, n = suppress_small_counts(frame, ["count"])
    assert n == 3
    assert out["count"].tolist()[:4] == [0, *[pytest.approx(np.nan, nan_ok=True)] * 2, 5]
    assert np.isnan(out["count"].iloc[5]) and out["count"].iloc[6] == 12
    assert out["rate"].tolist() == frame["rate"].tolist()
    assert frame["count"].iloc[1] == 1  # the input is not changed
    assert suppress_small_counts(frame, ["count"], threshold=3)[1] == 2
    assert small_count_mask(frame, ["count"], threshold=10)["count"].tolist() == [False, True, True, True, False,
                                                                                 True, False]
    with pytest.raises(ValueError):
        suppress_small_counts(frame, ["count"], threshold=0)


@pytest.mark.parametrize("number, valid", [
    ("943 476 5919", True), (9434765919, True), (9434765919.0, True), ("943-476-5919", True), ("4010232137", True),
    ("9434765918", False), ("1234567890", False), ("943476591", False), ("94347659190", False), ("abcdefghij", False),
    (True, False), (None, False),
])
def test_nhs_number_modulus_11(number, valid) -> None:
    assert nhs_number_is_valid(number) is valid


def test_neutralise_formulas_prefixes_text_but_keeps_numbers() -> None:
    frame = pd.DataFrame({
        "name": ["=HYPERLINK(\"http://x\",\"y\")", "+cmd", "-2+3+cmd", "@SUM(1+1)", "\tTab", "\rCR", "-5", "Plain", None],
        "value": [-5, 1.5, -0.25, 3, 4, 5, 6, 7, 8],
    })
    frame.columns = ["=HEADER()", "value"]
    out = neutralise_formulas(frame)
    assert out.columns.tolist() == ["'=HEADER()", "value"]
    assert pd.isna(out["'=HEADER()"].iloc[8])
    assert out["'=HEADER()"].tolist()[:8] == ["'=HYPERLINK(\"http://x\",\"y\")", "'+cmd", "'-2+3+cmd", "'@SUM(1+1)",
                                          "'\tTab", "'\rCR", "-5", "Plain"]
    assert out["value"].tolist() == [-5, 1.5, -0.25, 3, 4, 5, 6, 7, 8]
    assert frame.columns.tolist() == ["=HEADER()", "value"]  # the input is not changed


def test_corpus_names_with_html_and_formulas_are_made_safe() -> None:
    table = read_upload("h.csv", (CORPUS / "html_and_formula_names.csv").read_bytes())
    safe = neutralise_formulas(table.frame)["Area name"].tolist()
    assert safe[:5] == ["<b>Bold</b> ward", "'=HYPERLINK(\"http://example.com/x\",\"Click me\")", "'+cmd|' /C calc'!A0",
                        "'@SUM(1+1)*cmd", "'-2+3+cmd"]
    assert escape_html(table.frame.columns[2]) == "&lt;script&gt;alert(1)&lt;/script&gt; patients"
    assert escape_html(safe[6]) == "&lt;img src=x onerror=alert(1)&gt;"


def test_nothing_is_written_while_an_upload_is_handled(reference, monkeypatch) -> None:
    data = {n: (CORPUS / n).read_bytes() for n in ("lsc_lsoa21_5plus_ltc.csv", "formulas_saved.xlsx")}
    real_open = builtins.open

    def read_only_open(file, mode="r", *args, **kwargs):
        if any(flag in mode for flag in "wax+"):
            raise AssertionError(f"upload code opened {file!r} for writing")
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", read_only_open)
    for name, content in data.items():
        aggregate_to_wards(inspect_upload(read_upload(name, content), reference), reference)


# --- template -----------------------------------------------------------------------------------

def test_templates_list_every_ward_or_lsoa_and_read_back(reference) -> None:
    register = pd.read_csv(INDICATORS / "wards.csv")
    membership = pd.read_csv(INDICATORS / "lsoa21_ward25_membership.csv")
    ward_csv = template_for_area(register, PRESTON)
    assert ward_csv.startswith(b"\xef\xbb\xbfward_code,ward_name,lad_name,value\r\nE05012193,Ashton,Preston,\r\n")
    assert ward_csv.count(b"\r\n") == 17
    icb = pd.read_csv(io.BytesIO(template_for_area(register, [LSC_ICB], value_columns=("=x", "rate"))))
    assert len(icb) == 280 and icb.columns.tolist() == ["ward_code", "ward_name", "lad_name", "'=x", "rate"]

    lsoa = pd.read_csv(io.BytesIO(template_for_area(register, PRESTON, level="lsoa", membership=membership)))
    # One row per LSOA, in the ward ONS's LSOA -> ward best-fit lookup puts it in.
    preston = register.loc[register["lad_code"] == PRESTON].set_index("ward_code")["ward_name"]
    best_fit = membership.drop_duplicates("lsoa21_code")
    best_fit = best_fit[best_fit["best_fit_ward_code"].isin(preston.index)].set_index("lsoa21_code")
    assert sorted(lsoa["lsoa21_code"]) == sorted(best_fit.index) and lsoa["lsoa21_code"].is_unique
    assert len(lsoa) == 87
    assert (lsoa.set_index("lsoa21_code")["ward_name"] == preston.reindex(best_fit["best_fit_ward_code"]).set_axis(
        best_fit.index).reindex(lsoa["lsoa21_code"])).all()
    # E01025267 is in Ashton by ONS's best fit, though 81% of its residents live in Lea & Larches.
    assert lsoa.set_index("lsoa21_code").at["E01025267", "ward_name"] == "Ashton"
    filled = lsoa.assign(value=range(10, 10 + len(lsoa))).to_csv(index=False).encode()
    preview = inspect_upload(read_upload("filled.csv", filled), reference)
    assert (preview.geography.key, preview.matched, preview.unmatched) == ("lsoa21", len(lsoa), ())
    with pytest.raises(UploadError, match=r"^No 2025 wards found for E99999999"):
        template_for_area(register, "E99999999")
