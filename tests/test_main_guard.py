"""A script that runs a batch on a local pool without ``if __name__ == "__main__":`` (a new user's first try):
each spawned worker imports the script again; the worker refuses to start the batch with the guard in its
message, and the parent's broken pool names the guard too."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from calcium_abm.batch import run_batch
from calcium_abm.batch.runner import MAIN_GUARD

BATCH = ('scenario = "healthy_adult"\nyears = 0.01\n[set]\nbone_grid_width = 8\nbone_grid_height = 8\n'
         'vessel_grid_width = 8\nvessel_grid_height = 8\n[sweep]\nreplicates = 1\n'
         '[sweep.parameters]\nmk7_ug_per_day = [0, 90, 180]\n')


def test_a_script_without_the_main_guard_is_told_to_add_it(tmp_path):
    (tmp_path / "b.toml").write_text(BATCH, encoding="utf-8")
    script = tmp_path / "noguard.py"
    script.write_text(textwrap.dedent("""
        from calcium_abm.batch import run_batch
        run_batch("b.toml", "out", workers=2)
    """), encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode != 0
    assert f"run_batch was called while a worker process was starting: {MAIN_GUARD}" in done.stderr
    assert f"if the batch runs from a Python script, {MAIN_GUARD}" in done.stderr


def test_with_the_guard_the_same_script_runs(tmp_path):
    (tmp_path / "b.toml").write_text(BATCH, encoding="utf-8")
    script = tmp_path / "guard.py"
    script.write_text(textwrap.dedent("""
        from calcium_abm.batch import run_batch
        if __name__ == "__main__":
            print(len(run_batch("b.toml", "out", workers=2)))
    """), encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "3"
    # in this (main) process the check lets a batch run
    assert len(run_batch(tmp_path / "b.toml", tmp_path / "here", workers=1)) == 3
