"""An upload's values taken to 2025 wards: counts summed, rates weighted, small counts hidden.

Every geography goes through one lookup ``area_code, ward_code, share`` (see
:class:`~geo.upload.geography.Reference`): the ward register itself for ward uploads
(share 1), the best-fit LSOA 2021 membership (each LSOA shared among the wards its Output
Areas best-fit to, by their Census 2021 residents; areal-overlay rows excluded), the
LSOA 2011 lookup (population shares of split LSOAs) or an MSOA 2011 lookup.

* **Counts**: ward value = Σ count × share. A split area's count (an LSOA 2021 whose Output
  Areas lie in several wards, a split LSOA 2011) is divided by population share, so totals
  can be fractional; whole-number inputs give ward totals rounded to whole numbers, and the
  notes say whether the ward totals add up to the file's (not the figures: the file total
  minus the wards shown would give a suppressed ward back). Negative counts are refused.
* **Rates**: ward value = Σ rate × w / Σ w with w = share × the area's denominator (the
  denominator column, if chosen; refused if negative), else × its population (Census 2021 LSOA
  population, when the reference has it), else × 1 — equal weights, stated in the notes. A
  ward whose weights are all 0 gets no value, and a note naming it.
* **Completeness**: a ward gets a value only when every area the lookup puts in it is in
  the file with a value (and a denominator, if used); a partial sum would understate the
  ward. Wards left out are counted in the notes.
* **Suppression** (:mod:`geo.upload.suppression`): ward counts from 1 to threshold - 1 are
  hidden (:func:`~geo.upload.safety.small_count_mask`, default 1–4); then what could give a
  hidden count back (:mod:`geo.upload.disclosure`): a part of a total found in the file whose
  difference or complement is small (secondary suppression), and a rate whose numerator --
  rate × the denominator column, or × the ward's Census 2021 population when the unit is
  known and no denominator is chosen -- is small. The result never holds the hidden values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np
import pandas as pd

from geo.upload.disclosure import Relation
from geo.upload.errors import EXAMPLES, UploadError
from geo.upload.geography import Geography, Reference
from geo.upload.preview import Preview
from geo.upload.safety import SMALL_COUNT_THRESHOLD
from geo.upload.suppression import suppress_ward_values
from geo.upload.tables import listed
from geo.upload.valuecolumns import Kind

_GUESSED = "guessed"


@dataclass(frozen=True, eq=False)
class WardUpload:
    """Uploaded values on 2025 wards, ready to join to the ward layer.

    ``frame``: index ``ward_code`` (every ward the file reaches, in register order), one
    float column per value column, already suppressed; ``suppressed``: True where a value was
    hidden -- a small count, a count hidden so that another cannot be derived (``secondary``,
    see :mod:`geo.upload.disclosure`), or a rate whose numerator is small -- (show it as
    suppressed, not "no data"); ``kinds``: count or rate per column; ``units``: the unit
    guessed per column ("%", "per 1,000" or ""); ``relations``: the totals and parts found.
    """

    frame: pd.DataFrame
    suppressed: pd.DataFrame
    kinds: dict[str, Kind]
    units: dict[str, str]
    threshold: int
    geography: Geography
    denominator: str | None
    notes: tuple[str, ...]
    secondary: pd.DataFrame | None = None
    relations: tuple[Relation, ...] = ()

    @property
    def n_suppressed(self) -> int:
        return int(self.suppressed.to_numpy().sum())


def aggregate_to_wards(preview: Preview, reference: Reference, *, kinds: Mapping[str, Kind] | None = None,
                       denominator: str | None = _GUESSED, threshold: int = SMALL_COUNT_THRESHOLD) -> WardUpload:
    """Take the preview's values to 2025 wards (see the module docstring for the rules).

    ``kinds`` overrides the guessed count/rate per column; ``denominator`` names the column
    that weights rates (default: the one the preview found; ``None`` for none);
    ``threshold``: counts from 1 to ``threshold`` - 1 are suppressed.
    """
    values = preview.values
    chosen, denominator = _checked_choices(preview, kinds, denominator)
    counts = [c for c in values.columns if chosen[c] == "count"]
    for column in counts:
        _refuse_negative(column, values[column], preview.rows)
    if denominator is not None:  # a weight: a negative one would take a ward's rate outside its areas' rates
        _refuse_negative(denominator, values[denominator], preview.rows, weight=True)
    frame, notes = _sum_to_wards(preview, reference, chosen, denominator)
    rates = [c for c in values.columns if chosen[c] == "rate"]
    units = {c.name: c.unit for c in preview.columns}
    population = reference.wards.set_index("ward_code")["population"] if "population" in reference.wards else None
    hidden = suppress_ward_values(frame, values, counts, rates, units, denominator, population, threshold)
    frame = frame.mask(hidden.hidden)
    return WardUpload(frame, hidden.hidden, {c: chosen[c] for c in values.columns}, units, threshold,
                      preview.geography, denominator if rates else None, (*notes, *hidden.notes),
                      secondary=hidden.secondary, relations=hidden.relations)


def _checked_choices(preview: Preview, kinds: Mapping[str, Kind] | None, denominator: str | None
                     ) -> tuple[dict[str, Kind], str | None]:
    """Each value column's kind (the guess unless ``kinds`` says otherwise) and the denominator
    column (the preview's guess for :data:`_GUESSED`); raises for a kind or column the file does not have."""
    values = preview.values
    chosen = {**preview.guesses, **(kinds or {})}
    odd = {c: k for c, k in chosen.items() if c not in values.columns or k not in ("count", "rate")}
    if odd:
        raise UploadError(f"Cannot treat {odd} as counts or rates: each value column must be 'count' or 'rate'",
                          "Choose count or rate for each of: " + listed(values.columns))
    denominator = preview.denominator if denominator == _GUESSED else denominator
    if denominator is not None and denominator not in values.columns:
        raise UploadError(f"'{denominator}' is not a value column of this file",
                          "Choose the denominator from: " + listed(values.columns))
    return chosen, denominator


@dataclass(frozen=True, eq=False)
class _Pieces:
    """The lookup rows of every ward the file reaches (``area_code``, ``ward_code``, ``share``),
    with each row's area values and the weight of its rates (``weighted_by`` says which)."""

    lookup: pd.DataFrame
    pieces: pd.DataFrame
    wards: pd.Index
    area_values: pd.DataFrame
    share: np.ndarray
    weight: np.ndarray
    weighted_by: str | None

    @property
    def group(self) -> np.ndarray:
        return self.pieces["ward_code"].to_numpy()

    def by_ward(self, array: np.ndarray, how: str) -> pd.Series:
        """``array`` (one value per lookup row) combined ward by ward with ``how`` ("sum", "all")."""
        return pd.Series(array).groupby(self.group).agg(how).reindex(self.wards)


def _pieces(preview: Preview, reference: Reference, denominator: str | None) -> _Pieces:
    """The lookup rows of the wards the file reaches, and the weights of its rates."""
    values = preview.values
    geography = preview.geography
    lookup = reference.lookups[geography.key]
    reached = lookup.loc[lookup["area_code"].isin(values.index), "ward_code"].unique()
    pieces = lookup[lookup["ward_code"].isin(reached)]
    wards = pd.Index(reference.wards.loc[reference.wards["ward_code"].isin(reached), "ward_code"])  # named ward_code
    area_values = values.reindex(pieces["area_code"])
    share = pieces["share"].to_numpy()
    population = reference.populations.get(geography.key)
    if denominator is not None:
        weight, weighted_by = area_values[denominator].to_numpy(), f"the denominator column '{denominator}'"
    elif population is not None:
        weight, weighted_by = population.reindex(pieces["area_code"]).to_numpy(), "Census 2021 population"
    else:
        weight, weighted_by = np.ones(len(pieces)), None
    return _Pieces(lookup, pieces, wards, area_values, share, weight, weighted_by)


def _sum_to_wards(preview: Preview, reference: Reference, chosen: dict[str, Kind], denominator: str | None
                  ) -> tuple[pd.DataFrame, list[str]]:
    """Each value column on the wards the file reaches (counts summed, rates weighted; a ward with
    an area missing gets no value), and the notes saying how."""
    values, geography = preview.values, preview.geography
    p = _pieces(preview, reference, denominator)
    out, notes = {}, []
    for column in values.columns:
        out[column], column_notes = _ward_column(p, values[column], column, chosen[column], geography, reference)
        notes += column_notes
    rates = [c for c in values.columns if chosen[c] == "rate"]
    if rates and (pd.Series(p.group).value_counts() > 1).any():
        notes.append(_weighting_note(rates, p.weighted_by, geography))
    notes += _unreachable_note(reference, p.lookup, p.wards, geography)
    return pd.DataFrame(out), notes  # every column is on p.wards


def _ward_column(p: _Pieces, file_values: pd.Series, column: str, kind: Kind, geography: Geography,
                 reference: Reference) -> tuple[pd.Series, list[str]]:
    """One value column on wards (``file_values``: its values by area), and its notes: split areas,
    wards left without a value, and whether the ward totals add up to the file's."""
    notes = []
    x = p.area_values[column].to_numpy()
    if kind == "count":
        present = ~np.isnan(x)
        result = p.by_ward(x * p.share, "sum")  # a ward with a blank area is dropped below, not summed
        whole = bool(np.all(np.mod(file_values.dropna(), 1) == 0))
        if whole:
            result = result.round()
        if bool((p.share < 1).any()):
            notes.append(f"'{column}': {p.pieces.loc[p.share < 1, 'area_code'].nunique():,} {geography.label} area(s) "
                         "are split between wards, so their counts were shared out by population"
                         + (" and the ward totals rounded to whole numbers" if whole else ""))
    else:
        w = p.weight * p.share
        present = ~np.isnan(x) & ~np.isnan(w)
        numerator = p.by_ward(x * w, "sum")  # a ward with a blank rate or weight is dropped below
        # Weights are never negative (a denominator is refused if it is), so a ward whose weights are
        # all 0 has a numerator of 0 too: 0 / 0, no value.
        result = numerator / p.by_ward(w, "sum")
    complete = p.by_ward(present, "all")
    result = result.where(complete)
    gaps = int((~complete).sum())
    if gaps:
        where = ("they are" if geography.kind == "ward" else f"some of their {geography.kind}s are")
        why = ("a partial total would understate them" if kind == "count"
               else "a partial average could mislead")
        notes.append(f"'{column}': {gaps:,} ward(s) left without a value (e.g. {_names(reference, ~complete)}) "
                     f"because {where} missing from the file or blank there; {why}")
    unweighted = complete & result.isna()  # a rate whose weights are all 0 (a complete count is a sum, never NaN)
    if unweighted.any():
        notes.append(f"'{column}': {int(unweighted.sum()):,} ward(s) left without a value (e.g. "
                     f"{_names(reference, unweighted)}) because {p.weighted_by} is 0 in all their "
                     f"{geography.kind}s: a rate over no one has no value")
    if kind == "count" and not gaps:
        # No figures: the file total minus the shown wards would reveal a suppressed ward.
        drift = abs(result.sum() - np.nansum(file_values))
        notes.append(f"'{column}': the ward totals add up to the file's total"
                     + (" (to within rounding)" if drift > 1e-6 else ""))
    return result, notes


def _names(reference: Reference, wards: pd.Series) -> str:
    """The names of the first three wards where ``wards`` (a boolean Series by ward code) is true."""
    return ", ".join(reference.wards.set_index("ward_code").loc[wards.index[wards][:3], "ward_name"])


def _refuse_negative(column: str, values: pd.Series, rows: pd.Series, weight: bool = False) -> None:
    """Raise, naming the first file rows, if a count (or, ``weight``, the denominator for rates) is negative."""
    negative = values[values < 0]
    if negative.empty:
        return
    shown = ", ".join(f"row {rows[code]} ({value:g})" for code, value in negative.iloc[:EXAMPLES].items())
    more = f" and {len(negative) - EXAMPLES:,} more" if len(negative) > EXAMPLES else ""
    what, fix = (("the denominator for rates", "A denominator weights each area's rate and cannot be negative: "
                  "correct those rows, or choose another denominator or none") if weight else
                 ("a count", "Counts cannot be negative: correct those rows, or treat the column as a rate if "
                  "negative values are meant (for example a change)"))
    raise UploadError(f"Column '{column}' is {what} but has {len(negative):,} negative value(s): {shown}{more}", fix)


def _weighting_note(rates: list[str], weighted_by: str | None, geography: Geography) -> str:
    names = listed(f"'{c}'" for c in rates)
    if weighted_by:
        return f"{names}: ward rates are averages of the {geography.kind} rates weighted by {weighted_by}"
    return (f"{names}: ward rates are plain averages of the {geography.label} rates in each ward (equal weights: "
            f"WardLens has no {geography.label} population yet); choose a denominator column to weight them")


def _unreachable_note(reference: Reference, lookup: pd.DataFrame, wards: pd.Index, geography: Geography) -> list[str]:
    """Wards in the file's local authorities that this geography's lookup never reaches."""
    register = reference.wards
    lads = register.loc[register["ward_code"].isin(wards), "lad_code"].unique()
    missing = register[register["lad_code"].isin(lads) & ~register["ward_code"].isin(lookup["ward_code"])]
    if missing.empty:
        return []
    return [f"{len(missing):,} ward(s) in these areas (e.g. {', '.join(missing['ward_name'].iloc[:3])}) contain no "
            f"Output Area's population-weighted centre, so {geography.label} figures cannot reach them; they "
            "show as no data"]
