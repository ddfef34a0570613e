"""docs/batch.md's table of the shipped trial emulations is generated (scripts/trial_examples.py from
docs/trial_examples.json), never typed: a helper found its typed figures stale (-56.4 where the file as
written gave -56.49, and runs leaving physiology 9 / 1 / 13 where they were 0)."""

from __future__ import annotations

import copy
import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _script():
    spec = importlib.util.spec_from_file_location("trial_examples", ROOT / "scripts" / "trial_examples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SCRIPT = _script()
RESULTS = json.loads((ROOT / "docs" / "trial_examples.json").read_text(encoding="utf-8"))


def _block() -> str:
    return SCRIPT.BLOCK.search((ROOT / "docs" / "batch.md").read_text(encoding="utf-8")).group(2)


def test_the_trial_table_is_what_the_saved_figures_give():
    assert _block() == SCRIPT.render(RESULTS), ("docs/batch.md's trial table is stale: run "
                                                ".venv/bin/python scripts/trial_examples.py --docs")
    assert sorted(RESULTS["trials"]) == sorted(file for file, *_ in SCRIPT.TRIALS)
    for file, *_ in SCRIPT.TRIALS:
        assert (ROOT / "examples" / "batches" / file).is_file()


def test_a_changed_figure_makes_the_table_stale():
    changed = copy.deepcopy(RESULTS)
    changed["trials"]["mk7_trial.toml"]["difference"] += 0.1
    assert SCRIPT.render(changed) != _block()


def test_inside_the_published_ci_is_said_only_where_a_ci_was_published():
    """The report's inside_published_ci column is text ("" without a published CI): read as a bool, ""
    said "outside the published CI" of a trial that published none (Knapen 2015)."""
    text = SCRIPT.render(RESULTS)
    knapen = next(line for line in text.splitlines() if "knapen2015_mk7.toml" in line)
    assert RESULTS["trials"]["knapen2015_mk7.toml"]["ancova_inside_published_ci"] is None
    assert "published CI" not in knapen.split("|")[4]
