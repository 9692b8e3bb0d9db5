"""Life expectancy by MSOA 2011 (ONS REQ3292, 2016-20): the records of the "Life expectancy by MSOA" view.

These layers stay at the geography ONS published them for, with their 95% confidence
intervals: one :class:`~layers.indicator.Indicator` per sex (``layers/records/msoa.toml``) in the
registry :data:`layers.MSOA_INDICATORS` (tested like the ward layers), and for each a
:class:`MsoaMeasure` naming the file's CI, deaths and person-years columns.
"""

from __future__ import annotations

from dataclasses import dataclass

from layers.indicator import Indicator, indicator_records

_PERIOD = "2016_20"
#: Sex in the file's column names, in the order of the records in ``layers/records/msoa.toml``.
_SEXES = ("male", "female", "persons")
_RECORDS: tuple[Indicator, ...] = indicator_records("msoa.toml")


def _bold(text: str, *spans: str) -> str:
    """``text`` with each of ``spans`` in Markdown bold (each must be there)."""
    for span in spans:
        if span not in text:
            raise ValueError(f"the MSOA caveat no longer says {span!r}; update the spans in bold (layers/msoa.py)")
        text = text.replace(span, f"**{span}**")
    return text


#: Plain-language caveat shown above the view: the records' caveat, its two key phrases in bold.
CAVEAT = _bold(_RECORDS[0].caveat, "Compare MSOAs with each other only.", "1.5–2.5 years above")


@dataclass(frozen=True)
class MsoaMeasure:
    """Life expectancy for one sex at MSOA 2011: the record (title, unit, format, palette,
    direction, source) and the file's columns for its 95% CI, deaths and person-years."""

    record: Indicator
    lower: str
    upper: str
    deaths: str
    person_years: str

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.record.column, self.lower, self.upper, self.deaths, self.person_years)


def _measure(sex: str, record: Indicator) -> MsoaMeasure:
    if record.column != f"le_{sex}_{_PERIOD}":
        raise ValueError(f"msoa.toml: record {record.id!r} is not the {sex} life expectancy; list them as {_SEXES}")
    return MsoaMeasure(record=record, lower=f"{record.column}_lower95", upper=f"{record.column}_upper95",
                       deaths=f"deaths_{sex}_{_PERIOD}", person_years=f"person_years_{sex}_{_PERIOD}")


#: The MSOA life expectancy measures by the view's label for the sex, in the order the view offers them.
MSOA_LIFE_EXPECTANCY: dict[str, MsoaMeasure] = {
    record.variant: _measure(sex, record) for sex, record in zip(_SEXES, _RECORDS, strict=True)}

#: Every column of the life expectancy file the view reads.
MSOA_LIFE_EXPECTANCY_COLUMNS: tuple[str, ...] = tuple(c for m in MSOA_LIFE_EXPECTANCY.values() for c in m.columns)
