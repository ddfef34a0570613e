"""The mineral ledger: every pool of one mineral in mg, and named transfers between them.

One :class:`MineralLedger` per mineral (calcium today; phosphate can join with its own
instance). Each daily exchange is a named transfer from one pool to another, so a mineral is
never created or lost and the balance error is audited in one place; tissue pools (bone,
vessel wall) are read from their arrays, the others are held here.
"""

from __future__ import annotations

from typing import Callable, Iterable, Mapping

import numpy as np
from numba.extending import register_jitable

__all__ = ["CALCIUM_POOLS", "NAMES", "MineralLedger", "move", "move_split", "plain_sum"]


#: calcium pools in reporting order: the first three are held by the ledger, the others
#: are tissue mineral read from their arrays
CALCIUM_POOLS = ("gut", "blood", "bone_fluid", "bone_trabecular", "bone_cortical", "vessel_wall")
#: the names every ledger indexes alike (a ledger lists its own other names after them); compiled
#: chains name a pool by its index here (:data:`GUT` ...)
NAMES = ("gut", "blood", "bone_fluid", "soft_tissue", "bone_trabecular", "bone_cortical", "vessel_wall",
         "diet", "urine", "faeces", "dialysate")
GUT, BLOOD, BONE_FLUID, SOFT_TISSUE, BONE_TRABECULAR, BONE_CORTICAL, VESSEL_WALL, DIET, URINE, FAECES, DIALYSATE = (
    range(len(NAMES)))
#: what a name is in one ledger (its ``kind`` array)
ABSENT, HELD, COUNTER, TISSUE = 0, 1, 2, 3


@register_jitable
def _book(amount, kind, i, delta_mg):
    """One side of a transfer: a held pool changes by ``delta_mg``, an external counter by its size;
    a tissue pool changes in its kernel."""
    k = kind[i]
    if k == HELD:
        amount[i] += delta_mg
    elif k == COUNTER:
        amount[i] += abs(delta_mg)
    elif k != TISSUE:
        raise KeyError("no such pool in this ledger")


@register_jitable
def move(books, source, sink, mg):
    """Move ``mg`` from pool ``source`` to ``sink`` (indices) in ``books`` (a ledger's
    ``(amount, kind, flow)`` arrays, :attr:`MineralLedger.books`) and add it to today's flow
    between them; returns ``mg``. Python and compiled chains book with it alike."""
    amount, kind, flow = books
    _book(amount, kind, source, -mg)
    _book(amount, kind, sink, mg)
    flow[source, sink] += mg
    return mg


