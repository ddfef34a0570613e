"""Mesa compatibility: flat keyword settings, ``mesa.batch_run``, SolaraViz's string seed,
agents whose properties read the model's arrays, ``model.grid`` with property layers,
and clear errors for invalid settings.

In a script, ``mesa.batch_run`` needs ``if __name__ == "__main__":`` because it always
switches multiprocessing to the spawn start method; here a fixture restores the start
method so that the switch does not leak into other tests.
"""

from __future__ import annotations

import importlib.util
import multiprocessing
from pathlib import Path

import mesa
import numpy as np
import pytest

from calcium_abm import COLUMNS, CalciumParadoxModel, ScenarioError, UserInputError, results_frame, simulate
from calcium_abm.agents import (
    Blood,
    BoneTissue,
    Gut,
    Osteoblast,
    Osteoclast,
    SmoothMuscleCell,
    VesselWallTissue,
)
from calcium_abm.errors import RunEndedError
from calcium_abm.grid import LazyMooreGrid

SMALL = {f"{tissue}_grid_{side}": 16 for tissue in ("bone", "vessel") for side in ("width", "height")}


def run_days(model: CalciumParadoxModel, days: int) -> CalciumParadoxModel:
    for _ in range(days):
        model.step()
    return model


@pytest.fixture
def restore_start_method():
    before = multiprocessing.get_start_method(allow_none=True)
    yield
    multiprocessing.set_start_method(before, force=True)


# ----------------------------------------------------------------------------- settings
def test_flat_keyword_settings_reach_the_scenario():
    model = CalciumParadoxModel(mk7_ug_per_day=180, ckd_stage=4, osteoblast_apoptosis_per_day=0.05,
                                rng=3, **SMALL)
    cfg = model.config
    assert cfg.diet.mk7_ug_per_day == 180
    assert cfg.patient.ckd_stage == 4
    assert cfg.parameters["osteoblast_apoptosis_per_day"] == 0.05
    assert model.params.osteoblast_apoptosis_per_day == 0.05
    assert model.bone_grid.dimensions == (16, 16) and model.vessel_grid.dimensions == (16, 16)


def test_scenario_argument_and_flat_settings_combine():
    model = CalciumParadoxModel("k2_deficiency", mk4_ug_per_day=7.0, rng=1, **SMALL)
    assert model.config.name == "k2_deficiency"
    assert model.config.diet.vitamin_k1_ug_per_day == 30.0  # from the scenario
    assert model.config.diet.mk4_ug_per_day == 7.0           # from the keyword


@pytest.mark.parametrize("settings, field", [
    ({"mk7_ug_per_day": -1.0}, "mk7_ug_per_day"),
    ({"ckd_stage": 7}, "ckd_stage"),
    ({"warfarin_mg_per_day": float("nan")}, "warfarin_mg_per_day"),
    ({"osteoblast_apoptosis_per_day": -0.5}, "osteoblast_apoptosis_per_day"),
    ({"mk7_ug_per_dya": 1.0}, "mk7_ug_per_dya"),
    ({"bone_grid_width": 2}, "bone_grid_width"),
])
def test_invalid_settings_raise_scenario_error_naming_the_field(settings, field):
    with pytest.raises(ScenarioError, match=field):
        CalciumParadoxModel(**settings)


def test_unknown_setting_suggests_the_right_name():
    with pytest.raises(ScenarioError, match="did you mean.*mk7_ug_per_day"):
        CalciumParadoxModel(mk7_ug_per_dya=1.0)


# ----------------------------------------------------------------------------- seeds
def test_string_seed_from_solaraviz_inputtext_is_the_same_seed():
    as_int = run_days(CalciumParadoxModel(rng=7, **SMALL), 20)
    as_text = run_days(CalciumParadoxModel(rng=" 7 ", **SMALL), 20)
    assert results_frame(as_int).equals(results_frame(as_text))
    other = run_days(CalciumParadoxModel(rng=8, **SMALL), 20)
    assert not results_frame(as_int).equals(results_frame(other))


