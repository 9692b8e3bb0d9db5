"""What an uploaded table holds: its geography and vintage, matched codes, and value columns.

:func:`inspect_upload` turns a :class:`~geo.upload.tables.Table` into a :class:`Preview`
(or raises :class:`UploadError`): the area-code column, which geography and vintage it is
in, which codes matched and which did not, and for each numeric column whether it looks
like a count or a rate, with the reason, so the user can confirm before anything is mapped.

Rules, in the order they are applied:

1. **Area-code column**: the column whose non-empty cells are mostly ONS codes, with the
   most distinct codes (an LSOA column beats a LAD column beside it). Without one, ward
   names are matched within a chosen local authority (case, spaces, punctuation and
   "&"/"and" ignored).
2. Rows with no code (a "Total" row, notes under the table) are left out and noted.
   Codes outside England (W…, S…, N…, K…) are left out and counted; a file with no English
   code is refused (WardLens covers England only).
3. **One geography per column**: English codes of more than one kind (LSOA and ward,
   say) are refused with the count of each. Local authority, ICB, region and other coarse
   codes are refused: they are too coarse to map ward by ward.
4. **Duplicates** of an area code are refused, with examples and their rows.
5. **Vintage**: LSOA codes are matched against both the 2021 and the 2011 sets. Codes
   found in only one set decide it; if both have such codes, the better-matching set wins
   and the rest are listed as unmatched; if every code is in both (unchanged LSOAs), 2021
   is used and the notes say so. Ward codes must be May 2025 wards (older ones are listed
   as unmatched). MSOA codes need an MSOA 2011 lookup; without it they are refused as
   "not supported yet". If no code matches at all, the file is refused.
6. **Value columns**: every other column that is mostly numbers; text columns are ignored
   and listed (:mod:`geo.upload.valuecolumns`).
7. **Count or rate guess** for each value column, with the reason, and a column named like a
   denominator offered as the weight for rates (:mod:`geo.upload.valuecolumns`).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import pandas as pd

from geo.upload.errors import EXAMPLES, UploadError
from geo.upload.geography import CODE_RE, GEOGRAPHIES, Geography, Reference, code_kind
from geo.upload.limits import LIMITS, Clock, Limits
from geo.upload.tables import Table, listed, shorten
from geo.upload.valuecolumns import Kind, ValueColumn, describe_column, value_columns


@dataclass(frozen=True, eq=False)
class Preview:
    """An upload checked against the lookups, ready to confirm and aggregate.

    ``values``: one float column per value column, indexed by matched area code in file
    order; ``rows``: the file row of each matched code (for messages). ``unmatched`` lists
    every code (or ward name) that did not match, in file order.
    """

    source: str
    geography: Geography
    code_column: str
    rows_read: int
    matched: int
    unmatched: tuple[str, ...]
    columns: tuple[ValueColumn, ...]
    denominator: str | None
    ignored_columns: tuple[str, ...]
    notes: tuple[str, ...]
    values: pd.DataFrame
    rows: pd.Series
    #: Whether areas were found by ward name (within a chosen local authority) rather than by code.
    by_name: bool = False

    @property
    def guesses(self) -> dict[str, Kind]:
        """Each value column's guessed kind, the default for :func:`aggregate_to_wards`."""
        return {c.name: c.guess for c in self.columns}

    def lines(self) -> list[str]:
        """The preview in plain sentences (user text inside: escape before rendering as HTML)."""
        out = [f"Read {self.rows_read:,} row(s) ({self.source}).",
               f"Geography: {self.geography.label}, codes in column '{self.code_column}'.",
               f"{self.matched:,} area(s) matched."]
        if self.unmatched:
            more = f" and {len(self.unmatched) - 20:,} more" if len(self.unmatched) > 20 else ""
            out.append(f"{len(self.unmatched):,} not matched: {', '.join(self.unmatched[:20])}{more}.")
        rates = any(c.guess == "rate" for c in self.columns)
        for c in self.columns:
            weight = " Used as the denominator for rates." if rates and c.name == self.denominator else ""
            out.append(f"'{c.name}': {c.guess} ({c.reason}); {c.n_values:,} value(s), {c.n_missing:,} missing.{weight}")
        if self.ignored_columns:
            out.append("Text columns not used: " + listed(f"'{c}'" for c in self.ignored_columns) + ".")
        return out + [n if n.endswith(".") else n + "." for n in self.notes]


