"""What each layer can say about a goal: counts, confidence intervals, people, past trends.

A :class:`MeasureModel` says how a layer's ward values turn into counts and denominators,
confidence intervals, people and a detectability test. Which layers get which method, and why
the others get none:

============================  =========================================================  =================
kind                          intervals (95%)                                            counts behind them
============================  =========================================================  =================
``proportion``                Wilson score, on value x denominator of denominator        published shares
``ratio``                     Byar's (exact below 10) on estimated admissions            **estimated**
``count``                     Byar's (exact below 10) on the count                       published counts
``life expectancy``           normal, from each MSOA's published 95% CI                  (standard errors)
``value``, ``score``          none: no counts or standard errors are published           --
============================  =========================================================  =================

* Census 2021 and DWP shares are counts of people over a known denominator: Wilson applies
  (for DWP's modelled after-housing-costs figures it understates the uncertainty).
* The IoD2025 acute morbidity indicator is a standardised ratio published without its counts.
  Admissions are estimated as ``ratio / 100 x residents x England's crude emergency admission
  rate`` (:data:`ENGLAND_EMERGENCY_ADMISSIONS`, a published figure), which assumes the area's
  age mix is England's; every figure made from them says "approximate".
* Deprivation scores and shares (IMD, IDACI, the children and young people sub-domain) are
  indices and classifications of LSOAs, not samples: no interval. A score centred on 0 gets no
  relative target (10% of a negative score has no meaning).

Layers not listed in :data:`MEASURE_MODELS` -- a new published layer, an upload -- get a model
from their record's fields (:func:`measure_model`): counts (aggregation "sum") are counts;
Census 2021 percentages are proportions; everything else is a value without interval. Pure:
no streamlit, no files.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Literal, get_args

import pandas as pd

from geo.precision import Components, msoa_components
from layers.indicator import Indicator

MeasureKind = Literal["proportion", "ratio", "count", "life expectancy", "value", "score"]
MEASURE_KINDS: tuple[str, ...] = get_args(MeasureKind)


@dataclass(frozen=True, kw_only=True)
class Cited:
    """A published figure's citation: the ``source`` in words and its ``url`` ("" when none)."""

    source: str
    url: str = ""


@dataclass(frozen=True)
class PublishedRate(Cited):
    """A published England rate used to turn a standardised ratio into approximate counts.

    ``events`` in ``period`` over ``population`` (the mid-year estimate named in ``source``):
    :attr:`per_person` events a person a year.
    """

    events: float
    population: float
    period: str
    what: str

    @property
    def per_person(self) -> float:
        return self.events / self.population

    @property
    def text(self) -> str:
        return (f"{self.events / 1e6:.2f} million {self.what} in England in {self.period} over "
                f"{self.population / 1e6:.2f} million residents ({self.per_person * 1000:.0f} per 1,000 a year; "
                f"{self.source})")


#: England's emergency admissions: the most recent national count found in a citable open
#: source (the Health Foundation's analysis of Hospital Episode Statistics), over ONS's mid-2017
#: population estimate. Admissions have risen since (the IoD2025 data are of about 2021-23), so
#: counts estimated from it are more likely too low than too high.
ENGLAND_EMERGENCY_ADMISSIONS = PublishedRate(
    events=6_020_000, population=55_619_430, period="2017/18", what="emergency admissions",
    source="The Health Foundation, 'Emergency hospital admissions in England: what are the pressures?', from "
           "Hospital Episode Statistics (NHS Digital); population: ONS mid-2017 estimate for England",
    url="http://reader.health.org.uk/emergency-admissions/part-one-what-are-the-pressures",
)


@dataclass(frozen=True)
class ReferenceTrend(Cited):
    """A published past change of a measure, to set the pace a goal needs beside.

    ``what`` changed from ``start`` (in ``start_period``) to ``end`` (in ``end_period``), periods
    whose midpoints are ``years`` apart; :attr:`per_year` is the average change a year.
    """

    what: str
    start_period: str
    start: float
    end_period: str
    end: float
    years: float

    @property
    def per_year(self) -> float:
        return (self.end - self.start) / self.years

    @property
    def text(self) -> str:
        verb = "rose" if self.end >= self.start else "fell"
        return (f"{self.what} {verb} by about {abs(self.per_year):.2f} a year, from {self.start:g} in "
                f"{self.start_period} to {self.end:g} in {self.end_period} ({self.source})")


