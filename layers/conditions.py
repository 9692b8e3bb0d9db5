"""Long-term conditions layers: Census 2021 disability, IoD2025 illness and disability ratio, QOF prevalence.

These are public proxies for multimorbidity; no public data counts people with several
conditions. A locally held count (for example people with 5+ long-term conditions from a GP or
ICB extract) joins this theme at run time as an uploaded layer listed under it
(:mod:`layers.uploaded`). The records are ``layers/records/conditions.toml``.
"""

from __future__ import annotations

from layers.indicator import Indicator, indicator_records

CONDITIONS: tuple[Indicator, ...] = indicator_records("conditions.toml")
