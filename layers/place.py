"""Place layers: rurality (ONS RUC2021) and the coastal flag (computed from ward geometry).

Neither is a measure of need: they say what kind of place a ward is, so that coastal and rural
communities (named in the ICB's plans) can be picked out next to the health layers. The records
are ``layers/records/place.toml``; they quote the rural threshold and the coastal rule's distances
from :mod:`geo.rurality` and :mod:`geo.coastal` (:data:`layers.indicator.PHRASES`).
"""

from __future__ import annotations

from layers.indicator import Indicator, indicator_records

PLACE: tuple[Indicator, ...] = indicator_records("place.toml")
