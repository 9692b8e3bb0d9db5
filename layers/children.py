"""Children layers: DWP child poverty by ward, and IoD2025 child income deprivation and education.

The records are ``layers/records/children.toml``.
"""

from __future__ import annotations

from layers.indicator import Indicator, indicator_records

CHILDREN: tuple[Indicator, ...] = indicator_records("children.toml")
