"""The place pack's goal page: cohort, baseline, target, people, detectability and the SII of one goal.

Everything on it comes from :func:`layers.goalview.goal_view`, as the Goals tab shows it.
Pure: no streamlit, no files.
"""

from __future__ import annotations

import math

import pandas as pd

from layers.goal_cohorts import RESIDENTS_SHARE, reading_text
from layers.goalview import GoalView
from report.document import Block, Bullets, Heading, KeyFigure, KeyFigures, Note, PageBreak, Paragraph, Table


def goal_page(goal: GoalView) -> list[Block]:
    """The goal's page: key figures, where the cohort starts, people, detectability, the gradient,
    who is in the cohort, and the notes."""
    record, det, grad = goal.record, goal.detectability, goal.gradient
    people = goal.impact.text
    blocks: list[Block] = [
        PageBreak(),
        Heading(f"Goal: {goal.goal.title}"),
        Paragraph(f"Modelled with {record.full_title}, {goal.period}; unit: {record.unit}. "
                  f"Source of the goal: {goal.goal.origin}."),
    ]
    if goal.goal.gap_note:
        blocks.append(Note(goal.goal.gap_note, title=f"The measure the goal names: {goal.goal.named_measure}"))
    blocks += [
        KeyFigures(tuple(_key_figures(goal))),
        Heading("Where the cohort starts", 2),
        Table(_estimates(goal), caption=f"{record.full_title}, {goal.period}",
              align={"Value": "right", "95% CI": "right", "Wards": "right"}),
        Paragraph(goal.cohort_gap),
        Paragraph(f"In people: {people}" if not math.isnan(goal.impact.change) or not people.startswith("A score")
                  else people),
        Heading("Is it plausible?", 2),
        Paragraph(goal.plausibility.text),
        Heading("Is the change detectable?", 2),
        Paragraph(det.text + (f" Data needed: {det.needs}" if det.detectable is None and det.needs else "")),
        Heading("The gradient across deprivation", 2),
        Paragraph(grad.text if grad is not None else "Too few wards to cut into deprivation groups."),
        *([Paragraph(grad.reading)] if grad is not None and grad.reading else []),
    ]
    if goal.scale_note:
        blocks.append(Paragraph(goal.scale_note))
    readings = reading_text(goal.reading_table)
    blocks += [
        Heading("Who is in the cohort", 2),
        Paragraph(goal.cohort.targeting.describe(record) + " " + goal.imd_edition[0].upper()
                  + goal.imd_edition[1:] + "."),
        Table(readings, caption="Readings of “the most disadvantaged wards” for this area",
              align={"Wards": "right", RESIDENTS_SHARE: "right", "Only in this reading": "right"}),
        Heading("Notes on the goal", 2),
        Bullets(tuple([*(n for n in goal.notes if not (goal.goal.gap_note and goal.goal.gap_note in n)),
                       *([grad.note] if grad is not None else [])]), size="small"),
    ]
    return blocks


def _key_figures(goal: GoalView) -> list[KeyFigure]:
    """Cohort, baseline, target, the detectability verdict, and the SII where there is one."""
    cohort, base, det, grad = goal.cohort.coverage, goal.baseline, goal.detectability, goal.gradient
    ci = (f"95% CI {goal.fmt(base.lower)} to {goal.fmt(base.upper)}" if base.has_interval
          else "no confidence interval")
    target = "no relative target" if math.isnan(goal.target) else goal.fmt(goal.target)
    verdict = {True: "Yes", False: "No", None: "Not known"}[det.detectable]
    figures = [
        KeyFigure(f"{cohort.wards:,}", "cohort wards" if not goal.within_place else "wards, within-place reading",
                  f"{cohort.population:,} residents, {cohort.share:.1%} of the area"),
        KeyFigure(goal.fmt(base.value), "baseline", f"{goal.record.unit}; {ci}"),
        KeyFigure(target, f"target by {goal.goal.deadline:%B %Y}", f"{goal.change:+.0%}"),
        KeyFigure(goal.plausibility.word, "plausible?",
                  f"{goal.plausibility.headline}; {goal.plausibility.pace_note}"),
        KeyFigure(verdict, "detectable by the deadline?",
                  f"smallest detectable change {abs(det.min_change):.1%}" if not math.isnan(det.min_change)
                  else "no counts to test with"),
    ]
    if grad is not None and not math.isnan(grad.sii):
        figures.append(KeyFigure(f"{grad.sii:,.3g}", f"SII ({grad.k} groups)",
                                 f"95% CI {grad.sii_lower:,.3g} to {grad.sii_upper:,.3g}"
                                 if not math.isnan(grad.sii_lower) else "no interval"))
    return figures


def _estimates(goal: GoalView) -> pd.DataFrame:
    """The cohort, the rest of the area and England: value, 95% interval, its method and wards."""
    rows = [("The cohort", goal.baseline), ("Rest of the area", goal.rest), ("England", goal.england)]
    return pd.DataFrame({
        "Group": [name for name, _ in rows],
        "Value": [goal.fmt(e.value) for _, e in rows],
        "95% CI": [f"{goal.fmt(e.lower)} to {goal.fmt(e.upper)}" if e.has_interval else "–" for _, e in rows],
        "Interval": [e.method or "none" for _, e in rows],
        "Wards": [f"{e.n_wards:,}" for _, e in rows],
    })