@register_jitable
def move_split(books, source, sink, mg, sink2, mg2):
    """Move ``mg`` to ``sink`` and ``mg2`` to ``sink2`` from ``source`` at once (the source
    changes by their sum in one step): :meth:`MineralLedger.transfer_split` with two sinks."""
    amount, kind, flow = books
    total = 0.0
    total += mg
    total += mg2
    _book(amount, kind, source, -total)
    _book(amount, kind, sink, mg)
    flow[source, sink] += mg
    _book(amount, kind, sink2, mg2)
    flow[source, sink2] += mg2


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
        self.tissue_pools = dict(tissue_pools)
        self.inputs, self.outputs = tuple(inputs), tuple(outputs)
        names = [*NAMES, *(name for name in (*held_mg, *self.tissue_pools, *self.inputs, *self.outputs)
                           if name not in NAMES)]
        self._index = {name: i for i, name in enumerate(names)}
        #: the books, as arrays over the ledger's names (:data:`NAMES` first): each held pool's mg and
        #: each external counter's cumulative mg (``amount``), what each name is (``kind``), and today's
        #: flow from each name to each (``flow``); :func:`move` books a transfer on them
        self.amount, self.kind = np.zeros(len(names)), np.zeros(len(names), dtype=np.int64)
        self.flow = np.zeros((len(names), len(names)))
        self.books = (self.amount, self.kind, self.flow)
        for kind, group in ((TISSUE, self.tissue_pools), (COUNTER, (*self.inputs, *self.outputs)), (HELD, held_mg)):
            self.kind[[self._index[name] for name in group]] = kind
        self._held = {name: self._index[name] for name in held_mg}  # held pool -> index, in the given order
        for name, mg in held_mg.items():
            self.amount[self._index[name]] = float(mg)
        self._counters = {name: self._index[name] for name in (*self.inputs, *self.outputs)}
        self.order = tuple(order) if order else (*held_mg, *self.tissue_pools)
        self.initial_total_mg = self.total_mg()

    @property
    def held_mg(self) -> dict[str, float]:
        """Mineral in each held pool (mg), a copy."""
        amount = self.amount
        return {name: amount.item(i) for name, i in self._held.items()}

    @property
    def cumulative_mg(self) -> dict[str, float]:
        """Cumulative mg of each external source and sink, a copy."""
        amount = self.amount
        return {name: amount.item(i) for name, i in self._counters.items()}

    @property
    def today_mg(self) -> dict[tuple[str, str], float]:
        """Today's net flows (mg) that are not zero, ``{(source, sink): mg}``, a copy."""
        names = list(self._index)
        return {(names[i], names[j]): self.flow.item(i, j) for i, j in zip(*np.nonzero(self.flow))}

    def __getitem__(self, pool: str) -> float:
        """Mineral in ``pool`` now (mg)."""
        i = self._held.get(pool)
        if i is not None:
            return self.amount.item(i)
        return self.tissue_pools[pool]()

    def _position(self, name: str) -> int:
        i = self._index.get(name)
        if i is None or self.kind[i] == ABSENT:
            known = (*self._held, *self.tissue_pools, *self._counters)
            raise KeyError(f"{self.mineral} ledger: no pool {name!r}; known: {', '.join(known)}")
        return i

    def transfer(self, source: str, sink: str, mg: float) -> float:
        """Move ``mg`` from ``source`` to ``sink`` (negative moves it back) and add it to
        today's flow between them; returns ``mg``."""
        return float(move(self.books, self._position(source), self._position(sink), mg))

    def transfer_split(self, source: str, sinks: Mapping[str, float]) -> None:
        """Move mg from ``source`` to several sinks at once (``{sink: mg}``): the source
        changes by their sum in one step, each sink by its share."""
        positions = {self._position(sink): mg for sink, mg in sinks.items()}
        i = self._position(source)
        total = 0.0
        for mg in positions.values():
            total += mg
        _book(self.amount, self.kind, i, -total)
        for j, mg in positions.items():
            _book(self.amount, self.kind, j, mg)
            self.flow[i, j] += mg

    def transfer_merge(self, sources: Mapping[str, float], sink: str) -> None:
        """Move mg from several sources (``{source: mg}``) to ``sink`` at once: the sink
        changes by their sum in one step."""
        j = self._position(sink)
        total = 0.0
        for source, mg in sources.items():
            i = self._position(source)
            _book(self.amount, self.kind, i, -mg)
            self.flow[i, j] += mg
            total += mg
        _book(self.amount, self.kind, j, total)

    def new_day(self) -> None:
        """Start today's flow tallies at zero."""
        self.flow.fill(0.0)

    def flow_today_mg(self, source: str, sink: str) -> float:
        """Net mg moved from ``source`` to ``sink`` today (0.0 if none)."""
        i, j = self._index.get(source), self._index.get(sink)
        return 0.0 if i is None or j is None else self.flow.item(i, j)

    def pools_mg(self, tissue_mg: Mapping[str, float] | None = None) -> dict[str, float]:
        """Mineral in every pool (mg), in reporting order; ``tissue_mg`` gives tissue pools
        already read this day (they are then not read again)."""
        return self._pools(self.amount.tolist(), tissue_mg or {})

    def _pools(self, amount: list[float], given: Mapping[str, float]) -> dict[str, float]:
        held, tissue = self._held, self.tissue_pools
        return {name: given[name] if name in given else amount[held[name]] if name in held else tissue[name]()
                for name in self.order}

    def readouts(self, tissue_mg: Mapping[str, float] | None = None
                 ) -> tuple[dict[str, float], float, list[float], float, float]:
        """What a recorded row reads of the ledger, at once: (:meth:`pools_mg`, their sum, the
        ``amount`` array as a list (a counter's cumulative mg at its index), :attr:`output_cum_mg`,
        :meth:`balance_error_mg` of that sum); the same numbers as those."""
        amount = self.amount.tolist()
        pools = self._pools(amount, tissue_mg or {})
        total = plain_sum(pools.values())
        counters = self._counters
        excreted = plain_sum([amount[counters[name]] for name in self.outputs])
        error = total - plain_sum([amount[counters[name]] for name in self.inputs]) + excreted - self.initial_total_mg
        return pools, total, amount, excreted, error

    def total_mg(self) -> float:
        """Sum of all pools (mg)."""
        return plain_sum(self.pools_mg().values())

    @property
    def input_cum_mg(self) -> float:
        """Cumulative mg that entered from outside (e.g. diet)."""
        amount, counters = self.amount, self._counters
        return plain_sum([amount.item(counters[name]) for name in self.inputs])

    @property
    def output_cum_mg(self) -> float:
        """Cumulative mg that left (e.g. urine + faeces)."""
        amount, counters = self.amount, self._counters
        return plain_sum([amount.item(counters[name]) for name in self.outputs])

    def balance_error_mg(self, total_mg: float | None = None) -> float:
        """``sum(pools) - inputs + outputs`` minus its value when the books opened; only
        round-off if mass is conserved. Pass ``total_mg`` if already summed."""
        total = self.total_mg() if total_mg is None else total_mg
        return total - self.input_cum_mg + self.output_cum_mg - self.initial_total_mg
