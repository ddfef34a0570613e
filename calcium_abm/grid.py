"""A Mesa ``OrthogonalMooreGrid`` whose cells are made on first use.

Mesa builds a Python ``Cell`` object with a connections dict for every coordinate
(~1.1 kB per cell and ~2 s for 256x256 on this machine). Our tissue state lives in
property layers (numpy), and only the few patches that hold a bone cell need a ``Cell``.
This subclass keeps Mesa's API (``grid[(x, y)]``, ``cell.neighborhood``, property layers,
``CellAgent`` movement, ``SpaceRenderer``) but materialises a cell, and its connections,
only when something asks for it. ``all_cells`` and ``agents`` cover materialised cells; reading
``agents`` first calls ``before_reading_agents`` (the model makes its cell agents then).

It re-implements ``OrthogonalMooreGrid.__init__`` and therefore sets Mesa's private
attributes itself (``_cells``, ``_celllist``, ``_try_random``, ``_ndims``, and calls
``_validate_parameters``); ``tests/test_mesa_compat.py`` pins each of them and fails,
naming the attribute, when a Mesa release changes them.
"""

from __future__ import annotations

from random import Random

import numpy as np
from mesa.discrete_space import Cell, OrthogonalMooreGrid, PropertyLayer
from mesa.discrete_space.discrete_space import DiscreteSpace
from mesa.discrete_space.grid import pickle_gridcell

_MOORE = ((-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1))


class _LazyCells(dict):
    def __init__(self, grid: "LazyMooreGrid"):
        super().__init__()
        self._grid = grid

    def __missing__(self, coordinate):
        g = self._grid
        x, y = coordinate
        w, h = g.dimensions
        if not (0 <= x < w and 0 <= y < h):
            raise KeyError(coordinate)
        cell = g.cell_klass((x, y), capacity=g.capacity, random=g.random)
        self[coordinate] = cell
        g.__dict__.pop("all_cells", None)
        return cell


class _LazyCell(Cell):
    """Cell whose Moore connections are filled in the first time they are read."""

    __slots__ = ()
    _grid: "LazyMooreGrid" = None  # set on the per-grid subclass

    def __reduce__(self):
        # Mesa registers each per-grid cell class with ``copyreg.pickle``; copyreg's table is
        # global and never forgets, so it kept every grid (``_grid``), its layers and, through
        # the cells' agents, every model ever built alive. The class pickles itself instead.
        return pickle_gridcell(self)

    @property
    def connections(self):
        conns = Cell.connections.__get__(self)
        grid = type(self)._grid
        if grid is not None and self.coordinate not in grid._connected:
            grid._connected.add(self.coordinate)
            x, y = self.coordinate
            w, h = grid.dimensions
            for dx, dy in _MOORE:
                nx, ny = x + dx, y + dy
                if grid.torus:
                    nx, ny = nx % w, ny % h
                elif not (0 <= nx < w and 0 <= ny < h):
                    continue
                conns[(dx, dy)] = grid._cells[(nx, ny)]
        return conns

    @connections.setter
    def connections(self, value):
        Cell.connections.__set__(self, value)


class LazyMooreGrid(OrthogonalMooreGrid):
    """2-D Moore grid with lazily materialised cells (see module docstring)."""

    def __init__(self, dimensions, torus: bool = False, capacity: float | None = None,
                 random: Random | None = None) -> None:
        DiscreteSpace.__init__(self, capacity=capacity, random=random, cell_klass=_LazyCell)
        self.torus = torus
        self.dimensions = tuple(dimensions)
        self._try_random = True
        self._ndims = len(self.dimensions)
        self._validate_parameters()
        self.cell_klass = type("GridCell", (_LazyCell,), {"_mesa_properties": set(), "__slots__": (),
                                                          "_grid": self})
        self._connected: set[tuple[int, int]] = set()
        self._cells = _LazyCells(self)
        self.create_property_layer("empty", default_value=True, dtype=bool)

    @property
    def _celllist(self):  # used by Mesa's random-cell helpers
        return list(self._cells.values())

    #: called before :attr:`agents` is read (the model sets it to make its agents on demand)
    before_reading_agents = None

    @property
    def agents(self):
        """The agents on materialised cells (Mesa's ``DiscreteSpace.agents``), after
        :attr:`before_reading_agents` has run."""
        if self.before_reading_agents is not None:
            self.before_reading_agents()
        return super().agents


def add_property_layers(grid: OrthogonalMooreGrid, **data: np.ndarray) -> dict[str, np.ndarray]:
    """Add one property layer per array (name -> (W, H) array) and return each layer's
    data. Mesa keeps the array it is given, so these are the arrays the model works on:
    the layers are views of the model's state, not copies."""
    for name, values in data.items():
        grid.add_property_layer(PropertyLayer.from_data(name, values))
    return {name: getattr(grid, name).data for name in data}
