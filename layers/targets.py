"""How "most disadvantaged" can be defined: one frozen record per targeting definition.

Each definition names the indicator it reads (or ``None``: the layer on the map), the rule
from :mod:`geo.targeting`, the rule's parameter, and the *scope* the rule is applied over:

* ``icb``: the wards of the area's ICB (for the all-England view, each ICB's own wards), so
  a place (local authority) shows the ICB-wide cohort's wards that lie in it -- the reading
  of an ICB goal such as "the most disadvantaged 10% of wards";
* ``england``: every ward in England (a national decile or quintile of wards);
* ``area``: the wards shown (for a place, a ranking within the place only).

The app offers them in this order; the first is the default. No label claims more than the
ICB board papers say: the within-ICB and the national readings are named for what they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from geo.targeting import RULES
from layers import INDICATORS
from layers.indicator import Indicator

Scope = Literal["icb", "england", "area"]
SCOPES: tuple[str, ...] = get_args(Scope)


@dataclass(frozen=True, kw_only=True)
class Targeting:
    """One definition of target wards.

    ``indicator``: id of the indicator the rule reads, or ``None`` for the layer on the map.
    ``rule`` / ``parameter``: a rule of :data:`geo.targeting.RULES` and its share or threshold.
    ``scope``: the wards the rule is applied over (see the module docstring).
    ``tie_break``: indicator ids that order target wards with equal values (worst first).
    """

    id: str
    label: str
    short: str
    description: str
    indicator: str | None
    rule: str
    parameter: float
    scope: Scope
    tie_break: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.rule not in RULES:
            raise ValueError(f"targeting {self.id!r}: rule {self.rule!r} is not one of {sorted(RULES)}")
        if self.scope not in SCOPES:
            raise ValueError(f"targeting {self.id!r}: scope {self.scope!r} is not one of {SCOPES}")
        unknown = [i for i in (self.indicator, *self.tie_break) if i is not None and i not in INDICATORS]
        if unknown:
            raise ValueError(f"targeting {self.id!r}: unknown indicator id(s) {unknown}")

    def reads(self, shown: str) -> str:
        """The id of the layer the rule reads: its own indicator, or ``shown`` (the layer on the map)."""
        return self.indicator or shown

    def describe(self, shown: Indicator) -> str:
        """The plain-English definition, naming the layer on the map where the rule uses it."""
        chosen = INDICATORS[self.indicator] if self.indicator else shown
        return self.description.format(layer=f"{chosen.full_title}")


_ICB_SHARE = ("The {share} of the ICB's wards with the highest IMD 2025 average score: ceil({share} of the ICB's "
              "wards), plus any ward tied with the last one. A place (local authority) shows the ICB's cohort wards "
              "that lie in it. This is the within-ICB reading of a goal for “the most disadvantaged {share} of "
              "wards”.")
_ENGLAND_SHARE = ("Wards in the {share} of England's 6,826 wards with the highest IMD 2025 average score (England's "
                  "most deprived {band} of wards), wherever they are: the national reading of “the most "
                  "disadvantaged {share} of wards”.")

#: The two readings of "the most disadvantaged share of wards" by IMD 2025 score, by scope: the
#: short label and the description (``{share}``: "10%"; ``{band}``: England's decile or quintile).
_SHARE_READINGS = {
    "icb": ("Most disadvantaged {share} of the ICB's wards", _ICB_SHARE),
    "england": ("In England's most deprived {share} of wards", _ENGLAND_SHARE),
}
_BANDS = {0.10: "decile", 0.20: "quintile"}


def _imd_worst_share(key: str, scope: Scope, share: float) -> Targeting:
    """The ``share`` of the wards in ``scope`` with the highest IMD 2025 average score."""
    short, description = _SHARE_READINGS[scope]
    words = {"share": f"{share:.0%}", "band": _BANDS[share]}
    return Targeting(id=key, label=f"{short.format(**words)} (IMD 2025)", short=short.format(**words),
                     description=description.format(**words), indicator="imd_score_2025", rule="worst share",
                     parameter=share, scope=scope)


TARGETINGS: dict[str, Targeting] = {t.id: t for t in (
    _imd_worst_share("imd10", "icb", 0.10),
    _imd_worst_share("imd20", "icb", 0.20),
    _imd_worst_share("england10", "england", 0.10),
    _imd_worst_share("england20", "england", 0.20),
    Targeting(
        id="core20",
        label="Core20 wards: at least half of residents in the most deprived 20% nationally",
        short="Core20 wards (≥ 50% of residents in Core20 LSOAs)",
        description="Wards where at least 50% of residents live in LSOAs in the most deprived 20% "
                    "of England on the IMD 2025 (NHS England's Core20 population).",
        indicator="core20_share_2025", rule="at least", parameter=0.5, scope="area", tie_break=("imd_score_2025",),
    ),
    Targeting(
        id="place10",
        label="Most disadvantaged 10% of the wards shown (IMD 2025)",
        short="Most disadvantaged 10% of the wards shown",
        description="The 10% of the wards shown with the highest IMD 2025 average score: ceil(10% of the wards), "
                    "plus any ward tied with the last one. For a place (local authority) this ranks its wards "
                    "among themselves, not within the ICB: it is not an ICB goal's cohort.",
        indicator="imd_score_2025", rule="worst share", parameter=0.10, scope="area",
    ),
    Targeting(
        id="layer10",
        label="Worst 10% of the wards shown on the layer shown",
        short="Worst 10% on the layer shown",
        description="The 10% of the wards shown with the worst values of {layer}: ceil(10% of the "
                    "wards with a value), plus any ward tied with the last one.",
        indicator=None, rule="worst share", parameter=0.10, scope="area", tie_break=("imd_score_2025",),
    ),
)}

DEFAULT_TARGETING = "imd10"


def key_indicators(shown: str) -> list[str]:
    """Ids of the layers a target list shows: those the definitions read, then the layer on the map."""
    return list(dict.fromkeys([*(t.reads(shown) for t in TARGETINGS.values()), shown]))
