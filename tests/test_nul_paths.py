"""A NUL character in a file path (a batch file's scenario, a Python caller's path) gets one message, not a
traceback ending in ``ValueError: embedded null character`` (hostile tester, stop 60)."""

import pytest

from calcium_abm.batch.spec import BatchError, load_batch
from calcium_abm.cli import main
from calcium_abm.errors import ScenarioError
from calcium_abm.scenario import load_scenario


def test_a_scenario_path_with_a_nul_is_refused_by_name():
    with pytest.raises(ScenarioError, match=r"not a scenario file path \(it holds a NUL character\)"):
        load_scenario("a\x00b.toml")


def test_a_batch_file_naming_such_a_scenario_is_refused_without_a_traceback(tmp_path, capsys):
    batch = tmp_path / "b.toml"
    batch.write_text('scenario = "a\\u0000b.toml"\n[sweep]\n[sweep.parameters]\nmk7_ug_per_day = [1, 2]\n')
    assert main(["batch", str(batch), "--out", str(tmp_path / "o"), "--workers", "1"]) == 2
    err = capsys.readouterr().err
    assert "holds a NUL character" in err and "Traceback" not in err and not (tmp_path / "o").exists()
    with pytest.raises((BatchError, ScenarioError), match="NUL"):
        load_batch(batch).base_scenario()
