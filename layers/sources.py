"""Who published each layer's data, under which licence, and the words the licences ask the app to show.

Every :class:`Source` is declared once, in ``layers/records/sources.toml`` (read by
:mod:`layers.recordfile`), and named by the records that use it; the attributions of the ward
boundaries and the Census 2021 Output Areas (:data:`ALWAYS`) are shown under every map and in
every pack and export, and :data:`FOUNDATION` lists every other source the ward figures rest on
(lookups, MHCLG's published summaries) for the Methods tab.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from layers import recordfile


@dataclass(frozen=True)
class Source:
    """Who published the data, under which licence, and the words the app must show."""

    publisher: str
    dataset: str
    licence: str
    attribution: str
    url: str = ""


OGL = "Open Government Licence v3.0"
_ONS = "Source: Office for National Statistics licensed under the Open Government Licence v.3.0."
_OS_DATA = "Contains OS data © Crown copyright and database right"
#: An ONS geography product's attribution, naming the year of its OS data (SOURCES.md):
#: ``{ONS} {OS_DATA} 2025.`` in a record file.
_ONS_OS = re.compile(re.escape(f"{_ONS} {_OS_DATA} ") + r"(\d{4})\.")

#: The unit of an IoD2025 standardised ratio (acute morbidity, CIDR): 100 is the number of admissions or claimants
#: England's own rates for each age and sex would give the residents.
IOD_RATIO_UNIT = "age/sex-standardised ratio (100 = as expected at England's rates)"


def iod_ratio_england(what: str, england: str) -> str:
    """Why the England figure WardLens shows for an IoD2025 standardised ratio is not 100: ``england`` is
    that figure as shown (the resident-weighted mean of England's LSOA ratios; a test checks it)."""
    return (f"100 means as many {what} as England's rates for each age and sex would give the residents. "
            f"England's figure here, {england}, is the average of England's LSOA ratios weighted by residents, "
            f"as every area's figure in WardLens is; an average of small-area ratios is not England's own ratio "
            f"of observed to expected {what}, so it need not be 100.")


#: Every source by its name, as written in ``layers/records/sources.toml`` (the phrases it may name are these).
SOURCES: dict[str, Source] = recordfile.load("sources.toml", "source", Source, key="name",
                                             phrases={"ONS": _ONS, "OS_DATA": _OS_DATA, "OGL": OGL})
#: Each source under its own name (tests/test_records.py checks that every name is its record's).
(IOD2025, IOD2019, ONS_LE_MSOA, CENSUS_TS038, CENSUS_TS037_OA, HOCL_QOF, DWP_CILIF, ONS_RUC2021, COASTAL,
 WARD_BOUNDARIES, CENSUS_OA, WD25_BESTFIT, ICB_LOOKUP, LSOA_LOOKUPS, LSOA11_BOUNDARIES,
 IOD2025_SUMMARIES) = SOURCES.values()

#: Shown with every map, pack and export: the ward boundaries and the Census 2021 Output Areas.
ALWAYS: tuple[Source, ...] = (WARD_BOUNDARIES, CENSUS_OA)
#: Every source the ward figures rest on beside the layers' own (the Methods tab lists each).
FOUNDATION: tuple[Source, ...] = (*ALWAYS, WD25_BESTFIT, ICB_LOOKUP, LSOA_LOOKUPS, LSOA11_BOUNDARIES,
                                  IOD2025_SUMMARIES)


def attribution_texts(sources: Iterable[Source]) -> list[str]:
    """One line per licence holder, each said once: the attributions of :data:`ALWAYS` (boundaries,
    Census 2021 Output Areas), then each source's. Each ONS geography product's attribution names the
    year of its OS data; ONS's line comes once, naming every such year ("... database right 2022 and
    2025.")."""
    texts: list[str] = []
    os_years: set[int] = set()
    for text in (s.attribution.strip() for s in (*ALWAYS, *sources)):
        if found := _ONS_OS.fullmatch(text):
            os_years.add(int(found[1]))
            text = _ONS
        if text not in texts:
            texts.append(text)
    return [_ons_attribution(sorted(os_years)) if text == _ONS else text for text in texts]


def _ons_attribution(os_years: list[int]) -> str:
    """ONS's attribution, with the OS data sentence naming ``os_years`` ("2021, 2022 and 2025"), if any."""
    if not os_years:
        return _ONS
    *earlier, last = map(str, os_years)
    years = f"{', '.join(earlier)} and {last}" if earlier else last
    return f"{_ONS} {_OS_DATA} {years}."
