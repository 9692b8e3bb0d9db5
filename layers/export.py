"""The ward tables the app exports -- the ranked target list and every ward of the area -- as CSV and Excel.

A CSV file holds one clean table (a header row, then one row per ward, values rounded to the
places the app shows; UTF-8 with a byte-order mark, so Excel shows "©" and "–" correctly) that
``pandas.read_csv`` and Excel's data import read as it is. What the tables mean -- the area, the
targeting definition, each column's definition, period, method, warning and source, the
attribution the licences ask for, when they were made -- goes in the notes (a CSV of its own, and
the Excel workbook's "Notes" and "Column definitions" sheets). Text cells that a spreadsheet would run as a formula
(starting ``=``, ``+``, ``-``, ``@``, tab or carriage return, unless they are just a number) are
prefixed with ``'`` (:func:`geo.upload.safety.neutralise`, the one rule for every export).

An uploaded count's suppressed small values (:class:`layers.source.Suppression`) are written as ``"<5"``
(the threshold) on screen and in both files, never as the hidden number, and the table's
notes say how many of its cells that is.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo.upload.safety import neutralise, neutralise_formulas
from layers.indicator import Indicator
from layers.source import LayerSource
from layers.sources import attribution_texts


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


def decimals(record: Indicator) -> int:
    """Decimal places a table shows for ``record``: its format's, one more for shares shown as %."""
    match = re.search(r"\.(\d+)", record.value_format)
    places = int(match.group(1)) if match else 0
    return places + 1 if is_share(record) else places


@dataclass(frozen=True)
class _Columns:
    """Indicator columns for some wards: values (rounded; "<5" where suppressed), printf formats,
    on-screen labels, the columns holding text labels, and notes about them."""

    values: dict[str, object]
    formats: dict[str, str]
    labels: dict[str, tuple[str, str]]
    labelled: tuple[str, ...]
    notes: tuple[str, ...]


def _indicator_columns(sources: Sequence[LayerSource], codes: pd.Index) -> _Columns:
    values, formats, labels, labelled, table_notes = {}, {}, {}, [], []
    families = [s.record.family for s in sources]
    for source in sources:
        r = source.record
        name = column_name(r)
        raw = source.values(codes).to_numpy(dtype=float)
        places = decimals(r)
        rounded = np.round(raw * 100 if is_share(r) else raw, places)
        values[name] = pd.array(rounded, dtype="Int64") if places == 0 else rounded  # 595, not 595.0
        formats[name] = f"%.{places}f%%" if is_share(r) else f"%.{places}f"
        short = r.family if families.count(r.family) == 1 else f"{r.family} ({r.variant})"
        labels[name] = (f"{short} ⚠" if r.warning else short,
                        f"{r.full_title}, {r.unit}." + (f" ⚠ {r.warning}" if r.warning else ""))
        hidden = source.suppression
        if hidden is not None:
            mask = hidden.hidden(codes).to_numpy()
            if places == 0:
                formats[name] = "localized"
            values[name] = pd.Series([hidden.label if m else None if v != v else round(v, places) if places
                                      else int(round(v)) for v, m in zip(rounded, mask)], dtype=object).to_numpy()
            labelled.append(name)
            whose = "a count" if r.aggregation == "sum" else "a rate made from a count"
            table_notes.append(f"Column {name}: {int(mask.sum())} of the {len(codes)} listed wards have {whose} "
                               f"from 1 to {hidden.threshold - 1} (or one that would reveal it), suppressed to "
                               f"protect confidentiality and written '{hidden.label}'.")
    return _Columns(values, formats, labels, tuple(labelled), tuple(table_notes))


def _lead(rows: pd.DataFrame) -> dict[str, object]:
    return {"Ward code": rows.index.astype(str), "Ward": rows["ward_name"].astype(str).to_numpy()}


def _tail(rows: pd.DataFrame) -> dict[str, object]:
    return {"Local authority": rows["lad_name"].astype(str).to_numpy(),
            "Population (Census 2021)": rows["population"].astype("Int64").to_numpy(),
            "Values by": rows["method_flag"].astype(str).to_numpy()}


def target_table(register: pd.DataFrame, ranks: pd.Series, sources: Sequence[LayerSource]) -> TargetTable:
    """Rows for the ranked target wards (``ranks``: rank by ward_code) with a column per layer.

    ``register``: the ward register indexed by ward_code; ``sources``: the layers to show, the one
    that decides the ranking first. Shares are shown as percentages (x 100); values are rounded to
    the places the app shows. A layer's suppressed small counts read ``"<5"`` (the threshold) and
    the table's notes count them.
    """
    order = ranks.sort_values()
    rows = register.loc[order.index]
    columns = _indicator_columns(sources, rows.index)
    frame = pd.DataFrame({"Rank": order.to_numpy(), **_lead(rows), **columns.values, **_tail(rows)})
    formats = {"Rank": "%d", "Population (Census 2021)": "localized", **columns.formats}
    return TargetTable(frame, formats, columns.labels, columns.labelled, columns.notes)


#: The heading of an all-wards export's rank columns, before the targeting definition's name.
RANK_COLUMN = "Target rank: "


def all_wards_table(register: pd.DataFrame, codes: pd.Index, sources: Sequence[LayerSource],
                    statuses: Mapping[str, pd.Series]) -> pd.DataFrame:
    """Every ward of the area (``codes``) with every layer, then its rank under each targeting
    definition (``statuses``: column heading -> rank by ward_code; blank where not a target)."""
    rows = register.loc[codes]
    columns = _indicator_columns(sources, rows.index)
    ranks = {f"{RANK_COLUMN}{name}": ranks.reindex(rows.index).astype("Int64").to_numpy()
             for name, ranks in statuses.items()}
    return pd.DataFrame({**_lead(rows), **_tail(rows), **columns.values, **ranks})


