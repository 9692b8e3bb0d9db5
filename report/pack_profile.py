"""The place pack's ward profile page: every indicator of one ward beside its local authority, ICB and England.

From :func:`layers.profile.ward_profile`, as the app's profile shows it; a suppressed small count
reads ``"<5"``. Pure: no streamlit, no files.
"""

from __future__ import annotations

import pandas as pd

from geo.areas import icb_short_name
from geo.bestfit import OVERLAY
from layers.profile import PUBLISHED_MARK, Published, ward_profile
from layers.source import LayerSource
from layers.targets import TARGETINGS
from layers.view import Catalogue, LayerView
from report.document import Block, Bullets, Heading, Keep, PageBreak, Paragraph, Table
from report.pack_definitions import caveat_lines, records_by_theme

def _hidden_label(source: LayerSource, ward: str) -> str | None:
    """``"<5"`` when ``ward``'s value of ``source`` is a suppressed small count, else None."""
    hidden = source.suppression
    if hidden is not None and bool(hidden.hidden(pd.Index([ward])).iloc[0]):
        return hidden.label
    return None


def profile_page(view: LayerView, catalogue: Catalogue, register: pd.DataFrame, ward: str,
             official: Published | None) -> list[Block]:
    """A ward's profile page: its target status, then each theme's indicators beside its local authority,
    ICB and England, with the caveats."""
    sources = list(catalogue.values())
    profile = ward_profile(sources, register, ward, official)
    for i, source in enumerate(sources):
        label = _hidden_label(source, ward)
        if label:
            profile.at[i, "Ward"] = label
    row = register.loc[ward]
    name = str(row["ward_name"])
    method = ("values by areal overlay: a very small ward with no Output Area of its own, valued from the areas it "
              "overlaps" if row["method_flag"] == OVERLAY else "values from its Census 2021 Output Areas and the small "
              "areas they lie in")
    status = view.status(ward)
    frame = pd.DataFrame({
        "Indicator": profile["Indicator"],
        "Unit": profile["Unit"],
        name: profile["Ward"],
        "Local authority": profile["Local authority"],
        "ICB": profile["ICB"],
        "England": profile["England"],
        "Rank in ICB": profile["Rank in ICB (1 = worst)"],
        "Period": profile["Period"],
    })
    numbers = (name, "Local authority", "ICB", "England", "Rank in ICB")
    blocks: list[Block] = [
        PageBreak(),
        Heading(f"Ward profile: {name}"),
        Paragraph(f"{row['lad_name']} · {icb_short_name(str(row['icb_name']))} · ward code {ward} · "
                  f"{int(row['population']):,} residents (Census 2021) · {method}."),
        Paragraph("Target ward? " + " · ".join(f"{TARGETINGS[t].short}: {s}" for t, s in status.items())),
    ]
    themes = [s.record.theme for s in sources]
    for theme, members in records_by_theme([s.record for s in sources]).items():
        rows = frame[[t == theme for t in themes]]
        blocks.append(Keep((
            Heading(theme, 2),
            Table(rows, caption=f"{name}: {theme.lower()} beside its local authority, ICB and England (rank among "
                                f"the ICB's wards with a value, 1 = worst; “{PUBLISHED_MARK.strip(' ·')}”: MHCLG's "
                                "published figure)",
                  align={c: "right" for c in numbers}, widths=(2.3, 1.1, 0.9, 0.95, 0.9, 0.9, 0.95, 1.6),
                  size="small"),
            Bullets(tuple(caveat_lines(members)), size="small"),
        )))
    return blocks
