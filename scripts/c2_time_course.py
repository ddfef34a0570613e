"""Row C2's supplement effect month by month: the mean over seeds of the spine DXA readout of
the supplemented woman relative to her placebo twin, and their osteoclast ratio
(docs/design/person.md, 'C2 over 20 seeds').

    .venv/bin/python scripts/c2_time_course.py [--seeds 20] [--workers 2]
"""

from __future__ import annotations

import argparse
from multiprocessing import Pool

import numpy as np

from calcium_abm import simulate
from calcium_abm.validation.experiments import EXPERIMENTS
from calcium_abm.validation.runner import arm_scenario

C2 = next(e for e in EXPERIMENTS if getattr(e, "row", "") == "C2")
COLUMNS = ["day", "lumbar_spine_dxa_bmd_g_cm2", "osteoclast_count"]


def _run(arm_and_seed: tuple[int, int]) -> np.ndarray:
    arm, seed = arm_and_seed
    return simulate(arm_scenario(C2, C2.arms[arm], grid=C2.grid, seed=seed))[COLUMNS].to_numpy()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    jobs = [(arm, seed) for seed in range(1, args.seeds + 1) for arm in (0, 1)]
    with Pool(args.workers) as pool:
        runs = pool.map(_run, jobs)
    placebo, supplement = np.array(runs[0::2]), np.array(runs[1::2])
    day = placebo[0, :, 0]
    gain = 100.0 * (supplement[:, :, 1] / placebo[:, :, 1] - 1.0)
    for month in range(0, 37, 3):
        i = int(np.argmin(abs(day - (C2.run_in_days + month * 365.25 / 12))))
        ratio = supplement[:, i, 2].mean() / max(placebo[:, i, 2].mean(), 1e-9)
        print(f"month {month:2d}: spine {gain[:, i].mean():+.2f} % (SD {gain[:, i].std(ddof=1):.2f}); "
              f"osteoclasts supplement / placebo {ratio:.2f}")


if __name__ == "__main__":
    main()
