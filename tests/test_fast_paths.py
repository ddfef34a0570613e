"""The per-day path's shortcuts give the numbers and the Mesa interface of the plain path:
rows kept by ``RowCollector`` and moved into ``model_vars`` when read, ``simulate`` without
bone-cell agents (``agents.stop_mirroring``), the ledger's tissue reads, and the coagulation
checks that build their messages only for bad values."""

from __future__ import annotations

import math

import numpy as np
import pytest

from calcium_abm import COLUMNS, CalciumParadoxModel, outputs, results_frame
from calcium_abm.agents import Blood, Osteoblast, Osteoclast, SmoothMuscleCell, stop_mirroring
from calcium_abm.physiology import coagulation, ledger

SMALL = {f"{tissue}_grid_{side}": 16 for tissue in ("bone", "vessel") for side in ("width", "height")}


def _same_bits(a: list, b: list) -> bool:
    return np.array_equal(np.asarray(a, dtype=float).view(np.uint64), np.asarray(b, dtype=float).view(np.uint64))


# ----------------------------------------------------------------------------- RowCollector
def test_model_vars_read_every_day_equal_model_vars_read_once():
    watched = CalciumParadoxModel("k2_deficiency", rng=4, years=0.15, **SMALL)
    unwatched = CalciumParadoxModel("k2_deficiency", rng=4, years=0.15, **SMALL)
    seen_days = []
    while watched.running:
        watched.step()
        unwatched.step()
        data = watched.datacollector.model_vars  # moves the pending row into the columns
        seen_days.append(data["day"][-1])
        assert watched.datacollector.latest == {name: data[name][-1] for name in COLUMNS} == watched.current_row()
    assert seen_days == list(range(1, watched.day + 1))
    once, every_day = unwatched.datacollector.model_vars, watched.datacollector.model_vars
    assert list(once) == [*COLUMNS, "seed"] == list(every_day)
    assert all(_same_bits(once[name], every_day[name]) for name in COLUMNS)
    assert once["seed"] == every_day["seed"] == [4] * (watched.day + 1)


def test_latest_is_the_last_recorded_row_also_on_thinned_records():
    model = CalciumParadoxModel(rng=3, years=0.1, record_every_days=7, **SMALL)
    assert model.datacollector.latest == model.current_row() and model.datacollector.latest["day"] == 0.0
    for _ in range(7):
        model.step()
    day_seven = model.current_row()
    for _ in range(3):
        model.step()
    latest = model.datacollector.latest
    assert latest == day_seven and latest != model.current_row()  # day 10 is not recorded
    assert model.datacollector.model_vars["day"] == [0.0, 7.0]
    assert model.datacollector.latest is latest  # the same row: no new dict per read


# ----------------------------------------------------------------------------- agents
def test_stop_mirroring_drops_bone_cell_agents_and_keeps_every_number():
    mirrored = CalciumParadoxModel("postmenopausal", rng=6, years=0.2, **SMALL)
    bare = CalciumParadoxModel("postmenopausal", rng=6, years=0.2, **SMALL)
    stop_mirroring(bare)
    while mirrored.running:
        mirrored.step()
        bare.step()
    frame, bare_frame = results_frame(mirrored), results_frame(bare)
    assert all(_same_bits(frame[name].to_numpy(), bare_frame[name].to_numpy()) for name in COLUMNS)
    assert mirrored.osteoclasts.count > 0 and mirrored.osteoblasts.count > 0  # cells live, so the check bites
    for cls, pop in ((Osteoclast, mirrored.osteoclasts), (Osteoblast, mirrored.osteoblasts)):
        assert len(mirrored.agents_by_type[cls]) == pop.count
    assert not bare.agents_by_type.get(Osteoclast) and not bare.agents_by_type.get(Osteoblast)
    assert all(agent is None for agent in bare.osteoclasts.agents) and all(a is None for a in bare.osteoblasts.agents)
    assert bare.osteoclasts.count == mirrored.osteoclasts.count  # the cells themselves are all there
    assert len(bare.agents_by_type[SmoothMuscleCell]) == 16 * 16 and len(bare.agents_by_type[Blood]) == 1


# ----------------------------------------------------------------------------- ledger
def test_pools_mg_takes_tissue_values_given_and_reads_the_others():
    reads = []

    def bone() -> float:
        reads.append(1)
        return 90.0

    books = ledger.MineralLedger("calcium", {"gut": 2.0, "blood": 40.0}, {"bone": bone, "wall": lambda: 3.0})
    reads.clear()  # opening the books read every pool once
    assert books.pools_mg({"bone": 100.0}) == {"gut": 2.0, "blood": 40.0, "bone": 100.0, "wall": 3.0}
    assert reads == []
    assert books.pools_mg() == {"gut": 2.0, "blood": 40.0, "bone": 90.0, "wall": 3.0} and reads == [1]
    assert books["wall"] == 3.0 and books["blood"] == 40.0
    with pytest.raises(KeyError, match="liver"):
        books["liver"]


