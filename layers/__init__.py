"""What the app can draw: the indicator registries, explicit lists of frozen records.

:data:`INDICATORS` holds the ward layers; :data:`MSOA_INDICATORS` the life expectancy
layers shown at MSOA 2011, the geography ONS published them for. The records are data, one
TOML file a theme in ``layers/records/`` (read into frozen :class:`~layers.indicator.Indicator`
records by the theme modules). Add an indicator by writing its ``[[indicator]]`` record in the
theme's file; the tests over the registries then check its metadata and data with no new test
code.
"""

from __future__ import annotations

from layers.children import CHILDREN
from layers.conditions import CONDITIONS
from layers.deprivation import DEPRIVATION
from layers.health import HEALTH
from layers.indicator import Indicator
from layers.msoa import MSOA_LIFE_EXPECTANCY
from layers.place import PLACE


def _registry(*groups: tuple[Indicator, ...]) -> dict[str, Indicator]:
    records = [i for group in groups for i in group]
    ids = [i.id for i in records]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ValueError(f"duplicate indicator id(s): {dupes}")
    return {i.id: i for i in records}


INDICATORS: dict[str, Indicator] = _registry(DEPRIVATION, HEALTH, CONDITIONS, CHILDREN, PLACE)
MSOA_INDICATORS: dict[str, Indicator] = _registry(tuple(m.record for m in MSOA_LIFE_EXPECTANCY.values()))
