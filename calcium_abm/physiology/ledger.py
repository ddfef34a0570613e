"""The mineral ledger: every pool of one mineral in mg, and named transfers between them.

One :class:`MineralLedger` per mineral (calcium today; phosphate can join with its own
instance). Each daily exchange is a named transfer from one pool to another, so a mineral is
never created or lost and the balance error is audited in one place; tissue pools (bone,
vessel wall) are read from their arrays, the others are held here.
"""

from __future__ import annotations

from typing import Callable, Iterable, Mapping

__all__ = ["CALCIUM_POOLS", "MineralLedger", "plain_sum"]


#: calcium pools in reporting order: the first three are held by the ledger, the others
#: are tissue mineral read from their arrays
CALCIUM_POOLS = ("gut", "blood", "bone_fluid", "bone_trabecular", "bone_cortical", "vessel_wall")


def plain_sum(values: Iterable[float]) -> float:
    """Left-to-right float sum. (Python >= 3.12's ``sum`` compensates round-off, which
    changes the last bit; the ledger adds as the kernels and readouts do, so its totals
    agree with theirs to the bit.)"""
    total = 0.0
    for v in values:
        total += v
    return total


class MineralLedger:
    """Mass of one mineral (mg) in named pools, changed only by named transfers.

    Well-mixed pools (e.g. gut lumen, blood, bone fluid) are held here as floats. Tissue
    pools whose mineral lives in arrays (the trabecular section, the cortical compartment,
    the vessel wall) are read through ``tissue_pools`` (name -> function returning mg) and
    changed by their own kernels: a transfer to or from one of them books only the held
    side. Sources and sinks outside the body (``inputs`` such as diet, ``outputs`` such as
    urine and faeces) are cumulative counters. One ledger per mineral: calcium today,
    phosphate later with the same class.

    Args:
        mineral: the mineral's name (``"calcium"``), for messages.
        held_mg: starting amount of each held pool (mg).
        tissue_pools: name -> reader (mg) of each tissue pool.
        inputs, outputs: names of the external sources and sinks.
        order: reporting order of the pools (default: held, then tissue pools).

    Raises:
        KeyError: in :meth:`transfer`, for a name that is no pool, input or output.
    """

    def __init__(self, mineral: str, held_mg: dict[str, float], tissue_pools: dict[str, Callable[[], float]],
                 inputs: tuple[str, ...] = ("diet",), outputs: tuple[str, ...] = ("urine", "faeces"),
                 order: tuple[str, ...] | None = None):
        self.mineral = mineral
        self.held_mg = {name: float(v) for name, v in held_mg.items()}
        self.tissue_pools = dict(tissue_pools)
        self.inputs, self.outputs = tuple(inputs), tuple(outputs)
        self.cumulative_mg = {name: 0.0 for name in (*self.inputs, *self.outputs)}
        self.order = tuple(order) if order else (*self.held_mg, *self.tissue_pools)
        self.today_mg: dict[tuple[str, str], float] = {}
        self.initial_total_mg = self.total_mg()

    def __getitem__(self, pool: str) -> float:
        """Mineral in ``pool`` now (mg)."""
        held = self.held_mg
        if pool in held:
            return held[pool]
        return self.tissue_pools[pool]()

    def _book(self, name: str, delta_mg: float) -> None:
        """Change a held pool or an external counter; tissue pools change in their kernels."""
        held = self.held_mg
        if name in held:
            held[name] += delta_mg
        elif name in self.cumulative_mg:
            self.cumulative_mg[name] += abs(delta_mg)
        elif name not in self.tissue_pools:
            known = (*held, *self.tissue_pools, *self.cumulative_mg)
            raise KeyError(f"{self.mineral} ledger: no pool {name!r}; known: {', '.join(known)}")

    def transfer(self, source: str, sink: str, mg: float) -> float:
        """Move ``mg`` from ``source`` to ``sink`` (negative moves it back) and add it to
        today's flow between them; returns ``mg``."""
        held, cumulative = self.held_mg, self.cumulative_mg
        if source in held:  # the common cases inline (this runs ~16 times a day); as _book does
            held[source] -= mg
        elif source in cumulative:
            cumulative[source] += abs(mg)
        elif source not in self.tissue_pools:  # a tissue pool changes in its kernel
            self._book(source, -mg)
        if sink in held:
            held[sink] += mg
        elif sink in cumulative:
            cumulative[sink] += abs(mg)
        elif sink not in self.tissue_pools:
            self._book(sink, mg)
        today, key = self.today_mg, (source, sink)
        today[key] = today.get(key, 0.0) + mg
        return mg

    def transfer_split(self, source: str, sinks: Mapping[str, float]) -> None:
        """Move mg from ``source`` to several sinks at once (``{sink: mg}``): the source
        changes by their sum in one step, each sink by its share."""
        total = 0.0
        for mg in sinks.values():
            total += mg
        held, today = self.held_mg, self.today_mg
        if source in held:
            held[source] -= total
        else:
            self._book(source, -total)
        for sink, mg in sinks.items():
            if sink in held:
                held[sink] += mg
            else:
                self._book(sink, mg)
            today[source, sink] = today.get((source, sink), 0.0) + mg

    def transfer_merge(self, sources: Mapping[str, float], sink: str) -> None:
        """Move mg from several sources (``{source: mg}``) to ``sink`` at once: the sink
        changes by their sum in one step."""
        held, today = self.held_mg, self.today_mg
        total = 0.0
        for source, mg in sources.items():
            if source in held:
                held[source] -= mg
            else:
                self._book(source, -mg)
            today[source, sink] = today.get((source, sink), 0.0) + mg
            total += mg
        if sink in held:
            held[sink] += total
        else:
            self._book(sink, total)

    def new_day(self) -> None:
        """Start today's flow tallies at zero."""
        self.today_mg = {}

    def flow_today_mg(self, source: str, sink: str) -> float:
        """Net mg moved from ``source`` to ``sink`` today (0.0 if none)."""
        return self.today_mg.get((source, sink), 0.0)

    def pools_mg(self, tissue_mg: Mapping[str, float] | None = None) -> dict[str, float]:
        """Mineral in every pool (mg), in reporting order; ``tissue_mg`` gives tissue pools
        already read this day (they are then not read again)."""
        held, tissue, given = self.held_mg, self.tissue_pools, tissue_mg or {}
        return {name: given[name] if name in given else held[name] if name in held else tissue[name]()
                for name in self.order}

    def total_mg(self) -> float:
        """Sum of all pools (mg)."""
        return plain_sum(self.pools_mg().values())

    @property
    def input_cum_mg(self) -> float:
        """Cumulative mg that entered from outside (e.g. diet)."""
        cumulative = self.cumulative_mg
        return plain_sum([cumulative[name] for name in self.inputs])

    @property
    def output_cum_mg(self) -> float:
        """Cumulative mg that left (e.g. urine + faeces)."""
        cumulative = self.cumulative_mg
        return plain_sum([cumulative[name] for name in self.outputs])

    def balance_error_mg(self, total_mg: float | None = None) -> float:
        """``sum(pools) - inputs + outputs`` minus its value when the books opened; only
        round-off if mass is conserved. Pass ``total_mg`` if already summed."""
        total = self.total_mg() if total_mg is None else total_mg
        return total - self.input_cum_mg + self.output_cum_mg - self.initial_total_mg
