"""Write the SYNTHETIC time-series test file: ``python tests/data/track/make_track.py``.

:data:`FILE` holds 36 months (October 2023 to September 2026) of **made-up** non-elective
(emergency) admissions for every LSOA 2021 whose ONS best-fit ward is a Lancashire and South
Cumbria ICB (E54000048) ward -- 1,063 LSOAs, 38,268 rows -- with a known 20% fall in the goal's
cohort from :data:`FALL` (September 2025). Nothing in it is real: the rates are invented from
open data (Census 2021 residents, IMD 2025 ward scores) and the counts are Poisson draws.

How a count is made (seed :data:`SEED`, so the same bytes on every run; ``tests/test_track.py``
checks the committed file against :func:`build`):

* residents: the LSOA's Census 2021 usual residents (``data/indicators/lsoa21_population.csv``);
* annual rate per 1,000: 60 + 1.6 × the IMD 2025 score of the LSOA's best-fit ward (about 100 in
  an average ward, 160 in the most deprived), times an LSOA effect drawn from a gamma
  distribution with mean 1 and coefficient of variation 0.15;
* a month's expected count: residents × rate / 12 / 1,000 × a winter peak (1 + 0.04 ×
  cos(2π(month − 1)/12): +4% in January, −4% in July);
* the fall: from :data:`FALL` on, × (1 − 0.2 × the share of the LSOA's residents living in the
  cohort's wards) -- the goal ``nea20``'s cohort, the most disadvantaged 20% of the ICB's wards by
  IMD 2025 (:data:`COHORT_SHARE`). An LSOA wholly in cohort wards falls by 20%; one split between
  cohort and other wards by its cohort share, so that the fall lands where WardLens's
  population-share aggregation puts it;
* the count: a Poisson draw with that mean.

The first row says the file is synthetic (the upload reader skips it as a title row).
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from geo.paths import DATA  # noqa: E402
from geo.targeting import worst_share  # noqa: E402
from geo.upload.template import one_ward_per_lsoa  # noqa: E402

INDICATORS = DATA / "indicators"
FILE = HERE / "SYNTHETIC_lsc_nel_admissions_monthly_lsoa21.csv"
TITLE = ("SYNTHETIC TEST DATA - made-up monthly non-elective admissions by LSOA 2021 for Lancashire and South "
         "Cumbria ICB (not real data; a 20% fall in the nea20 cohort from 2025-09); see tests/data/README.md")
HEADER = ("lsoa21_code", "month", "non_elective_admissions")
ICB = "E54000048"
MONTHS = pd.period_range("2023-10", "2026-09", freq="M")
FALL = pd.Period("2025-09", "M")
FALL_SIZE = 0.20
COHORT_SHARE = 0.20
SEASON = 0.04
SEED = 2026


def cohort_wards(wards: pd.DataFrame) -> pd.Index:
    """The goal's cohort: the ICB's wards in its most disadvantaged 20% by IMD 2025 average score."""
    mine = wards[wards["icb_code"] == ICB].set_index("ward_code")["imd_score"]
    chosen = worst_share(mine, COHORT_SHARE, higher_is_worse=True)
    return chosen.index[chosen]


def lsoas() -> pd.DataFrame:
    """The ICB's LSOAs (best-fit ward in the ICB): code, residents, ward IMD score, share in cohort wards."""
    wards = pd.read_csv(INDICATORS / "ward_deprivation_2025.csv", usecols=["ward_code", "icb_code", "imd_score"])
    membership = pd.read_csv(INDICATORS / "lsoa21_ward25_membership.csv", dtype={"best_fit_ward_code": str})
    best = one_ward_per_lsoa(membership).merge(wards, on="ward_code")
    best = best[best["icb_code"] == ICB]
    pieces = membership[membership["method"] != "areal overlay"]
    cohort = cohort_wards(wards)
    in_cohort = pieces.assign(share=pieces["share"] * pieces["ward_code"].isin(cohort))
    share = in_cohort.groupby("lsoa21_code")["share"].sum()
    population = pd.read_csv(INDICATORS / "lsoa21_population.csv").set_index("lsoa21_code")["population"]
    out = best.assign(population=best["lsoa21_code"].map(population), cohort_share=best["lsoa21_code"].map(share))
    return out.sort_values("lsoa21_code").reset_index(drop=True)


def expected(areas: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """Expected admissions, LSOA by month (the module docstring's recipe)."""
    effect = rng.gamma(shape=1 / 0.15**2, scale=0.15**2, size=len(areas))
    annual = (60 + 1.6 * areas["imd_score"].to_numpy()) * effect
    month = np.array([p.month for p in MONTHS])
    season = 1 + SEASON * np.cos(2 * np.pi * (month - 1) / 12)
    fall = np.where(np.array([p >= FALL for p in MONTHS]), 1.0, 0.0)
    factor = 1 - FALL_SIZE * np.outer(areas["cohort_share"].to_numpy(), fall)
    return np.outer(areas["population"].to_numpy() * annual / 12 / 1000, season) * factor


def build() -> bytes:
    """The file's bytes (UTF-8, LF line ends)."""
    rng = np.random.default_rng(SEED)
    areas = lsoas()
    counts = rng.poisson(expected(areas, rng))
    frame = pd.DataFrame({
        HEADER[0]: np.repeat(areas["lsoa21_code"].to_numpy(), len(MONTHS)),
        HEADER[1]: np.tile([str(p) for p in MONTHS], len(areas)),
        HEADER[2]: counts.ravel(),
    })
    out = io.StringIO()
    out.write(f'"{TITLE}"\n')
    frame.to_csv(out, index=False, lineterminator="\n")
    return out.getvalue().encode("utf-8")


if __name__ == "__main__":
    FILE.write_bytes(build())
    print(f"wrote {FILE} ({FILE.stat().st_size:,} bytes)")