def test_split_and_merge_book_tissue_and_held_sides_alike():
    tissue = {"bone": 10.0}
    books = ledger.MineralLedger("calcium", {"blood": 40.0, "gut": 1.0}, {"bone": lambda: tissue["bone"]})
    tissue["bone"] -= 3.0  # the kernel resorbed it
    books.transfer_merge({"bone": 3.0, "gut": 0.5}, "blood")
    tissue["bone"] += 2.0
    books.transfer_split("blood", {"bone": 2.0, "urine": 1.5})
    assert books["blood"] == 40.0 and books["gut"] == 0.5 and books.cumulative_mg["urine"] == 1.5
    assert books.balance_error_mg() == 0.0
    assert books.flow_today_mg("bone", "blood") == 3.0 and books.flow_today_mg("blood", "bone") == 2.0


# ----------------------------------------------------------------------------- coagulation checks
@pytest.mark.parametrize("bad", [math.nan, math.inf, -0.1, 1.5])
def test_every_bad_factor_value_is_refused_naming_map_and_factor(bad):
    full = {f: 1.0 for f in coagulation.FACTORS}
    p = coagulation.default_parameters()
    with pytest.raises(ValueError, match=r"factor_activity\['x'\] = .* fraction between 0 and 1"):
        coagulation.prothrombin_complex_activity({**full, "x": bad}, p)
    with pytest.raises(ValueError, match=r"carboxylated_fraction\['ii'\]"):
        coagulation.advance_factor_activity(full, {**full, "ii": bad}, p)
    with pytest.raises(ValueError, match=r"unknown \['xi'\]"):
        coagulation.advance_factor_activity({**full, "xi": 1.0}, full, p)


# ----------------------------------------------------------------------------- column arrays
def test_column_arrays_equal_model_vars_whether_or_not_model_vars_was_read_midway():
    read_midway = CalciumParadoxModel("k2_deficiency", rng=8, years=0.1, **SMALL)
    never_read = CalciumParadoxModel("k2_deficiency", rng=8, years=0.1, **SMALL)
    while read_midway.running:
        read_midway.step()
        never_read.step()
        if read_midway.day == 9:
            assert len(read_midway.datacollector.model_vars["day"]) == 10  # moves the pending rows
    for model in (read_midway, never_read):
        arrays, lists = model.datacollector.column_arrays(), model.datacollector.model_vars
        assert list(arrays) == list(COLUMNS) and len(arrays["day"]) == model.day + 1
        assert all(_same_bits(arrays[name], lists[name]) for name in COLUMNS)
        assert lists["seed"] == [8] * (model.day + 1)
    midway, never = read_midway.datacollector.column_arrays(), never_read.datacollector.column_arrays()
    assert all(_same_bits(midway[name], never[name]) for name in COLUMNS)


# ----------------------------------------------------------------------------- drive records
def test_drive_record_equals_kernel_record_and_is_one_buffer_per_type_and_thread():
    import threading

    from calcium_abm.parameters import drive_record, kernel_record
    from calcium_abm.physiology.calcification import VesselDrives

    today = VesselDrives(mgp_made_per_cell=0.14, switch_on_per_step=0.0175, drive_free=0.1, seed_free=0.03,
                         supply_mg=-0.0)
    record = drive_record(today)
    assert record.dtype == kernel_record(today).dtype
    assert record.tobytes() == kernel_record(today).tobytes()  # every bit, the sign of -0.0 too
    tomorrow = today._replace(drive_free=math.nan)
    assert drive_record(tomorrow) is record and record.tobytes() == kernel_record(tomorrow).tobytes()
    seen = []
    thread = threading.Thread(target=lambda: seen.append(drive_record(today)))
    thread.start()
    thread.join()
    assert seen[0] is not record and seen[0].tobytes() == kernel_record(today).tobytes()
    assert record.tobytes() == kernel_record(tomorrow).tobytes()  # the other thread wrote its own buffer


# ----------------------------------------------------------------------------- repeated carboxylation days
@pytest.mark.parametrize("scenario, schedule, most_computed", [
    ("healthy_adult", None, 0.5),
    ("long_term_warfarin", None, 0.5),
    ("healthy_adult", [{"start_day": 40, "set": {"diet": {"mk7_ug_per_day": 180.0}}},
                       {"start_day": 70, "set": {"drugs": {"warfarin_mg_per_day": 5.0}}}], 0.9),
])
def test_a_repeated_carboxylation_day_gives_the_numbers_of_computing_every_day(monkeypatch, scenario, schedule,
                                                                              most_computed):
    """``carboxylation.repeated_or_new_day`` returns the last day when no input changed (and the recorded
    prothrombin-complex activity is kept with the clotting map it was computed for): the rows equal
    those of a run that computes every day, bit for bit, including across a schedule's changes of diet
    and dose; and the shortcut is taken (most days of a steady run repeat)."""
    from calcium_abm.physiology import carboxylation

    extra = {"schedule": schedule} if schedule else {}
    computed = []
    real = carboxylation.carboxylation_day

    def counting(*args, **kwargs):
        computed.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(carboxylation, "carboxylation_day", counting)
    shortcut = results_frame(_run(scenario, extra))
    n_computed = len(computed)
    monkeypatch.setattr(carboxylation, "repeated_or_new_day",
                        lambda last, *args: (None, counting(*args)))  # never repeats
    monkeypatch.setattr(outputs, "_prothrombin_complex_activity",  # computed afresh every day
                        lambda blood, p: coagulation.weighted_factor_activity(blood.clotting_factor_activity, p))
    every_day = results_frame(_run(scenario, extra))
    assert all(_same_bits(shortcut[name], every_day[name]) for name in COLUMNS)
    assert n_computed < most_computed * shortcut["day"].iloc[-1]  # the shortcut was taken (on most steady days)


