"""The target ward list as a table, and as CSV / Excel files that carry their own notes.

Both files say what they hold: the area, the targeting definition, the data period and
source of every column, the attribution the licences ask for, and when they were made. CSV
puts these notes in a block of one-cell rows above the table (UTF-8 with a byte-order mark,
so Excel shows "©" and "–" correctly; the table's header row follows the first empty row);
Excel puts them on a "Notes" sheet. Text cells that a spreadsheet would run as a formula
(starting ``=``, ``+``, ``-``, ``@``, tab or carriage return, unless they are just a number) are
prefixed with ``'`` (:func:`geo.upload.safety.neutralise`, the one rule for every export).

An uploaded count's suppressed small values (:class:`layers.source.Suppression`) are written as ``"<5"``
(the threshold) on screen and in both files, never as the hidden number, and the table's
notes say how many of its cells that is.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from geo.upload.safety import neutralise, neutralise_formulas
from layers.indicator import Indicator
from layers.source import LayerSource
from layers.sources import ONS_OS_ATTRIBUTION


def is_share(record: Indicator) -> bool:
    """Whether the record's values are shares (0-1) shown as percentages (its format ends in ``%``)."""
    return record.value_format.endswith("%")


def column_name(record: Indicator) -> str:
    """The table heading for a record: family and edition, with ``(%)`` for shares."""
    return f"{record.family} ({record.variant})" + (" (%)" if is_share(record) else "")


@dataclass(frozen=True)
class TargetTable:
    """The ranked target wards: ``frame`` (one row per ward, worst first), each numeric column's
    printf format (``"%.1f"``, ``"%.1f%%"`` for percentages, ``"localized"`` for counts) and,
    for the indicator columns, a short on-screen label and the full title.

    ``labelled``: columns where suppressed cells hold a text label (``"<5"``) among the numbers;
    ``notes``: what the export notes must add about them (how many cells are suppressed).
    """

    frame: pd.DataFrame
    formats: dict[str, str]
    labels: dict[str, tuple[str, str]]
    labelled: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    def screen_frame(self) -> pd.DataFrame:
        """The frame for the screen: each labelled column as text (numbers in its format, labels as
        they are, blank for no data), since a grid column cannot mix numbers and text."""
        out = self.frame.copy()
        for name in self.labelled:
            out[name] = [None if v is None or (isinstance(v, float) and v != v) else
                         v if isinstance(v, str) else _printf(self.formats[name], v) for v in out[name]]
        return out


def _printf(fmt: str, value: float) -> str:
    return f"{value:,.0f}" if fmt == "localized" else fmt % value


def target_table(register: pd.DataFrame, ranks: pd.Series, sources: Sequence[LayerSource]) -> TargetTable:
    """Rows for the ranked target wards (``ranks``: rank by ward_code) with a column per layer.

    ``register``: the ward register indexed by ward_code. Shares are shown as percentages
    (x 100); other values as they are. A layer's suppressed small counts read ``"<5"`` (the
    threshold) and the table's notes count them.
    """
    rows = register.loc[ranks.sort_values().index]
    frame = pd.DataFrame({
        "Rank": ranks.sort_values().to_numpy(),
        "Ward code": rows.index.astype(str),
        "Ward": rows["ward_name"].astype(str).to_numpy(),
        "Local authority": rows["lad_name"].astype(str).to_numpy(),
        "Population (Census 2021)": rows["population"].astype("Int64").to_numpy(),
    })
    formats = {"Rank": "%d", "Population (Census 2021)": "localized"}
    labels = {}
    labelled, table_notes = [], []
    families = [s.record.family for s in sources]
    for source in sources:
        r = source.record
        name = column_name(r)
        values = source.values(rows.index).to_numpy(dtype=float)
        frame[name] = values * 100 if is_share(r) else values
        formats[name] = "%.1f%%" if is_share(r) else "%.1f"
        short = r.family if families.count(r.family) == 1 else f"{r.family} ({r.variant})"
        labels[name] = (short, f"{r.title} ({r.variant}), {r.unit}")
        hidden = source.suppression
        if hidden is not None:
            mask = hidden.hidden(rows.index).to_numpy()
            formats[name] = "localized"  # suppression applies to counts, shown as whole numbers
            frame[name] = pd.Series([hidden.label if m else (None if v != v else int(round(v)))
                                     for v, m in zip(values, mask)], dtype=object)
            labelled.append(name)
            table_notes.append(f"Column {name}: {int(mask.sum())} of the {len(frame)} listed wards have a count "
                               f"from 1 to {hidden.threshold - 1}, suppressed to protect confidentiality and "
                               f"written '{hidden.label}'.")
    frame["Values by"] = rows["method_flag"].astype(str).to_numpy()
    return TargetTable(frame, formats, labels, tuple(labelled), tuple(table_notes))


