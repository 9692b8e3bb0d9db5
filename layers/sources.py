"""Who published each layer's data, under which licence, and the words the licences ask the app to show.

Every :class:`Source` is declared once here and named by the records that use it; the
attributions of the ward boundaries and the Census 2021 Output Areas (:data:`ALWAYS`) are shown
under every map and in every pack and export, and :data:`FOUNDATION` lists every other source the
ward figures rest on (lookups, MHCLG's published summaries) for the Methods tab.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


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

#: Attribution the ONS and OS licences require wherever the boundaries or ONS data are shown.
ONS_OS_ATTRIBUTION = f"{_ONS} Contains OS data © Crown copyright and database right 2025."
#: Attribution of ONS's Census 2021 Output Area tables and OA population-weighted centroids, from which
#: every ward population and every LSOA's share of a ward are made (shown with every map too).
ONS_OA_ATTRIBUTION = f"{_ONS} Contains OS data © Crown copyright and database right 2022."

IOD2025 = Source(
    publisher="Ministry of Housing, Communities and Local Government (MHCLG)",
    dataset="English indices of deprivation 2025",
    licence=OGL,
    attribution="Contains public sector information licensed under the Open Government Licence v3.0 "
                "(MHCLG, English Indices of Deprivation 2025).",
    url="https://www.gov.uk/government/statistics/english-indices-of-deprivation-2025",
)

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


IOD2019 = Source(
    publisher="Ministry of Housing, Communities and Local Government (MHCLG)",
    dataset="English indices of deprivation 2019",
    licence=OGL,
    attribution="Contains public sector information licensed under the Open Government Licence v3.0 "
                "(MHCLG, English Indices of Deprivation 2019).",
    url="https://www.gov.uk/government/statistics/english-indices-of-deprivation-2019",
)

ONS_LE_MSOA = Source(
    publisher="Office for National Statistics (ONS)",
    dataset="Life Expectancy data for 2011 MSOAs in England, 2016 to 2020 (ad hoc release REQ3292)",
    licence=OGL,
    attribution=_ONS,
)

CENSUS_TS038 = Source(
    publisher="Office for National Statistics (ONS)",
    dataset="Census 2021, TS038 Disability, by LSOA 2021",
    licence=OGL,
    attribution="Source: Office for National Statistics licensed under the Open Government Licence v.3.0 "
                "(Census 2021).",
    url="https://www.nomisweb.co.uk/datasets/c2021ts038",
)

CENSUS_TS037_OA = Source(
    publisher="Office for National Statistics (ONS)",
    dataset="Census 2021, TS037 General health, by Output Area 2021",
    licence=OGL,
    attribution=ONS_OA_ATTRIBUTION,
    url="https://www.nomisweb.co.uk/datasets/c2021ts037",
)

HOCL_QOF = Source(
    publisher="House of Commons Library (from NHS England, formerly NHS Digital, QOF data)",
    dataset="Constituency data: how healthy is your area - modelled MSOA prevalence estimates",
    licence="Open Parliament Licence v3.0",
    attribution="Contains Parliamentary information licensed under the Open Parliament Licence v3.0. "
                "Underlying data: Quality and Outcomes Framework, NHS England (formerly NHS Digital).",
    url="https://commonslibrary.parliament.uk/constituency-data-how-healthy-is-your-area/",
)

DWP_CILIF = Source(
    publisher="Department for Work and Pensions (DWP) and HM Revenue & Customs",
    dataset="Children in low income families: local area statistics, FYE 2025 (Table 4, ward)",
    licence=OGL,
    attribution="Source: Department for Work and Pensions, Children in low income families: local area "
                "statistics, licensed under the Open Government Licence v3.0.",
    url="https://www.gov.uk/government/collections/children-in-low-income-families-local-area-statistics",
)

ONS_RUC2021 = Source(
    publisher="Office for National Statistics (ONS)",
    dataset="Rural Urban Classification (2021) of LSOAs in England and Wales",
    licence=OGL,
    attribution=_ONS,
    url="https://www.ons.gov.uk/methodology/geography/geographicalproducts/ruralurbanclassifications",
)

COASTAL = Source(
    publisher="Office for National Statistics (ward boundaries); Natural Earth (coastline)",
    dataset="Wards (2025) Boundaries UK BGC, clipped to Mean High Water; Natural Earth 1:10m Coastline and Land",
    licence="Open Government Licence v3.0 (ONS boundaries); public domain (Natural Earth)",
    attribution=f"{ONS_OS_ATTRIBUTION} Made with Natural Earth.",
    url="https://www.naturalearthdata.com/",
)


# --- What every ward figure rests on, whichever layer is shown -------------------------------------

def _ons(dataset: str, os_year: int, url: str = "") -> Source:
    """An ONS geography product under the OGL, whose attribution names the year of its OS data."""
    return Source(publisher="Office for National Statistics (ONS)", dataset=dataset, licence=OGL,
                  attribution=f"{_ONS} Contains OS data © Crown copyright and database right {os_year}.", url=url)


WARD_BOUNDARIES = _ons("Wards (May 2025) Boundaries UK BGC (and the local authority borders dissolved from them)",
                       2025, "https://geoportal.statistics.gov.uk/")
CENSUS_OA = _ons("Census 2021, TS001 Usual residents, by Output Area 2021; Output Areas (December 2021) "
                 "population-weighted centroids (V3)", 2022, "https://www.nomisweb.co.uk/datasets/c2021ts001")
WD25_BESTFIT = _ons("LSOA (2021) to Electoral Ward (2025) to LAD (2025) Best Fit Lookup in EW, v2 (one ward per "
                    "LSOA: the LSOA upload template, and the check of WardLens's own best fit)", 2025)
ICB_LOOKUP = _ons("LSOA (2021) to Sub ICB Location to ICB (April 2024) Lookup in England (each ward's ICB)", 2024)
LSOA_LOOKUPS = _ons("LSOA (2011) to LSOA (2021) to LAD (2022) Lookup for England and Wales; LSOA (December 2021) "
                    "Boundaries EW BSC V4 (the areal overlay)", 2022)
LSOA11_BOUNDARIES = _ons("LSOA (December 2011) Boundaries EW BSC, dissolved into MSOAs (2011) for the life "
                         "expectancy map", 2021)

IOD2025_SUMMARIES = Source(
    publisher="Ministry of Housing, Communities and Local Government (MHCLG)",
    dataset="English indices of deprivation 2025: local authority district and ICB summaries (the figures "
            "marked MHCLG published)",
    licence=OGL,
    attribution=IOD2025.attribution,
    url=IOD2025.url,
)

#: Shown with every map, pack and export: the ward boundaries and the Census 2021 Output Areas.
ALWAYS: tuple[Source, ...] = (WARD_BOUNDARIES, CENSUS_OA)
#: Every source the ward figures rest on beside the layers' own (the Methods tab lists each).
FOUNDATION: tuple[Source, ...] = (*ALWAYS, WD25_BESTFIT, ICB_LOOKUP, LSOA_LOOKUPS, LSOA11_BOUNDARIES,
                                  IOD2025_SUMMARIES)


def attribution_texts(sources: Iterable[Source]) -> list[str]:
    """The attributions of :data:`ALWAYS` (boundaries, Census 2021 Output Areas) and each source's,
    each said once: a text already contained in another is dropped, and a text that contains an
    earlier one takes its place (as under the app's map)."""
    texts: list[str] = []
    for text in (t.strip() for t in [*(s.attribution for s in ALWAYS), *(s.attribution for s in sources)]):
        if any(text in earlier for earlier in texts):
            continue
        inside = [i for i, earlier in enumerate(texts) if earlier in text]
        if inside:
            texts[inside[0]] = text
            texts = [t for i, t in enumerate(texts) if i not in inside[1:]]
        else:
            texts.append(text)
    return texts
