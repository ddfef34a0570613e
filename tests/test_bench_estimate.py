"""``bench/estimate.py`` runs and prints a row per bone section: measured build and day beside the estimate."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_estimate_benchmark_prints_a_row_per_size():
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "estimate.py"), "16", "24", "--days", "3"],
                          capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    rows = [line.split() for line in done.stdout.splitlines() if re.match(r"\s+\d+x\d+ ", line)]
    assert [row[0] for row in rows] == ["16x16", "24x24"], done.stdout
    for row in rows:
        build, build_estimate, day_ms, day_estimate = map(float, row[1:])
        assert build > 0 and build_estimate > 0 and day_ms > 0 and day_estimate > 0, row
    bad = subprocess.run([sys.executable, str(ROOT / "bench" / "estimate.py"), "4", "--days", "0"],
                         capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert bad.returncode == 2 and "--days 0: must be at least 1" in bad.stderr, bad.stderr
    for years in ("0", "nan", "1e9"):
        bad = subprocess.run([sys.executable, str(ROOT / "bench" / "estimate.py"), "16", "--summary", "--years", years],
                             capture_output=True, text=True, timeout=120, cwd=ROOT)
        assert bad.returncode == 2 and "must be above 0 up to 100" in bad.stderr and "Traceback" not in bad.stderr
    mouse = subprocess.run([sys.executable, str(ROOT / "bench" / "estimate.py"), "16", "--summary", "--scenario",
                            "mgp_knockout"], capture_output=True, text=True, timeout=120, cwd=ROOT)  # 10 years
    assert mouse.returncode == 2 and "maximum lifespan" in mouse.stderr and "Traceback" not in mouse.stderr


def test_the_estimate_benchmark_times_whole_summary_runs():
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "estimate.py"), "16", "--summary", "--years", "0.2"],
                          capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert "whole 0.2-year summary runs" in done.stdout, done.stdout
    rows = [line.split() for line in done.stdout.splitlines() if re.match(r"\s+\d+x\d+ ", line)]
    assert [row[0] for row in rows] == ["16x16"], done.stdout
    assert all(float(value) > 0 for value in rows[0][1:]), rows
