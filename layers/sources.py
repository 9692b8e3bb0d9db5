"""Who published each layer's data, under which licence, and the words the licences ask the app to show.

Every :class:`Source` is declared once here and named by the records that use it; the
boundary attribution (:data:`ONS_OS_ATTRIBUTION`) is shown under every map and in every export.
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
    attribution="Source: Office for National Statistics licensed under the Open Government Licence v.3.0. "
                "Contains OS data © Crown copyright and database right 2022.",
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


def attribution_texts(sources: Iterable[Source]) -> list[str]:
    """The boundary attribution (:data:`ONS_OS_ATTRIBUTION`) and each source's, each said once: a
    text already contained in another is dropped, and a text that contains an earlier one takes
    its place (as under the app's map)."""
    texts: list[str] = []
    for text in (t.strip() for t in [ONS_OS_ATTRIBUTION, *(s.attribution for s in sources)]):
        if any(text in earlier for earlier in texts):
            continue
        inside = [i for i, earlier in enumerate(texts) if earlier in text]
        if inside:
            texts[inside[0]] = text
            texts = [t for i, t in enumerate(texts) if i not in inside[1:]]
        else:
            texts.append(text)
    return texts