#: ONS, "Life expectancy at birth and at age 65 by local areas in England and Wales: 2012 to 2014"
#: (4 November 2015), England's figures as the i newspaper reported them.
_ONS_ENGLAND_1991_2014 = "ONS local-area life expectancy, 2012 to 2014, as reported by the i"
_ONS_ENGLAND_1991_2014_URL = "https://inews.co.uk/news/health/scotland-life-expectancy-lowest-uk-better-quality-life-48679"
#: ONS, "UK Interim Life Tables, 1980-82 to 2008-10" (29 September 2011) and "National life tables -
#: life expectancy in the UK: 2017 to 2019" (24 September 2020).
_ONS_UK_2008_2019 = "ONS interim life tables 2008-10 and national life tables 2017 to 2019"
_ONS_UK_2008_2019_URL = ("https://www.ons.gov.uk/peoplepopulationandcommunity/birthsdeathsandmarriages/lifeexpectancies/"
                         "bulletins/nationallifetablesunitedkingdom/2017to2019")


def _life_expectancy_trends(sex: str, england: tuple[float, float], uk: tuple[float, float]) -> tuple[ReferenceTrend, ...]:
    """The two published series for ``sex``: England's life expectancy at birth in 1991-93 and 2012-14
    (``england``, years), and the UK's in 2008-10 and 2017-19 (``uk``)."""
    return (
        ReferenceTrend(f"England's {sex} life expectancy at birth", "1991-93", england[0], "2012-14", england[1], 21.0,
                       source=_ONS_ENGLAND_1991_2014, url=_ONS_ENGLAND_1991_2014_URL),
        ReferenceTrend(f"the UK's {sex} life expectancy at birth", "2008-10", uk[0], "2017-19", uk[1], 9.0,
                       source=_ONS_UK_2008_2019, url=_ONS_UK_2008_2019_URL),
    )


#: Published past rises of life expectancy at birth, by sex: England over two decades to 2012-14, and
#: the UK since 2008-10, when the rise slowed (ONS's words: improvements "have slowed down" since 2011).
LIFE_EXPECTANCY_TRENDS: dict[str, tuple[ReferenceTrend, ...]] = {
    "male": _life_expectancy_trends("male", england=(73.7, 79.5), uk=(78.1, 79.4)),
    "female": _life_expectancy_trends("female", england=(79.1, 83.2), uk=(82.1, 83.1)),
}

#: Said when a measure has no reference trend and its model gives no reason of its own.
NO_TREND = "WardLens holds no published past rate of change for this measure to compare the pace with."


@dataclass(frozen=True, kw_only=True)
class MeasureModel:
    """What the Goals view can compute for a layer (see the module docstring's table).

    ``scale``: value units per one (100 for a percentage 0-100, 1 for a fraction or ratio);
    ``people``: what the counts are ("emergency admissions"); ``per_year``: counts are a
    year's events (a stock of people otherwise); ``rate``: for a ratio, the England rate that
    estimates its counts; ``msoa``: for life expectancy, the MSOA columns (value, lower,
    upper) its standard errors come from; ``interval``: the interval method in words, or why
    there is none; ``needs``: what data would give counts (detectability), "" when they exist;
    ``trends``: published past changes to set the goal's pace beside (:class:`ReferenceTrend`), and
    ``no_trend``: why there are none.
    """

    kind: MeasureKind
    interval: str
    scale: float = 1.0
    people: str = ""
    per_year: bool = False
    rate: PublishedRate | None = None
    msoa: tuple[str, str, str] | None = None
    needs: str = ""
    trends: tuple[ReferenceTrend, ...] = ()
    no_trend: str = NO_TREND

    def __post_init__(self) -> None:
        if self.kind not in MEASURE_KINDS:
            raise ValueError(f"measure kind {self.kind!r} is not one of {MEASURE_KINDS}")
        if (self.kind == "ratio") != (self.rate is not None):
            raise ValueError("a ratio needs the published rate that estimates its counts (and only a ratio takes one)")
        if (self.kind == "life expectancy") != (self.msoa is not None):
            raise ValueError("life expectancy needs the MSOA columns of its standard errors (and only it takes them)")

    @property
    def relative_target(self) -> bool:
        """Whether a relative change of the value means anything (not for a score centred on 0)."""
        return self.kind != "score"

    @property
    def estimated(self) -> bool:
        """Whether counts are estimated rather than published (labelled approximate everywhere)."""
        return self.rate is not None


_WILSON = ("Wilson score interval on the share of people, with the Census 2021 denominator the layer is "
           "weighted by.")
_NO_INTERVAL_INDEX = ("No confidence interval: an index or classification of small areas, not a count or a "
                      "sample, and no counts behind it are published.")
_LE_NEEDS = ("Life expectancy for small areas is not published every year; tracking it needs deaths by LSOA "
             "or MSOA (ONS or the local authority's public health team) for a new life table.")


def _life_expectancy(sex: str) -> MeasureModel:
    stem = f"le_{sex}_2016_20"
    return MeasureModel(kind="life expectancy", msoa=(stem, f"{stem}_lower95", f"{stem}_upper95"),
                        interval="Normal interval from the standard errors of the MSOAs' life expectancies (ONS's "
                                 "95% limits), combined as the cohort's residents are spread over MSOAs.",
                        needs=_LE_NEEDS, trends=LIFE_EXPECTANCY_TRENDS[sex])