def inspect_upload(table: Table, reference: Reference, *, lad_code: str | None = None,
                   code_column: str | None = None, limits: Limits = LIMITS, repeated_areas: bool = False) -> Preview:
    """Check a table against the lookups and describe it; raise :class:`UploadError` if unusable.

    ``lad_code`` (a local authority code from the ward register) enables matching ward
    names when the file has no code column; ``code_column`` overrides the detected column;
    ``limits.seconds`` bounds the time spent; ``repeated_areas``: an area may have several rows
    (a time series, :mod:`geo.upload.series`, which checks area and period together).
    """
    clock = Clock(limits.seconds, "Checking the file")
    frame = table.frame
    notes = list(table.notes)
    column = code_column or _code_column(frame)
    if code_column is not None and code_column not in frame.columns:
        raise UploadError(f"The file has no column '{code_column}'", "Choose one of: " + listed(frame.columns))
    by_name = column is None
    vintage: list[str] = []  # how the codes' vintage was read: said, but not a problem with the file
    if by_name:
        column, areas, geography, candidates = _areas_from_names(frame, reference, lad_code)
    else:
        areas, geography, candidates, left_out, vintage = _areas_from_codes(frame, column, reference)
        notes += left_out + vintage
    repeated = None if repeated_areas else _repeated(areas, column)
    known = reference.code_sets[geography.key]
    matched_mask = areas.isin(known).astype(bool)
    if not matched_mask.any():
        labels = " or ".join(g.label for g in candidates)
        raise UploadError(f"None of the {len(areas):,} {geography.kind} code(s) in column '{column}' is a known "
                          f"{labels} code (e.g. {', '.join(shorten(a) for a in areas.iloc[:3])})",
                          geography.unknown_fix)

    parsed, value_names, ignored = value_columns(table, areas, column, clock)
    for c in value_names:
        notes += parsed[c].notes(c)

    columns = tuple(describe_column(c, parsed[c]) for c in value_names)
    denominators = [c.name for c in columns if c.denominator_like]
    if len(denominators) > 1:
        notes.append(f"Several columns look like denominators ({listed(denominators)}); "
                     f"'{denominators[0]}' is offered as the weight for rates")
    unmatched = areas[~matched_mask]
    if len(unmatched) and all(CODE_RE.match(a) for a in unmatched):
        notes.append(f"{len(unmatched):,} code(s) did not match any {geography.label} code: {geography.unknown_fix}")
    if repeated is not None:  # refused, naming what else the file would need fixing, so it is fixed in one go
        also = [n for n in notes[len(table.notes):] if n not in vintage][:EXAMPLES]
        raise UploadError(repeated + (". Also: " + "; ".join(also) if also else ""), REPEATED_FIX)
    matched = areas[matched_mask]
    values = pd.DataFrame({c: parsed[c].values.loc[matched.index].to_numpy() for c in value_names},
                          index=pd.Index(matched.to_numpy(), name="area_code"))
    return Preview(table.source, geography, column, len(frame), int(matched_mask.sum()),
                   tuple(unmatched), columns, denominators[0] if denominators else None, ignored,
                   tuple(notes), values, pd.Series(matched.index.to_numpy(), index=values.index, name="row"),
                   by_name)


# --- area codes --------------------------------------------------------------------------------

def _normal_code(cell: object) -> str | None:
    if not isinstance(cell, str):
        return None
    code = cell.strip().upper()
    return code if CODE_RE.match(code) else None


def _normal_codes(cells: pd.Series) -> pd.Series:
    """Each cell as a normalised ONS code (upper case, no spaces), or None (each distinct cell looked at once)."""
    try:
        distinct = pd.unique(cells.to_numpy(dtype=object))
    except TypeError:  # an unhashable cell: look at every one
        return cells.map(_normal_code).astype(object)
    return cells.map({cell: _normal_code(cell) for cell in distinct}).astype(object)


