"""Every accepted input acts, or is refused: a parameter a ``[[schedule]]`` entry sets that its run
never reads (another species', a spread the person does not let act) is refused by a single run,
naming the file, the entry, the key, the value and what would read it (calcium_abm/inert_settings.py)."""

from __future__ import annotations

import pytest

from calcium_abm.cli import main
from calcium_abm.errors import ScenarioError
from calcium_abm.scenario import load_scenario
from test_cli_inputs import rejected

GRIDS = "bone_grid_width = 16\nbone_grid_height = 16\nvessel_grid_width = 16\nvessel_grid_height = 16\n"


def _scenario_file(tmp_path, schedule_set: str, patient: str = "") -> str:
    path = tmp_path / "s.toml"
    path.write_text(f'name = "s"\n[patient]\n{patient}\n[simulation]\nyears = 0.1\n{GRIDS}'
                    f'[[schedule]]\nstart_day = 10\nset = {{ {schedule_set} }}\n', "utf-8")
    return str(path)


# ------------------------------------------------------------------ one run's [[schedule]]


def test_run_refuses_a_scheduled_parameter_of_another_species(tmp_path, capsys):
    scenario = _scenario_file(tmp_path, '"parameters.rat_serum_calcium_relative" = 1.1')
    rejected(["run", scenario, "--out", str(tmp_path / "o.csv")], capsys,
             f"error: {scenario}: schedule entry 1 (start_day = 10): parameters.rat_serum_calcium_relative = 1.1 "
             'does nothing for species = "human": it is read only by the rat preset')
    assert not (tmp_path / "o.csv").exists()
    with pytest.raises(ScenarioError, match="schedule entry 1 .* does nothing for species"):  # the model too
        from calcium_abm import simulate
        simulate(scenario)


def test_validate_refuses_a_scheduled_spread_the_person_does_not_let_act(tmp_path, capsys):
    scenario = _scenario_file(tmp_path, '"parameters.remodeling_balance_sd" = 0.1')
    rejected(["validate", scenario], capsys,
             "schedule entry 1 (start_day = 10): parameters.remodeling_balance_sd = 0.1 does nothing while this "
             "entry is in effect: it acts only where patient.remodeling_balance_varies is true")
    wandering = _scenario_file(tmp_path, '"parameters.remodeling_balance_sd" = 0.1',
                               patient="remodeling_balance_varies = true")
    assert main(["validate", wandering]) == 0, capsys.readouterr().err


def test_the_propensity_spread_cannot_be_scheduled():
    """It places the person in the intimal onset distribution when the wall starts (day 0), never later."""
    with pytest.raises(ScenarioError, match="'parameters.calcification_propensity_log_sd' cannot change during a run"):
        load_scenario({"schedule": [{"start_day": 10, "set": {"parameters.calcification_propensity_log_sd": 0.7}}]})
