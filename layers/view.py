"""One layer, one area: everything a page, an export or a report shows of it, from one pure function.

:func:`layer_view` takes a layer (any :class:`~layers.source.LayerSource`, published or
uploaded, found by id in a *catalogue*), an area, a classification scheme, a targeting
definition and the flags to outline, and returns a :class:`LayerView`: the styled values and
legend, the target wards with their ranks and the residents they hold, the ranked list and
its export notes, and (given the area's encoded geometry) the map payload. The app wraps it
in thin caches keyed on ids (:mod:`ui.views`); the benchmark, the reports and the tests call
it directly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import pandas as pd

from geo.areas import Area, area_mask, counted
from geo.targeting import Coverage, coverage, rank_targets, select
from layers.export import RANK_COLUMN, TargetTable, all_wards_table, definitions_table, notes, target_table
from layers.indicator import Indicator
from layers.mappayload import AreaGeometry, MapPayload, Outline, flag_outlines, layer_payload
from layers.profile import area_text
from layers.source import LayerSource, area_value_of, value_text
from layers.style import NO_DATA_COLOUR, NO_DATA_LABEL, SCHEMES_BY_ID, SUPPRESSED_FILL, LegendEntry, Styled, style_layer
from layers.targets import TARGETINGS, Targeting, key_indicators

#: Layers by id: the published ones and any the user uploaded in this session.
Catalogue = Mapping[str, LayerSource]


def style_source(source: LayerSource, codes: pd.Index, scheme_id: str | None = None) -> Styled:
    """Colours and legend of ``source`` over the wards ``codes`` (see :func:`layers.style.style_layer`).

    Suppressed small counts are hatched, with their own legend entry before no data; national
    deciles take the source's own name for "national" (an upload's are the wards in its file).
    """
    record = source.record
    styled = style_layer(record, source.values(codes), source.national(), scheme_id,
                         observed_breaks=source.observed_breaks)
    legend = styled.legend
    if source.national_label and SCHEMES_BY_ID[scheme_id or record.scheme].national:
        legend = replace(legend, scheme=source.national_label)
    if source.suppression is None:
        return replace(styled, legend=legend)
    hidden = source.suppression.hidden(codes)
    n_hidden = int(hidden.sum())
    legend = replace(legend, no_data=LegendEntry(NO_DATA_COLOUR, NO_DATA_LABEL, legend.no_data.count - n_hidden),
                     suppressed=LegendEntry(SUPPRESSED_FILL, source.suppression.legend_label, n_hidden))
    return Styled(styled.classes.mask(hidden, -2), styled.colour.mask(hidden, SUPPRESSED_FILL), legend)


def select_targets(catalogue: Catalogue, register: pd.DataFrame, targeting: Targeting, shown: str,
                   codes: pd.Index) -> pd.Series:
    """Target wards among ``codes`` (bool by ward_code) under ``targeting``; ``shown``: the layer on the map.

    The rule is applied over the definition's scope -- the wards shown, all England's, or each
    ICB's own wards (``register``'s ``icb_code``) -- and its choice read off for ``codes``.
    """
    source = catalogue[targeting.reads(shown)]

    def pick(wards: pd.Index) -> pd.Series:
        return select(source.values(wards), targeting.rule, targeting.parameter, source.record.higher_is_worse)

    if targeting.scope == "area":
        return pick(codes)
    if targeting.scope == "england":
        return pick(register.index).reindex(codes, fill_value=False)
    icbs = register.loc[codes, "icb_code"].dropna().unique()
    parts = [pick(register.index[register["icb_code"] == icb]) for icb in icbs]
    chosen = pd.concat(parts) if parts else pd.Series(dtype=bool)
    return chosen.reindex(codes, fill_value=False).astype(bool)


def rank_selected(catalogue: Catalogue, targeting: Targeting, shown: str, chosen: pd.Series) -> pd.Series:
    """Rank 1..n of the ``chosen`` target wards, worst first by the layer the definition reads, then
    its tie-breaks, then ward code."""
    keys = [catalogue[i] for i in (targeting.reads(shown), *targeting.tie_break)]
    return rank_targets(chosen, [(s.values(chosen.index), s.record.higher_is_worse) for s in keys])


def ranks_by_definition(catalogue: Catalogue, register: pd.DataFrame, codes: pd.Index,
                        shown: str) -> dict[str, pd.Series]:
    """The target wards' ranks (1..n by ward_code) among ``codes`` under every targeting definition, by id."""
    return {t.id: rank_selected(catalogue, t, shown, select_targets(catalogue, register, t, shown, codes))
            for t in TARGETINGS.values()}


def status_text(ranks: dict[str, pd.Series], ward: str, within: str) -> dict[str, str]:
    """For each definition: "yes (rank r of n in Blackpool)" or "no", for ``ward`` (``ranks`` from
    :func:`ranks_by_definition`; ``within``: where the n target wards are, :attr:`Area.within`).
    A place's target wards are the ICB's that lie in it, so its ranks say the place, not the ICB."""
    return {t: f"yes (rank {r[ward]} of {len(r)} {within})" if ward in r.index else "no" for t, r in ranks.items()}


