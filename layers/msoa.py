"""Life expectancy by MSOA 2011 (ONS REQ3292, 2016-20): the records of the "Life expectancy by MSOA" view.

These layers stay at the geography ONS published them for, with their 95% confidence
intervals: one :class:`~layers.indicator.Indicator` per sex in the registry
:data:`layers.MSOA_INDICATORS` (tested like the ward layers), and for each a
:class:`MsoaMeasure` naming the file's CI, deaths and person-years columns.
"""

from __future__ import annotations

from dataclasses import dataclass

from layers.indicator import Indicator
from layers.sources import ONS_LE_MSOA

#: Plain-language caveat shown above the view (and the records' caveat, without the emphasis).
CAVEAT = (
    "**Compare MSOAs with each other only.** These life expectancies come from an ONS ad hoc "
    "release (REQ3292, 2016–20) whose levels run about **1.5–2.5 years above** official figures: "
    "its deaths add up to 8–10% fewer than all deaths registered in England, for reasons the file "
    "does not explain. The ranking of MSOAs is still informative (it agrees well with OHID's "
    "MSOA figures), but do not set any number here beside official life expectancy for a local "
    "authority, an ICB or England. WardLens shows no such official figure here on purpose."
)

_PERIOD = "2016_20"

#: Sex in the file's column names -> (the view's label, the child in the definition, valid range).
_SEXES = {"male": ("Male", "a newborn boy", (65.0, 100.0)),
          "female": ("Female", "a newborn girl", (70.0, 105.0)),
          "persons": ("Persons", "a newborn", (65.0, 105.0))}


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


def _record(sex: str) -> Indicator:
    label, child, valid_range = _SEXES[sex]
    title = "all persons" if sex == "persons" else f"{sex}s"
    both = " (males and females together)" if sex == "persons" else ""
    return Indicator(
        id=f"msoa_le_{sex}_{_PERIOD}",
        title=f"Life expectancy at birth by MSOA, {title} (ranking only)",
        theme="Health",
        family="Life expectancy at birth by MSOA",
        variant=label,
        definition=f"Average number of years {child} would live at the death rates of 2016-20 in the "
                   f"MSOA (2011), from ONS's life table for the MSOA{both}.",
        file="msoa11_life_expectancy.csv",
        column=f"le_{sex}_{_PERIOD}",
        unit="years",
        period="2016-20 (five years pooled)",
        source_geography="MSOA 2011",
        method="direct",
        method_note="Shown as ONS published it for MSOAs (2011), with its 95% confidence interval; "
                    "not converted to wards.",
        higher_is_worse=False,
        palette="PuBu",
        weight=f"person_years_{sex}_{_PERIOD}",
        valid_range=valid_range,
        source=ONS_LE_MSOA,
        caveat=CAVEAT.replace("**", ""),
        warning="Ranking only: these levels run about 2 years above official life expectancy.",
    )


def _measure(sex: str) -> MsoaMeasure:
    record = _record(sex)
    return MsoaMeasure(record=record, lower=f"{record.column}_lower95", upper=f"{record.column}_upper95",
                       deaths=f"deaths_{sex}_{_PERIOD}", person_years=f"person_years_{sex}_{_PERIOD}")


#: The MSOA life expectancy measures by the view's label for the sex, in the order the view offers them.
MSOA_LIFE_EXPECTANCY: dict[str, MsoaMeasure] = {m.record.variant: m for m in map(_measure, _SEXES)}

#: Every column of the life expectancy file the view reads.
MSOA_LIFE_EXPECTANCY_COLUMNS: tuple[str, ...] = tuple(c for m in MSOA_LIFE_EXPECTANCY.values() for c in m.columns)