@pytest.mark.parametrize("rng", ["not a number", "7.5", "abc", "-1", 7.0, True, -3, 2**63, "9" * 5000])
def test_invalid_seeds_get_a_message_naming_rng(rng):
    with pytest.raises(ScenarioError, match=r"^rng = .* is not allowed: must be a whole number from 0 to"):
        CalciumParadoxModel(rng=rng, **SMALL)


@pytest.mark.parametrize("rng, seed", [(" 17 ", 17), ("0", 0), (np.int64(5), 5), (2**63 - 1, 2**63 - 1)])
def test_accepted_seed_forms_are_the_seed_used(rng, seed):
    assert CalciumParadoxModel(rng=rng, **SMALL).seed == seed


def test_rng_none_draws_a_fresh_seed_that_repeats_the_run():
    first, second = CalciumParadoxModel(**SMALL), CalciumParadoxModel(rng="", **SMALL)
    assert first.seed != second.seed  # fresh entropy each time (a 53-bit draw: a clash is ~1e-16)
    run_days(first, 5)
    again = run_days(CalciumParadoxModel(rng=first.seed, **SMALL), 5)
    assert again.datacollector.latest == first.datacollector.latest


def test_mesa_batch_run_iterations_give_different_runs_and_report_their_seeds(restore_start_method):
    rows = mesa.batch_run(CalciumParadoxModel, parameters=dict(SMALL), iterations=3, max_steps=20,
                          number_processes=1, display_progress=False)
    assert len(rows) == 3
    seeds = [row["seed"] for row in rows]
    assert len(set(seeds)) == 3
    assert len({row["bone_mineral_density_g_cm2"] for row in rows}) == 3
    repeat = run_days(CalciumParadoxModel(rng=seeds[0], **SMALL), 20)
    assert repeat.datacollector.latest["bone_mineral_density_g_cm2"] == rows[0]["bone_mineral_density_g_cm2"]


# ----------------------------------------------------------------------------- batch_run
def test_mesa_batch_run(restore_start_method):
    rows = mesa.batch_run(
        CalciumParadoxModel,
        parameters={"mk7_ug_per_day": [0, 180], **SMALL},
        rng=[1, 2], max_steps=30, number_processes=1, display_progress=False,
    )
    assert len(rows) == 4
    for row in rows:
        assert set(COLUMNS) <= set(row)
        assert row["Step"] == 30 and row["day"] == 30
    by_dose = {dose: [r for r in rows if r["mk7_ug_per_day"] == dose] for dose in (0, 180)}
    assert all(len(v) == 2 for v in by_dose.values())
    # within each replicate (same rng), more MK-7 means less dp-ucMGP
    for iteration in (0, 1):
        plain = next(r for r in by_dose[0] if r["iteration"] == iteration)
        dosed = next(r for r in by_dose[180] if r["iteration"] == iteration)
        assert dosed["dp_ucmgp_pmol_l"] < plain["dp_ucmgp_pmol_l"]
    # a batch row is exactly the row of a model built and stepped by hand
    by_hand = results_frame(run_days(CalciumParadoxModel(rng=2, mk7_ug_per_day=180, **SMALL), 30)).iloc[-1]
    row = next(r for r in by_dose[180] if r["iteration"] == 1)
    assert all(row[name] == by_hand[name] or (np.isnan(row[name]) and np.isnan(by_hand[name]))
               for name in COLUMNS)


def test_mesa_batch_run_every_step(restore_start_method):
    rows = mesa.batch_run(CalciumParadoxModel, parameters={"ckd_stage": 5, **SMALL}, rng=[4], max_steps=10,
                          number_processes=1, data_collection_period=1, display_progress=False)
    assert [r["day"] for r in sorted(rows, key=lambda r: r["Step"])] == list(range(11))


# ----------------------------------------------------------------------------- agents and grid
@pytest.fixture(scope="module")
def stepped_model():
    """An MGP-knockout mouse after 40 days: both VSMC phenotypes and live bone cells."""
    return run_days(CalciumParadoxModel("mgp_knockout", rng=5, **SMALL), 40)