@pytest.mark.parametrize("activity", [0.0, 1e-300, 0.2, 0.731, 1.0])
def test_clotting_factors_at_their_target_stay_there_exactly(activity):
    """The model skips the relaxation of factors already at their target: the law returns them unchanged."""
    factors = {f: activity for f in coagulation.FACTORS}
    assert coagulation.relax_factor_activity(factors, dict(factors), coagulation.default_parameters(), 1.0) == factors


def _run(scenario: str, extra: dict) -> CalciumParadoxModel:
    from calcium_abm.scenario import load_scenario
    from calcium_abm.simulation import prepare_scenario

    config = prepare_scenario({**load_scenario(scenario).model_dump(), **extra}, 0.3, None, None)
    model = CalciumParadoxModel(config, rng=9, **SMALL)
    while model.running:
        model.step()
    return model


# ----------------------------------------------------------------------------- scalar readouts
@pytest.mark.parametrize("sex", ["female", "male"])
def test_the_spine_readouts_of_a_float_equal_numpy_on_an_array_to_the_bit(sex):
    """The daily row passes floats and takes Python's max/min/sqrt (skeleton._elementwise); a cohort passes arrays
    and takes numpy's: the same law, the same bits, at ages either side of every kink (20 y, the osteophyte onset, 60 y)."""
    from calcium_abm.physiology import skeleton
    p = CalciumParadoxModel("healthy_adult", rng=1, years=0.01, **SMALL).params
    ages = [18.0, 20.0, 20.5, 35.0, p.osteophyte_onset_age_years, 51.37, 60.0, 77.25, 119.5]
    bmd = [0.71, 1.0, 1.23, 0.9, 1.05, 0.96, 0.88, 0.8, 0.6]
    on_floats = [[skeleton.spine_areal_bmd_factor(a, 30.0, p) for a in ages],
                 [skeleton.lumbar_osteophyte_prevalence(a, sex, p) for a in ages],
                 [skeleton.expected_spine_dxa_bmd_g_cm2(b, a, sex, p) for a, b in zip(ages, bmd)]]
    assert all(type(v) is float for row in on_floats for v in row)
    prevalence = skeleton.lumbar_osteophyte_prevalence(np.array(ages), sex, p)
    on_arrays = [skeleton.spine_areal_bmd_factor(np.array(ages), 30.0, p), prevalence,
                 skeleton.spine_dxa_bmd_g_cm2(np.array(bmd), np.array(ages), p.osteoblast_reference_age_years, sex,
                                              prevalence, p)]
    assert all(_same_bits(f, a) for f, a in zip(on_floats, on_arrays))
    assert on_floats[1][0] == 0.0 < on_floats[1][-1]  # the kinks are crossed: a test that could tell them apart


def test_the_estrogen_effect_of_a_float_equals_numpy_on_an_array_to_the_bit():
    """A woman's daily bone drives pass a float (Python's max, person.years_relative_to_fmp's min/max for
    np.clip); the life course passes arrays (numpy's): the same law, the same bits, either side of the kinks
    (the transmenopause's end, the final period, the +-120 y bounds)."""
    from calcium_abm import person
    from calcium_abm.physiology import ageing
    p = CalciumParadoxModel("healthy_adult", rng=1, years=0.01, **SMALL).params
    end = p.transmenopause_end_years
    years = [-120.0, -3.0, -1.0, -0.0, 0.0, 0.37, end - 1e-9, end, end + 1e-9, 7.5, 40.0, 120.0]
    on_floats = [ageing.perimenopausal_estrogen_effect(t, p) for t in years]
    assert all(type(v) is float for v in on_floats)
    assert _same_bits(on_floats, ageing.perimenopausal_estrogen_effect(np.array(years), p))
    assert _same_bits(on_floats, [float(ageing.perimenopausal_estrogen_effect(np.array(t), p)) for t in years])
    ages = [50.0 + t for t in (-200.0, -3.0, 0.0, 2.25, 300.0)]
    assert [person.years_relative_to_fmp(a, 50.0) for a in ages] == [
        float(np.clip(a - 50.0, -120.0, 120.0)) for a in ages] == [-120.0, -3.0, 0.0, 2.25, 120.0]
    with pytest.raises(Exception, match="years_relative_to_fmp"):
        ageing.perimenopausal_estrogen_effect(120.5, p)
