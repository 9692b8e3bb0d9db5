"""The tracking page of the place pack and the JSON of ``python -m report track``, from one :class:`Tracking`.

:func:`tracking_page` gives the pack's blocks -- the reading in one sentence, key figures
(baseline, latest rate, target, the gap's change), the chart image with its text alternative
(:mod:`report.trackchart`), the latest periods as a table (a suppressed total reads "<5") and
the notes; :func:`tracking_summary` the same figures as a JSON-ready dict. Both read the numbers
from :func:`layers.tracking.track_goal`, so the app, the pack and the command line agree.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from geo.upload import neutralise_formulas
from layers.trackchart import chart_text
from layers.tracking import COHORT, REST, Tracking
from report.document import (Block, Bullets, Heading, Image, Keep, KeyFigure, KeyFigures, PageBreak, Paragraph,
                             Table)
from report.trackchart import render_tracking

#: Periods the pack's table lists (the latest ones).
TABLE_PERIODS = 12


def _number(value: float, digits: int = 2) -> str:
    return "–" if value is None or math.isnan(value) else f"{value:,.{digits}f}"


def latest_table(tracking: Tracking, n: int = TABLE_PERIODS) -> pd.DataFrame:
    """The cohort and the rest over the latest ``n`` periods as printed text: count (``"<5"`` when
    suppressed), rate and 95% CI, and the gap."""
    rows = []
    cohort, rest = tracking.series(COHORT), tracking.series(REST)
    for period in tracking.periods[-n:]:
        row = {"Period": str(period)}
        for name, frame in (("Cohort", cohort), ("Rest", rest)):
            r = frame.loc[period]
            row[f"{name}: count"] = f"<{tracking.threshold}" if r["suppressed"] else _number(r["count"], 0)
            row[f"{name}: rate (95% CI)"] = (f"{_number(r['rate'])} ({_number(r['lower'])}–{_number(r['upper'])})"
                                              if not math.isnan(r["rate"]) else "–")
        row["Gap"] = _number(tracking.gap.get(period, math.nan))
        rows.append(row)
    return pd.DataFrame(rows)


def _figures(tracking: Tracking) -> tuple[KeyFigure, ...]:
    base = tracking.baseline_periods
    latest = tracking.series(COHORT)["rate"].dropna()
    did = tracking.did
    figures = [
        KeyFigure(_number(tracking.baseline), "cohort baseline", f"{tracking.unit}, {base[0]} to {base[-1]}"),
        KeyFigure(_number(latest.iloc[-1]) if len(latest) else "–", f"cohort in {latest.index[-1]}"
                  if len(latest) else "cohort, latest", tracking.unit),
        KeyFigure(_number(tracking.target), f"target by {tracking.goal.deadline:%B %Y}", f"{tracking.change:+.0%}"),
    ]
    if did is not None:
        figures.append(KeyFigure(f"{did.relative:+.1%}", "gap change since the baseline",
                                 f"difference in differences {did.estimate:+.2f} (95% CI {did.lower:+.2f} to "
                                 f"{did.upper:+.2f})"))
    return tuple(figures)


def tracking_page(tracking: Tracking, source_name: str, png: bytes | None = None) -> list[Block]:
    """The pack's tracking page (a new page): reading, key figures, chart, latest periods, notes."""
    text = chart_text(tracking, source_name)
    png = png or render_tracking(tracking, text)
    table = latest_table(tracking)
    numbers = [c for c in table.columns if c != "Period"]
    return [
        PageBreak(),
        Heading(f"Tracking: {tracking.goal.title}"),
        Paragraph(f"{tracking.measure} in {tracking.area.name}, from {source_name} (your own data, computed by "
                  f"WardLens: not official statistics). Reading of the cohort's SPC chart: {tracking.reading}"
                  + (f" {tracking.advice}" if tracking.advice else "")),
        KeyFigures(_figures(tracking)),
        Image(png, alt=f"{text.alt} {text.spc_alt}", height=0.62),
        Paragraph(tracking.progress, size="small"),
        Keep((Heading("The latest periods", 2),
              Table(table, caption=f"The cohort and the rest of the area: counts and rates {tracking.unit} (gap = "
                                   "cohort − rest, in the same unit)", align={c: "right" for c in numbers}, size="small"))),
        Heading("Notes on tracking", 2),
        Bullets(tuple(tracking.notes), size="small"),
    ]