def test_agents_by_type_holds_cell_and_tissue_agents(stepped_model):
    by_type = stepped_model.agents_by_type
    for cls in (Osteoclast, Osteoblast, SmoothMuscleCell, Gut, Blood, BoneTissue, VesselWallTissue):
        assert cls in by_type, cls.__name__
    assert len(by_type[SmoothMuscleCell]) == 16 * 16
    assert all(len(by_type[cls]) == 1 for cls in (Gut, Blood, BoneTissue, VesselWallTissue))
    row = stepped_model.datacollector.latest
    assert len(by_type[Osteoclast]) == row["osteoclast_count"]
    assert len(by_type[Osteoblast]) == row["osteoblast_count"]


@pytest.mark.parametrize("cls, population", [(Osteoclast, "osteoclasts"), (Osteoblast, "osteoblasts")])
def test_bone_cell_agents_mirror_their_population_arrays(stepped_model, cls, population):
    pop = getattr(stepped_model, population)
    agents = stepped_model.agents_by_type[cls].to_list()
    assert len(agents) > 0
    assert sorted(a.slot for a in agents) == sorted(pop.live_slots().tolist())
    for agent in agents:
        x, y = int(pop.x[agent.slot]), int(pop.y[agent.slot])
        assert agent.cell.coordinate == (x, y)
        assert agent in agent.cell.agents
        assert agent.age_days == pop.age_days[agent.slot]
        assert pop.agents[agent.slot] is agent
    if cls is Osteoblast:
        assert all(a.team_cells == pop.team_cells[a.slot] for a in agents)


def test_bone_cell_positions_follow_moves_over_time():
    """Fast resorption makes osteoclasts move often; every agent's Mesa cell follows."""
    model = CalciumParadoxModel(rng=12, osteoclast_resorption_per_day=0.5, **SMALL)
    last_seen, moves = {}, 0
    for _ in range(60):
        model.step()
        for agent in model.agents_by_type.get(Osteoclast, []):
            assert agent.cell.coordinate == agent.position
            moves += last_seen.get(agent.unique_id, agent.position) != agent.position
            last_seen[agent.unique_id] = agent.position
    assert moves > 0


def test_smooth_muscle_cells_read_the_vessel_layers(stepped_model):
    layer = stepped_model.vessel_grid.vsmc_osteochondrogenic.data
    cells = stepped_model.agents_by_type[SmoothMuscleCell].to_list()
    phenotypes = {c.osteochondrogenic for c in cells}
    assert phenotypes == {True, False}  # both phenotypes present, so the check below bites
    for c in cells:
        assert c.osteochondrogenic == bool(layer[c.x, c.y])
        assert c.phenotype == ("osteochondrogenic" if layer[c.x, c.y] else "contractile")
        assert c.carboxylated_mgp == stepped_model.vessel_grid.carboxylated_mgp.data[c.x, c.y]
        assert c.uncarboxylated_mgp == stepped_model.vessel_grid.uncarboxylated_mgp.data[c.x, c.y]
        assert c.cell.coordinate == (c.x, c.y)
    assert sum(c.osteochondrogenic for c in cells) == stepped_model.datacollector.latest["osteochondrogenic_vsmc_count"]


def test_tissue_agents_hold_the_calcium_pools(stepped_model):
    pools = stepped_model.calcium_pools_mg()
    by_type = stepped_model.agents_by_type
    assert by_type[Gut].to_list()[0].calcium_mg == pools["gut"]
    assert by_type[Blood].to_list()[0].calcium_mg == pools["blood"]
    bone = by_type[BoneTissue].to_list()[0]
    assert bone.calcium_mg == pytest.approx(pools["bone_fluid"] + pools["bone_trabecular"] + pools["bone_cortical"],
                                            rel=1e-15)
    assert by_type[VesselWallTissue].to_list()[0].calcium_mg == pools["vessel_wall"]


def test_model_grid_is_the_bone_grid_with_property_layers(stepped_model):
    grid = stepped_model.grid
    assert grid is stepped_model.bone_grid
    assert isinstance(grid, mesa.discrete_space.OrthogonalMooreGrid) and isinstance(grid, LazyMooreGrid)
    for name in ("bone_mineral", "osteoid", "cavity", "vitamin_k_nmol_l"):
        assert getattr(grid, name).data.shape == (16, 16)
    # the layers are the model's state, not copies
    assert np.shares_memory(grid.bone_mineral.data, stepped_model.bone.mineral)
    assert np.shares_memory(stepped_model.vessel_grid.vessel_mineral.data, stepped_model.vessel.mineral)
    cell = grid[(3, 5)]
    assert cell.bone_mineral == stepped_model.bone.mineral[3, 5]
    assert cell.cavity == stepped_model.bone.cavity[3, 5]


