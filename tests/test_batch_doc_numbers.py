"""docs/batch.md's typed numbers about the batch code agree with the code: each default, limit
and rule it names is read here from the code, its example messages are the messages the code
gives, and its estimates are what batch/estimate.py computes. Its two generated tables have their
own tests (test_trial_examples_doc.py, test_batch_bench.py); its dated measurements are records
of those runs and are left as measured."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from calcium_abm import load_scenario, simulate
from calcium_abm.batch import estimate, runner
from calcium_abm.batch.draws import MAX_SILENT_CLIP_SHARE
from calcium_abm.batch.expand import AGE_AT_MENOPAUSE, cohort_patients, expand_runs
from calcium_abm.batch.progress import PROGRESS_LINE_INTERVAL_S
from calcium_abm.batch.sensitivity import SOBOL_MARGIN
from calcium_abm.batch.spec import BatchSpec, Cohort, load_batch
from calcium_abm.batch import BatchError
from calcium_abm.inputs.sections import MAX_AGE_AT_MENOPAUSE_YEARS, MIN_AGE_AT_MENOPAUSE_YEARS
from calcium_abm.model import SPINUP_DAYS
from calcium_abm.outputs import COLUMNS
from calcium_abm.physiology import parameter_registry
from calcium_abm.physiology.person_traits import DRAW_ONLY_SPREADS, TRAIT_NAMES

ROOT = Path(__file__).resolve().parent.parent
DOC = " ".join((ROOT / "docs" / "batch.md").read_text(encoding="utf-8").split())
EXAMPLES = ROOT / "examples" / "batches"
WORDS = {1: "one", 2: "two", 3: "three", 4: "Four", 5: "five", 6: "six", 7: "seven"}


def _sci(x: float) -> str:
    """``8e-05`` as the doc writes it, ``8e-5``."""
    return re.sub(r"e-0*", "e-", f"{x:g}")


def _refusal(table: dict) -> str:
    with pytest.raises(BatchError) as err:
        cohort_patients(load_batch(table))
    return str(err.value).removeprefix("batch file: ")


def test_defaults_and_limits_of_a_batch_file():
    assert BatchSpec.model_fields["seed"].default == 0 and "the batch seed (default 0)" in DOC
    day = Cohort.model_fields["randomisation_day"].default
    assert f"randomisation_day = {day} # default {day}: arms' set/add start this day" in DOC
    per_patient = Cohort(patients=3, inclusion={"age_years": {"min": 60}}).candidates() // 3
    assert f"candidates screened at most (default {per_patient} per patient;" in DOC
    assert f"(at most {MAX_SILENT_CLIP_SHARE:.0%} of the draws)".replace("%", " %") in DOC
    assert f"an index outside [0, 1] by more than {SOBOL_MARGIN:g}, or a confidence half-width above 0.5" in DOC


def test_menopause_and_traits_of_a_cohort():
    m = AGE_AT_MENOPAUSE
    assert f"(normal, mean {m.mean:g}, SD {m.sd:g} years, within the normal range {m.min:g}–{m.max:g};" in DOC
    assert f"women of {MIN_AGE_AT_MENOPAUSE_YEARS:g} and over are postmenopausal with that probability, and always " \
           f"when older than {MAX_AGE_AT_MENOPAUSE_YEARS:g}" in DOC
    assert f"no woman stays premenopausal past {MAX_AGE_AT_MENOPAUSE_YEARS:g}" in DOC
    assert f"her menopause falls at {m.min:g}–{m.max:g} (at her age if she is younger than {m.min:g})" in DOC
    assert f"draws one of the {WORDS[len(TRAIT_NAMES)]} person-level traits" in DOC
    assert f"{WORDS[len(DRAW_ONLY_SPREADS)]} of the spreads act only in this draw (`person_traits.DRAW_ONLY_SPREADS`)" \
        in DOC
    listed = re.search(r"A spread only a cohort's draw reads \((.*?)\) acts only", DOC).group(1)
    assert set(re.findall(r"`(\w+)`", listed)) == set(DRAW_ONLY_SPREADS)
    years = parameter_registry()["remodeling_balance_correlation_years"].value
    assert f"({years:g}-year correlation time, `remodeling_balance_correlation_years`)" in DOC


def test_the_example_messages_are_the_codes():
    ages = _refusal({"seed": 9, "years": 2, "arms": [{"name": "o"}],
                     "cohort": {"patients": 50, "distributions": {"age_years": {"distribution": "normal", "mean": 25,
                                                                                 "sd": 10}}}})
    head, tail = ages.split(" (", 1)
    assert f"`{head} (...); {tail.split('); ', 1)[1]}`" in DOC
    oldest = re.search(r"ages are 18 to ([\d.]+) years", ages).group(1)
    assert "in the 2-year run of 730 days" in ages and f"a 2-year run of 730 days may start at {oldest})" in DOC
    k1 = _refusal({"seed": 9, "years": 0.01, "arms": [{"name": "o"}],
                   "cohort": {"patients": 50, "distributions": {"vitamin_k1_ug_per_day": {
                       "distribution": "normal", "mean": 100, "sd": 60}}}})
    share = re.search(r": ([\d.]+ %) of the draws lie below 0", k1).group(1)
    assert f"normal(100, 60) µg/day of vitamin K1 puts {share} at 0" in DOC
    warfarin = _refusal({"arms": [{"name": "o"}], "cohort": {"patients": 2, "distributions": {
        "warfarin_mg_per_day": {"distribution": "constant", "value": -5}}}})
    assert f"(`{warfarin}`)" in DOC
    with pytest.raises(BatchError) as err:
        load_batch({"sweep": {"parameters": {"mk7_ug_per_day": [-5, 1]}}})
    assert f"or `{str(err.value).removeprefix('batch file: ')}`" in DOC


def test_output_and_execution_constants():
    assert f"written as one file of up to {runner.SUMMARY_RUNS_PER_FILE} runs at least every " \
           f"{runner.SUMMARY_FLUSH_S:g} s" in DOC
    assert f"the runs finished in the last {runner.SUMMARY_FLUSH_S:g} s" in DOC
    assert f"at most {runner.IN_FLIGHT_PER_WORKER} runs queued per worker" in DOC
    assert f"waits up to {runner.DASK_WORKER_WAIT_S:g} s for the first worker" in DOC
    assert f"The scheduler is contacted ({runner.DASK_CONNECT_TIMEOUT.removesuffix('s')} s timeout)" in DOC
    assert f"then at most every {PROGRESS_LINE_INTERVAL_S:g} s, and one at the end" in DOC
    assert f"its {SPINUP_DAYS}-day bone spin-up" in DOC


def test_the_workers_rule_is_the_estimates():
    assert f"days × ({_sci(estimate.SECONDS_PER_DAY)} s + bone-plus-vessel patches × " \
           f"{_sci(estimate.SECONDS_PER_PATCH_DAY)} s)" in DOC
    assert f"takes its days at {_sci(estimate.SUMMARY_SECONDS_PER_DAY)} s + bone-plus-vessel patches × " \
           f"{_sci(estimate.SUMMARY_SECONDS_PER_PATCH_DAY)} s" in DOC
    ten_years = load_scenario("healthy_adult", overrides={"simulation.years": 10.0})
    summary_run = estimate.estimated_run_seconds(ten_years, summary=True)
    assert f"a 10-year summary run on 64×64 grids is estimated {summary_run:.2f} s" in DOC
    assert f"A batch is estimated from up to {estimate.ESTIMATE_SAMPLE_RUNS} of its runs spread over it" in DOC
    assert f"a rodent's start is its spin-up alone ({estimate.RODENT_RUN_START_S:g} s + " \
           f"{_sci(estimate.RODENT_SPINUP_SECONDS_PER_BONE_PATCH)} s per bone patch" in DOC
    line = estimate.estimate_line("c", 10_000, summary_run, 2, cpus=2)
    assert f"cohort of them on 2 workers `{line.split('; ')[1].split(',')[0]}`" in DOC, line
    assert f"vessel patches × {_sci(estimate.LATE_SECONDS_PER_VESSEL_PATCH_DAY)} s × the run's mean of " \
           f"1 − exp(−t / {estimate.COST_RISE_YEARS:g} years)" in DOC
    core = json.loads((ROOT / "bench" / "results" / "core.json").read_text(encoding="utf-8"))["cost_ms_per_day"]
    *first, last = [f"{ms:.2f}" for ms in core.values()]
    *sides, last_side = [side.replace("x", "×") for side in core]
    assert f"({', '.join(first)} and {last} ms at {', '.join(sides)} and {last_side} per section, " \
           "`bench/results/core.json`)" in DOC
    assert f"a 10-year `k2_deficiency` run at 64×64 is estimated " \
           f"{estimate.estimated_run_seconds(load_scenario('k2_deficiency')):.2f} s" in DOC
    assert estimate.POOL_PAYBACK == 2 and "is more than twice the pool's start-up" in DOC
    assert f"(taken as {estimate.POOL_START_S:g} s;" in DOC


def _serial_work(spec) -> tuple[int, float]:
    """Runs and estimated serial seconds; a cohort's runs counted without screening its candidates
    (a state criterion builds a model per candidate: 33 s for cac_screened_trial.toml)."""
    if spec.cohort is not None:
        n = spec.cohort.patients * (len(spec.arms) if spec.cohort.design == "crossover" else 1)
    else:
        n = len(expand_runs(spec))
    return n, n * estimate.estimated_run_seconds(spec.base_scenario(), summary=spec.output == "summary")


def test_which_shipped_examples_get_a_pool_on_two_cpus():
    """The doc said every shipped example runs serially on 2 CPUs; the larger trial emulation gets a pool."""
    import tomllib

    bar = estimate.POOL_PAYBACK * estimate.POOL_START_S
    pooled = {}
    for path in sorted(EXAMPLES.glob("*.toml")):
        spec = load_batch(path)
        n, work = _serial_work(spec)
        if estimate.default_workers(n, work / n, cpus=2) > 1:
            pooled[path.name] = work
    assert set(pooled) == {"shea2009_k1_cac.toml"}, pooled
    assert "So on 2 CPUs most shipped examples run serially" in DOC
    assert f"emulation `shea2009_k1_cac.toml` ({pooled['shea2009_k1_cac.toml']:.0f} s of serial work)" in DOC
    n, work = _serial_work(load_batch(EXAMPLES / "knapen2015_mk7.toml"))
    assert f"so does `knapen2015_mk7.toml`, {work:.0f} s," in DOC
    n, work = _serial_work(load_batch(EXAMPLES / "mk7_trial.toml"))
    assert f"the {n}-run, 3-year trial on 32×32 grids, `mk7_trial.toml`, estimates {work:.0f} s of serial work: " \
           f"a pool would save ~{work / 2:.0f} s, under the {bar:.0f} s bar" in DOC
    table = tomllib.loads((EXAMPLES / "mk7_trial.toml").read_text(encoding="utf-8"))
    table["years"] = 10
    del table["set"]  # the default 64 x 64 grids
    n, work = _serial_work(load_batch(table))
    assert f"10 years on the default 64×64 grids (~{work:.0f} s serial) get one worker per CPU" in DOC


def test_the_data_volume_of_a_daily_run():
    """Rows, columns, memory and Parquet size of one 10-year daily run, as the doc states them (±10 %)."""
    frame = simulate("healthy_adult", years=10, seed=1)
    assert frame.shape[1] == len(COLUMNS)
    assert f"Daily output of a 10-year run is {len(frame):,} rows × {len(COLUMNS)} columns" in DOC
    memory_mb = frame.memory_usage(deep=True).sum() / 1e6
    buffer = io.BytesIO()
    frame.to_parquet(buffer, engine="pyarrow", index=False)  # as batch/store.py writes a run
    parquet_mb = len(buffer.getvalue()) / 1e6
    said = re.search(r"≈ ([\d.]+) MB in memory and ([\d.]+) MB of Parquet; 1,000 patients ≈ ([\d.]+) GB through "
                     r"the client's network link and ([\d.]+) GB on its disk", DOC)
    assert said, "the data-volume sentence changed"
    for stated, measured in zip(map(float, said.groups()), (memory_mb, parquet_mb, memory_mb, parquet_mb)):
        assert abs(stated - measured) <= 0.1 * measured, (stated, measured)


def test_the_12_week_dp_ucmgp_response_is_row_8s():
    page = (ROOT / "docs" / "validation.md").read_text(encoding="utf-8")
    row = re.search(r"^\| 8 \| dp-ucMGP vs placebo at 12 weeks, 180 µg/day \|.*?\| (-?[\d.]+) \[", page, re.M)
    assert row, "docs/validation.md has no row-8 dp-ucMGP line at 180 µg/day"
    assert f"deepens from ~−{abs(round(float(row.group(1))))} % at 12 weeks (validation row 8, 180 µg/day" in DOC


def test_the_pools_start_up_and_a_file_per_run_cost_what_the_benchmark_measured():
    saved = json.loads((ROOT / "bench" / "results" / "batch.json").read_text(encoding="utf-8"))
    assert f"Start-up costs {saved['pool_start_s']:.1f} s on {saved['cpu_count']} CPUs (each worker imports numpy, " \
           "pandas and Mesa; the Speed table below)" in DOC
    assert f"a Parquet file per one-row run cost the parent {saved['parquet_file_per_run_ms']:.1f} ms a run, against " \
           f"{saved['parquet_write_ms_per_run']:.1f} ms a run in files of many rows (the Speed table below)" in DOC


def test_the_lock_step_paragraph_quotes_the_core_benchmark():
    core = json.loads((ROOT / "bench" / "results" / "core.json").read_text(encoding="utf-8"))
    day, outside = core["day_breakdown_us"]["day"], core["day_outside_kernels_us"]
    assert f"of a 64×64 day's {day:.0f} µs, {outside:.0f} µs are spent outside the two compiled kernels" in DOC
    assert f"would at best pay the kernels alone, {1 - outside / day:.0%} of today's day".replace("%", " %") in DOC
