"""Random streams of a batch: every draw (per-run seeds, cohort covariates, randomisation,
dropout) comes from the batch seed and a fixed ``purpose`` number, so the same batch file
gives the same runs on any machine, and adding one kind of draw never shifts another.
"""

from __future__ import annotations

import numpy as np

__all__ = ["SEED_LIMIT", "derived_seeds", "stream_generator"]

SEED_LIMIT = 2**31 - 1  # per-run seeds stay well inside what every RNG accepts


def derived_seeds(seed: int, purpose: int, n: int) -> np.ndarray:
    """``n`` independent per-run seeds from the batch seed (``purpose`` separates streams)."""
    state = np.random.SeedSequence([seed, purpose]).generate_state(n, dtype=np.uint64)
    return (state % SEED_LIMIT).astype(np.int64)


def stream_generator(seed: int, purpose: int) -> np.random.Generator:
    """The generator of one kind of draw (``purpose``) of the batch with seed ``seed``."""
    return np.random.default_rng(np.random.SeedSequence([seed, purpose]))