#: The models of the published layers a goal is most likely to use (module docstring).
MEASURE_MODELS: dict[str, MeasureModel] = {
    "le_male_2016_20": _life_expectancy("male"),
    "le_female_2016_20": _life_expectancy("female"),
    "emergency_admissions_2025": MeasureModel(
        kind="ratio", rate=ENGLAND_EMERGENCY_ADMISSIONS, people="emergency admissions", per_year=True,
        interval="Byar's method (exact below 10) on approximate admissions: ratio / 100 x residents x England's "
                 "crude emergency admission rate. Approximate: the counts are not published.",
        needs="Emergency (non-elective) admissions by LSOA or ward and year from local hospital data (SUS or HES "
              "via the ICB's analysts), uploaded under Your data as counts.",
        no_trend="No past rate of change is available: each Indices of Deprivation ratio is relative to England at "
                 "the time, so two editions show a change of standing, not of admissions, and WardLens holds no "
                 "series of admission counts. Local counts over several years would give one."),
    "child_low_income_pct_fye2025": MeasureModel(
        kind="proportion", scale=100.0, people="children in relative low income families",
        interval="Wilson score interval on the share of children, with Census 2021 children aged 0-15 as the "
                 "denominator. DWP's after-housing-costs figures are modelled, so it understates the uncertainty."),
    "child_low_income_count_fye2025": MeasureModel(
        kind="count", people="children in relative low income families",
        interval="Byar's method (exact below 10) on DWP's count (rounded and modelled, so it understates the "
                 "uncertainty)."),
    "idaci_decile1_share_2025": MeasureModel(
        kind="value", scale=1.0, people="children living in England's most income-deprived 10% of LSOAs",
        interval=_NO_INTERVAL_INDEX,
        needs="IDACI is re-published only with each Indices of Deprivation (the next is years away); a yearly "
              "measure needs children's data by LSOA (e.g. free school meals from the local authority)."),
    "cyp_score_2025": MeasureModel(
        kind="score", interval=_NO_INTERVAL_INDEX,
        needs="Pupils' attainment, absence or health outcomes by LSOA or ward from the local authority or "
              "school health services, uploaded under Your data as counts with their denominators."),
}

#: The model of a layer of counts with nothing else declared (an upload of counts, a new count layer).
_COUNTS = MeasureModel(kind="count", interval="Byar's method (exact below 10) on the count.")
_CENSUS_SHARE = MeasureModel(kind="proportion", interval=_WILSON)
_VALUE = MeasureModel(kind="value", interval="No confidence interval: no counts or standard errors are available "
                                             "for this layer.",
                      needs="Counts by LSOA or ward with their denominators (uploaded under Your data as counts).")
_SCORE = replace(_VALUE, kind="score")


def measure_model(record: Indicator, minimum: float = 0.0) -> MeasureModel:
    """The :class:`MeasureModel` of a layer: declared in :data:`MEASURE_MODELS`, else from its fields.

    Counts (aggregation "sum") are counts; Census 2021 percentages are proportions (scale from
    the record's valid range: 0-100 or 0-1); any other layer is a value without interval, or a
    score when its values (``minimum``: the smallest value it has) or valid range go below 0.
    """
    if record.id in MEASURE_MODELS:
        return MEASURE_MODELS[record.id]
    if record.aggregation == "sum":
        return replace(_COUNTS, people=record.unit if record.unit not in ("count", "") else "people counted")
    if record.source.dataset.startswith("Census 2021") and record.unit.startswith("%"):
        return replace(_CENSUS_SHARE, scale=100.0 if record.valid_range[1] > 1 else 1.0,
                       people=record.unit.removeprefix("% of ").strip() or "residents")
    low = record.valid_range[0]
    negative = (math.isfinite(low) and low < 0) or minimum < 0
    return _SCORE if negative else _VALUE


#: The MSOA column that gives each MSOA's residents (person-years over the five years 2016-20).
PERSON_YEARS = "person_years_persons_2016_20"


def msoa_columns() -> list[str]:
    """The MSOA life expectancy columns the models' standard errors need (for the loaders)."""
    return sorted({c for m in MEASURE_MODELS.values() if m.msoa for c in m.msoa} | {PERSON_YEARS})


def life_expectancy_components(lookup: pd.DataFrame, msoas: pd.DataFrame) -> dict[str, Components]:
    """Standard-error components (:mod:`geo.precision`) of every layer whose model names MSOA
    columns, by layer id, from the MSOA -> ward ``lookup`` and the MSOA life expectancy table."""
    return {layer: msoa_components(lookup, msoas, *model.msoa, person_years=PERSON_YEARS)
            for layer, model in MEASURE_MODELS.items() if model.msoa is not None}
