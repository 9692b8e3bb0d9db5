"""Which columns of an upload hold numbers, and whether each looks like a count or a rate.

Rules 6 and 7 of :mod:`geo.upload.preview`:

6. **Value columns**: every other column that is mostly numbers (see
   :mod:`geo.upload.numbers` for separators, "%" and missing markers). A mostly-numeric
   column with some cells that are not numbers is refused, naming the rows; text columns
   (names) are ignored and listed.
7. **Count or rate guess** (only a guess: the app asks the user to confirm every rate,
   since a count read as a rate would show its small values unsuppressed): a name saying
   rate outright ("%", "rate", "per 1,000", "percent", "prevalence", "average", …; "per"
   alone, as in "patients per ward", does not) → rate; "%" signs in the values → rate; a
   name saying count ("number", "count", "total", "people", "patients", …) → count;
   negative values or values with a fractional part → rate; whole numbers ≥ 0 (12, or
   12.0 as Excel and many exports write them) → count. A column named like a denominator
   ("population", "denominator", "list size", "registered" without "with") is offered as
   the weight for rates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from geo.upload.errors import EXAMPLES, UploadError
from geo.upload.limits import Clock
from geo.upload.numbers import ParsedColumn, parse_numbers
from geo.upload.tables import Table, listed, shorten

Kind = Literal["count", "rate"]

_RATE_NAME = re.compile(r"%|\brates?\b|\bper\s*(?:\d[\d,.]*\s*k?\b|cent\b|mille\b|capita\b|head\b|thousand\b|"
                        r"hundred\b|million\b)|percent|\bpct\b|proportion|prevalence|\bratio\b|\bshare\b|"
                        r"\bmean\b|\baverage\b|\bscore\b|\bindex\b", re.IGNORECASE)
_COUNT_NAME = re.compile(r"\b(count|number|no|num|n|total|people|persons|patients|individuals|residents|"
                         r"cases|admissions|deaths|births|households)\b", re.IGNORECASE)
_DENOMINATOR_NAME = re.compile(r"denominator|\bdenom\b|population|\bpop\b|list[ _-]?size|registered|\beligible\b",
                               re.IGNORECASE)
_PER_UNIT = re.compile(r"per\s*(1[\d,]*0)", re.IGNORECASE)


@dataclass(frozen=True)
class ValueColumn:
    """One numeric column of an upload and what it will be treated as unless the user says otherwise."""

    name: str
    guess: Kind
    reason: str
    unit: str
    n_values: int
    n_missing: int
    denominator_like: bool


def value_columns(table: Table, areas: pd.Series, column: str, clock: Clock
                  ) -> tuple[dict[str, ParsedColumn], list[str], tuple[str, ...]]:
    """Every column but the area column parsed as numbers over the rows with an area (rule 6): the
    parsed columns, the value columns among them, and the text columns left out. Refuses a file
    with no column of numbers, or a value column with cells that are not numbers."""
    frame = table.frame
    parsed = {}
    for c in frame.columns:
        if c != column:
            clock.check()
            parsed[c] = parse_numbers(frame.loc[areas.index, c], decimal_comma=table.decimal_comma)
    value_names = [c for c, p in parsed.items() if p.n_values and p.n_values >= len(p.bad)]
    ignored = tuple(c for c in parsed if c not in value_names)
    for c in value_names:
        _refuse_bad_numbers(c, parsed[c])
    if not value_names:
        text = f" (text only: {listed(repr(c) for c in ignored)})" if ignored else ""
        raise UploadError(f"The file has no column of numbers to map{text}",
                          "Add one or more value columns beside the area codes, with plain numbers (1234, 12.5 or "
                          "12.5%); leave a cell blank or put '*' where a value is missing or suppressed")
    return parsed, value_names, ignored


def _refuse_bad_numbers(column: str, parsed: ParsedColumn) -> None:
    if not parsed.bad:
        return
    shown = ", ".join(f"row {row} '{shorten(text)}'" for row, text in list(parsed.bad.items())[:EXAMPLES])
    more = f" and {len(parsed.bad) - EXAMPLES:,} more" if len(parsed.bad) > EXAMPLES else ""
    raise UploadError(f"Column '{column}' has {len(parsed.bad):,} value(s) that are not numbers: {shown}{more}",
                      "Use plain numbers (1234, 1,234, 12.5 or 12.5%); leave the cell blank or put '*' where a value "
                      "is missing or suppressed")


def describe_column(name: str, parsed: ParsedColumn) -> ValueColumn:
    """The column ``name`` with its count-or-rate guess and the reason (rule 7), its unit and
    whether it looks like a denominator."""
    values = parsed.values.dropna()
    whole = bool(np.all(np.mod(values, 1) == 0))  # 12.0 is a whole number: Excel and many exports write counts so
    rate_word, count_word = _RATE_NAME.search(name), _COUNT_NAME.search(name)
    if rate_word:
        guess, reason = "rate", f"the name says '{rate_word.group(0)}'"
        if whole and len(values):
            reason += ", though every value is a whole number: check it is not a count"
    elif parsed.percent:
        guess, reason = "rate", "the values have % signs"
    elif count_word:
        guess, reason = "count", f"the name says '{count_word.group(0)}'"
    elif (values < 0).any():
        guess, reason = "rate", "some values are negative, so it is not a count"
    elif not whole:
        between = values.between(0, 1).all()
        guess, reason = "rate", "the values are between 0 and 1" if between else "the values have decimals"
    else:
        guess, reason = "count", "whole numbers (such as 12 or 12.0), none negative"
    per = _PER_UNIT.search(name)
    unit = "%" if parsed.percent or re.search(r"%|percent", name, re.IGNORECASE) else (
        f"per {int(per.group(1).replace(',', '')):,}" if per else "")
    denominator_like = bool(_DENOMINATOR_NAME.search(name)) and not rate_word and not re.search(r"\bwith\b", name, re.I)
    return ValueColumn(name, guess, reason, unit, parsed.n_values, parsed.n_missing, denominator_like)
