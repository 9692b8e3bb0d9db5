"""Health layers: life expectancy at birth (ONS, MSOA 2011), emergency admissions (IoD2025) and
general health (Census 2021, Output Areas).

The records are ``layers/records/health.toml``. The Health Deprivation and Disability domain score
sits with the deprivation records (:mod:`layers.deprivation`), in this same theme.
"""

from __future__ import annotations

from layers.indicator import Indicator, indicator_records

HEALTH: tuple[Indicator, ...] = indicator_records("health.toml")
