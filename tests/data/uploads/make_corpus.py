"""Write the upload test corpus: ``python tests/data/uploads/make_corpus.py``.

Every file here is synthetic or derived from the open processed data under
``data/indicators`` (ward register, LSOA 2021 membership with one best-fit ward per LSOA,
LSOA 2011 lookup, IoD2025 ward scores); no real person's data is involved (NHS numbers are from the 999 test range,
postcodes and dates of birth are made up). Numbers come from seeded generators, and Excel
files are re-zipped with fixed timestamps, so running this again gives the same bytes
(``tests/test_upload.py`` checks that). The over-size case is made in memory by the tests.

:data:`HOSTILE` builds, in memory only, the hostile and load cases of issues 13, 17 and 19
-- a 5,000-column file, a 1,000,000-row file, a zip-bomb workbook, an over-long field and
more -- too big to keep in the repository (``tests/test_upload_limits.py`` and
``bench/bench_uploads.py`` use them).
"""

from __future__ import annotations

import datetime as dt
import io
import random
import re
import sys
import zipfile
from pathlib import Path
from typing import Callable

import numpy as np
import openpyxl
import pandas as pd

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from geo.paths import DATA  # noqa: E402

INDICATORS = DATA / "indicators"
from geo.upload.template import one_ward_per_lsoa  # noqa: E402

#: Lancashire and South Cumbria ICB; Preston; County Durham ward codes of 2024 retired in 2025.
LSC_ICB = "E54000048"
PRESTON = "E07000123"
WARDS_2024 = ("E05009049", "E05009050", "E05009051", "E05009052", "E05009037", "E05009053")
MAX_FILE_BYTES = 50_000
_FIXED_TIME = (2025, 1, 1, 0, 0, 0)
#: Column names of ``markdown_names.csv``: each would be a link, an image, HTML, math, a heading, an
#: icon or reordered text if shown as Markdown; the last is 300 characters long.
MARKDOWN_NAMES = (
    "[Sign in again](http://e.vil/login)",
    "See http://x.example.org/a now",
    "www.evil.example",
    "me@x.example.org",
    "![pixel](http://127.0.0.1:9/pixel.png)",
    "<b>bold</b> <img src=x onerror=alert(1)>",
    "$x^2$ **b** _i_ ~~s~~",
    "# Heading",
    ":material/lock: :red[Red]",
    "\u202egnp.exe",
    "Long " + "x" * 295,
)


# --- helpers ------------------------------------------------------------------------------------

def _csv(rows: list[list[object]], sep: str = ",", encoding: str = "utf-8", newline: str = "\r\n") -> bytes:
    buffer = io.StringIO()
    for row in rows:
        cells = []
        for cell in row:
            text = "" if cell is None else str(cell)
            if any(ch in text for ch in (sep, '"', "\n")):
                text = '"' + text.replace('"', '""') + '"'
            cells.append(text)
        buffer.write(sep.join(cells) + newline)
    return buffer.getvalue().encode(encoding)


