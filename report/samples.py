"""Sample inputs for the renderers, from the committed data: for tests, the benchmark and examples.

Not the place pack's content (another module assembles that from the app's view functions):
just enough to draw a real map -- one indicator over one area, styled with
:func:`layers.style.style_layer`, the worst 10% of wards as targets (:func:`geo.targeting.select`)
-- and a document that exercises every block type.
"""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import pandas as pd

from geo import store
from geo.areas import Area, area_mask, make_area
from geo.targeting import select
from layers import INDICATORS
from layers.mapview import flag_outlines
from layers.style import Styled, style_layer
from report.document import Document, Heading, Image, KeyFigure, KeyFigures, Note, PageBreak, Paragraph, Table
from report.staticmap import MapSpec

#: Lancashire and South Cumbria ICB, the app's default area (280 wards).
LSC = "E54000048"

ATTRIBUTION = ("Source: Office for National Statistics licensed under the Open Government Licence v.3.0. "
               "Contains OS data © Crown copyright and database right 2025. Contains public sector information "
               "licensed under the Open Government Licence v3.0 (MHCLG, English Indices of Deprivation 2025).")


def sample_map(indicator: str = "imd_score_2025", icb: str | None = LSC, *, flags: tuple[str, ...] = (),
               register: pd.DataFrame | None = None, shapes: gpd.GeoDataFrame | None = None,
               date: dt.date = dt.date(2026, 1, 15)) -> tuple[MapSpec, pd.Series, Styled]:
    """The map spec of ``indicator`` over an ICB (None: all England), targets the worst 10% of its wards.

    ``flags``: ids of flag indicators to outline. ``register``/``shapes``: already read tables
    (``geo.store.read_wards`` / ``read_ward_shapes``), read here when None. Returns the spec, the
    ward values and the styled layer.
    """
    record = INDICATORS[indicator]
    register = store.read_wards() if register is None else register
    area: Area = make_area(register, icb)
    level = area.level
    shapes = store.read_ward_shapes(level) if shapes is None else shapes
    in_area = register[area_mask(register, area)]
    columns = {record.id: (record.file, record.column),
               **{f: (INDICATORS[f].file, INDICATORS[f].column) for f in flags}}
    table = store.read_ward_columns(columns).reindex(register.index)
    values = table[record.id].reindex(in_area.index)
    styled = style_layer(record, values, table[record.id])
    targets = select(values, "worst share", 0.10, record.higher_is_worse)
    outlines = tuple(flag_outlines([(INDICATORS[f], table[f].reindex(in_area.index)) for f in flags]))
    spec = MapSpec(
        wards=shapes.loc[in_area.index],
        colour=styled.colour,
        legend=styled.legend,
        lads=in_area[["lad_code", "lad_name"]],
        title=f"{record.title}, {area.name}",
        subtitle=f"{record.period} · electoral wards (2025 boundaries) · {styled.legend.scheme}",
        targets=targets,
        target_label=f"Worst 10% of wards ({int(targets.sum())})",
        outlines=outlines,
        attribution=ATTRIBUTION,
        footer=f"WardLens · {date:%-d %B %Y} · {record.source.dataset}",
        level=level,
    )
    return spec, values, styled


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
              for block in (Heading(f"{other.title} ({other.variant})", 2), Paragraph(other.definition),
                            Paragraph(f"Source: {other.source.publisher}, {other.source.dataset} ({other.period})."))),
            Heading("Sources"),
            Paragraph(ATTRIBUTION),
        ))
