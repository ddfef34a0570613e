"""The full validation run: every expressible calibration row passes with one parameter set.

Runs the same command a user runs (``calcium-abm validate``, 5 seeds per arm, default
grids): docs/validation.md's first line gives the time ``validate --docs`` took (530 s on 2026-12-04).
The timeout only stops a hung run: CI's machine may be loaded (a rehearsal beside two other jobs
took over 1,200 s), and CI allows 90 minutes in all.
"""

import re
import subprocess
import sys

import pytest


@pytest.mark.slow
def test_full_validation_passes_every_expressible_row():
    result = subprocess.run([sys.executable, "-m", "calcium_abm.cli", "validate", "--no-report"],
                            capture_output=True, text=True, timeout=3600)
    table = result.stdout
    assert result.returncode == 0, f"validation failed:\n{table}\n{result.stderr[-2000:]}"
    # a plain FAIL fails the suite; a KNOWN FAIL (declared with its open issue) is listed, not hidden
    assert not re.search(r"(?<!KNOWN) FAIL\b", table)
    summary = [line for line in table.splitlines() if " passed, " in line]
    assert summary and summary[-1].split()[0].isdigit() and int(summary[-1].split()[0]) >= 20, summary
    assert "0 failed" in summary[-1]