def test_the_vitamin_k_layers_hold_the_days_tissue_kh2(stepped_model):
    """ODD 8: the grids' vitamin_k_nmol_l layers hold today's tissue KH2 (vessel per depth, bone one
    value), not zeros."""
    vk = stepped_model.carboxylation
    vessel = stepped_model.vessel_grid.vitamin_k_nmol_l.data
    assert np.array_equal(vessel, np.broadcast_to(vk.vessel_kh2_by_depth, vessel.shape)) and vessel.min() > 0.0
    bone = stepped_model.bone_grid.vitamin_k_nmol_l.data
    assert bone.min() == bone.max() == vk.bone_kh2_nmol_l > 0.0


def test_datacollector_is_mesas(stepped_model):
    dc = stepped_model.datacollector
    assert isinstance(dc, mesa.DataCollector)
    frame = dc.get_model_vars_dataframe()
    assert list(frame.columns) == [*COLUMNS, "seed"]
    assert set(frame["seed"]) == {stepped_model.seed}
    assert len(frame) == 41 and frame["day"].tolist() == list(range(41))


# ----------------------------------------------------------------------------- Mesa internals we rely on
# grid.LazyMooreGrid re-implements OrthogonalMooreGrid.__init__ (to skip building every
# cell) and so sets Mesa's private attributes itself; outputs.RowCollector appends to
# DataCollector's private ``_collection_steps``. These tests fail, naming the attribute,
# when a Mesa release changes one of them.
def _plain_grid():
    from random import Random

    return mesa.discrete_space.OrthogonalMooreGrid((3, 4), random=Random(1))


@pytest.mark.parametrize("name", ["_cells", "_celllist", "_try_random", "_ndims", "cell_klass", "dimensions",
                                  "torus", "capacity"])
def test_mesa_grid_still_has_the_private_attributes_lazy_grid_sets(name):
    grid = _plain_grid()
    assert hasattr(grid, name), (
        f"Mesa's OrthogonalMooreGrid no longer has {name!r}, which calcium_abm.grid.LazyMooreGrid sets; "
        "update LazyMooreGrid.__init__ to the new OrthogonalMooreGrid.__init__")


def test_lazy_grid_sets_every_attribute_mesas_grid_init_sets():
    from random import Random

    plain, lazy = _plain_grid(), LazyMooreGrid((3, 4), random=Random(1))
    missing = sorted(set(vars(plain)) - set(vars(lazy)) - {"_celllist", "all_cells"})
    assert not missing, (f"Mesa's OrthogonalMooreGrid.__init__ now sets {missing}, which "
                         "calcium_abm.grid.LazyMooreGrid.__init__ does not: add them there")
    assert isinstance(plain._cells, dict) and set(plain._cells) == {(x, y) for x in range(3) for y in range(4)}, (
        "Mesa's grid no longer keeps its cells in the dict `_cells` keyed by coordinate (LazyMooreGrid replaces it)")
    assert plain._celllist == list(plain._cells.values()), "Mesa's `_celllist` is no longer the list of `_cells`"
    for name in ("_validate_parameters", "_connect_cells"):
        assert callable(getattr(type(plain), name, None)), f"Mesa's grid lost the private method {name!r}"
    from mesa.discrete_space import grid as mesa_grid

    assert callable(getattr(mesa_grid, "pickle_gridcell", None)), "mesa.discrete_space.grid.pickle_gridcell is gone"
    assert isinstance(mesa.discrete_space.Cell.__dict__.get("connections"), type(mesa.discrete_space.Cell.coordinate)), (
        "Cell.connections is no longer a slot descriptor (LazyMooreGrid's _LazyCell wraps it)")


