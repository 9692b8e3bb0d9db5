"""The indicator record: everything the app needs to draw, explain and credit one layer.

One frozen :class:`Indicator` per layer. Records say *what* to draw; they never read files
(the app's loaders in :mod:`geo.store` read ``file`` / ``column``) and nothing anywhere
branches on an indicator's id: behaviour follows the record's fields.

The record's defaults are the common case -- a rate or score published for LSOAs (2021),
taken to wards by Output Area best fit (:data:`BY_OA_RESIDENTS`) and averaged with Census 2021
residents as weights, higher is worse, five quantile classes -- so that a record states only
what differs from it.

Each vocabulary a field draws from is declared once: themes, kinds and methods here,
classification schemes and palettes in :mod:`layers.style`, aggregations in
:mod:`geo.areas`.

The records themselves are data, one file a theme in ``layers/records/`` (``deprivation.toml``,
``health.toml``, ...), read by :func:`indicator_records`; the words several files share, and the
values they quote from the code, are named once in :data:`PHRASES`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Literal, get_args

from geo.areas import AGGREGATIONS
from geo.coastal import CAVEAT as COASTAL_CAVEAT, COAST_BUFFER_M, MIN_EDGE_M
from geo.rurality import RURAL_THRESHOLD
from layers import recordfile
from layers.sources import IOD_RATIO_UNIT, SOURCES, Source, iod_ratio_england
from layers.style import PALETTES, SCHEMES_BY_ID

Theme = Literal["Deprivation", "Health", "Long-term conditions", "Children", "Place", "Your data"]
#: Themes in the order the app lists them. "Your data" holds only the layers a user uploads in a
#: session (built at runtime by :mod:`layers.uploaded`, never in the registry).
THEMES: tuple[str, ...] = get_args(Theme)
#: What a missing value reads as, in tooltips, lists, profiles and exports.
NO_DATA_TEXT = "no data"

Kind = Literal["numeric", "flag"]
KINDS: tuple[str, ...] = get_args(Kind)

Method = Literal["direct", "population-weighted", "summed", "estimate", "geometry"]
METHODS: tuple[str, ...] = get_args(Method)

#: How an LSOA 2021 value reaches a ward (:mod:`geo.bestfit`): every Census 2021 Output Area sits in
#: the ward holding its population-weighted centroid, and an LSOA counts towards each ward with the
#: residents of its Output Areas there. The words the records' method notes share.
BY_OA_RESIDENTS = "weighted by the Census 2021 residents of each LSOA's Output Areas in the ward"
#: The wards holding no Output Area's centroid (15 City of London wards and St Agnes, Isles of Scilly),
#: valued by areal overlay; tests/test_registry.py checks it against data/indicators/wards.csv.
N_OVERLAY_WARDS = 16
#: What the records say of those wards.
OVERLAY_WARDS = f"the {N_OVERLAY_WARDS} very small wards that hold no Output Area get an areal-overlay estimate"

#: The phrases every record file may name as ``{NAME}``: the code's own values (so a record quotes the
#: threshold, distance or count the build uses) and the words records of several files share. A file's
#: ``[phrases]`` hold the words only its own records share.
PHRASES: dict[str, str] = {
    "BY_OA_RESIDENTS": BY_OA_RESIDENTS,
    "OVERLAY_WARDS": OVERLAY_WARDS,
    "N_OVERLAY_WARDS": str(N_OVERLAY_WARDS),
    "IOD_RATIO_UNIT": IOD_RATIO_UNIT,
    "IOD_RATIO_ENGLAND_CLAIMANTS": iod_ratio_england("claimants", "113"),
    "IOD_RATIO_ENGLAND_ADMISSIONS": iod_ratio_england("emergency admissions", "106"),
    "RURAL_THRESHOLD": f"{RURAL_THRESHOLD:.0%}",
    "COAST_MIN_EDGE_M": f"{MIN_EDGE_M:,.0f}",
    "COAST_BUFFER_M": f"{COAST_BUFFER_M:,.0f}",
    "COASTAL_CAVEAT": COASTAL_CAVEAT,
    "LE_RANKING_WARNING": "Ranking only: these levels run about 2 years above official life expectancy.",
}

#: Fields a record may leave empty.
_OPTIONAL = frozenset({"weight", "coverage_note", "warning", "official"})


@dataclass(frozen=True, kw_only=True)
class Indicator:
    """One map layer and its metadata.

    ``family`` groups the variants of one measure (``variant`` = "IoD2025" / "IoD2019 recast",
    "Male" / "Female"), so the app offers one entry per family with a variant choice.
    ``value_format`` is a Python format spec for one value (``".1f"``, ``".0%"``, ``",.0f"``).
    ``weight`` names the column that weights the indicator when wards are combined into an
    area value (``aggregation`` "weighted mean"), or is empty for counts ("sum").
    ``valid_range`` is the plausible range every value must fall in (checked by tests).
    ``warning``: a short caveat that changes how the number may be read (e.g. life expectancy
    levels running about two years high); it travels with the number -- legend, tooltip, list
    column, profile row, exports and packs. ``context``: the layer says what kind of place a ward
    is, neither better nor worse (rurality), so it gets no rank and no better/worse cue.
    ``official``: the column of MHCLG's published LAD and ICB summaries
    (``summaries_*_2025_official.csv``) that holds this measure, shown instead of a computed
    LAD or ICB value; empty when MHCLG publishes none.
    """

    id: str
    title: str
    theme: Theme
    family: str
    variant: str
    definition: str
    file: str
    column: str
    unit: str
    period: str
    method_note: str
    source: Source
    caveat: str
    valid_range: tuple[float, float]
    value_format: str = ".1f"
    source_geography: str = "LSOA 2021"
    method: Method = "population-weighted"
    higher_is_worse: bool = True
    kind: Kind = "numeric"
    scheme: str = "Quantiles"
    palette: str = "YlOrRd"
    aggregation: str = "weighted mean"
    weight: str = "population"
    min_coverage: float = 0.95
    coverage_note: str = ""
    warning: str = ""
    context: bool = False
    official: str = ""

    def __post_init__(self) -> None:
        problems = [f.name for f in fields(self) if f.name not in _OPTIONAL and getattr(self, f.name) in ("", None)]
        if problems:
            raise ValueError(f"indicator {self.id!r}: empty field(s) {', '.join(problems)}")
        for name, allowed in (("theme", THEMES), ("kind", KINDS), ("method", METHODS),
                              ("scheme", tuple(SCHEMES_BY_ID)), ("palette", PALETTES),
                              ("aggregation", tuple(AGGREGATIONS))):
            if getattr(self, name) not in allowed:
                raise ValueError(f"indicator {self.id!r}: {name} {getattr(self, name)!r} is not one of {allowed}")
        if self.aggregation == "weighted mean" and not self.weight:
            raise ValueError(f"indicator {self.id!r}: a weighted mean needs a weight column")
        low, high = self.valid_range
        if not low < high:
            raise ValueError(f"indicator {self.id!r}: valid_range {self.valid_range} is empty")
        if len(self.warning) > 110:
            raise ValueError(f"indicator {self.id!r}: a warning travels with every number, keep it short (<= 110 "
                             f"characters, not {len(self.warning)}); the caveat holds the full text")
        if self.min_coverage < 0.95 and not self.coverage_note:
            raise ValueError(f"indicator {self.id!r}: coverage below 95% needs a coverage_note saying why")
        format(1.5, self.value_format)

    @property
    def full_title(self) -> str:
        """The title with its variant in brackets, unless the title already says it:
        "Income deprivation (IoD2025)", but "Life expectancy at birth, males (ranking estimate)"."""
        return self.title if self.variant.lower() in self.title.lower() else f"{self.title} ({self.variant})"

    def format_value(self, value: float | None) -> str:
        """The value as the app prints it (:data:`NO_DATA_TEXT` when missing); the unit is shown apart."""
        if value is None or value != value:
            return NO_DATA_TEXT
        return format(value, self.value_format)


def indicator_records(name: str) -> tuple[Indicator, ...]:
    """The ``[[indicator]]`` records of ``layers/records/<name>``, in the file's order, each naming its
    :class:`~layers.sources.Source` by name (``source = "IOD2025"``) and any of :data:`PHRASES`."""
    return tuple(recordfile.load(name, "indicator", Indicator, phrases=PHRASES, refs={Source: SOURCES}).values())
