"""Which geography a column of ONS codes is in, and the lookups that take it to 2025 wards.

Two small registries drive everything (no if/elif per geography):

* :data:`CODE_KINDS` names what a code *prefix* means (``E01`` LSOA, ``E05`` ward, ``E08``
  local authority, ``W…`` Wales, …) and, for kinds that cannot be mapped ward by ward,
  why not.
* :data:`GEOGRAPHIES` lists the mappable geographies with their vintage, in order of
  preference within a kind (LSOA 2021 before LSOA 2011), each backed by a lookup
  ``area_code, ward_code, share`` in :class:`Reference`.

:class:`Reference` holds the processed tables the build writes (``data/indicators``):
the ward register, the best-fit LSOA 2021 membership (areal-overlay rows excluded: each LSOA
2021 is shared among the wards its Output Areas best-fit to, by their Census 2021 residents, so
its shares add to 1; each row also names the LSOA's one ONS best-fit ward, for the template),
the LSOA 2011 lookup (population shares) and, when they exist, an MSOA 2011 lookup and Census
2021 LSOA populations. :func:`read_reference` is the
only function in :mod:`geo.upload` that reads a file, and it reads only those open tables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Mapping

import pandas as pd

from geo.bestfit import OVERLAY
from geo.manifest import output
from geo.paths import DATA

#: An ONS GSS code: a letter for the country, two digits for the entity, six for the area.
CODE_RE = re.compile(r"^[EWSNK]\d{8}$")

@dataclass(frozen=True)
class CodeKind:
    """What codes with these prefixes are; ``refusal`` is set when they cannot be mapped."""

    prefixes: tuple[str, ...]
    name: str
    country: str = "England"
    refusal: str = ""


def _coarse(name: str) -> str:
    return (f"{name} areas are too coarse to map ward by ward: every ward would just repeat its "
            f"{name}'s value")


CODE_KINDS: tuple[CodeKind, ...] = (
    CodeKind(("E05",), "ward"),
    CodeKind(("E01",), "LSOA"),
    CodeKind(("E02",), "MSOA"),
    CodeKind(("E06", "E07", "E08", "E09"), "local authority", refusal=_coarse("local authority")),
    CodeKind(("E10",), "county", refusal=_coarse("county")),
    CodeKind(("E11",), "metropolitan county", refusal=_coarse("metropolitan county")),
    CodeKind(("E12",), "region", refusal=_coarse("region")),
    CodeKind(("E38",), "sub-ICB location", refusal=_coarse("sub-ICB location")),
    CodeKind(("E40",), "NHS England region", refusal=_coarse("NHS England region")),
    CodeKind(("E54",), "ICB", refusal=_coarse("ICB")),
    CodeKind(("E92",), "country", refusal=_coarse("country")),
    CodeKind(("E",), "other English", refusal="these are not ward, LSOA or MSOA codes"),
    CodeKind(("W",), "Welsh", country="Wales"),
    CodeKind(("S",), "Scottish", country="Scotland"),
    CodeKind(("N",), "Northern Irish", country="Northern Ireland"),
    CodeKind(("K",), "UK or Great Britain", country="UK-wide"),
)


def code_kind(code: str) -> CodeKind:
    """The :class:`CodeKind` of a normalised GSS code (the first in :data:`CODE_KINDS` whose prefix matches)."""
    return next(k for k in CODE_KINDS if code.startswith(k.prefixes))


@dataclass(frozen=True)
class Geography:
    """A geography WardLens can take to 2025 wards: its kind, vintage and label."""

    key: str
    kind: str
    label: str
    unknown_fix: str


GEOGRAPHIES: dict[str, Geography] = {g.key: g for g in (
    Geography("ward25", "ward", "ward (May 2025)",
              "WardLens uses the May 2025 wards, and ward codes changed in many areas in 2024 and 2025: "
              "re-code the file to 2025 wards (the template lists them) or upload by LSOA instead"),
    Geography("lsoa21", "LSOA", "LSOA 2021",
              "Check the column holds ONS LSOA 2021 or 2011 codes for England (E01 and six digits)"),
    Geography("lsoa11", "LSOA", "LSOA 2011",
              "Check the column holds ONS LSOA 2021 or 2011 codes for England (E01 and six digits)"),
    Geography("msoa11", "MSOA", "MSOA 2011",
              "Check the column holds ONS MSOA 2011 codes for England (E02 and six digits)"),
)}


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns as Python objects: ``isin`` against 30,000 codes is then a hash lookup."""
    text = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
    return frame.astype({c: object for c in text}).reset_index(drop=True)