def test_lazy_grid_cells_behave_like_mesas():
    from random import Random

    plain, lazy = _plain_grid(), LazyMooreGrid((3, 4), random=Random(1))
    for xy in ((0, 0), (1, 2), (2, 3)):
        want = sorted(c.coordinate for c in plain[xy].neighborhood)
        assert sorted(c.coordinate for c in lazy[xy].neighborhood) == want


def test_mesa_datacollector_private_collection_steps_is_what_row_collector_appends_to():
    model = mesa.Model(rng=1)
    dc = mesa.DataCollector(model_reporters={"x": lambda m: 1.0})
    assert isinstance(getattr(dc, "_collection_steps", None), list), (
        "Mesa's DataCollector no longer has the private list `_collection_steps` that "
        "calcium_abm.outputs.RowCollector.collect appends to")
    dc.collect(model)
    assert dc._collection_steps == [model.time], "DataCollector.collect no longer appends model.time to `_collection_steps`"
    assert list(dc.get_model_vars_dataframe().index) == [model.time]


def test_a_seed_given_as_a_setting_is_the_seed_used():
    """CalciumParadoxModel(seed=4) (Mesa's old keyword, or simulation.seed=4) was accepted, stored
    in the scenario and not used: the run drew a fresh seed. Now it is the run's seed, and a
    different rng beside it is refused (two seeds for one run)."""
    assert CalciumParadoxModel(seed=4, **SMALL).seed == 4
    assert CalciumParadoxModel(**{"simulation.seed": 6}, **SMALL).seed == 6
    assert CalciumParadoxModel(seed=4, rng=4, **SMALL).seed == 4
    with pytest.raises(ScenarioError, match="seed = 4 is not allowed with rng = 5: two seeds"):
        CalciumParadoxModel(seed=4, rng=5, **SMALL)


# ----------------------------------------------------------------------------- the run's end
RUN_ENDED = ("the run has ended at day 4 of 4 (simulation.years = 0.01): model.step() does not simulate past the "
             "run's last day (step while model.running is True; Mesa's run_for and run_until raise this there too). "
             "To go on, build a new model with a longer simulation.years (the years= setting)")


def four_days() -> CalciumParadoxModel:
    return CalciumParadoxModel("healthy_adult", rng=1, **{"simulation.years": 0.01}, **SMALL)


def stepped_to_the_end(model: CalciumParadoxModel) -> CalciumParadoxModel:
    while model.running:
        model.step()
    return model


def test_a_step_after_the_run_has_ended_is_refused_and_changes_nothing():
    """model.step() after the last day silently simulated day 5 of a 4-day run."""
    model = stepped_to_the_end(four_days())
    rows, seen = results_frame(model), []

    def note():
        seen.append(model.time)

    assert (model.day, model.days_total, model.running) == (4, 4, False)
    for other_event_pending in (False, True):  # Mesa's own step runs when another event is scheduled
        if other_event_pending:
            model.schedule_event(note, at=model.time + 0.5)
        with pytest.raises(RunEndedError) as info:
            model.step()
        assert str(info.value) == RUN_ENDED
        assert isinstance(info.value, UserInputError) and isinstance(info.value, RuntimeError)
        assert (model.day, model.time, model.steps) == (4, 4, 4)
        assert results_frame(model).equals(rows) and list(rows["day"]) == [0, 1, 2, 3, 4] and seen == []


def test_mesa_run_for_and_run_until_run_to_the_end_and_no_further():
    by_step = results_frame(stepped_to_the_end(four_days()))
    run_for, run_until = four_days(), four_days()
    run_for.run_for(4)
    run_until.run_until(4)
    for model in (run_for, run_until):
        assert (model.day, model.time, model.running) == (4, 4, False) and results_frame(model).equals(by_step)
    past = four_days()
    with pytest.raises(RunEndedError, match=r"^the run has ended at day 4 of 4 "):
        past.run_for(10)  # every day of the run, then the error (was 10 days, 6 of them past the run)
    assert past.day == 4 and results_frame(past).equals(by_step)
    assert simulate("healthy_adult", seed=1, overrides={"simulation.years": 0.01, **SMALL}).equals(by_step)