def definitions_table(sources: Sequence[LayerSource], area_values: Mapping[str, str],
                      england_values: Mapping[str, str], area_name: str) -> pd.DataFrame:
    """One row per layer column of the exports: what it is, its period, method, source and licence,
    the warning to read it with, and its value for the area and England (as text, by layer id)."""
    return pd.DataFrame([{
        "Column": column_name(s.record), "Indicator": s.record.title, "Edition": s.record.variant,
        "Unit": s.record.unit, "Period": s.record.period, "Definition": s.record.definition,
        "How ward values were made": s.record.method_note, "Read with care": s.record.warning,
        f"Value for {area_name}": area_values.get(s.record.id, ""), "Value for England": england_values.get(s.record.id, ""),
        "Higher is": "neither (context)" if s.record.context else "worse" if s.record.higher_is_worse else "better",
        "Caveat": s.record.caveat, "Source": f"{s.record.source.dataset}, {s.record.source.publisher}",
        "Licence": s.record.source.licence,
    } for s in sources])


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
        f"Layer on the map: {layer.full_title}",
        "Population: Census 2021 usual residents (ONS) of the Output Areas whose population-weighted centroid "
        "lies in the ward. Wards valued by areal overlay (very small wards holding no Output Area) are listed but "
        "not added to totals: their residents are counted in the wards their Output Areas lie in.",
    ]
    for r in records:
        lines.append(f"Column {column_name(r)}: {r.definition} Period: {r.period}. Ward values: {r.method_note} "
                     f"Source: {r.source.dataset}, {r.source.publisher} ({r.source.licence}).")
        if r.warning:
            lines.append(f"Read with care, column {column_name(r)}: {r.warning}")
    lines.extend(extra)
    lines.extend(f"Attribution: {text}" for text in attribution_texts(r.source for r in records))
    lines.append(f"Generated: {generated} by WardLens")
    return lines


def to_csv(frame: pd.DataFrame) -> bytes:
    """A clean CSV of ``frame``: header row, then the rows; UTF-8 with a BOM, formula-like text made inert."""
    return neutralise_formulas(frame).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def notes_csv(note_lines: Sequence[str], definitions: pd.DataFrame | None = None) -> bytes:
    """The notes as a CSV: one "Note" per row, then (if given) the column definitions table after a blank row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["Note"])
    for line in note_lines:
        writer.writerow([neutralise(line)])
    if definitions is not None:
        writer.writerow([])
        neutralise_formulas(definitions).to_csv(buffer, index=False, lineterminator="\r\n")
    return buffer.getvalue().encode("utf-8-sig")


def _excel_format(printf: str) -> str:
    if printf == "localized":
        return "#,##0"
    match = re.fullmatch(r"%\.(\d+)f(%%)?", printf)
    if not match:
        return "0" if printf == "%d" else "General"
    places = int(match.group(1))
    number = "0" + ("." + "0" * places if places else "")
    return number + ('"%"' if match.group(2) else "")


def _sheet(writer: pd.ExcelWriter, frame: pd.DataFrame, name: str, formats: Mapping[str, str]) -> None:
    """Write ``frame`` to sheet ``name``: bold wrapped header, frozen, columns sized, numbers formatted."""
    from openpyxl.styles import Alignment, Font

    safe = neutralise_formulas(frame)
    safe.to_excel(writer, sheet_name=name, index=False)
    ws = writer.sheets[name]
    ws.freeze_panes = "A2"
    for j, column in enumerate(frame.columns, start=1):
        letter = ws.cell(row=1, column=j).column_letter
        ws.cell(row=1, column=j).font = Font(bold=True)
        ws.cell(row=1, column=j).alignment = Alignment(wrap_text=True, vertical="top")
        width = max([len(str(column)) // 2 + 2, *(len(str(v)) + 2 for v in safe.iloc[:, j - 1])], default=10)
        ws.column_dimensions[letter].width = min(max(width, 8), 40)
        fmt = _excel_format(formats.get(column, ""))
        for i in range(2, len(frame) + 2):
            ws.cell(row=i, column=j).number_format = fmt


def to_excel(table: TargetTable, note_lines: Sequence[str], *, all_wards: pd.DataFrame | None = None,
             definitions: pd.DataFrame | None = None) -> bytes:
    """An .xlsx workbook: "Target wards", then (if given) "All wards" and "Column definitions", then "Notes"."""
    from openpyxl.styles import Alignment, Font

    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        _sheet(writer, table.frame, "Target wards", table.formats)
        if all_wards is not None:
            _sheet(writer, all_wards, "All wards", table.formats)
        if definitions is not None:
            _sheet(writer, definitions, "Column definitions", {})
        pd.DataFrame({"Notes": [neutralise(line) for line in note_lines]}).to_excel(
            writer, sheet_name="Notes", index=False)
        notes_ws = writer.sheets["Notes"]
        notes_ws.column_dimensions["A"].width = 140
        notes_ws.cell(row=1, column=1).font = Font(bold=True)
        for i in range(2, len(note_lines) + 2):
            notes_ws.cell(row=i, column=1).alignment = Alignment(wrap_text=True, vertical="top")
    return buffer.getvalue()