def _rezip(data: bytes, edit: Callable[[str, bytes], bytes] | None = None) -> bytes:
    """The same ZIP package with fixed timestamps (and optionally edited members)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*", rb"\g<1>2025-01-01T00:00:00Z", body)
            if edit:
                body = edit(info.filename, body)
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=_FIXED_TIME), body,
                         compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _xlsx(sheets: dict[str, list[list[object]]], merges: dict[str, list[str]] | None = None) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        for cells in (merges or {}).get(title, []):
            sheet.merge_cells(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return _rezip(buffer.getvalue())


def _nhs_number(rng: random.Random) -> str:
    """A valid NHS number in the 999 test range (never issued to a person)."""
    while True:
        digits = "999" + "".join(str(rng.randrange(10)) for _ in range(6))
        check = 11 - sum(int(d) * w for d, w in zip(digits, range(10, 1, -1))) % 11
        check = 0 if check == 11 else check
        if check != 10:
            number = digits + str(check)
            return f"{number[:3]} {number[3:6]} {number[6:]}"


# --- the open data the realistic files are derived from -----------------------------------------

def _reference() -> dict[str, pd.DataFrame]:
    wards = pd.read_csv(INDICATORS / "wards.csv")
    # One ward per LSOA 2021 (ONS's best fit), as the LSOA template lists them.
    membership = one_ward_per_lsoa(pd.read_csv(INDICATORS / "lsoa21_ward25_membership.csv"))
    lsoa11 = pd.read_csv(INDICATORS / "lsoa11_ward25_lookup.csv")
    imd = pd.read_csv(INDICATORS / "ward_deprivation_2025.csv", usecols=["ward_code", "imd_score"])
    return {"wards": wards, "membership": membership, "lsoa11": lsoa11, "imd": imd}


def _lsc_ltc(ref: dict[str, pd.DataFrame]) -> bytes:
    """LSOA 2021 counts for L&SC ICB: registered patients and people with 5+ long-term conditions.

    Per LSOA: population = ward population / the ward's LSOAs × N(1, 0.12); registered =
    population × U(1.00, 1.08); the 5+ LTC share rises with the ward's IMD 2025 score
    (3.5% + 0.12 points per IMD point, × N(1, 0.1)); children with 5+ LTCs are rare (0.3% of a
    fifth of the list, so many ward totals are 1-4 and get suppressed).
    Counts are binomial draws. Seed 2025.
    """
    rng = np.random.default_rng(2025)
    wards = ref["wards"].merge(ref["imd"], on="ward_code")
    lsc = wards[wards["icb_code"] == LSC_ICB]
    lsoas = ref["membership"].merge(lsc, on="ward_code").sort_values("lsoa21_code").reset_index(drop=True)
    per_ward = lsoas.groupby("ward_code")["lsoa21_code"].transform("size")
    population = lsoas["population"] / per_ward * rng.normal(1, 0.12, len(lsoas))
    registered = np.round(population * rng.uniform(1.0, 1.08, len(lsoas))).astype(int)
    share = np.clip((0.035 + 0.0012 * lsoas["imd_score"]) * rng.normal(1, 0.1, len(lsoas)), 0.01, 0.3)
    ltc = rng.binomial(registered, share)
    children = rng.binomial(np.round(registered * 0.2).astype(int), 0.0006 * 5)
    rows = [["LSOA21CD", "People with 5+ long-term conditions", "Aged 0-17 with 5+ long-term conditions",
             "Registered population"]]
    rows += [[c, a, b, r] for c, a, b, r in zip(lsoas["lsoa21_code"], ltc, children, registered)]
    return _csv(rows, newline="\n")


def _lsoa11_lad(ref: dict[str, pd.DataFrame]) -> tuple[str, pd.DataFrame]:
    """The first L&SC LAD (by code) whose LSOA 2011s include split ones, all go to its own wards and
    include a code that is not an LSOA 2021 code (so that the file reads as LSOA 2011)."""
    wards, lookup = ref["wards"], ref["lsoa11"]
    lsoa21 = set(ref["membership"]["lsoa21_code"])
    pieces = lookup.merge(wards[["ward_code", "lad_code", "icb_code"]], on="ward_code")
    for lad in sorted(wards.loc[wards["icb_code"] == LSC_ICB, "lad_code"].unique()):
        codes = pieces.loc[pieces["lad_code"] == lad, "lsoa11_code"].unique()
        mine = pieces[pieces["lsoa11_code"].isin(codes)]
        if ((mine["lad_code"] == lad).all() and mine["lsoa11_code"].duplicated().any()
                and not set(codes) <= lsoa21):
            return lad, mine
    raise RuntimeError("no LAD with split LSOA 2011s found")


def _lsoa11_counts(ref: dict[str, pd.DataFrame]) -> bytes:
    _, pieces = _lsoa11_lad(ref)
    rng = random.Random(11)
    codes = sorted(pieces["lsoa11_code"].unique())
    return _csv([["LSOA11CD", "Number of patients on the diabetes register"]]
                + [[c, rng.randrange(30, 160)] for c in codes])


# --- the corpus ---------------------------------------------------------------------------------

def build_corpus() -> dict[str, bytes]:
    """Every corpus file, name -> bytes."""
    ref = _reference()
    lsc = ref["membership"].merge(ref["wards"], on="ward_code")
    lsc = lsc[lsc["icb_code"] == LSC_ICB].sort_values("lsoa21_code")
    preston = ref["wards"][ref["wards"]["lad_code"] == PRESTON]
    preston_lsoas = lsc.loc[lsc["lad_code"] == PRESTON, "lsoa21_code"].tolist()
    only11 = sorted(set(ref["lsoa11"]["lsoa11_code"]) - set(ref["membership"]["lsoa21_code"]))
    only21 = sorted(set(ref["membership"]["lsoa21_code"]) - set(ref["lsoa11"]["lsoa11_code"]))
    ten = preston_lsoas[:10]
    rng = random.Random(5)
    files: dict[str, bytes] = {}

    def counts(codes: list[str], header: str = "Number of patients", low: int = 10, high: int = 90) -> list[list[object]]:
        return [["lsoa21_code", header]] + [[c, rng.randrange(low, high)] for c in codes]

    # Empty, blank and header-only.
    files["empty.csv"] = b""
    files["blank_lines.csv"] = b"\r\n  \r\n\t\r\n"
    files["header_only.csv"] = _csv([["lsoa21_code", "Number of patients"]])

    # Binary files and other formats.
    files["binary_renamed.csv"] = b"\x89PNG\r\n\x1a\n" + random.Random(1).randbytes(1500)
    files["noise_renamed.csv"] = bytes(random.Random(2).randrange(0, 32) for _ in range(1500))
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as package:
        package.writestr(zipfile.ZipInfo("data.csv", date_time=_FIXED_TIME), _csv(counts(ten)))
    files["zip_archive.csv"] = archive.getvalue()
    files["old_excel.xls"] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1016)
    files["damaged.xlsx"] = _xlsx({"Data": counts(ten)})[:700]

    # Encodings and separators (good files).
    names = ["Café Ward – north", "St Matthew’s", "Fishwick & Frenchwood £", "Ingol", "Ashton"]
    named = [["lsoa21_code", "Area name", "Number of patients"]] + [
        [c, names[i % len(names)], rng.randrange(10, 90)] for i, c in enumerate(ten)]
    files["utf16.csv"] = b"\xff\xfe" + _csv(named, sep="\t", encoding="utf-16-le")
    files["windows1252.csv"] = _csv(named, encoding="cp1252")
    files["utf8_bom.csv"] = b"\xef\xbb\xbf" + _csv(named)
    files["semicolon_decimal_comma.csv"] = _csv(
        [["lsoa21_code", "Prevalence (%)", "Number of patients"]]
        + [[c, f"{rng.uniform(2, 15):.1f}".replace(".", ","), f"{rng.randrange(1000, 3000):,}".replace(",", ".")]
           for c in ten], sep=";")
    files["tab_separated.tsv"] = _csv(counts(ten), sep="\t")
    files["pasted_from_excel.txt"] = _csv(
        [["LSOA code", "Registered patients", "Number with 5+ LTCs"]]
        + [[c, f"{rng.randrange(1000, 2500):,}", rng.randrange(40, 200)] for c in ten], sep="\t", newline="\n")
    files["thousands_percent.csv"] = _csv(
        [["lsoa21_code", "Registered population", "Share with 5+ LTCs"]]
        + [[c, f"{rng.randrange(1000, 2500):,}", f"{rng.uniform(3, 12):.1f}%"] for c in ten])
    files["suppression_markers.csv"] = _csv(
        [["lsoa21_code", "Number of patients"]]
        + [[c, v] for c, v in zip(ten, [25, "*", "c", "x", "-", None, "[c]", 31, "..", 40])])

    # Excel layouts.
    files["merged_title.xlsx"] = _xlsx(
        {"LTC": [["People with 5+ long-term conditions, Preston, 2024"], ["Source: synthetic test data"], [],
                 ["LSOA code", "LSOA name", "Number of people"]]
         + [[c, f"Preston {i:03d}A", rng.randrange(20, 120)] for i, c in enumerate(ten, 1)]},
        merges={"LTC": ["A1:C1", "A2:C2"]})
    files["several_sheets.xlsx"] = _xlsx({
        "Notes": [["About this workbook"], ["Synthetic counts for testing WardLens uploads."]],
        "Data": counts(ten),
        "Lookup": [["Column", "Meaning"], ["Number of patients", "Patients with 5+ long-term conditions"]],
    })
    formula_rows = [["lsoa21_code", "Registered population", "Number of patients"]] + [
        [c, rng.randrange(1000, 2000), f"=ROUND(B{i}*0.06,0)"] for i, c in enumerate(ten, 2)]
    files["formulas_unsaved.xlsx"] = _xlsx({"Data": formula_rows})
    cached = {f"C{i}": round(row[1] * 0.06) for i, row in enumerate(formula_rows[1:], 2)}

    def save_results(member: str, body: bytes) -> bytes:
        if not member.startswith("xl/worksheets/"):
            return body
        return re.sub(rb'(<c r="(C\d+)"[^>]*>)(<f>[^<]*</f>)(<v\s*/>|<v></v>)?',
                      lambda m: m[1] + m[3] + b"<v>%d</v>" % cached[m[2].decode()], body)

    files["formulas_saved.xlsx"] = _rezip(files["formulas_unsaved.xlsx"], save_results)
    files["empty_workbook.xlsx"] = _xlsx({"Sheet1": [], "Sheet2": []})
    files["xlsx_named_csv.csv"] = _xlsx({"Data": counts(ten)})

    # Geography problems.
    files["duplicate_codes.csv"] = _csv(counts(ten + [ten[2], ten[5]]))
    files["mixed_geographies.csv"] = _csv(counts(ten[:8]) + [[w, rng.randrange(100, 300)] for w in preston["ward_code"][:2]]
                                          + [[PRESTON, 5123]])
    files["welsh_scottish_codes.csv"] = _csv(counts([f"W0100{n:04d}" for n in range(10, 20)]
                                                    + [f"S0100{n:04d}" for n in range(6506, 6511)]))
    files["england_wales_lsoa.csv"] = _csv(counts(ten + [f"W0100{n:04d}" for n in range(10, 13)]))
    lancashire = sorted(ref["wards"].loc[ref["wards"]["icb_code"] == LSC_ICB, "lad_code"].unique())[:8]
    files["lad_level.csv"] = _csv([["lad_code", "Number of patients"]] + [[c, rng.randrange(2000, 9000)] for c in lancashire])
    files["icb_level.csv"] = _csv([["ICB code", "Number of patients"], [LSC_ICB, 81234], ["E54000008", 90321]])
    files["msoa11_counts.csv"] = _csv([["msoa11_code", "Number of patients"]]
                                      + [[f"E0200{n:04d}", rng.randrange(100, 400)] for n in range(2700, 2710)])
    files["unknown_codes.csv"] = _csv(counts([f"E0199{n:04d}" for n in range(9000, 9008)]))
    files["old_ward_codes.csv"] = _csv([["ward_code", "Number of patients"]] + [[c, rng.randrange(100, 400)] for c in WARDS_2024])
    files["ward25_rates.csv"] = _csv(
        [["ward_code", "ward_name", "Emergency admission rate per 1,000", "Registered population"]]
        + [[c, n, f"{rng.uniform(60, 140):.1f}", p] for c, n, p in
           zip(preston["ward_code"], preston["ward_name"], preston["population"])]
        + [[c, "(2024 ward)", f"{rng.uniform(60, 140):.1f}", 8000] for c in WARDS_2024[:2]])
    variants = {"Fishwick & Frenchwood": "Fishwick and Frenchwood", "St Matthew's": "ST MATTHEWS",
                "Ingol & Cottam": "  ingol  &  cottam ", "Sharoe Green": "Sharoe-Green"}
    files["ward_names_preston.csv"] = _csv(
        [["Ward", "Number of patients"]]
        + [[variants.get(n, n), rng.randrange(100, 400)] for n in preston["ward_name"]] + [["Preston Docks", 120]])
    files["total_row.csv"] = _csv(counts(ten) + [["Total", 999], [], ["Source: synthetic test data", None]])
    files["mixed_vintage_lsoa.csv"] = _csv(counts(only11[:12] + only21[:3]))
    files["lsoa11_counts.csv"] = _lsoa11_counts(ref)
    files["lsc_lsoa21_5plus_ltc.csv"] = _lsc_ltc(ref)

    # Values.
    negative = counts(ten)
    negative[4][1], negative[8][1] = -3, -1
    files["negative_counts.csv"] = _csv(negative)
    bad = counts(ten)
    bad[3][1], bad[7][1] = "twelve", "approx 40"
    files["non_numeric_counts.csv"] = _csv(bad)
    files["no_value_columns.csv"] = _csv([["lsoa21_code", "Area name"]] + [[c, f"Preston {i:03d}A"] for i, c in enumerate(ten)])
    files["html_and_formula_names.csv"] = _csv(
        [["lsoa21_code", "Area name", "<script>alert(1)</script> patients"]]
        + [[c, n, rng.randrange(10, 90)] for c, n in zip(ten, [
            "<b>Bold</b> ward", '=HYPERLINK("http://example.com/x","Click me")', "+cmd|' /C calc'!A0", "@SUM(1+1)*cmd",
            "-2+3+cmd", "\tTabbed", "<img src=x onerror=alert(1)>", "Plain & simple", "=1+1", "Normal"])])

    # Person-level files (all values synthetic).
    people = random.Random(99)
    files["nhs_numbers.csv"] = _csv([["NHS number", "lsoa21_code", "Long-term conditions"]]
                                    + [[_nhs_number(people), people.choice(ten), people.randrange(0, 9)] for _ in range(40)])
    files["nhs_numbers_unlabelled.xlsx"] = _xlsx({"Sheet1": [["ID", "lsoa21_code", "Conditions"]] + [
        [int(_nhs_number(people).replace(" ", "")), people.choice(ten), people.randrange(0, 9)] for _ in range(30)]})
    files["dates_of_birth.csv"] = _csv([["lsoa21_code", "DOB", "Conditions"]] + [
        [people.choice(ten), f"{people.randrange(1, 29):02d}/{people.randrange(1, 13):02d}/{people.randrange(1930, 2015)}",
         people.randrange(0, 9)] for _ in range(30)])
    files["birth_dates.xlsx"] = _xlsx({"Patients": [["lsoa21_code", "Birth", "Conditions"]] + [
        [people.choice(ten), dt.datetime(people.randrange(1930, 2015), people.randrange(1, 13), people.randrange(1, 29)),
         people.randrange(0, 9)] for _ in range(30)]})
    files["postcodes.csv"] = _csv([["Postcode", "Conditions"]] + [
        [f"PR{people.randrange(1, 9)} {people.randrange(1, 10)}{people.choice('ABDEFGHJLNPQRSTUWXYZ')}"
         f"{people.choice('ABDEFGHJLNPQRSTUWXYZ')}", people.randrange(0, 9)] for _ in range(30)])
    files["person_sheet_in_workbook.xlsx"] = _xlsx({
        "Summary": counts(ten),
        "Patients": [["NHS no", "lsoa21_code"]] + [[_nhs_number(people), people.choice(ten)] for _ in range(20)],
    })

    # Disclosure: counts that look like rates, totals and parts, a rate with its denominator (issue 14).
    wards = preston["ward_code"].tolist()
    sizes = [rng.randrange(20, 90) for _ in wards]
    per = [3, *sizes[1:4], 1, *sizes[5:]]
    files["per_named_counts.csv"] = _csv([["ward_code", "Patients per ward"]] + [[c, v] for c, v in zip(wards, per)])
    files["decimal_counts.csv"] = _csv([["ward_code", "LTC 5+"]] + [[c, f"{v}.0"] for c, v in zip(wards, per)])
    adults = [100] + [rng.randrange(300, 900) for _ in wards[1:]]
    children = [1] + [rng.randrange(20, 90) for _ in wards[1:]]
    files["total_and_parts.csv"] = _csv([["ward_code", "All ages", "Adults", "Children"]]
                                        + [[c, a + k, a, k] for c, a, k in zip(wards, adults, children)])
    files["total_and_one_part.csv"] = _csv([["ward_code", "All patients", "Adults"]]
                                           + [[c, a + k, a] for c, a, k in zip(wards, adults, children)])
    prevalence = ["0.10", "0.20"] + [f"{rng.uniform(3.5, 12):.1f}" for _ in wards[2:]]
    registered = [1000, 1500] + [int(n) for n in preston["population"].iloc[2:]]
    files["rate_and_denominator.csv"] = _csv([["ward_code", "Prevalence (%)", "Registered population"]]
                                             + [[c, r, n] for c, r, n in zip(wards, prevalence, registered)])

    # Text that must stay plain text wherever it is shown (issue 15): links, images, HTML, Markdown.
    files["markdown_names.csv"] = _csv([["ward_code", *MARKDOWN_NAMES]]
                                       + [[c, *(rng.randrange(20, 90) for _ in MARKDOWN_NAMES)] for c in wards])
    return files


# --- hostile and load cases, built in memory --------------------------------------------------

def _lsoa_codes() -> list[str]:
    membership = pd.read_csv(INDICATORS / "lsoa21_ward25_membership.csv", usecols=["lsoa21_code", "method"])
    return sorted(membership.loc[membership["method"] != "areal overlay", "lsoa21_code"])


def _lsc_codes() -> list[str]:
    wards = pd.read_csv(INDICATORS / "wards.csv", usecols=["ward_code", "icb_code"])
    membership = pd.read_csv(INDICATORS / "lsoa21_ward25_membership.csv", usecols=["lsoa21_code", "ward_code", "method"])
    mine = membership[(membership["method"] != "areal overlay")
                      & membership["ward_code"].isin(wards.loc[wards["icb_code"] == LSC_ICB, "ward_code"])]
    return sorted(set(mine["lsoa21_code"]))  # an LSOA split between wards is listed once per ward


def _workbook(sheet_xml: bytes | None = None, *, sheets: int = 1, extra_parts: int = 0,
              shared_strings: bytes | None = None) -> bytes:
    """A minimal .xlsx, each part written by hand (so that hostile parts can be put in)."""
    sheet_xml = sheet_xml or (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                              b'spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>lsoa21_code'
                              b'</t></is></c><c r="B1" t="inlineStr"><is><t>Patients</t></is></c></row></sheetData>'
                              b'</worksheet>')
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel_ns = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    book = (f'<?xml version="1.0" encoding="UTF-8"?><workbook {ns} {rel_ns}><sheets>'
            + "".join(f'<sheet name="Sheet{i}" sheetId="{i}" r:id="rId{i}"/>' for i in range(1, sheets + 1))
            + "</sheets></workbook>")
    rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            'relationships">' + "".join(
                f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                f'worksheet" Target="worksheets/sheet{i}.xml"/>' for i in range(1, sheets + 1)))
    if shared_strings is not None:
        rels += ('<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                 'sharedStrings" Target="sharedStrings.xml"/>')
    rels += "</Relationships>"
    types = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
             'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships'
             '+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
             'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
             + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-'
                       'officedocument.spreadsheetml.worksheet+xml"/>' for i in range(1, sheets + 1))
             + ('<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                'spreadsheetml.sharedStrings+xml"/>' if shared_strings is not None else "")
             + "</Types>")
    root = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        def put(name: str, body: str | bytes) -> None:
            z.writestr(zipfile.ZipInfo(name, date_time=_FIXED_TIME), body, compress_type=zipfile.ZIP_DEFLATED)
        put("[Content_Types].xml", types)
        put("_rels/.rels", root)
        put("xl/workbook.xml", book)
        put("xl/_rels/workbook.xml.rels", rels)
        for i in range(1, sheets + 1):
            put(f"xl/worksheets/sheet{i}.xml", sheet_xml)
        if shared_strings is not None:
            put("xl/sharedStrings.xml", shared_strings)
        for i in range(extra_parts):
            put(f"customXml/item{i}.xml", "<x/>")
    return out.getvalue()


def _sheet(rows: str | bytes, dimension: str = "") -> bytes:
    head = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
            f'2006/main">{f"<dimension ref={chr(34)}{dimension}{chr(34)}/>" if dimension else ""}<sheetData>')
    return head.encode() + (rows.encode() if isinstance(rows, str) else rows) + b"</sheetData></worksheet>"


def _xlsx_rows(rows: list[list[object]], start: int = 1) -> str:
    out = []
    for i, row in enumerate(rows, start):
        cells = "".join(
            f'<c r="{openpyxl.utils.get_column_letter(j)}{i}" t="inlineStr"><is><t>{v}</t></is></c>' if isinstance(v, str)
            else f'<c r="{openpyxl.utils.get_column_letter(j)}{i}"><v>{v}</v></c>' for j, v in enumerate(row, 1))
        out.append(f'<row r="{i}">{cells}</row>')
    return "".join(out)


def five_thousand_columns() -> bytes:
    """Issue 13: a CSV of 20 LSOAs with 5,000 value columns (300 KB)."""
    codes = _lsoa_codes()[:20]
    rows = [["lsoa21_code", *(f"value {j}" for j in range(1, 5000))]]
    rows += [[c, *((i * j) % 97 for j in range(1, 5000))] for i, c in enumerate(codes)]
    return _csv(rows)


def million_rows() -> bytes:
    """Issue 13: 1,000,000 rows of LSOA code and count (about 17 MB, under the size limit)."""
    codes = _lsoa_codes()
    lines = ["lsoa21_code,Number of patients"] + [f"{codes[i % len(codes)]},{i % 500}" for i in range(1_000_000)]
    return ("\n".join(lines) + "\n").encode()


def zip_bomb() -> bytes:
    """Issue 13: a 195 KB .xlsx whose one sheet unpacks to 190 MB (one row repeated)."""
    row = b'<row><c t="inlineStr"><is><t>E01012571</t></is></c><c><v>131</v></c></row>'
    return _workbook(_sheet(row * (190 * 2**20 // len(row))))


def rows_bomb() -> bytes:
    """Issue 13: a spreadsheet of 190 MB of rows: 300 different LSOA rows, over and over (about 2 MB packed)."""
    codes = _lsoa_codes()
    block = "".join(f'<row><c t="inlineStr"><is><t>{codes[i]}</t></is></c><c><v>{i}</v></c></row>'
                    for i in range(300)).encode()
    return _workbook(_sheet(block * (190 * 2**20 // len(block))))


def cells_bomb() -> bytes:
    """Issue 13: a workbook within the unpacked limit but with 400,000 filled cells."""
    codes = _lsoa_codes()
    rows = [["lsoa21_code", "a", "b", "c"]] + [[codes[i % len(codes)], i % 7, i % 11, i % 13] for i in range(100_000)]
    return _workbook(_sheet(_xlsx_rows(rows)))


def far_cell() -> bytes:
    """Issue 19: a small table plus one cell at XFD1048576 (openpyxl would pad every row to it)."""
    rows = [["lsoa21_code", "Patients"]] + [[c, 10 + i] for i, c in enumerate(_lsc_codes()[:10])]
    return _workbook(_sheet(_xlsx_rows(rows) + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'))


def dimension_lie() -> bytes:
    """Issue 19: a small table whose sheet claims to span A1:XFD1048576 (it must read, quickly)."""
    rows = [["lsoa21_code", "Patients"]] + [[c, 10 + i] for i, c in enumerate(_lsc_codes()[:10])]
    return _workbook(_sheet(_xlsx_rows(rows), dimension="A1:XFD1048576"))


def billion_laughs() -> bytes:
    """Issue 19: shared strings defining nested entities (the 'billion laughs' XML bomb)."""
    entities = '<!ENTITY a0 "lol">' + "".join(f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10))
    strings = (f'<?xml version="1.0"?><!DOCTYPE sst [{entities}]><sst xmlns="http://schemas.openxmlformats.org/'
               'spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>&a9;</t></si></sst>').encode()
    return _workbook(_sheet('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'), shared_strings=strings)


def many_sheets() -> bytes:
    """Issue 19: a workbook of 60 sheets."""
    return _workbook(sheets=60)


def many_parts() -> bytes:
    """Issue 19: a workbook packed with 2,000 extra parts."""
    return _workbook(extra_parts=2_000)


def long_field() -> bytes:
    """Issue 17: a cell of 150,000 characters (over the csv module's own field limit)."""
    return _csv([["lsoa21_code", "Notes", "Patients"], ["E01012571", "x" * 150_000, 12]])


def long_cell() -> bytes:
    """Issue 17: a cell of 40,000 characters (under the csv module's limit, over Excel's)."""
    return _csv([["lsoa21_code", "Notes", "Patients"], ["E01012571", "y" * 40_000, 12]])


def one_long_line() -> bytes:
    """Issue 19: 19 MB of commas on one line."""
    return b"," * 19_000_000


def repeated_code() -> bytes:
    """Issue 17: one LSOA code on 150,000 rows (the duplicate message lists a few rows)."""
    return ("lsoa21_code,Patients\n" + "".join(f"E01012571,{i % 50}\n" for i in range(150_000))).encode()


def many_unmatched() -> bytes:
    """Issue 17: the 1,063 L&SC LSOAs plus 100,000 codes that do not exist (accepted; the card lists 200)."""
    real = _lsc_codes()
    rows = [["lsoa21_code", "Patients"]] + [[c, 10 + i % 90] for i, c in enumerate(real)]
    rows += [[f"E019{i:05d}", 5 + i % 50] for i in range(100_000)]
    return _csv(rows)


#: The hostile and load cases: name -> builder (bytes, in memory; never written to the repository).
HOSTILE: dict[str, Callable[[], bytes]] = {
    "5000_columns.csv": five_thousand_columns,
    "million_rows.csv": million_rows,
    "zip_bomb.xlsx": zip_bomb,
    "rows_bomb.xlsx": rows_bomb,
    "cells_bomb.xlsx": cells_bomb,
    "far_cell.xlsx": far_cell,
    "dimension_lie.xlsx": dimension_lie,
    "billion_laughs.xlsx": billion_laughs,
    "many_sheets.xlsx": many_sheets,
    "many_parts.xlsx": many_parts,
    "long_field.csv": long_field,
    "long_cell.csv": long_cell,
    "one_long_line.csv": one_long_line,
    "repeated_code.csv": repeated_code,
    "many_unmatched.csv": many_unmatched,
}


def main() -> None:
    files = build_corpus()
    for old in HERE.iterdir():
        if old.is_file() and old.name not in files and old.suffix in {".csv", ".xlsx", ".xls", ".txt", ".tsv"}:
            old.unlink()
    for name, data in sorted(files.items()):
        if len(data) > MAX_FILE_BYTES:
            raise SystemExit(f"{name} is {len(data):,} bytes, over the {MAX_FILE_BYTES:,}-byte limit for test files")
        (HERE / name).write_bytes(data)
    print(f"wrote {len(files)} files to {HERE}")


if __name__ == "__main__":
    main()
