"""A model's numpy random Generator, in a form compiled kernels take cheaply.

The per-day rules that draw random numbers run as numba kernels. numba accepts a
``numpy.random.Generator`` argument, but converts it on every call (~6 us, as much as a
kernel's work on a 64x64 section). A :class:`RandomStream` wraps the Generator once in a
numba struct (~0.6 us per call). Draws made through it advance the wrapped Generator
itself, number for number as the same calls on the Generator in Python would, so one
seed gives one stream whichever side draws.
"""

from __future__ import annotations

import numba
import numpy as np
from numba import types
from numba.experimental import structref


@structref.register
class RandomStreamType(types.StructRef):
    """numba type of :class:`RandomStream` (one field: ``rng``)."""

    def preprocess_fields(self, fields):
        return tuple((name, types.unliteral(typ)) for name, typ in fields)


class RandomStream(structref.StructRefProxy):
    """Wraps ``rng`` for kernels: ``stream.rng.random()`` inside a kernel draws from ``rng``."""

    def __new__(cls, rng: np.random.Generator):
        return structref.StructRefProxy.__new__(cls, rng)


structref.define_proxy(RandomStream, RandomStreamType, ["rng"])


def as_random_stream(rng: np.random.Generator | RandomStream) -> RandomStream:
    """``rng`` itself if it already is a :class:`RandomStream`, else a new wrapper of it."""
    return rng if isinstance(rng, RandomStream) else RandomStream(rng)


@numba.njit(cache=True, inline="always")
def fill_float32_uniforms(stream, out):
    """Fill the flat float32 array ``out`` from ``stream`` as ``rng.random(out.shape, dtype=np.float32)``
    fills a new array in Python: the same numbers in the same order (compiled days draw the media's
    uniforms with it, :mod:`calcium_abm.stretch` and :mod:`.physiology.wall_start`)."""
    for i in range(out.size):
        out[i] = stream.rng.random(dtype=np.float32)
