"""The place pack (report/pack.py) and the static map of a view (report/mapspec.py) on the real data.

The app's default view -- Lancashire and South Cumbria ICB, IMD 2025, the most disadvantaged 10%
of the ICB's wards (28 wards, 221,247 residents) -- rendered to PDF and read back with pypdf: every
target ward is named, the residents figure is the one the app's heading shows, the sections are on
the pages expected, the attribution is there, the same inputs give the same bytes, numbers agree
with plain pandas, and each caveat sits on the page of the numbers it qualifies. Then a place
(Blackpool) with ward profiles and a goal, a place with no target ward, and a pack of an uploaded
count whose small values are suppressed ("<5", never 1-4).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image
from pypdf import PdfReader

from geo.upload import aggregate_to_wards, inspect_upload, read_reference, read_upload
from layers.data import read_published_summaries
from layers.goals import GOALS
from layers.goalview import goal_view
from layers.uploaded import USER_LAYER_PREFIX, user_layer
from layers.view import layer_view
from report import inputs
from report.document import Keep, Table, flat, render_pdf
from report.mapspec import map_spec
from report.pack import file_stem, place_pack
from report.pack_comparison import comparison_table
from report.pack_list import target_list_frame
from report.staticmap import CANVASES, render_map
from tests.conftest import LLR, LSC, ONS_OS_LINE

DATE = dt.date(2026, 1, 15)
VERSION = "9.9.9"
BLACKPOOL = "E06000009"
BLOOMFIELD, CLAREMONT = "E05015188", "E05015190"
CORPUS = Path(__file__).parent / "data" / "uploads"
BLACKBURN_CENTRAL = "E05011511"  # a target ward whose children's count (1-4) is suppressed
SMALL = re.compile(r"^\s*[1-4](\.0+)?\s*$")


def _pack(catalogue, table, key, layer="imd_score_2025", targeting="imd10", wards=(), goal=None, flags=()):
    area = inputs.area_of(key)
    return place_pack(catalogue, table, area, layer, None, targeting, flags, wards, shapes=inputs.ward_shapes("icb"),
                      official=read_published_summaries(), goal=goal, generated=DATE, version=VERSION)


def _pages(pdf: bytes) -> list[str]:
    return [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages]


def _sections(pdf: bytes) -> dict[str, int]:
    """Top-level bookmark title -> 1-based page."""
    reader = PdfReader(io.BytesIO(pdf))
    return {item.title: reader.get_destination_page_number(item) + 1 for item in reader.outline
            if not isinstance(item, list)}


@pytest.fixture(scope="module")
def lsc_view(catalogue, ward_table):
    return layer_view(catalogue, ward_table, inputs.area_of(LSC), "imd_score_2025", None, "imd10")


@pytest.fixture(scope="module")
def lsc_document(catalogue, ward_table):
    return _pack(catalogue, ward_table, LSC)


@pytest.fixture(scope="module")
def lsc_pdf(lsc_document) -> bytes:
    return render_pdf(lsc_document)


@pytest.fixture(scope="module")
def lsc_pages(lsc_pdf) -> list[str]:
    return _pages(lsc_pdf)


# --- the L&SC pack ---------------------------------------------------------------------------------

def test_every_target_ward_and_the_residents_the_app_shows(lsc_view, lsc_pages) -> None:
    names = list(lsc_view.table.frame["Ward"])
    assert len(names) == 28
    text = " ".join(lsc_pages)
    assert not [n for n in names if n not in text]
    cov = lsc_view.coverage
    shown = f"{cov.wards:,} wards, {cov.population:,} residents ({cov.share:.1%} of the area's population)"
    assert shown == "28 wards, 221,247 residents (12.9% of the area's population)"  # ui.panels.heading's wording
    assert shown in text and "221,247" in lsc_pages[0]  # the cover's key figure
    # the whole list is on its page, ranked, with residents: every row
    listing = lsc_pages[2]
    assert all(n in listing for n in names) and "7,567" in listing and "9,021" in listing  # Bloomfield ... Bastwell


def test_pages_and_sections_are_where_expected(lsc_pdf) -> None:
    reader = PdfReader(io.BytesIO(lsc_pdf))
    assert len(reader.pages) == 10  # the definitions, every source credited (a line a holder), run to a 4th page
    sizes = [(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages]
    assert sizes[1] == (842, 595) and all(s == (595, 842) for i, s in enumerate(sizes) if i != 1)  # map landscape
    sections = _sections(lsc_pdf)
    assert sections["In this pack"] == 1 and sections["Map: Index of Multiple Deprivation, average score (IoD2025)"] == 2
    assert sections["Target wards: Most disadvantaged 10% of the ICB's wards"] == 3
    assert sections["The target wards against the rest of the area, the ICB and England"] == 4
    assert sections["Definitions, caveats and sources"] > 4
    assert not any(t.startswith(("Goal:", "Ward profile:")) for t in sections)


def test_attribution_version_date_and_vintages(lsc_pages) -> None:
    text = " ".join(lsc_pages)
    assert ONS_OS_LINE in text
    assert "(MHCLG, English Indices of Deprivation 2025)" in text
    assert f"WardLens {VERSION} · 15 January 2026" in lsc_pages[0]
    assert "IoD2025 (indicators mostly 2021–23" in lsc_pages[0] and "Census 2021 usual residents (ONS)" in lsc_pages[0]
    assert all(p.endswith(f"Page {i} of {len(lsc_pages)}") for i, p in enumerate(lsc_pages, start=1))


def test_accessible_pdf_title_language_tags(lsc_pdf) -> None:
    reader = PdfReader(io.BytesIO(lsc_pdf))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB" and "/StructTreeRoot" in root
    assert reader.metadata["/Title"] == "Lancashire and South Cumbria ICB: health inequality by ward"
    xmp = reader.xmp_metadata.stream.get_data().decode()
    assert "pdfuaid" in xmp
    assert b"/Table" in lsc_pdf and b"/TH" in lsc_pdf and b"/Figure" in lsc_pdf and b"/Alt" in lsc_pdf


def test_same_inputs_same_bytes(catalogue, ward_table, lsc_pdf) -> None:
    assert render_pdf(_pack(catalogue, ward_table, LSC)) == lsc_pdf


def test_comparison_agrees_with_plain_pandas_and_mhclg(catalogue, ward_table, lsc_view) -> None:
    frame = comparison_table(lsc_view, catalogue, ward_table, read_published_summaries()).set_index("Indicator")
    imd = ward_table[ward_table["method_flag"] != "areal overlay"]
    lsc = imd[imd["icb_code"] == LSC]
    targets = lsc.loc[lsc.index.intersection(lsc_view.targets[lsc_view.targets].index)]

    def mean(rows: pd.DataFrame, column: str) -> float:
        ok = rows[column].notna()
        return float(np.average(rows.loc[ok, column], weights=rows.loc[ok, "population"]))

    row = frame.loc["Index of Multiple Deprivation, average score (IoD2025)"]
    assert row["Target wards"] == f"{mean(targets, 'imd_score_2025'):.1f}" == "56.0"
    assert row["Rest of the ICB"] == f"{mean(lsc.drop(targets.index), 'imd_score_2025'):.1f}"
    assert row["ICB"] == f"{mean(lsc, 'imd_score_2025'):.1f}" == "25.9"
    assert row["England"] == f"{mean(imd, 'imd_score_2025'):.1f}"
    official = frame.loc["Index of Multiple Deprivation, average score (IoD2025): MHCLG published"]
    assert (official["ICB"], official["Target wards"]) == ("25.8", "–")  # MHCLG's 25.813 beside our 25.86
    le = frame.loc["Life expectancy at birth, males (ranking estimate)"]
    with_le = int(targets["le_male_2016_20"].notna().sum())  # one target ward is in no MSOA's life expectancy
    assert le["Target wards"] == f"{mean(targets, 'le_male_2016_20'):.1f} (from {with_le} of 28 wards)" == "76.0 (from 27 of 28 wards)"
    assert le["Period"].startswith("2016-20")
    core20 = frame.loc["Residents in the national most deprived 20% of LSOAs (Core20) (IoD2025)"]
    assert core20["Target wards"] == f"{mean(targets, 'core20_share_2025'):.0%}"


def test_each_caveat_is_on_the_page_of_its_numbers(lsc_pages) -> None:
    le_caveat = "levels in this ONS ad hoc file run about 1.5-2.5 years above official life expectancy"
    with_le = [p for p in lsc_pages if "Life expectancy at birth, males" in p and "Table" in p]  # its numbers
    assert with_le and all(le_caveat in p for p in with_le)
    with_admissions = [p for p in lsc_pages if "Emergency hospital admissions (standardised ratio)" in p and "Table" in p]
    assert with_admissions and all("a ratio is not a rate per person" in p for p in with_admissions)


# --- a place with profiles and a goal; a place with no target ward ---------------------------------

@pytest.fixture(scope="module")
def blackpool(catalogue, ward_table):
    area = inputs.area_of(f"{LSC}/{BLACKPOOL}")
    goal = goal_view(catalogue, ward_table, area, GOALS["nea20"], components=inputs.components())
    document = _pack(catalogue, ward_table, f"{LSC}/{BLACKPOOL}", wards=(BLOOMFIELD, CLAREMONT), goal=goal)
    return goal, document, render_pdf(document)


def test_place_pack_has_the_goal_and_a_profile_per_ward(catalogue, ward_table, blackpool) -> None:
    goal, _, pdf = blackpool
    pages, sections = _pages(pdf), _sections(pdf)
    assert sections["Ward profile: Bloomfield"] < sections["Ward profile: Claremont"] < sections[
        "Definitions, caveats and sources"]
    goal_page = pages[sections[f"Goal: {GOALS['nea20'].title}"] - 1]
    assert f"{goal.cohort.coverage.wards:,}" in goal_page and goal.fmt(goal.baseline.value) in goal_page
    assert "detectable by the deadline?" in goal_page and "Yes" in goal_page
    assert f"{goal.gradient.sii:,.3g}" in goal_page  # the SII key figure
    assert "plausible?" in goal_page and goal.plausibility.word in goal_page  # beside "detectable?"
    words = " ".join(" ".join(pages).split())
    assert "Is it plausible?" in words and "No past rate of change is available" in words
    bloomfield = pages[sections["Ward profile: Bloomfield"] - 1]
    assert "E05015188" in bloomfield and "7,567 residents (Census 2021)" in bloomfield
    assert "Most disadvantaged 10% of the ICB's wards: yes (rank 1 of 7 in Blackpool)" in bloomfield
    # the place column and MHCLG's Blackpool figure (rank 1 of 296 local authorities)
    comparison = pages[sections["The target wards against the rest of the area, the ICB and England"] - 1]
    assert "Rest of Blackpool" in comparison and "43.5" in comparison and "rank 1 of 296 local authorities" in comparison


def test_a_place_with_no_target_ward_says_so(catalogue, ward_table) -> None:
    document = _pack(catalogue, ward_table, f"{LSC}/E06000065")  # North Yorkshire: one ward in L&SC
    text = " ".join(p.text for p in flat(document.blocks) if hasattr(p, "text"))
    assert "No ward of North Yorkshire (Lancashire and South Cumbria ICB) is a target ward" in text
    assert not any(isinstance(b, Table) and "Rank" in b.frame.columns for b in flat(document.blocks))
    assert "of which 1 of its" in text and "(whole LA)" in " ".join(
        c for b in flat(document.blocks) if isinstance(b, Table) for row in b.cells() for c in row)


def test_bad_requests_are_refused(catalogue, ward_table, blackpool) -> None:
    goal = blackpool[0]
    with pytest.raises(ValueError, match="not in Blackpool"):
        _pack(catalogue, ward_table, f"{LSC}/{BLACKPOOL}", wards=("E05005150",))  # Bank Hall, Burnley
    with pytest.raises(ValueError, match="modelled for Blackpool"):
        _pack(catalogue, ward_table, LSC, goal=goal)


def test_keep_groups_hold_a_table_and_its_caveats(lsc_document) -> None:
    kept = [b for b in lsc_document.blocks if isinstance(b, Keep)]
    assert kept and all(isinstance(b.blocks[1], Table) and "Period" in b.blocks[1].frame.columns for b in kept)


# --- an uploaded count: suppressed values read "<5" everywhere --------------------------------------

@pytest.fixture(scope="module")
def children():
    reference = read_reference()
    name = "lsc_lsoa21_5plus_ltc.csv"
    wards = aggregate_to_wards(inspect_upload(read_upload(name, (CORPUS / name).read_bytes()), reference), reference)
    return user_layer(f"{USER_LAYER_PREFIX}1", wards, "Aged 0-17 with 5+ long-term conditions",
                      title="Children with 5+ LTCs", unit="children", higher_is_worse=True, source_name=name)


def test_an_uploaded_count_pack_shows_lt5_never_the_hidden_value(catalogue, ward_table, children) -> None:
    session = {**catalogue, children.id: children}
    document = _pack(session, ward_table, LSC, layer=children.id, wards=(BLACKBURN_CENTRAL,))
    column = "Children with 5+ LTCs ⚠"  # the list's heading carries the layer's warning, as on screen
    tables = [b for b in flat(document.blocks) if isinstance(b, Table)]
    listing = next(t for t in tables if column in t.frame.columns)
    cells = list(listing.frame[column])
    hidden = int(children.suppressed.reindex(listing.frame["Ward code"]).sum())
    assert cells.count("<5") == hidden > 0 and not [c for c in cells if SMALL.match(c)]
    assert listing.frame.set_index("Ward code").at[BLACKBURN_CENTRAL, column] == "<5"
    profile = next(t for t in tables if "Blackburn Central" in t.frame.columns and
                   t.frame["Indicator"].str.startswith("Children with 5+ LTCs").any())
    assert profile.frame.set_index("Indicator").at["Children with 5+ LTCs (Your data)", "Blackburn Central"] == "<5"
    every_cell = [c for t in tables for row in t.cells() for c in row]
    assert "fewer than 5" not in every_cell
    comparison = next(t for t in tables if "Target wards" in t.frame.columns and
                      t.frame["Indicator"].str.startswith("Children with 5+ LTCs").any())
    row = comparison.frame.set_index("Indicator").loc["Children with 5+ LTCs (Your data)"]
    assert row["Target wards"].endswith("in your file") and row["England"].endswith("in your file")
    text = " ".join(_pages(render_pdf(document)))
    assert "<5" in text and "Your upload — not published" in text and "Counts from 1 to 4 are suppressed" in text


# --- the static map of a view ------------------------------------------------------------------------

def test_view_map_png_is_exact_not_blank_in_legend_colours(lsc_view, ward_table) -> None:
    spec = map_spec(lsc_view, inputs.ward_shapes("icb"), ward_table, generated=DATE, version=VERSION)
    assert spec.title == "Index of Multiple Deprivation, average score (IoD2025): Lancashire and South Cumbria ICB"
    assert "28 wards, 221,247 residents" in spec.subtitle and "quantiles within the area" in spec.subtitle
    assert spec.footer.startswith(f"WardLens {VERSION} · 15 January 2026 · Data: ")
    assert spec.colour.equals(lsc_view.styled.colour)  # the web map's colours, not a second styling path
    for size, canvas in CANVASES.items():
        image = Image.open(io.BytesIO(render_map(spec, fmt="png", size=size))).convert("RGB")
        assert image.size == (canvas.width_px, canvas.height_px)
        colours = {"#%02x%02x%02x" % c for _, c in image.getcolors(maxcolors=1 << 20)}
        assert {e.colour for e in spec.legend.entries} <= colours


def test_file_names_say_area_layer_and_definition() -> None:
    assert file_stem(inputs.area_of(LSC), "imd_score_2025", "imd10") == \
        "wardlens_lancashire-and-south-cumbria-icb_E54000048_imd_score_2025_imd10"
    assert file_stem(inputs.area_of(f"{LLR}/E06000016"), "le_male_2016_20", "place10") == \
        "wardlens_leicester_E06000016_le_male_2016_20_place10"
    assert file_stem(inputs.area_of("england"), "upload-2", "core20") == "wardlens_england_upload_2_core20"


def test_target_list_frame_is_every_row_as_the_grid_prints_it(lsc_view) -> None:
    frame = target_list_frame(lsc_view)
    assert list(frame.columns) == ["Rank", "Ward", "Ward code", "Local authority", "Residents",
                                   "IMD average score", "Core20 share (%)"]
    assert len(frame) == 28 and list(frame["Rank"]) == list(range(1, 29))
    assert frame.iloc[0].tolist() == [1, "Bloomfield", BLOOMFIELD, "Blackpool", "7,567", "86.2", "100.0"]


def test_a_map_carries_its_layers_caveat(catalogue, ward_table) -> None:
    view = layer_view(catalogue, ward_table, inputs.area_of(f"{LSC}/{BLACKPOOL}"), "le_male_2016_20", None, "place10",
                      ("coastal_flag",))
    spec = map_spec(view, inputs.ward_shapes("icb"), ward_table, generated=DATE, version=VERSION)
    assert "run about 1.5-2.5 years above official life expectancy" in spec.note and spec.note.startswith("Caveat (")
    assert "Made with Natural Earth" in spec.attribution  # the coastal flag's source, outlined
    svg = render_map(spec, fmt="svg").decode()
    assert "Ranking and comparison layer only." in svg
