"""Areas made of wards: which wards an area holds, area values, ranks, and the ward under a click.

Pure functions on frames indexed by ``ward_code``. An area is an ICB (2024), optionally
narrowed to one local authority (LAD 2025), or all of England.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.bestfit import OVERLAY

ENGLAND = "england"

@dataclass(frozen=True)
class Area:
    """One area the app can show: all England, an ICB, or a local authority within an ICB.

    ``icb``: ICB code (E54...) or None for all England; ``lad``: LAD code (E06-E09...) within
    that ICB, or None for the whole ICB. ``name`` is the label shown to users; ``lad_name`` the local
    authority's own name (empty for an ICB or England).
    """

    icb: str | None
    lad: str | None
    name: str
    lad_name: str = ""

    @property
    def within(self) -> str:
        """Where a ward's rank among the area's wards counts: "in England", "in the ICB", "in Blackpool"."""
        if self.icb is None:
            return "in England"
        return f"in {self.lad_name}" if self.lad else "in the ICB"

    @property
    def key(self) -> str:
        """A short stable id for caching and URLs: ``england``, ``E54000048`` or ``E54000048/E06000009``."""
        if self.icb is None:
            return ENGLAND
        return self.icb if self.lad is None else f"{self.icb}/{self.lad}"

    @property
    def level(self) -> str:
        """The boundary level of detail to draw it with: ``england`` or ``icb``."""
        return ENGLAND if self.icb is None else "icb"


def icb_short_name(name: str) -> str:
    """``NHS Lancashire and South Cumbria Integrated Care Board`` -> ``Lancashire and South Cumbria ICB``."""
    short = name.removeprefix("NHS ").removesuffix(" Integrated Care Board")
    return f"{short} ICB"


def make_area(wards: pd.DataFrame, icb: str | None, lad: str | None = None) -> Area:
    """The :class:`Area` for an ICB code (or None = England) and optional LAD code, named from ``wards``.

    Raises ``ValueError`` if the ICB or LAD is not in the ward register, or the LAD has no
    ward in that ICB.
    """
    if icb is None:
        if lad is not None:
            raise ValueError("a local authority can only be chosen within an ICB")
        return Area(None, None, "England")
    in_icb = wards[wards["icb_code"] == icb]
    if in_icb.empty:
        raise ValueError(f"{icb!r} is not the code of an ICB in the ward register")
    name = icb_short_name(str(in_icb["icb_name"].iloc[0]))
    if lad is None:
        return Area(icb, None, name)
    in_lad = in_icb[in_icb["lad_code"] == lad]
    if in_lad.empty:
        raise ValueError(f"{lad!r} is not a local authority with wards in {name}")
    lad_name = str(in_lad["lad_name"].iloc[0])
    return Area(icb, lad, f"{lad_name} ({name})", lad_name)


def area_mask(wards: pd.DataFrame, area: Area) -> pd.Series:
    """Boolean Series over ``wards`` (indexed by ward_code): True for the wards in ``area``."""
    mask = pd.Series(True, index=wards.index)
    if area.icb is not None:
        mask &= wards["icb_code"] == area.icb
    if area.lad is not None:
        mask &= wards["lad_code"] == area.lad
    return mask.fillna(False).astype(bool)


def counted(wards: pd.DataFrame, direct: bool = False) -> pd.Series:
    """Which wards count towards an area total: best-fit wards, or every ward if ``direct``.

    A ward valued by areal overlay re-uses residents already counted in a best-fit ward, so
    it is left out of population totals and of weighted means and sums, unless the
    indicator was published directly for wards (``direct``), where no one is counted twice.
    """
    if direct:
        return pd.Series(True, index=wards.index)
    return (wards["method_flag"] != OVERLAY).fillna(True).astype(bool)


def _weighted_mean(values: pd.Series, weights: pd.Series, groups: pd.Series) -> pd.Series:
    ok = values.notna() & weights.notna() & (weights > 0)
    top = (values[ok] * weights[ok]).groupby(groups[ok]).sum()
    bottom = weights[ok].groupby(groups[ok]).sum()
    return top / bottom.where(bottom > 0)


def _sum(values: pd.Series, weights: pd.Series, groups: pd.Series) -> pd.Series:
    return values.groupby(groups).sum(min_count=1)


def _share_of_wards(values: pd.Series, weights: pd.Series, groups: pd.Series) -> pd.Series:
    ok = values.notna()
    return (values[ok] > 0).astype(float).groupby(groups[ok]).mean()


#: How wards combine into area values, by the record's ``aggregation``: a weighted mean
#: (weights from a ward column, e.g. Census 2021 residents), a sum (counts), or the share of
#: wards flagged (flags, value 0-1). Each maps ``(values, weights, groups)`` to one value per group.
AGGREGATIONS: dict[str, Callable[[pd.Series, pd.Series, pd.Series], pd.Series]] = {
    "weighted mean": _weighted_mean,
    "sum": _sum,
    "share of wards": _share_of_wards,
}

#: Aggregations that add people up, and so must not count an overlay ward's residents twice.
PEOPLE_BASED = frozenset({"weighted mean", "sum"})


def group_values(values: pd.Series, weights: pd.Series, groups: pd.Series, best_fit: pd.Series,
                 aggregation: str, direct: bool = False) -> pd.Series:
    """One indicator's value for every group of wards (e.g. every ICB), from its ward ``values``.

    All Series share the ward_code index. ``groups``: the group of each ward (NaN = left out).
    ``best_fit``: True for best-fit wards (see :func:`counted`). ``weights``: the weight column
    for a weighted mean (ignored otherwise). Weighted means and sums count only best-fit wards
    unless ``direct``, so no one is counted twice; ``share of wards`` counts every ward with data.
    A group with no data is NaN or absent.
    """
    if aggregation not in AGGREGATIONS:
        raise ValueError(f"aggregation {aggregation!r} is not one of {sorted(AGGREGATIONS)}")
    keep = groups.reindex(values.index).notna()
    if aggregation in PEOPLE_BASED and not direct:
        keep &= best_fit.reindex(values.index, fill_value=False).astype(bool)
    return AGGREGATIONS[aggregation](values[keep], weights.reindex(values.index)[keep],
                                     groups.reindex(values.index)[keep])


def area_value(values: pd.Series, weights: pd.Series, include: pd.Series, best_fit: pd.Series,
               aggregation: str, direct: bool = False) -> float:
    """The area value of one indicator (see :func:`group_values`) for the wards ``include`` selects."""
    groups = include.reindex(values.index, fill_value=False).astype(bool).map({True: 1, False: np.nan})
    result = group_values(values, weights, groups, best_fit, aggregation, direct)
    return float(result.get(1, np.nan))


def rank_worst_first(values: pd.Series, groups: pd.Series, higher_is_worse: bool) -> pd.Series:
    """Rank of each ward within its group, 1 = worst (``min`` method: ties share the better rank).

    NaN values get no rank (``<NA>``). ``groups`` is e.g. the ward's ICB code.
    """
    ranks = values.groupby(groups).rank(method="min", ascending=not higher_is_worse)
    return ranks.astype("Int64")


def lad_outlines(shapes: gpd.GeoDataFrame, lad_names: pd.Series) -> gpd.GeoDataFrame:
    """The parts of local authorities that an area's wards cover: one polygon per LAD.

    ``shapes``: the area's ward polygons (a coverage, e.g. the simplified 2025 wards), indexed
    by ward_code; ``lad_names``: each ward's LAD name (same index). Returns a frame indexed by
    LAD name, sorted, with the dissolved ``geometry`` and a ``label`` point inside it (for the
    LAD's name on a map). A LAD only partly in the area (e.g. Westmorland and Furness in
    Lancashire and South Cumbria ICB) is only its part in the area.
    """
    names = lad_names.reindex(shapes.index)
    parts = {str(name): shapely.coverage_union_all(group.to_numpy())
             for name, group in shapes.geometry.groupby(names.to_numpy(), sort=True)}
    geoms = list(parts.values())
    return gpd.GeoDataFrame({"label": gpd.GeoSeries(shapely.point_on_surface(geoms), crs=shapes.crs).to_numpy()},
                            index=pd.Index(list(parts), name="lad_name"), geometry=geoms, crs=shapes.crs)


def outline_lines(outlines: gpd.GeoDataFrame) -> shapely.Geometry:
    """The borders of :func:`lad_outlines` as lines, each shared border once (the area's outline
    and the borders between its local authorities)."""
    return shapely.line_merge(shapely.union_all(shapely.boundary(outlines.geometry.to_numpy())))


def ward_at(shapes: gpd.GeoDataFrame, lat: float, lng: float, max_distance_deg: float = 0.002) -> str | None:
    """The ward_code (index of ``shapes``) of the polygon containing the point, or None.

    A point in no polygon (a click on a sliver gap the simplification left) goes to the
    nearest ward within ``max_distance_deg`` degrees (about 200 m); further away, None.
    """
    if shapes.empty:
        return None
    point = shapely.Point(lng, lat)
    hits = shapes.sindex.query(point, predicate="intersects")
    if len(hits):
        return str(shapes.index[int(np.min(hits))])
    nearest, dist = shapes.sindex.nearest(point, return_distance=True, max_distance=max_distance_deg)
    if nearest.shape[1] == 0:
        return None
    return str(shapes.index[int(nearest[1][0])])
