"""The geometry of the trabecular section: its starting pattern, which patches are bone
surface, and the neighbourhood osteoclasts move in. A leaf of :mod:`.remodeling` (numpy and
numba only), whose cell rules read it."""

from __future__ import annotations

import numba
import numpy as np


def trabecular_structure(width: int, height: int, bone_fraction: float, rng: np.random.Generator) -> np.ndarray:
    """A trabecular-like pattern: smoothed noise thresholded to the bone volume fraction."""
    from scipy.ndimage import gaussian_filter

    noise = gaussian_filter(rng.standard_normal((width, height)), sigma=2.0, mode="wrap")
    threshold = np.quantile(noise, 1.0 - bone_fraction)
    return (noise > threshold).astype(np.float64)


# 8 Moore neighbours (dx, dy), in the order osteoclasts try them
OFFSETS_X = np.array([-1, -1, -1, 0, 0, 1, 1, 1], dtype=np.int64)
OFFSETS_Y = np.array([-1, 0, 1, -1, 1, -1, 0, 1], dtype=np.int64)
#: cavities shallower than this (patch volume) are sealed by lining cells, not refilled by a team
SLIVER_CAVITY = 1e-3
#: matrix (patch volume) below which a patch counts as used up
EMPTY_PATCH = 1e-9


@numba.njit(cache=True, inline="always")
def solid(mineral, osteoid, w, h, x, y):
    """Whether patch (x, y) is mostly bone (matrix > 0.5)."""
    if x < 0 or x >= w or y < 0 or y >= h:
        return True  # the border counts as bone
    k = x * h + y
    return mineral[k] + osteoid[k] > 0.5


@numba.njit(cache=True, inline="always")
def on_surface(mineral, osteoid, w, h, x, y):
    """Whether patch (x, y) is mostly bone and has a marrow 4-neighbour."""
    k = x * h + y
    if mineral[k] + osteoid[k] <= 0.5:
        return False
    return not (solid(mineral, osteoid, w, h, x - 1, y) and solid(mineral, osteoid, w, h, x + 1, y)
                and solid(mineral, osteoid, w, h, x, y - 1) and solid(mineral, osteoid, w, h, x, y + 1))


@numba.njit(cache=True, error_model="numpy")
def _surface_mask(mineral, osteoid, w, h):
    out = np.zeros(w * h, dtype=np.bool_)
    for x in range(w):
        for y in range(h):
            out[x * h + y] = on_surface(mineral, osteoid, w, h, x, y)
    return out


def bone_surface(matrix: np.ndarray) -> np.ndarray:
    """Patches that are mostly bone and touch marrow (4-neighbourhood, edges count as bone)."""
    w, h = matrix.shape
    flat = np.ascontiguousarray(matrix, dtype=np.float64).ravel()
    return _surface_mask(flat, np.zeros_like(flat), w, h).reshape(w, h)