def _code_column(frame: pd.DataFrame) -> str | None:
    """The column that is mostly ONS codes, with the most distinct codes (leftmost on a tie)."""
    best, best_distinct = None, 0
    for column in frame.columns:
        cells = frame[column].dropna()
        codes = _normal_codes(cells).dropna()
        if len(codes) * 2 > len(cells) and codes.nunique() > best_distinct:
            best, best_distinct = column, codes.nunique()
    return best


def _example_rows(frame: pd.DataFrame, rows: pd.Index, column: str) -> str:
    shown = []
    for row in rows[:3]:
        cell = frame.at[row, column]
        label = cell if cell is not None else next((c for c in frame.loc[row] if c is not None), "")
        shown.append(f"row {row} '{shorten(label)}'")
    return ", ".join(shown)


def _areas_from_codes(frame: pd.DataFrame, column: str, reference: Reference
                      ) -> tuple[pd.Series, Geography, list[Geography], list[str], list[str]]:
    """The English codes of the one mappable kind in ``column``, its vintage, and the notes: rows left
    out, then how the vintage was read."""
    codes = _normal_codes(frame[column])
    notes = []
    no_code = codes.index[codes.isna()]
    if len(no_code):
        notes.append(f"Left out {len(no_code):,} row(s) with no area code in '{column}' "
                     f"({_example_rows(frame, no_code, column)})")
    codes = codes.dropna()
    if codes.empty:
        raise UploadError(f"Column '{column}' holds no area codes (ONS codes such as E05… or E01…)",
                          "Choose the column that holds the ward, LSOA or MSOA codes")
    prefixes = codes.str[:3]
    counts = prefixes.value_counts(sort=False)  # a few prefixes, counted once
    by_prefix = {p: code_kind(p) for p in counts.index}
    abroad, by_kind, english_prefixes = Counter(), Counter(), []
    for p in pd.unique(prefixes):  # file order, so that ties keep it
        kind = by_prefix[p]
        if kind.country == "England":
            english_prefixes.append(p)
            by_kind[kind.name] += int(counts[p])
        else:
            abroad[kind.name] += int(counts[p])
    english = codes[prefixes.isin(english_prefixes)]
    if abroad:
        outside = " and ".join(f"{n:,} {name}" for name, n in abroad.most_common())
        if english.empty:
            raise UploadError(f"WardLens covers England only, and column '{column}' holds no English area codes: "
                              f"it has {outside} code(s)", "Upload figures for areas in England (codes starting E)")
        notes.append(f"Left out {sum(abroad.values()):,} row(s) with codes outside England ({outside}): "
                     "WardLens covers England only")
    if len(by_kind) > 1:
        shown = {name: sorted(p for p in english_prefixes if by_prefix[p].name == name) for name in by_kind}
        parts = [f"{n:,} {name} ({', '.join(shown[name])}…)" for name, n in by_kind.most_common()]
        raise UploadError(f"Column '{column}' mixes geographies: {', '.join(parts)}",
                          "Keep one geography per file: remove total or subtotal rows for larger areas, or split the "
                          "file by geography")
    kind = by_prefix[english.iloc[0][:3]]
    if kind.refusal:
        raise UploadError(f"The file is by {kind.name} (column '{column}', {len(english):,} codes such as "
                          f"{english.iloc[0]}): {kind.refusal}", _COARSE_FIX)
    known = [g for g in GEOGRAPHIES.values() if g.kind == kind.name]
    candidates = [g for g in known if g.key in reference.lookups]
    if not candidates:
        raise UploadError(f"{kind.name} uploads are not supported yet: WardLens has no "
                          f"{' or '.join(g.label for g in known)} to ward lookup",
                          "Upload the figures by ward (E05 codes) or LSOA (E01) instead")
    geography, vintage_notes = _choose_vintage(set(english), candidates, reference)
    return english, geography, candidates, notes, vintage_notes


_COARSE_FIX = ("Upload the figures by ward (E05 codes), LSOA (E01) or MSOA (E02) instead; the template download "
               "lists every ward or LSOA of your area")


