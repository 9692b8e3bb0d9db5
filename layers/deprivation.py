"""Deprivation layers: IMD 2025 and IoD2019 recast onto 2025 wards (MHCLG, LSOA-based).

The records are ``layers/records/deprivation.toml``; each IoD2019 record is the recast of an IoD2025
one (``based_on``), with the fields the file's ``[derived]`` table gives every recast.
"""

from __future__ import annotations

from layers.indicator import Indicator, indicator_records

DEPRIVATION: tuple[Indicator, ...] = indicator_records("deprivation.toml")
