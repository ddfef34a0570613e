"""What one side of the dashboard shows at one moment: a module of its own, which the charts and the session both
read (the charts took it from the session, which imports the charts: an import cycle)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class RunFrame:
    """What one side shows at one moment (compared by identity: it holds arrays)."""

    label: str
    day: int
    days_total: int
    #: the tissue pictures, ``uint8`` of shape ``(height, width, 3)`` (``calcium_abm.render``)
    bone: np.ndarray
    vessel: np.ndarray
    #: column -> (years, values); None in a frame made without its series (``SimulationRun.frame``)
    series: dict[str, tuple[list[float], list[float | None]]] | None
    #: the intima's plaque calcium today (mg), drawn as the band of the vessel picture
    intima_mg: float = 0.0
