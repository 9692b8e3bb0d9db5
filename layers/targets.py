"""How "most disadvantaged" can be defined: one frozen record per targeting definition.

Each definition names the indicator it reads (or ``None``: the layer on the map), the rule
from :mod:`geo.targeting` and the rule's parameter. The app offers them in this order; the
first is the default (the ICB goals' definition).
"""

from __future__ import annotations

from dataclasses import dataclass

from geo.targeting import RULES
from layers import INDICATORS
from layers.indicator import Indicator


@dataclass(frozen=True)
class Targeting:
    """One definition of target wards.

    ``indicator``: id of the indicator the rule reads, or ``None`` for the selected layer.
    ``rule`` / ``parameter``: a rule of :data:`geo.targeting.RULES` and its share or threshold.
    ``tie_break``: indicator ids that order target wards with equal values (worst first).
    """

    id: str
    label: str
    short: str
    description: str
    indicator: str | None
    rule: str
    parameter: float
    tie_break: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.rule not in RULES:
            raise ValueError(f"targeting {self.id!r}: rule {self.rule!r} is not one of {sorted(RULES)}")
        unknown = [i for i in (self.indicator, *self.tie_break) if i is not None and i not in INDICATORS]
        if unknown:
            raise ValueError(f"targeting {self.id!r}: unknown indicator id(s) {unknown}")

    def reads(self, shown: str) -> str:
        """The id of the layer the rule reads: its own indicator, or ``shown`` (the layer on the map)."""
        return self.indicator or shown

    def describe(self, shown: Indicator) -> str:
        """The plain-English definition, naming the layer on the map where the rule uses it."""
        chosen = INDICATORS[self.indicator] if self.indicator else shown
        return self.description.format(layer=f"{chosen.title} ({chosen.variant})")


TARGETINGS: dict[str, Targeting] = {t.id: t for t in (
    Targeting(
        id="imd10",
        label="Most deprived 10% of the area's wards (IMD 2025)",
        short="Top 10% by IMD 2025 score",
        description="The 10% of the area's wards with the highest IMD 2025 average score (the ICB "
                    "goals' definition): ceil(10% of the wards), plus any ward tied with the last one.",
        indicator="imd_score_2025", rule="worst share", parameter=0.10,
    ),
    Targeting(
        id="core20",
        label="Core20 wards: at least half of residents in the most deprived 20% nationally",
        short="Core20 wards (≥ 50% of residents in Core20 LSOAs)",
        description="Wards where at least 50% of residents live in LSOAs in the most deprived 20% "
                    "of England on the IMD 2025 (NHS England's Core20 population).",
        indicator="core20_share_2025", rule="at least", parameter=0.5, tie_break=("imd_score_2025",),
    ),
    Targeting(
        id="layer10",
        label="Worst 10% of the area's wards on the layer shown",
        short="Worst 10% on the layer shown",
        description="The 10% of the area's wards with the worst values of {layer}: ceil(10% of the "
                    "wards with a value), plus any ward tied with the last one.",
        indicator=None, rule="worst share", parameter=0.10, tie_break=("imd_score_2025",),
    ),
)}

DEFAULT_TARGETING = "imd10"


def key_indicators(shown: str) -> list[str]:
    """Ids of the layers a target list shows: those the definitions read, then the layer on the map."""
    return list(dict.fromkeys([*(t.reads(shown) for t in TARGETINGS.values()), shown]))
