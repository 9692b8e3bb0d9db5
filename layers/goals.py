"""ICB goals as frozen records: what a goal names, the layers that stand in for it, its change and cohort.

A :class:`Goal` says what the goal names (``named_measure``), which open ward layers stand in
for it when that measure is not published for wards (``measures``, with the plain
``gap_note`` saying so -- never a silent substitute), its change (``direction`` and relative
``size``), its cohort (a :data:`layers.targets.TARGETINGS` id), its start and deadline. The
three goals of the Lancashire and South Cumbria ICB board paper (January 2025) are the
presets (:data:`GOALS`); :func:`custom_goal` builds one from the user's choices.

What each layer can say about a goal (counts, intervals, people) is declared in
:mod:`layers.goal_measures`. Pure: no streamlit, no files.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal, get_args

from layers.indicator import Indicator
from layers.targets import TARGETINGS

Direction = Literal["improve", "decrease", "increase"]
DIRECTIONS: tuple[str, ...] = get_args(Direction)

#: The cohort definitions a goal may use (the targeting records of the sidebar, less the
#: within-place and layer readings, which are not a goal's cohort).
COHORTS: tuple[str, ...] = ("imd10", "imd20", "england10", "england20", "core20")

#: Over-dispersion factor for counts unless the user sets another (see :mod:`stats.power`).
DEFAULT_OVERDISPERSION = 2.0
#: Deprivation groups for the SII: deciles of the area's wards (5 = quintiles).
DEFAULT_GROUPS = 10
GROUP_CHOICES = (10, 5)

#: When a goal starts: the board paper's month.
BOARD_PAPER = date(2025, 1, 1)
ORIGIN = "Lancashire and South Cumbria ICB board paper, January 2025"



@dataclass(frozen=True, kw_only=True)
class Goal:
    """One goal: what it names, the open measures offered for it, its change, cohort and deadline.

    ``measures``: published layer ids offered in the goal's place, best first; ``gap_note``: in plain words, that
    the named measure is not published for wards and what is offered instead ("" when it is
    published). ``direction`` "improve" follows each measure's polarity; ``size`` is the
    relative change (0.2 = 20%).
    """

    id: str
    title: str
    named_measure: str
    measures: tuple[str, ...]
    direction: Direction
    size: float
    cohort: str
    deadline: date
    start: date = BOARD_PAPER
    origin: str = ORIGIN
    gap_note: str = ""

    def __post_init__(self) -> None:
        if self.direction not in DIRECTIONS:
            raise ValueError(f"goal {self.id!r}: direction {self.direction!r} is not one of {DIRECTIONS}")
        if not 0 < self.size < 1:
            raise ValueError(f"goal {self.id!r}: size must be a fraction between 0 and 1 (0.2 = 20%); got {self.size}")
        if self.cohort not in TARGETINGS:
            raise ValueError(f"goal {self.id!r}: cohort {self.cohort!r} is not one of {tuple(TARGETINGS)}")
        if self.deadline <= self.start:
            raise ValueError(f"goal {self.id!r}: the deadline {self.deadline} is not after the start {self.start}")

    def change(self, record: Indicator) -> float:
        """The signed relative change the goal asks of ``record`` (-0.2 = a 20% fall)."""
        return self.change_for(record.higher_is_worse)

    def change_for(self, higher_is_worse: bool) -> float:
        """The signed relative change the goal asks of a measure whose higher values are worse (or better)."""
        falls = self.direction == "decrease" or (self.direction == "improve" and higher_is_worse)
        return -self.size if falls else self.size

    def improves(self, record: Indicator) -> bool:
        """Whether the change moves ``record`` in its better direction."""
        return (self.change(record) < 0) == record.higher_is_worse

    @property
    def share(self) -> float:
        """The cohort's share of wards (0.1, 0.2); Core20's is about the most deprived 20%."""
        targeting = TARGETINGS[self.cohort]
        return targeting.parameter if targeting.rule == "worst share" else 0.2


_HLE_GAP = ("Healthy life expectancy is not published for electoral wards. The closest open ward measure here is "
            "life expectancy at birth (ONS, 2016-20, estimated from MSOAs: a ranking layer whose levels run about "
            "two years above official figures) — life expectancy, not healthy life expectancy — and Census 2021 "
            "general health (self-reported, crude percentages, not age-standardised). Or upload a local measure under "
            "Your data.")
_NEA_GAP = ("Non-elective admissions are not published for wards, and no open source counts them for small areas. "
            "The closest open measure is the IoD2025 acute morbidity indicator: emergency admissions of residents "
            "as an age/sex-standardised ratio (100 = as expected at England's rates) for about 2021-23, without counts, and it will "
            "not be re-published by March 2027. Tracking the goal needs admissions by LSOA or ward from local "
            "hospital data (SUS/HES), which can be uploaded under Your data.")
_CYP_GAP = ("The paper does not name the children's outcomes, and children's health outcomes are not published for "
            "wards. The closest open ward measures are about children's circumstances, not their health: children "
            "in relative low income families (DWP, FYE 2025), children in the most income-deprived LSOAs (IDACI) "
            "and children's education deprivation (IoD2025). Upload a local outcome (e.g. from school nursing or "
            "the National Child Measurement Programme) to model a health outcome.")

GOALS: dict[str, Goal] = {g.id: g for g in (
    Goal(id="hle10",
         title="Improve healthy life expectancy by 10% in the most disadvantaged 10% of wards in 5 years",
         named_measure="Healthy life expectancy",
         measures=("le_male_2016_20", "le_female_2016_20", "good_health_2021", "bad_health_2021"), direction="improve", size=0.10, cohort="imd10",
         deadline=date(2030, 1, 1), gap_note=_HLE_GAP),
    Goal(id="nea20",
         title="Decrease non-elective admissions by 20% in the 20% most disadvantaged by March 2027",
         named_measure="Non-elective (emergency) hospital admissions", measures=("emergency_admissions_2025",),
         direction="decrease", size=0.20, cohort="imd20", deadline=date(2027, 3, 31), gap_note=_NEA_GAP),
    Goal(id="cyp10",
         title="Improve key health outcomes for children by 10% in the most disadvantaged 10% of wards in 5 years",
         named_measure="Key health outcomes for children (not named in the paper)",
         measures=("child_low_income_pct_fye2025", "idaci_decile1_share_2025", "cyp_score_2025"),
         direction="improve", size=0.10, cohort="imd10", deadline=date(2030, 1, 1), gap_note=_CYP_GAP),
)}

DEFAULT_GOAL = "nea20"
CUSTOM = "custom"


def goal_title(goal_id: str) -> str:
    """The title of a preset goal by id, or "A goal of your own" for :data:`CUSTOM`."""
    return GOALS[goal_id].title if goal_id in GOALS else "A goal of your own"


def custom_goal(measure: str, direction: str, size: float, cohort: str, deadline: date,
                start: date = BOARD_PAPER) -> Goal:
    """A goal of the user's own: ``measure`` (any layer id, uploads included) moved in ``direction``
    by ``size`` (0.1 = 10%) in the ``cohort`` (one of :data:`COHORTS`) by ``deadline``."""
    if cohort not in COHORTS:
        raise ValueError(f"cohort {cohort!r} is not one of {COHORTS}")
    verb = {"improve": "Improve", "decrease": "Decrease", "increase": "Increase"}.get(direction, direction)
    return Goal(id=CUSTOM, title=f"{verb} the chosen measure by {size:.0%} in the cohort by {deadline:%B %Y}",
                named_measure="the chosen measure", measures=(measure,), direction=direction, size=size,
                cohort=cohort, deadline=deadline, start=start, origin="your own goal")


def offered_measures(goal: Goal, records: list[Indicator]) -> list[str]:
    """Layer ids to offer for ``goal``, best first: its own measures, then the user's uploads (theme "Your data")."""
    ids = [r.id for r in records]
    own = [m for m in goal.measures if m in ids]
    uploads = [r.id for r in records if r.theme == "Your data"]
    return list(dict.fromkeys([*own, *uploads]))