@dataclass(frozen=True, eq=False)
class LayerView:
    """What one layer looks like over one area (see :func:`layer_view`). Read-only.

    ``codes``: the area's wards; ``targets``: bool by ward; ``ranks``: rank 1..n of the target
    wards; ``coverage``: target wards and the Census 2021 residents they hold; ``key_sources``:
    the layers the list shows, the one the definition ranks by first; ``table``: the ranked list;
    ``all_ranks``: the target ranks under every definition, by id; ``flags``: the flag outlines and
    ``flag_sources`` the flag layers they draw; ``payload``: the map's ward layer (None when no
    geometry was given).
    """

    area: Area
    codes: pd.Index
    source: LayerSource
    scheme: str | None
    targeting: Targeting
    styled: Styled
    targets: pd.Series
    ranks: pd.Series
    coverage: Coverage
    key_sources: tuple[LayerSource, ...]
    table: TargetTable
    all_ranks: dict[str, pd.Series]
    flags: tuple[Outline, ...]
    payload: MapPayload | None
    flag_sources: tuple[LayerSource, ...] = ()

    @property
    def record(self) -> Indicator:
        return self.source.record

    @property
    def definition(self) -> str:
        """The targeting definition in plain English, naming the layer where it reads it."""
        return self.targeting.describe(self.record)

    def status(self, ward: str) -> dict[str, str]:
        """For each targeting definition: "yes (rank r of n in the ICB)" or "no", for ``ward``."""
        return status_text(self.all_ranks, ward, self.area.within)

    def export_notes(self, generated: str) -> list[str]:
        """The lines that explain the list's CSV and Excel files (see :func:`layers.export.notes`)."""
        cov = self.coverage
        return notes(area=f"{self.area.name} ({self.area.key})", definition=self.definition,
                     coverage=f"{cov.wards} target wards; {cov.population:,} of {cov.area_population:,} residents "
                              f"({cov.share:.1%})",
                     records=[s.record for s in self.key_sources], layer=self.record, generated=generated,
                     extra=self.table.notes)


def layer_view(catalogue: Catalogue, register: pd.DataFrame, area: Area, layer: str, scheme: str | None,
               targeting: str, flags: Sequence[str] = (), geometry: AreaGeometry | None = None) -> LayerView:
    """Everything shown of layer ``layer`` over ``area``.

    ``catalogue``: every layer by id (published and uploaded); ``register``: the ward register
    indexed by ward_code (``ward_name``, ``lad_name``, ``icb_code``, ``lad_code``, ``population``,
    ``method_flag``); ``scheme``: a classification id or None for the layer's own; ``targeting``:
    a :data:`layers.targets.TARGETINGS` id; ``flags``: ids of flag layers to outline;
    ``geometry``: the area's encoded shapes, for the map payload.
    """
    source, definition = catalogue[layer], TARGETINGS[targeting]
    codes = register.index[area_mask(register, area)]
    styled = style_source(source, codes, scheme)
    all_ranks = ranks_by_definition(catalogue, register, codes, layer)
    ranks = all_ranks[targeting]
    chosen = pd.Series(codes.isin(ranks.index), index=codes)
    rows = register.loc[codes]
    cov = coverage(chosen, rows["population"], counted(rows))
    first = definition.reads(layer)
    key_sources = tuple(catalogue[i] for i in dict.fromkeys([first, *key_indicators(layer)]))
    flag_sources = tuple(catalogue[f] for f in flags)
    outlines = tuple(flag_outlines([(s.record, s.values(codes)) for s in flag_sources]))
    payload = None
    if geometry is not None:
        payload = layer_payload(geometry, rows, source.record, value_text(source, codes), styled.colour,
                                styled.legend, chosen, definition.short, outlines)
    return LayerView(area=area, codes=codes, source=source, scheme=scheme, targeting=definition, styled=styled,
                     targets=chosen, ranks=ranks, coverage=cov, key_sources=key_sources,
                     table=target_table(register, ranks, key_sources), all_ranks=all_ranks, flags=outlines,
                     payload=payload, flag_sources=flag_sources)


def export_tables(view: LayerView, sources: Sequence[LayerSource], register: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The "all wards" table (every ward of the view's area with every layer of ``sources`` and its rank
    under each targeting definition) and the column definitions (with the area's and England's values)."""
    statuses = {TARGETINGS[t].short: r for t, r in view.all_ranks.items()}
    wards = all_wards_table(register, view.codes, sources, statuses)
    inside = pd.Series(register.index.isin(view.codes), index=register.index)
    everywhere = pd.Series(True, index=register.index)
    area = {s.record.id: area_text(s, area_value_of(s, register, inside)) for s in sources}
    england = {s.record.id: area_text(s, area_value_of(s, register, everywhere)) for s in sources}
    ranks = pd.DataFrame([{
        "Column": f"{RANK_COLUMN}{TARGETINGS[t].short}", "Indicator": TARGETINGS[t].short,
        "Definition": f"{TARGETINGS[t].describe(view.record)} Rank 1 = the most disadvantaged of the "
                      f"{len(r)} target wards {view.area.within}; blank: not a target ward.",
    } for t, r in view.all_ranks.items()])
    definitions = definitions_table(sources, area, england, view.area.name)
    return wards, pd.concat([definitions, ranks], ignore_index=True).fillna("")