def test_run_for_no_time_and_run_until_now_do_nothing_and_warn_nothing():
    """run_for(0) and run_until(model.time) passed on to Mesa, which warned 'end time 0.0 is larger than time
    0.0' (it is not): no time to run is a call that does nothing."""
    import warnings

    model = four_days()
    model.run_for(2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.run_for(0)
        model.run_until(model.time)
    assert (model.day, model.time, model.steps) == (2, 2, 2)
    model.run_until(4)
    assert (model.day, model.running) == (4, False)


def test_run_for_and_run_until_past_the_end_leave_the_clock_on_the_last_day_and_keep_refusing():
    """Mesa moves its clock and counts the step before the model's step refuses a day past the run: run_for(10)
    on a 4-day run raised with time 5 and steps 5 after 4 days, and, the daily event gone, a second run_for or
    run_until moved the clock on (to 100) without a step or an error. Now the clock stays at day 4, and every later
    call (run_for, run_until, step) is refused the same way; a run_until to a time past the last day stays there."""
    by_step = results_frame(stepped_to_the_end(four_days()))
    past = four_days()
    calls = [lambda: past.run_for(10), lambda: past.run_until(100), lambda: past.run_for(1), past.step,
             lambda: past.run_until(past.time + 1)]
    for call in calls:
        with pytest.raises(RunEndedError) as info:
            call()
        assert str(info.value) == RUN_ENDED
        assert (past.day, past.time, past.steps, past.running) == (4, 4, 4, False)
        assert past._event_list._events == [past._default_schedule._current_event]  # tomorrow's daily event
    assert results_frame(past).equals(by_step)
    halfway = four_days()
    halfway.run_until(4.5)  # the 4 days, then the clock on to 4.5 (no daily event due by then)
    with pytest.raises(RunEndedError):
        halfway.run_for(3)
    assert (halfway.day, halfway.time, halfway.steps) == (4, 4.5, 4) and results_frame(halfway).equals(by_step)


def test_the_solaraviz_page_steps_a_week_per_click_up_to_the_end():
    """SolaraViz steps render_interval (7) days per click without looking at model.running: the last
    click of a run that is no whole number of weeks stops at its end (app/mesa_viz.py's ViewedModel)."""
    spec = importlib.util.spec_from_file_location("mesa_viz", Path(__file__).parent.parent / "app" / "mesa_viz.py")
    viz = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(viz)
    assert isinstance(viz.model, viz.ViewedModel) and viz.page.kwargs["render_interval"] == 7
    model = viz.ViewedModel("healthy_adult", rng=1, **{"simulation.years": 0.03}, **SMALL)  # 11 days
    for _click in range(2):
        for _ in range(7):  # what SolaraViz's Step button does
            model.step()
    assert (model.day, model.days_total, model.running) == (11, 11, False)


def test_the_solaraviz_page_resets_with_its_scenario_and_sliders():
    """SolaraViz's Reset rebuilds the model with the page's settings. Mesa 3.5 gives a model a
    ``model.scenario`` (its experimental Scenario, holding the seed), and Reset then passed
    ``scenario=<that Scenario>`` in place of the page's "k2_deficiency": every Reset failed with
    "cannot load a scenario from Scenario". ``model.scenario`` is now None (``model.config`` is the
    scenario), and Reset gets the page's scenario, seed and slider values."""
    from mesa.visualization.solara_viz import _build_model_init_kwargs, split_model_params

    spec = importlib.util.spec_from_file_location("mesa_viz", Path(__file__).parent.parent / "app" / "mesa_viz.py")
    viz = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(viz)
    assert viz.model.scenario is None and viz.model.agents[0].scenario is None
    user, fixed = split_model_params(viz.model_params)  # what ModelCreator starts the page's settings with
    settings = {**fixed, **{name: getattr(option, "value", None) if not isinstance(option, dict) else option["value"]
                            for name, option in user.items()}}
    settings.update(rng="7", mk7_ug_per_day=180.0, **{"simulation.years": 0.01}, **SMALL)  # the seed box sends text
    kwargs = _build_model_init_kwargs(viz.model, settings, add_scenario_when_empty=True,
                                      require_model_accepts_scenario=True)  # as the Reset button (do_reset)
    model = type(viz.model)(**kwargs)
    assert (model.config.name, model.seed, model.config.diet.mk7_ug_per_day) == ("k2_deficiency", 7, 180.0)


def test_the_solaraviz_page_takes_text_that_is_no_seed_with_a_notice():
    """The page's seed box is free text: "abc" made Reset raise, and SolaraViz showed the traceback in place of
    the whole page (its controls gone). The page's model now starts with a fresh seed and says why above the
    charts; a seed it accepts runs as before."""
    spec = importlib.util.spec_from_file_location("mesa_viz", Path(__file__).parent.parent / "app" / "mesa_viz.py")
    viz = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(viz)
    assert viz.SeedNotice in viz.page.kwargs["components"] and viz.model.notice == ""
    short = {"simulation.years": 0.01, **SMALL}
    refused = viz.ViewedModel("k2_deficiency", rng="abc", **short)
    assert refused.notice == (f"rng = 'abc' is not allowed: must be a whole number from 0 to {2**63 - 1}, or None "
                              f"for a fresh seed; this run has the fresh seed {refused.seed}")
    assert refused.config.name == "k2_deficiency" and 0 <= refused.seed < 2**53
    taken = viz.ViewedModel("k2_deficiency", rng=" 7 ", **short)
    assert (taken.seed, taken.notice) == (7, "")
    assert results_frame(stepped_to_the_end(taken)).equals(
        results_frame(stepped_to_the_end(CalciumParadoxModel("k2_deficiency", rng=7, **short))))


def test_remove_all_agents_leaves_none_to_come_back_and_the_numbers_as_they_were():
    """Mesa's remove_all_agents before any read left 79 agents to be made on the first read after it,
    and after a read newborn osteoblast teams got agents again (19 agents for 24 live teams)."""
    from calcium_abm import CalciumParadoxModel

    small = {"simulation.years": 0.1, "simulation.bone_grid_width": 24, "simulation.bone_grid_height": 24,
             "simulation.vessel_grid_width": 8, "simulation.vessel_grid_height": 8}
    fresh = CalciumParadoxModel(rng=2, **small)
    fresh.remove_all_agents()
    assert len(fresh.agents) == 0
    read = CalciumParadoxModel("postmenopausal", rng=2, **small)
    untouched = CalciumParadoxModel("postmenopausal", rng=2, **small)
    assert len(read.agents) > 0
    read.step()
    read.remove_all_agents()
    while read.running:
        read.step()
    while untouched.running:
        untouched.step()
    assert len(read.agents) == 0 and read.osteoblasts.count > 0
    frames = [m.datacollector.get_model_vars_dataframe() for m in (read, untouched)]
    assert frames[0].equals(frames[1])


@pytest.mark.parametrize("call, message", [
    (lambda m: m.run_for(float("nan")), r"^run_for\(duration = nan\) is not allowed: duration must be a finite number"),
    (lambda m: m.run_for(10**5000), r"^run_for\(duration = an integer of 5001 digits\) is not allowed: duration must"),
    (lambda m: m.run_for("2"), r"^run_for\(duration = '2'\) is not allowed: duration must be a finite number of days"),
    (lambda m: m.run_for(-1), r"^run_for\(duration = -1\) is not allowed: duration must be at least 0"),
    (lambda m: m.run_until(None), r"^run_until\(end_time = None\) is not allowed: end_time must be a finite number"),
    (lambda m: m.run_until(0.5), r"^run_until\(end_time = 0.5\) is not allowed: end_time must be at least 1 "
                                 r"\(model.time: the clock does not go back\)")])
def test_run_for_and_run_until_refuse_a_time_that_is_no_time(call, message):
    """Found by probe h3 trying the model through Mesa: run_for(nan) set model.time to nan, after which no run_for or
    run_until simulated a day, without a word; run_for("2") raised Mesa's TypeError ('unsupported operand type(s)
    for +'); run_for(-1) only warned 'end time -1.0 is larger than time 0.0'. Each is refused, the clock unmoved."""
    model = four_days()
    model.run_for(1)
    with pytest.raises(ValueError, match=message):
        call(model)
    assert (model.day, model.time, model.steps) == (1, 1, 1)
    model.run_for(np.int64(2))  # a numpy number is a number
    model.run_until(np.float64(4))
    assert (model.day, model.time, model.running) == (4, 4, False)
