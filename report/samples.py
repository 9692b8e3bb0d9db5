"""Sample inputs for the renderers, from the committed data: for tests, the benchmark and examples.

:func:`sample_map` is a real view's static map -- :func:`layers.view.layer_view` of one layer
over one area, targets the worst 10% of its wards on that layer (``layer10``), made a
:class:`~report.staticmap.MapSpec` by :func:`report.mapspec.map_spec`, the path the app and the
place pack take. :func:`sample_document` is a document that exercises every block type.
"""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import pandas as pd

from geo import store
from geo.areas import ENGLAND
from layers import INDICATORS
from layers.sources import IOD2025, attribution_texts
from layers.style import Styled
from layers.view import layer_view
from report import inputs
from report.document import Document, Heading, Image, KeyFigure, KeyFigures, Note, PageBreak, Paragraph, Table
from report.mapspec import map_spec
from report.staticmap import MapSpec
from report.version import version

#: Lancashire and South Cumbria ICB, the app's default area (280 wards).
LSC = "E54000048"

ATTRIBUTION = " ".join(attribution_texts([IOD2025]))

#: The sample's targeting: the worst 10% of the area's wards on the layer shown.
SAMPLE_TARGETING = "layer10"


def sample_map(indicator: str = "imd_score_2025", icb: str | None = LSC, *, flags: tuple[str, ...] = (),
               shapes: gpd.GeoDataFrame | None = None,
               date: dt.date = dt.date(2026, 1, 15)) -> tuple[MapSpec, pd.Series, Styled]:
    """The map spec of ``indicator`` over an ICB (None: all England), targets the worst 10% of its wards.

    ``flags``: ids of flag layers to outline. ``shapes``: ward polygons at the area's level
    (``geo.store.read_ward_shapes``), read here when None. Returns the spec, the ward values
    and the styled layer (the view's own).
    """
    table = inputs.ward_table()
    area = inputs.area_of(icb or ENGLAND)
    view = layer_view(inputs.catalogue(), table, area, indicator, None, SAMPLE_TARGETING, flags)
    shapes = store.read_ward_shapes(area.level) if shapes is None else shapes
    spec = map_spec(view, shapes, table, generated=date, version=version())
    return spec, view.source.values(view.codes), view.styled


def sample_document(map_image: bytes, rows: int = 300, *, definitions: int = 12,
                    register: pd.DataFrame | None = None, date: dt.date = dt.date(2026, 1, 15)) -> Document:
    """A document with every block type: key figures, text, a note, the ``rows`` most deprived
    wards in England (IMD 2025) as a table, ``map_image`` on a landscape page, then the
    definitions of the first ``definitions`` indicators of the registry."""
    record = INDICATORS["imd_score_2025"]
    register = store.read_wards() if register is None else register
    scores = store.read_ward_columns({"imd": (record.file, record.column)})["imd"]
    worst = scores.nlargest(rows)
    table = pd.DataFrame({
        "Rank": range(1, len(worst) + 1),
        "Ward": register.loc[worst.index, "ward_name"].to_numpy(),
        "Code": worst.index.to_numpy(),
        "Local authority": register.loc[worst.index, "lad_name"].to_numpy(),
        "IMD score": worst.to_numpy(),
        "Residents": register.loc[worst.index, "population"].to_numpy(),
    })
    return Document(
        title="England's most deprived wards", subtitle="IMD 2025 average score by electoral ward (2025 boundaries)",
        date=date,
        blocks=(
            KeyFigures((KeyFigure(f"{len(register):,}", "wards in England"),
                        KeyFigure(f"{rows:,}", "most deprived wards listed"),
                        KeyFigure(f"{int(table['Residents'].sum()):,}", "residents in them", "Census 2021"))),
            Heading("About this pack"),
            Paragraph(record.definition),
            Paragraph(f"Method: {record.method_note}"),
            Note(record.caveat, title="Caveat"),
            Heading("The most deprived wards"),
            Table(table, caption=f"The {rows} wards with the highest IMD 2025 average score",
                  formats={"IMD score": ".1f", "Residents": ",.0f"}, widths=(0, 2, 0, 2, 0, 0)),
            PageBreak("landscape"),
            Heading("Map"),
            Image(map_image, alt="Map of the IMD 2025 average score by ward, darker for more deprived wards, "
                  "with the most deprived 10% outlined", caption=record.title),
            PageBreak(),
            Heading("Indicator definitions"),
            *(block for other in list(INDICATORS.values())[:definitions]
              for block in (Heading(f"{other.full_title}", 2), Paragraph(other.definition),
                            Paragraph(f"Source: {other.source.publisher}, {other.source.dataset} ({other.period})."))),
            Heading("Sources"),
            Paragraph(ATTRIBUTION),
        ))
