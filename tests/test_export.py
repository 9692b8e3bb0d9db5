"""The target list downloads: notes in the file, clean reading in Excel and pandas, no formula injection."""

from __future__ import annotations

import csv
import io

import openpyxl
import pandas as pd
import pytest

from geo.targeting import rank_targets, select
from layers import INDICATORS
from geo.upload.safety import neutralise
from layers.export import notes, notes_csv, target_table, to_csv, to_excel
from layers.targets import TARGETINGS

from tests.conftest import BLOOMFIELD, LSC, ONS_OS_LINE

KEY = [INDICATORS["imd_score_2025"], INDICATORS["core20_share_2025"]]


@pytest.fixture()
def lsc_export(ward_table: pd.DataFrame, catalogue):
    lsc = ward_table[ward_table["icb_code"] == LSC]
    t = TARGETINGS["imd10"]
    chosen = select(lsc[t.indicator], t.rule, t.parameter, True)
    table = target_table(ward_table, rank_targets(chosen, [(lsc[t.indicator], True)]), [catalogue[r.id] for r in KEY])
    lines = notes(area="Lancashire and South Cumbria ICB (E54000048)", definition=t.describe(KEY[0]),
                  coverage="28 target wards", records=KEY, layer=INDICATORS["income_score_2025"],
                  generated="2025-01-01 00:00 UTC")
    return table, lines


def test_neutralise_prefixes_formula_starts_only() -> None:
    # One rule for every export and upload: text a spreadsheet would run gets a "'"; a cell that is
    # just a number ("+44", "-2") cannot run and is left as it is.
    assert [neutralise(v) for v in ["=1+1", "+44", "-2", "+44+cmd", "-2+3", "@SUM(A1)", "\tx", "Bloomfield",
                                    3.5, None]] == \
        ["'=1+1", "+44", "-2", "'+44+cmd", "'-2+3", "'@SUM(A1)", "'\tx", "Bloomfield", 3.5, None]


def test_target_table_is_ranked_with_percentages(lsc_export) -> None:
    table, _ = lsc_export
    frame = table.frame
    assert len(frame) == 28 and frame["Rank"].tolist() == list(range(1, 29))
    first = frame.iloc[0]
    assert (first["Ward code"], first["Ward"], first["Local authority"]) == (BLOOMFIELD, "Bloomfield", "Blackpool")
    assert first["Core20 share (IoD2025) (%)"] == pytest.approx(100.0)
    assert table.formats["Core20 share (IoD2025) (%)"] == "%.1f%%"


def test_csv_is_a_clean_rounded_table_and_the_notes_go_in_their_own_file(lsc_export) -> None:
    table, lines = lsc_export
    data = to_csv(table.frame)
    assert data.startswith("\ufeff".encode())  # BOM: Excel reads UTF-8 (©, –) correctly
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")  # no rows to skip: a clean table
    assert list(back.columns) == list(table.frame.columns) and len(back) == 28
    assert back.loc[0, "Ward"] == "Bloomfield" and back.loc[0, "Population (Census 2021)"] == \
        table.frame.loc[0, "Population (Census 2021)"]
    imd = back["IMD average score (IoD2025)"]
    assert (imd.round(1) == imd).all() and imd.iloc[0] == 86.2  # rounded as the app shows it, not 86.219608
    notes = notes_csv(lines).decode("utf-8-sig")
    assert ONS_OS_LINE in notes and "Period: IoD2025" in notes and "Definition: The 10% of the ICB's wards" in notes
    assert "English Indices of Deprivation 2025" in notes and "Generated: 2025-01-01" in notes
    assert pd.read_csv(io.StringIO(notes))["Note"].tolist() == lines


