"""The indicator record: everything the app needs to draw, explain and credit one layer.

One frozen :class:`Indicator` per layer. Records say *what* to draw; they never read files
(the app's loaders in :mod:`geo.store` read ``file`` / ``column``) and nothing anywhere
branches on an indicator's id: behaviour follows the record's fields.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Literal

Theme = Literal["Deprivation", "Health", "Long-term conditions", "Children", "Place", "Your data"]
#: Themes in the order the app lists them. "Your data" holds only the layers a user uploads in a
#: session (built at runtime by :mod:`layers.uploaded`, never in the registry).
THEMES: tuple[str, ...] = ("Deprivation", "Health", "Long-term conditions", "Children", "Place", "Your data")

Kind = Literal["numeric", "flag"]
Method = Literal["direct", "population-weighted", "summed", "estimate", "geometry"]
Aggregation = Literal["weighted mean", "sum", "share of wards"]

#: Classification schemes the map offers, as mapclassify names them.
SCHEMES = ("Quantiles", "NationalDeciles", "EqualInterval", "FisherJenks")

#: ColorBrewer sequential palettes (colour-blind safe) the records may name.
PALETTES = ("YlOrRd", "OrRd", "PuRd", "RdPu", "YlGnBu", "PuBu", "BuPu", "Greens", "Blues", "Purples")


@dataclass(frozen=True)
class Source:
    """Who published the data, under which licence, and the words the app must show."""

    publisher: str
    dataset: str
    licence: str
    attribution: str
    url: str = ""


@dataclass(frozen=True)
class Indicator:
    """One map layer and its metadata.

    ``family`` groups the variants of one measure (``variant`` = "IoD2025" / "IoD2019 recast",
    "Male" / "Female"), so the app offers one entry per family with a variant choice.
    ``value_format`` is a Python format spec for one value (``".1f"``, ``".0%"``, ``",.0f"``).
    ``weight`` names the ward column that weights the indicator when wards are combined into
    an area value (``aggregation`` "weighted mean"), or is empty for counts ("sum").
    ``valid_range`` is the plausible range every ward value must fall in (checked by tests).
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
    value_format: str
    period: str
    source_geography: str
    method: Method
    method_note: str
    higher_is_worse: bool
    kind: Kind
    scheme: str
    palette: str
    aggregation: Aggregation
    weight: str
    valid_range: tuple[float, float]
    source: Source
    caveat: str
    min_coverage: float = 0.95
    coverage_note: str = ""

    def __post_init__(self) -> None:
        problems = [f.name for f in fields(self)
                    if f.name not in ("weight", "coverage_note") and getattr(self, f.name) in ("", None)]
        if problems:
            raise ValueError(f"indicator {self.id!r}: empty field(s) {', '.join(problems)}")
        if self.theme not in THEMES:
            raise ValueError(f"indicator {self.id!r}: theme {self.theme!r} is not one of {THEMES}")
        if self.scheme not in SCHEMES:
            raise ValueError(f"indicator {self.id!r}: scheme {self.scheme!r} is not one of {SCHEMES}")
        if self.palette not in PALETTES:
            raise ValueError(f"indicator {self.id!r}: palette {self.palette!r} is not one of {PALETTES}")
        if self.aggregation == "weighted mean" and not self.weight:
            raise ValueError(f"indicator {self.id!r}: a weighted mean needs a weight column")
        low, high = self.valid_range
        if not low < high:
            raise ValueError(f"indicator {self.id!r}: valid_range {self.valid_range} is empty")
        if self.min_coverage < 0.95 and not self.coverage_note:
            raise ValueError(f"indicator {self.id!r}: coverage below 95% needs a coverage_note saying why")
        format(1.5, self.value_format)

    def format_value(self, value: float | None) -> str:
        """The value as the app prints it ("no data" when missing); the unit is shown apart."""
        if value is None or value != value:
            return "no data"
        return format(value, self.value_format)