def tracking_pages(tracking: Tracking, source_name: str) -> tuple[str, list[Block]]:
    """The tracking page with its line for the pack's contents (the ``extra`` of :func:`report.pack.place_pack`)."""
    return (f"Tracking: {tracking.goal.title} — the cohort against the rest of the area from {source_name}, with "
            "its SPC reading."), tracking_page(tracking, source_name)


def _clean(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        return _clean(value.item())
    return value


def tracking_summary(tracking: Tracking, area_code: str, source_name: str) -> dict[str, Any]:
    """The figures of :func:`tracking_page` as a dict ready for ``json.dumps`` (NaN becomes None)."""
    spc, did, cohort = tracking.spc, tracking.did, tracking.series(COHORT)
    rows = tracking.table.assign(period=tracking.table["period"].astype(str))
    periods = [{k: _clean(v) for k, v in r.items()} for r in rows[["period", "group", "label", "count", "suppressed",
                                                                   "residents", "rate", "lower", "upper"]]
               .to_dict("records")]
    return {
        "goal": tracking.goal.id, "area_code": area_code, "area_name": tracking.area.name, "source": source_name,
        "measure": tracking.measure, "unit": tracking.unit, "reading": tracking.reading,
        "special_cause_since": None if spc is None or spc.special_cause_since is None else str(spc.special_cause_since),
        "variation": spc.variation if spc else None, "variation_icon": spc.variation_icon if spc else None,
        "assurance": tracking.assurance, "trial_limits": bool(spc.trial) if spc else None,
        "rebase_at": [str(p) for p in tracking.rebase_at],
        "baseline_periods": [str(tracking.baseline_periods[0]), str(tracking.baseline_periods[-1])],
        "latest_periods": [str(tracking.latest_periods[0]), str(tracking.latest_periods[-1])],
        "baseline": _clean(tracking.baseline), "rest_baseline": _clean(tracking.rest_baseline),
        "target": _clean(tracking.target), "change": tracking.change,
        "latest": _clean(cohort["rate"].dropna().iloc[-1]) if cohort["rate"].notna().any() else None,
        "did": None if did is None else {k: _clean(getattr(did, k)) for k in (
            "estimate", "lower", "upper", "se", "relative", "relative_lower", "relative_upper")},
        "progress": tracking.progress, "advice": tracking.advice,
        "cohort_wards": [str(w) for w in tracking.groups[0].wards],
        "trajectory": [{"date": d.date().isoformat(), "value": _clean(v)}
                       for d, v in zip(tracking.trajectory["date"], tracking.trajectory["value"])],
        "periods": periods, "notes": list(tracking.notes),
    }


def tracking_csv(tracking: Tracking, source_name: str) -> bytes:
    """Every group's count, denominator and rate by period as CSV (UTF-8 with BOM), a suppressed count
    reading "<5", then the notes; formula-like text neutralised."""
    table = tracking.table
    label = f"<{tracking.threshold}"
    out = pd.DataFrame({
        "period": table["period"].astype(str), "group": table["label"],
        "count": [label if hidden else ("" if math.isnan(c) else f"{c:.0f}")
                  for c, hidden in zip(table["count"], table["suppressed"])],
        "denominator": table["residents"].round(0), "rate_per_1000": table["rate"].round(4),
        "lower_95": table["lower"].round(4), "upper_95": table["upper"].round(4), "wards": table["wards"],
        "wards_left_out": table["wards_left_out"]})
    notes = pd.DataFrame({"period": ["", "Notes", f"Source: {source_name} (your own data, not published)",
                                     f"Unit: {tracking.unit}", f"SPC: {tracking.reading}", *tracking.notes]})
    body = pd.concat([neutralise_formulas(out), neutralise_formulas(notes)], ignore_index=True)
    return body.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")