def test_excel_has_the_table_and_a_notes_sheet(lsc_export) -> None:
    table, lines = lsc_export
    book = openpyxl.load_workbook(io.BytesIO(to_excel(table, lines)))
    assert book.sheetnames == ["Target wards", "Notes"]
    assert book["Target wards"].cell(row=2, column=4).number_format == "0.0"  # IMD score: one decimal
    sheet = book["Target wards"]
    assert [c.value for c in sheet[1]] == list(table.frame.columns)
    assert sheet["C2"].value == "Bloomfield" and sheet.max_row == 29
    assert [c.value for c in book["Notes"]["A"]][1:] == lines


def test_formula_like_text_is_inert_in_both_files(ward_table: pd.DataFrame, catalogue) -> None:
    table = ward_table.loc[[BLOOMFIELD]].copy()
    table["ward_name"] = '=HYPERLINK("http://evil.example","click")'
    table["lad_name"] = "@cmd"
    listing = target_table(table, pd.Series({BLOOMFIELD: 1}), [catalogue[r.id] for r in KEY])
    lines = ["=1+1 note"]
    csv_text = to_csv(listing.frame).decode("utf-8-sig")
    assert "'=HYPERLINK" in csv_text and ",'@cmd," in csv_text
    assert notes_csv(lines).decode("utf-8-sig").splitlines()[1] == "'=1+1 note"
    sheet = openpyxl.load_workbook(io.BytesIO(to_excel(listing, lines)))["Target wards"]
    assert sheet["C2"].value.startswith("'=HYPERLINK") and sheet["C2"].data_type == "s"
    headers = [c.value for c in sheet[1]]
    assert sheet.cell(row=2, column=headers.index("Local authority") + 1).value == "'@cmd"


def test_all_wards_export_has_every_ward_layer_and_target_rank_and_column_definitions(catalogue, ward_table) -> None:
    from geo.areas import make_area
    from layers.view import export_tables, layer_view
    from ui.panels import _stem

    view = layer_view(catalogue, ward_table, make_area(ward_table, LSC), "le_male_2016_20", None, "imd10")
    wards, definitions = export_tables(view, list(catalogue.values()), ward_table)
    assert len(wards) == 280 and wards["Ward code"].is_unique
    assert {"Life expectancy at birth (Male)", "IMD average score (IoD2025)", "Coastal (On the sea or an estuary)"} <= set(
        wards.columns)
    bloomfield = wards.set_index("Ward code").loc[BLOOMFIELD]
    assert bloomfield["Target rank: Most disadvantaged 10% of the ICB's wards"] == 1
    assert bloomfield["IMD average score (IoD2025)"] == 86.2
    assert pd.isna(wards.set_index("Ward").loc["Aughton & Holborn", "Target rank: Most disadvantaged 10% of the ICB's wards"])
    assert len(definitions) == len(catalogue) + len(TARGETINGS)  # every layer column, every rank column
    assert set(definitions["Column"]) >= {c for c in wards.columns if c.startswith("Target rank: ")}
    rank = definitions.set_index("Column").loc["Target rank: Most disadvantaged 10% of the ICB's wards"]
    assert rank["Definition"].endswith("Rank 1 = the most disadvantaged of the 28 target wards in the ICB; "
                                       "blank: not a target ward.") and rank["Unit"] == ""
    life = definitions.set_index("Column").loc["Life expectancy at birth (Male)"]
    assert "about 2 years above official" in life["Read with care"] and life["Higher is"] == "better"
    assert life["Value for Lancashire and South Cumbria ICB"].startswith("80.") and "Value for England" in definitions
    assert _stem(view) == f"wardlens_{LSC}_le_male_2016_20_imd10"  # every file says its area, layer and definition
    # Counts are whole numbers in the CSV (Bloomfield: 2,163 disabled residents), not "2163.0".
    rows = to_csv(wards).decode("utf-8-sig").splitlines()
    header, bloomfield_row = next(csv.reader(rows[:1])), next(r for r in csv.reader(rows) if r[0] == BLOOMFIELD)
    count = bloomfield_row[header.index("Disabled residents (number) (Census 2021)")]
    assert count == str(int(ward_table.at[BLOOMFIELD, "disabled_count_2021"])), count