def notes(*, area: str, definition: str, coverage: str, records: Iterable[Indicator], layer: Indicator,
          generated: str, extra: Sequence[str] = ()) -> list[str]:
    """The lines that explain an export: what, where, how defined, periods, sources and attribution
    (``extra``: lines about this table, e.g. :attr:`TargetTable.notes`, after the columns')."""
    records = list(dict.fromkeys([*records, layer]))
    lines = [
        "WardLens: target wards",
        f"Area: {area}",
        f"Definition: {definition}",
        f"Coverage: {coverage}",
        f"Layer on the map: {layer.title} ({layer.variant})",
        "Population: Census 2021 usual residents (ONS). Wards valued by areal overlay (very small wards) "
        "are listed but not added to totals: their residents are counted in a best-fit ward.",
    ]
    for r in records:
        lines.append(f"Column {column_name(r)}: {r.definition} Period: {r.period}. Ward values: {r.method_note} "
                     f"Source: {r.source.dataset}, {r.source.publisher} ({r.source.licence}).")
    lines.extend(extra)
    lines.append(f"Attribution: {ONS_OS_ATTRIBUTION}")
    for attribution in dict.fromkeys(r.source.attribution for r in records):
        lines.append(f"Attribution: {attribution}")
    lines.append(f"Generated: {generated} by WardLens")
    return lines


def to_csv(frame: pd.DataFrame, note_lines: Sequence[str]) -> bytes:
    """CSV bytes: the notes (one cell per row), an empty row, then the table. UTF-8 with BOM.

    Read it back with ``pandas.read_csv(f, skiprows=len(note_lines) + 1)``.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for line in note_lines:
        writer.writerow([neutralise(line)])
    writer.writerow([])
    neutralise_formulas(frame).to_csv(buffer, index=False, lineterminator="\r\n")
    return buffer.getvalue().encode("utf-8-sig")


def _excel_format(printf: str) -> str:
    return {"%d": "0", "localized": "#,##0", "%.1f%%": '0.0"%"', "%.1f": "0.0"}.get(printf, "General")


def to_excel(table: TargetTable, note_lines: Sequence[str], sheet: str = "Target wards") -> bytes:
    """An .xlsx with the table (bold header, frozen, formatted numbers) and a "Notes" sheet."""
    from openpyxl.styles import Alignment, Font

    buffer = io.BytesIO()
    frame = neutralise_formulas(table.frame)
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame.to_excel(writer, sheet_name=sheet, index=False)
        pd.DataFrame({"Notes": [neutralise(line) for line in note_lines]}).to_excel(
            writer, sheet_name="Notes", index=False)
        ws = writer.sheets[sheet]
        ws.freeze_panes = "A2"
        for j, name in enumerate(frame.columns, start=1):
            letter = ws.cell(row=1, column=j).column_letter
            ws.cell(row=1, column=j).font = Font(bold=True)
            ws.cell(row=1, column=j).alignment = Alignment(wrap_text=True, vertical="top")
            width = max([len(str(name)) // 2 + 2, *(len(str(v)) + 2 for v in frame.iloc[:, j - 1])], default=10)
            ws.column_dimensions[letter].width = min(max(width, 8), 40)
            fmt = _excel_format(table.formats.get(table.frame.columns[j - 1], ""))
            for i in range(2, len(frame) + 2):
                ws.cell(row=i, column=j).number_format = fmt
        notes_ws = writer.sheets["Notes"]
        notes_ws.column_dimensions["A"].width = 140
        notes_ws.cell(row=1, column=1).font = Font(bold=True)
        for i in range(2, len(note_lines) + 2):
            notes_ws.cell(row=i, column=1).alignment = Alignment(wrap_text=True, vertical="top")
    return buffer.getvalue()
