"""The place pack's target list: every target ward, ranked, as printed text with its column notes.

:func:`target_list_frame` and :func:`target_list_notes` are printed by the pack
(:func:`target_list_page`) and by the page's print view alike. Pure: no streamlit, no files.
"""

from __future__ import annotations

import math

import pandas as pd

from geo.bestfit import OVERLAY
from layers.view import LayerView
from report.document import Block, Bullets, Heading, PageBreak, Paragraph, Table

#: Marks a ward valued by areal overlay in the printed lists.
OVERLAY_MARK = "†"
OVERLAY_NOTE = ("† Valued by areal overlay: a very small ward with no Output Area of its own, valued from the areas "
                "it overlaps; listed, but its residents are counted in the wards their Output Areas lie in and not added to "
                "the totals.")


def _printf(fmt: str, value: object) -> str:
    """A target-list cell as the app's grid prints it (:class:`layers.export.TargetTable` formats)."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "no data"
    if isinstance(value, str):
        return value  # a suppressed count's label ("<5")
    return f"{value:,.0f}" if fmt == "localized" else fmt % value


def target_list_frame(view: LayerView) -> pd.DataFrame:
    """The ranked target list as printed text, every row: rank, ward (marked † when valued by areal
    overlay), ward code, local authority, residents, then each key indicator in the app grid's
    format (:class:`layers.export.TargetTable`; a suppressed count reads ``"<5"``). The pack and
    the page's print view both print this."""
    table = view.table
    frame = table.frame
    overlay = frame["Values by"].eq(OVERLAY).to_numpy()
    out = pd.DataFrame({
        "Rank": frame["Rank"].astype(int).to_numpy(),
        "Ward": [f"{w} {OVERLAY_MARK}" if o else w for w, o in zip(frame["Ward"], overlay)],
        "Ward code": frame["Ward code"].to_numpy(),
        "Local authority": frame["Local authority"].to_numpy(),
        "Residents": [_printf("localized", v) for v in frame["Population (Census 2021)"]],
    })
    for name, header in _headers(view).items():
        out[header] = [_printf(table.formats[name].replace("%%", ""), v) for v in frame[name]]
    return out


def _headers(view: LayerView) -> dict[str, str]:
    """Each key indicator column of the list: its short heading, with (%) for percentages."""
    table = view.table
    return {name: short + (" (%)" if table.formats[name] == "%.1f%%" else "")
            for name, (short, _) in table.labels.items()}


def target_list_notes(view: LayerView) -> list[str]:
    """What the list's columns are -- unit, period and caveat of each -- and its table notes."""
    headers = _headers(view)
    notes = ["Residents: Census 2021 usual residents (ONS)."]
    notes += [f"{headers[n]}: {s.record.full_title}, {s.record.unit}; {s.record.period}. "
              + (f"⚠ {s.record.warning} " if s.record.warning else "") + s.record.caveat
              for n, s in zip(headers, view.key_sources)]
    if view.table.frame["Values by"].eq(OVERLAY).any():
        notes.append(OVERLAY_NOTE)
    return [*notes, *view.table.notes]


def target_list_page(view: LayerView) -> list[Block]:
    """The target wards section: every target ward, ranked, with the notes on its columns."""
    cov = view.coverage
    if not cov.wards:
        return [PageBreak(), Heading(f"Target wards: {view.targeting.short}"),
                Paragraph(f"No ward of {view.area.name} is a target ward under this definition. {view.definition}")]
    out = target_list_frame(view)
    numbers = ["Residents", *_headers(view).values()]
    return [
        PageBreak(),
        Heading(f"Target wards: {view.targeting.short}"),
        Paragraph(f"{cov.wards:,} wards holding {cov.population:,} of the area's {cov.area_population:,} Census 2021 "
                  f"usual residents ({cov.share:.1%}), ranked worst first (rank 1 = most disadvantaged). "
                  f"{view.definition}"),
        Table(out, caption=f"The {len(out):,} target wards of {view.area.name}, ranked",
              align={c: "right" for c in numbers},
              widths=(0.5, 2.3, 1.2, 2.5, 0.9, *(0.85,) * (len(out.columns) - 5)) if len(out.columns) <= 7 else
                     (0.5, 2.1, 1.25, 2.1, 0.9, *(1.1,) * (len(out.columns) - 5)),
              size="normal" if len(out.columns) <= 7 else "small"),  # three indicators: smaller type
        Bullets(tuple(target_list_notes(view)), size="small"),
    ]