#: A lookup's optional column: the area's one best-fit ward (ONS), where areas are split by share.
BEST_FIT_WARD = "best_fit_ward_code"


def _lookup(frame: pd.DataFrame, code: str) -> pd.DataFrame:
    extra = [BEST_FIT_WARD] if BEST_FIT_WARD in frame.columns else []
    out = frame.rename(columns={code: "area_code"})[["area_code", "ward_code", "share", *extra]]
    return _plain(out.astype({"area_code": str, "ward_code": str, "share": float, **{c: str for c in extra}}))


@dataclass(frozen=True, eq=False)
class Reference:
    """The open lookups an upload is checked and aggregated against (read-only; share freely).

    ``lookups[key]`` has ``area_code, ward_code, share`` for each geography key of
    :data:`GEOGRAPHIES` that is available (``lsoa21`` also :data:`BEST_FIT_WARD`, when the
    membership has it); ``populations[key]`` is a population per area
    code used to weight rates, where one exists.
    """

    wards: pd.DataFrame
    lookups: Mapping[str, pd.DataFrame]
    populations: Mapping[str, pd.Series] = field(default_factory=dict)

    @classmethod
    def from_frames(cls, wards: pd.DataFrame, membership: pd.DataFrame, lsoa11_lookup: pd.DataFrame,
                    msoa11_lookup: pd.DataFrame | None = None,
                    lsoa21_population: pd.DataFrame | None = None) -> Reference:
        """Build from the processed tables (columns as the build writes them).

        ``wards``: ``wards.csv``; ``membership``: ``lsoa21_ward25_membership.csv`` (areal
        overlay rows are dropped here; ``share`` splits an LSOA among its wards); ``lsoa11_lookup``: ``lsoa11_code, ward_code, share``;
        ``msoa11_lookup``: ``msoa11_code, ward_code, share``; ``lsoa21_population``:
        ``lsoa21_code, population`` (Census 2021 usual residents).
        """
        best_fit = membership[membership["method"] != OVERLAY]
        lookups = {
            "ward25": _lookup(wards.assign(area_code=wards["ward_code"], share=1.0), "area_code"),
            "lsoa21": _lookup(best_fit, "lsoa21_code"),
            "lsoa11": _lookup(lsoa11_lookup, "lsoa11_code"),
        }
        if msoa11_lookup is not None:
            lookups["msoa11"] = _lookup(msoa11_lookup, "msoa11_code")
        populations = {}
        if lsoa21_population is not None:
            populations["lsoa21"] = (lsoa21_population.astype({"lsoa21_code": str})
                                     .set_index("lsoa21_code")["population"].astype(float))
        return cls(_plain(wards), lookups, populations)

    @cached_property
    def code_sets(self) -> dict[str, frozenset[str]]:
        """The area codes each available geography knows."""
        return {key: frozenset(lookup["area_code"]) for key, lookup in self.lookups.items()}


#: The processed files :func:`read_reference` reads, and which of them may be absent.
REFERENCE_FILES = {
    "wards": ("wards.csv", True),
    "membership": ("lsoa21_ward25_membership.csv", True),
    "lsoa11_lookup": ("lsoa11_ward25_lookup.csv", True),
    "msoa11_lookup": ("msoa11_ward25_lookup.csv", False),
    "lsoa21_population": ("lsoa21_population.csv", False),
}


def read_reference(data: Path = DATA) -> Reference:
    """Read the open lookup tables from the processed data (optional ones only if present).

    Cache the result app-wide (``st.cache_resource``): it holds only open data.
    """
    frames = {}
    for arg, (name, required) in REFERENCE_FILES.items():
        path = output(name).path(data)
        if required or path.exists():
            frames[arg] = pd.read_csv(path, dtype={"ward_code": str, BEST_FIT_WARD: str})
    return Reference.from_frames(**frames)