def _choose_vintage(codes: set[str], candidates: list[Geography], reference: Reference
                    ) -> tuple[Geography, list[str]]:
    """The candidate geography the codes belong to (see rule 5 of the module docstring)."""
    sets = {g.key: reference.code_sets[g.key] for g in candidates}
    matched = {key: len(codes & s) for key, s in sets.items()}
    exclusive = {key: len(codes & s - set().union(*(o for k, o in sets.items() if k != key)))
                 for key, s in sets.items()}
    deciding = [g for g in candidates if exclusive[g.key]]
    pool = deciding or [g for g in candidates if matched[g.key]] or candidates
    chosen = max(pool, key=lambda g: matched[g.key])  # the first (most recent vintage) on a tie
    notes = []
    if len(deciding) > 1:
        parts = ", ".join(f"{exclusive[g.key]:,} only in {g.label}" for g in deciding)
        notes.append(f"The codes mix vintages ({parts}); read as {chosen.label}, and the others are listed as "
                     "not matched")
    elif not deciding and sum(1 for g in candidates if matched[g.key]) > 1:
        others = " and ".join(g.label for g in candidates if matched[g.key] and g is not chosen)
        notes.append(f"Every code is in both {chosen.label} and {others} (areas that did not change): "
                     f"read as {chosen.label}")
    return chosen, notes


def _norm_name(name: str) -> str:
    name = name.lower().replace("&", " and ")
    name = re.sub(r"[.'’,()]", "", name)
    return " ".join(re.sub(r"[-–/]", " ", name).split())


def _areas_from_names(frame: pd.DataFrame, reference: Reference, lad_code: str | None
                      ) -> tuple[str, pd.Series, Geography, list[Geography]]:
    """Ward codes from a column of ward names within one local authority."""
    no_codes = "The file has no column of area codes (ONS codes such as E05… for wards or E01… for LSOAs)"
    if lad_code is None:
        raise UploadError(no_codes, "Add a column of ward (E05), LSOA (E01) or MSOA (E02) codes — the template "
                          "download lists them for your area — or, if the file has ward names, choose its local "
                          "authority so the names can be matched")
    wards = reference.wards[reference.wards["lad_code"] == lad_code]
    if wards.empty:
        raise UploadError(f"'{lad_code}' is not a local authority in the 2025 ward register",
                          "Choose the local authority from the list")
    lad_name = wards["lad_name"].iloc[0]
    by_name = dict(zip(wards["ward_name"].map(_norm_name), wards["ward_code"]))
    best, best_hits = None, 0
    for column in frame.columns:
        cells = frame[column].dropna()
        hits = sum(1 for c in cells if isinstance(c, str) and _norm_name(c) in by_name)
        if hits * 2 >= len(cells) and hits > best_hits:
            best, best_hits = column, hits
    if best is None:
        examples = ", ".join(wards["ward_name"].iloc[:3])
        raise UploadError(f"{no_codes}, and no column matches the ward names of {lad_name} (such as {examples})",
                          f"Add ward codes, or check the file is for {lad_name} and uses the May 2025 ward names")
    cells = frame[best].dropna()
    areas = cells.map(lambda c: by_name.get(_norm_name(c), shorten(c)) if isinstance(c, str) else shorten(c))
    return best, areas, GEOGRAPHIES["ward25"], [GEOGRAPHIES["ward25"]]


#: How to fix a file that gives an area more than one row.
REPEATED_FIX = ("Give each area one row: delete repeated rows, or add them up first if they are parts of one "
                "area's total")


def _repeated(areas: pd.Series, column: str) -> str | None:
    """What is wrong when an area has more than one row (refused: which row would be its value?), or None."""
    repeated = areas[areas.duplicated(keep=False)]
    if repeated.empty:
        return None
    groups = repeated.groupby(repeated, sort=False).groups
    examples = "; ".join(f"{shorten(code)} on rows {listed(rows, 3)}" for code, rows in list(groups.items())[:EXAMPLES])
    return f"{len(groups):,} area(s) appear more than once in column '{column}' (e.g. {examples})"
