"""Array storage behind a set of cell agents.

A :class:`CellPopulation` keeps each cell's state in numpy arrays indexed by a stable
slot number, so the per-day rules run as whole-array operations or compiled loops. Slots of dead cells are
reused; nothing is compacted, so an agent's slot never changes while it lives. The Mesa
agent objects (``agents[slot]``) are the readable face: their properties read these arrays.
They are kept in a Python list, not an object ndarray: numpy arrays are invisible to the
cyclic garbage collector, so agent -> model -> population -> array -> agent was a cycle it
could never free, and every model ever built stayed in memory until the process ended.
"""

from __future__ import annotations

import numba
import numpy as np


class CellPopulation:
    """Struct-of-arrays storage with a live mask and slot reuse.

    Args:
        fields: name -> numpy dtype of each per-cell state variable.
        capacity: initial number of slots (grows by doubling).
    """

    def __init__(self, fields: dict[str, np.dtype], capacity: int = 64):
        clash = sorted(set(fields) & {"alive", "agents", "arrays", "capacity", "count", "spawn", "kill", "live_slots"})
        if clash:
            raise ValueError(f"fields: {clash} are names of CellPopulation itself; choose other names")
        self._dtypes = dict(fields)
        self.alive = np.zeros(capacity, dtype=bool)
        self.agents: list = [None] * capacity  # a list: the garbage collector sees it (module docstring)
        self.arrays = {name: np.zeros(capacity, dtype=dt) for name, dt in self._dtypes.items()}
        self.__dict__.update(self.arrays)  # pop.x is a plain attribute lookup (the kernels' hot path)

    def __getattr__(self, name):
        arrays = self.__dict__.get("arrays")
        if arrays is not None and name in arrays:
            return arrays[name]
        raise AttributeError(name)

    @property
    def capacity(self) -> int:
        return self.alive.size

    @property
    def count(self) -> int:
        return int(np.count_nonzero(self.alive))

    def live_slots(self) -> np.ndarray:
        return self.alive.nonzero()[0]  # = np.flatnonzero (1-D), without its ~2 us of wrappers

    def spawn(self, n: int, **values) -> np.ndarray:
        """Take ``n`` free slots (:func:`take_slots`: the lowest free ones, the capacity doubled
        while too few are free), set their fields from ``values`` (0 for fields not given) and
        return the slots. The compiled kernels place their births by the same rule."""
        if n <= 0:
            return np.empty(0, dtype=np.int64)
        slots, capacity = take_slots(self.alive, n)
        if capacity != self.capacity:
            self.adopt(tuple(grown(values_, capacity) for values_ in self.kernel_fields()))
        self.alive[slots] = True
        for name, arr in self.arrays.items():
            arr[slots] = values.get(name, 0)
        return slots

    def kernel_fields(self) -> tuple:
        """``(alive, *arrays)`` in declaration order: the population as a compiled kernel takes and
        returns it (:func:`take_slots` may grow it; :meth:`adopt` takes the grown arrays back)."""
        return (self.alive, *self.arrays.values())

    def adopt(self, fields: tuple | None) -> None:
        """Take back :meth:`kernel_fields` from a kernel: arrays it grew (a larger capacity, as
        :meth:`spawn` would have grown them) replace the population's, and the agent list grows alike
        (None, as the kernels return when nothing grew: nothing to take back)."""
        if fields is None:
            return
        alive = fields[0]
        if alive.size != self.alive.size:
            self.agents.extend([None] * (alive.size - self.alive.size))
            self.alive = alive
            self.arrays = dict(zip(self.arrays, fields[1:]))
            self.__dict__.update(self.arrays)

    def kill(self, slots: np.ndarray) -> None:
        self.alive[slots] = False
        agents = self.agents
        for slot in np.asarray(slots).reshape(-1).tolist():
            agents[slot] = None


@numba.njit(cache=True, error_model="numpy")
def take_slots(alive, n):
    """``(slots, capacity)`` for ``n`` births in a compiled kernel, as :meth:`CellPopulation.spawn`
    chooses them: the ``n`` lowest free slots, after growing the capacity by doubling until it holds
    the live cells plus ``n`` if fewer than ``n`` are free (the grown slots are free). The caller
    grows its arrays to ``capacity`` (:func:`grown`) and marks the slots alive."""
    count = np.count_nonzero(alive)
    capacity = alive.size
    while capacity < count + n:
        capacity = max(2 * capacity, 1)
    slots = np.empty(n, dtype=np.int64)
    taken = s = 0
    while taken < n:
        if s >= alive.size or not alive[s]:
            slots[taken] = s
            taken += 1
        s += 1
    return slots, capacity


@numba.njit(cache=True, error_model="numpy")
def grown(values, capacity):
    """``values`` followed by zeros up to ``capacity`` (the same array if it is that long)."""
    if values.size == capacity:
        return values
    out = np.zeros(capacity, dtype=values.dtype)
    out[:values.size] = values
    return out
