"""``calcium-abm run SCENARIO --out FILE``: simulate one scenario and save the daily table.

Everything the user gave (scenario, ``--years``, ``--seed``, ``--set``, ``--out``) is
validated before the simulation starts; a bad input writes nothing.
"""

from __future__ import annotations

import argparse
import math
import sys
from typing import Any

from calcium_abm.errors import ScenarioError, UserInputError

NAME = "run"
HELP = "Simulate one scenario and write the daily results to a .parquet or .csv file."


def add_scenario_arguments(parser: argparse.ArgumentParser) -> None:
    """``SCENARIO [--years N] [--seed S] [--set key=value ...]`` (shared by commands)."""
    parser.add_argument(
        "scenario",
        metavar="SCENARIO",
        help="a built-in scenario name (see `calcium-abm scenarios`) or a path to a .toml file",
    )
    parser.add_argument("--years", metavar="N", help="simulated years (a year is 365 days)")
    parser.add_argument("--seed", metavar="S", help="random seed (an integer, 0 or more)")
    parser.add_argument(
        "--set",
        dest="set",
        metavar="KEY=VALUE",
        action="append",
        default=[],
        help="override one setting, e.g. --set mk7_ug_per_day=180, --set sex=female, "
        "--set parameters.NAME=1.5 (repeatable; the value is read as TOML)",
    )


def overrides_from_args(args: argparse.Namespace) -> dict[str, Any]:
    """The ``--set``, ``--years`` and ``--seed`` options as dotted-path overrides."""
    return {path: value for path, (_, value) in _given_options(args).items()}


def _given_options(args: argparse.Namespace) -> dict[str, tuple[str, Any]]:
    """Dotted path -> (the option as the user gave it, value) for ``--set``/``--years``/``--seed``."""
    from calcium_abm.inputs.messages import join_problems, shorten
    from calcium_abm.scenario import parse_set_option, parse_value, resolve_key

    given: dict[str, tuple[str, Any]] = {}  # dotted path -> (how it was given, value)
    problems, repeated = [], {}  # repeated: dotted path -> every way it was given (one problem each)

    def add(path: str, origin: str, value: Any) -> None:
        if path in given:
            repeated.setdefault(path, [given[path][0]]).append(origin)
        given[path] = (origin, value)

    for text in args.set or ():
        try:
            key, value = parse_set_option(text)
            add(resolve_key(key), f"--set {shorten(text)}", value)
        except ScenarioError as exc:
            problems.append(str(exc) if str(exc).startswith("--set") else f"--set {shorten(text)}: {exc}")
    for option in ("years", "seed"):
        raw = getattr(args, option, None)
        if raw is not None:
            shown = shorten(raw, 40)
            try:
                add(f"simulation.{option}", f"--{option} {shown}", parse_value(raw.strip(), f"--{option}"))
            except ScenarioError as exc:
                problems.append(str(exc))
    problems += [f"{path} is given {len(ways)} times: {', '.join(ways[:-1])} and {ways[-1]}" if len(ways) > 2
                 else f"{path} is given twice: {ways[0]} and {ways[1]}" for path, ways in repeated.items()]
    if problems:
        raise ScenarioError(join_problems(problems))
    return given


def scenario_from_args(args: argparse.Namespace):
    """The validated scenario named by ``args.scenario`` with the options applied.

    The options are written into the scenario *before* it is checked, as ``batch`` does,
    so the schedule is checked against ``--years`` and not the file's own length.
    """
    from calcium_abm.inert_settings import refuse_inert_settings
    from calcium_abm.scenario import load_scenario

    given = _given_options(args)
    trailer = "\n(checked with " + " ".join(origin for origin, _ in given.values()) + ")" if given else ""
    try:
        scenario = load_scenario(args.scenario, overrides={path: value for path, (_, value) in given.items()})
    except ScenarioError as exc:
        raise ScenarioError(f"{exc}{trailer}") from None
    try:  # settings that would do nothing for this person (what the model itself refuses), named with the scenario
        refuse_inert_settings(scenario, origin=args.scenario)
    except ScenarioError as exc:
        raise ScenarioError(f"{exc}{trailer}") from None
    return scenario


def out_of_memory_message(scenario) -> str:
    """The message of a run that ran out of memory, naming its grid settings."""
    from calcium_abm.inputs.memory import grid_settings_text

    return (f"the run ran out of memory with {grid_settings_text(scenario)}; no output was written. This process "
            "may use less memory than the machine has (a ulimit, container or job limit): use smaller grids")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_scenario_arguments(parser)
    parser.add_argument(
        "--out",
        metavar="FILE",
        required=True,
        help="where to write the daily table: FILE.parquet or FILE.csv (an existing FILE is replaced, "
             "in one step once the run has finished)",
    )
    parser.add_argument(
        "--quiet", action="store_true", help="no progress bar and no summary"
    )


def main(args: argparse.Namespace) -> int:
    from calcium_abm.batch.estimate import run_estimate_line
    from calcium_abm.batch.progress import Terminated, stop_on_sigterm
    from calcium_abm.inputs.memory import check_memory
    from calcium_abm.interrupts import interruption
    from calcium_abm.io import check_output_path

    scenario = scenario_from_args(args)  # refuses settings that would do nothing, before the memory check and path
    check_memory(scenario)  # the machine's limit, asked here rather than by the schema
    out = check_output_path(args.out)
    if not args.quiet and (line := run_estimate_line(scenario)):
        print(line, file=sys.stderr)
    try:
        with stop_on_sigterm():  # SIGTERM unwinds like Ctrl-C: the atomic write leaves nothing behind
            df = _simulate_and_write(scenario, out, args.quiet)
    except BaseException as exc:  # a signal inside a numba kernel arrives wrapped in a SystemError
        if not isinstance(interruption(exc), Terminated):
            raise  # Ctrl-C (also wrapped) is the CLI's: "interrupted", status 130
        print("\nstopped by SIGTERM: no output was written", file=sys.stderr)
        return Terminated().code
    if not args.quiet:
        print(summary(scenario, df, out))
    return 0


def _simulate_and_write(scenario, out, quiet: bool):
    """Simulate the checked scenario and write its daily table to ``out``; return the table."""
    from calcium_abm.inputs.messages import MAX_PATH_CHARS, shorten
    from calcium_abm.io import write_table
    from calcium_abm.simulation import simulate  # the model loads only for a valid run

    try:
        df = simulate(
            scenario,
            years=scenario.simulation.years,
            seed=scenario.simulation.seed,
            overrides=None,  # already applied (and validated) above
            progress=not quiet,
        )
    except MemoryError:  # the estimate passed, the process's real limit did not: no output written
        raise UserInputError(out_of_memory_message(scenario)) from None
    for warning in [*df.attrs.get("physiology_warnings", []), *df.attrs.get("calibration_warnings", [])]:
        print(f"warning: {warning}", file=sys.stderr)  # also kept in the Parquet metadata
    try:
        write_table(df, out)
    except OSError as exc:  # e.g. the disk filled up during the run
        raise UserInputError(f"cannot write output file '{shorten(out, MAX_PATH_CHARS)}': {exc.strerror or exc}") from None
    return df


def _first_last(df, column: str) -> tuple[float, float]:
    if column not in df.columns or len(df) == 0:
        return math.nan, math.nan
    values = df[column]
    return float(values.iloc[0]), float(values.iloc[-1])


def _predialysis_rows(scenario, last) -> list[tuple[str, str]]:
    """The clinic's pre-dialysis phosphate (rows before a session) when the run has dialysis."""
    from calcium_abm.physiology.minerals import predialysis_rows

    n = scenario.state_at(max(scenario.days - 1, 0)).dialysis.sessions_per_week
    if not n or "serum_phosphate_mmol_l" not in last.columns:
        return []
    pre = last["serum_phosphate_mmol_l"][predialysis_rows(last["day"], n)]
    if not len(pre):  # no session in the window (a run of a few days)
        return []
    return [("  pre-dialysis", f"{pre.mean():.2f} mmol/L (mean of {len(pre)} sessions; the clinic's sample)")]


def _kidney_limit_rows(scenario, df) -> list[tuple[str, str]]:
    """A CKD run's known limits (:func:`calcium_abm.simulation.known_limits`; a fresh clinician met the first
    unwarned, a fresh pharmacologist's CKD 4 run on warfarin read the INR of CKD 0 with no word)."""
    from calcium_abm.simulation import known_limits

    return [("known limit", text) for text in known_limits(scenario, df)]


def _note_rows(df) -> list[tuple[str, str]]:
    """The notes ``simulate`` keeps in ``df.attrs["notes"]``, each as its label (before the first ": ") and text:
    what was eaten where uraemic anorexia took less than the diet (docs/ODD.md 7.11; a fresh nephrologist's measured
    intake was cut a second time with nothing on screen to say so), :func:`calcium_abm.simulation.intake_note`."""
    rows = []
    for note in df.attrs.get("notes", []):
        label, _, text = note.partition(": ")
        rows.append((label, text) if text else ("note", note))
    return rows


def _warning_rows(df) -> list[tuple[str, str]]:
    """The run's physiology warnings (also printed on stderr as the run ends), so the summary a user keeps or
    pastes says that the results left physiology or the calibrated range (a fresh reviewer's human on warfarin
    1000 mg/day read INR 14.70 with nothing in the summary to say so)."""
    return [*(("physiology warning", warning) for warning in df.attrs.get("physiology_warnings", [])),
            *(("calibration warning", warning) for warning in df.attrs.get("calibration_warnings", []))]


def _rodent_rows(scenario) -> list[tuple[str, str]]:
    """A rodent run's caveat: its pools and doses stay human-sized (docs/ODD.md 7.6)."""
    from calcium_abm.physiology.species import scale_note

    note = scale_note(scenario.patient.species)
    return [] if note is None else [("note", note)]


def _vessel_row(scenario, df, calc0: float, calc1: float, score_text: str) -> tuple[str, str]:
    """The vessel wall's calcium at the start and the end: with the coronary-style score for a person; for a
    rodent preset, whose artery is no coronary and whose pools keep human sizes, the calcified share of the
    media instead of the score."""
    if scenario.patient.species == "human":
        return "vessel calcification", f"{calc0:.3g} → {calc1:.3g} mg (score {score_text})"
    area0, area1 = _first_last(df, "calcified_area_fraction")
    return "vessel calcification", (f"{100 * area0:.3g} → {100 * area1:.3g} % of the media calcified "
                                    f"({calc0:.3g} → {calc1:.3g} mg of the model's human-sized wall; no coronary "
                                    "calcium score for a rodent)")


def _spine_dxa_rows(scenario, df) -> list[tuple[str, str]]:
    """A person's lumbar-spine DXA reading and its T-score at the start and the end (what a
    measured ``baseline_bmd_t_score`` sets on day 0); none for a rodent preset (no DXA readout)."""
    if scenario.patient.species != "human" or "lumbar_spine_t_score" not in df.columns or not len(df):
        return []
    first, last = _first_last(df, "lumbar_spine_dxa_bmd_g_cm2")
    t0, t1 = (round(t, 1) + 0.0 for t in _first_last(df, "lumbar_spine_t_score"))  # + 0.0: no "-0.0"
    rows = [("lumbar spine (DXA reading)", f"{first:.4f} → {last:.4f} g/cm² (T-score {t0:+.1f} → {t1:+.1f})")]
    bmd_first, bmd_last = _first_last(df, "bone_mineral_density_g_cm2")
    if last > first and bmd_last < bmd_first:  # a reading that rises while the section loses bone
        rows.append(("", "rises with osteophytes and the vertebra's growth while the section loses bone, as DXA "
                         "readings do with age (docs/outputs.md)"))
    return rows


def _start_rows(scenario, df) -> list[tuple[str, str]]:
    """The blood state day 0 started from where it is not the person's calcium-balanced steady state (a poor
    diet, anuria): then calcium and PTH move over the first months, which a user would otherwise read as an
    effect of the run's inputs. None for a rodent preset (its own note says how its day is scaled)."""
    start = df.attrs.get("start", "")
    return [("blood on day 0", start)] if scenario.patient.species == "human" and start.startswith("the reference") else []


def _person_rows(scenario) -> list[tuple[str, str]]:
    """Who was simulated and the drugs taken on day 0 (the scenario with its day-0 schedule entries), and the
    schedule's changes: a fresh user could not tell that a run had hormone therapy, or a drug from a schedule."""
    from calcium_abm.inputs.keys import setting_unit
    from calcium_abm.inputs.kidney_rules import stage_of_gfr
    from calcium_abm.inputs.messages import schedule_days, setting_text

    state = scenario.state_at(0)
    p, drugs, gfr = state.patient, state.drugs, state.kidney.residual_gfr_ml_per_min
    if p.species != "human":  # no age laws; a female rodent acts only through an estrogen loss from day 0
        who = f"{p.species}, {p.sex}" + (", estrogen loss from day 0 (as after ovariectomy)" if p.postmenopausal else "")
        who += "".join(f", {name.replace('_', ' ')}" for name, on in state.genetics if on)
    else:
        planned = p.age_at_final_menstrual_period
        who = f"{p.sex}, {p.age_years:g} years" + (
            f", {p.years_since_menopause:g} years past menopause" if p.postmenopausal else
            "" if p.sex != "female" else ", premenopausal" + (f" (final period at {planned:g})" if planned else ""))
    from_gfr = stage_of_gfr(gfr) if gfr is not None and p.species == "human" else None  # no stage is set with one
    who += (f", CKD stage {p.ckd_stage}" if p.ckd_stage else f", CKD stage {from_gfr} by its GFR" if from_gfr else ""
            ) + (f", GFR {gfr:g} mL/min" if gfr else "") + (
        f", haemodialysis {state.dialysis.sessions_per_week}x/week" if state.dialysis.sessions_per_week else "")
    taken = [name.replace("_", " ") if value is True else f"{name.rsplit('_', 3)[0].replace('_', ' ')} "
             f"{setting_text(value)} {setting_unit(f'drugs.{name}')}" for name, value in drugs if value]
    rows = [("patient on day 0", who), ("drugs on day 0", ", ".join(taken) or "none")]
    if p.species == "human" and p.postmenopausal and drugs.menopausal_hormone_therapy:  # changes where she starts
        rows.append(("", "hormone therapy on day 0 is taken since her final period, so the start already carries "
                         "it; a trial that starts therapy puts it in a [[schedule]] entry from day 1"))
    changes = [f"{schedule_days(e.start_day, e.end_day)}: "
               + ", ".join(f"{k.rpartition('.')[2]} = {setting_text(v)}" for k, v in e.set.items())
               for e in scenario.schedule]
    if changes:
        more = len(changes) - 3
        rows.append(("schedule", "; ".join(changes[:3]) + (f"; and {more} more (see the scenario)" if more > 0 else "")))
    return rows


def _inr_rows(scenario, df, last, window: str, mean: str) -> list[tuple[str, str]]:
    """The INR of the late window for a run with warfarin; where the window holds a schedule change (one that
    changes the settings: it acts from the next day's row), the mean from that change on, so a dose or diet changed
    in the last 4 weeks is not read as a blend of before and after (a fresh reviewer's 73-day run, K1 from day 60)."""
    if "plasma_warfarin_mg_l" not in df.columns or not df["plasma_warfarin_mg_l"].max() > 0.0 or not len(last):
        return []
    first, end = int(last["day"].iloc[0]), int(last["day"].iloc[-1])
    changes = [day for day in scenario.schedule_boundaries() if max(first, 1) <= day < end  # day 0's: the start's
               and scenario.state_at(day) != scenario.state_at(day - 1)]
    highest = f"highest recorded {df['inr'].max():.2f}"
    if not changes:
        return [(f"INR, {window}", f"{float(last['inr'].mean()):.2f} ({mean}; {highest})")]
    after = last[last["day"] > changes[-1]]
    n, every = len(after), scenario.simulation.record_every_days
    span = f"{changes[-1] + 1}-{end}" if end > changes[-1] + 1 else f"{end}"
    rows = f"day{'s' * (n != 1)} {span}" if every == 1 else f"{n} recorded day{'s' * (n != 1)}, {span}"
    return [(f"INR, after the day-{changes[-1]} change", f"{float(after['inr'].mean()):.2f} (mean of {rows}: the "
             f"schedule changed inside the {window}; {highest})")]


def _small_grid_rows(scenario) -> list[tuple[str, str]]:
    """A note for a bone grid below :data:`.outputs.SMALL_BONE_GRID_SIDE` squared: its few osteoclasts make BMD and
    serum calcium swing with the seed (a nephrologist's CKD 4 man on 16 x 16 read 2.12 mmol/L of calcium and a PTH of
    15.7 pmol/L where 32 x 32 gave 2.33 and 8.8; the summary said nothing)."""
    from calcium_abm.outputs import SMALL_BONE_GRID_SIDE

    w, h = scenario.simulation.bone_grid_width, scenario.simulation.bone_grid_height
    if w * h >= SMALL_BONE_GRID_SIDE ** 2:
        return []
    return [("small bone grid", f"{w} x {h}: its few osteoclasts make bone density, serum calcium and PTH swing with "
                                f"the seed; read them on {SMALL_BONE_GRID_SIDE} x {SMALL_BONE_GRID_SIDE} or more (the "
                                "default is 64 x 64)")]


def summary(scenario, df, out) -> str:
    """A few lines saying what a run produced."""
    from calcium_abm.inputs.messages import printable

    bmd0, bmd1 = _first_last(df, "bone_mineral_density_g_cm2")
    _, bmd_pct = _first_last(df, "bmd_change_pct")
    calc0, calc1 = _first_last(df, "vessel_calcification_mg")
    score0, score = _first_last(df, "calcification_score")
    _, ucmgp = _first_last(df, "dp_ucmgp_pmol_l")
    _, ucoc = _first_last(df, "ucoc_fraction")
    balance, p_balance = (float(df[c].abs().max()) if c in df.columns and len(df) else math.nan
                          for c in ("ca_balance_error_mg", "p_balance_error_mg"))
    last = df[df["day"] > df["day"].iloc[-1] - 28] if "day" in df.columns and len(df) else df

    def late(column: str, how: str = "mean") -> float:
        return float(getattr(last[column], how)()) if column in last.columns and len(last) else math.nan
    years = scenario.simulation.years
    window = "last 4 weeks" if scenario.days >= 28 else "whole run"
    every = scenario.simulation.record_every_days  # the means and maxima are over the recorded rows
    mean = "mean" if every == 1 else f"mean of {len(last)} recorded day{'s' * (len(last) != 1)}"
    over = "days" if every == 1 else f"the days recorded, every {every}"
    score_text = " → ".join(f"{x:,.0f}" if x >= 1 else ("< 1" if x >= 0 else f"{x:.3g}") for x in (score0, score))
    rows = [
        ("scenario", printable(scenario.name)),
        ("seed", f"{df.attrs.get('seed', scenario.simulation.seed)} (repeat the run with --seed)"),
        ("days simulated", f"{scenario.days} ({years:g} year{'' if years == 1 else 's'})"),
        *_person_rows(scenario),
        *_start_rows(scenario, df),
        ("bone mineral density", f"{bmd0:.4f} → {bmd1:.4f} g/cm² ({bmd_pct:+.2f} %)"),
        *_spine_dxa_rows(scenario, df),
        _vessel_row(scenario, df, calc0, calc1, score_text),
        ("dp-ucMGP at the end", f"{ucmgp:.4g} pmol/L"),
        ("ucOC fraction at the end", "none (no osteocalcin)" if math.isnan(ucoc) else
         f"{ucoc:.3f} (level not calibrated; compare runs: docs/outputs.md)"),
        (f"serum Ca, {window}", f"{late('serum_calcium_mmol_l'):.3f} mmol/L ({mean})"),
        (f"serum phosphate, {window}", f"{late('serum_phosphate_mmol_l'):.2f} mmol/L ({mean}; "
                                          f"{late('serum_phosphate_mmol_l', 'min'):.2f}-"
                                          f"{late('serum_phosphate_mmol_l', 'max'):.2f})"),
        *_predialysis_rows(scenario, last),
        (f"PTH, {window}", f"{late('pth_pmol_l'):.3g} pmol/L ({mean}); calcitriol "
                           f"{late('calcitriol_relative'):.2f} x normal"),
        *_inr_rows(scenario, df, last, window, mean),
        *_note_rows(df),
        *_warning_rows(df),
        *_kidney_limit_rows(scenario, df),
        *_small_grid_rows(scenario),
        *_rodent_rows(scenario),
        ("Ca mass-balance error", f"{balance:.2e} mg (max |error| over {over})"),
        ("P mass-balance error", f"{p_balance:.2e} mg (max |error| over {over})"),
        ("written", f"{out} ({len(df)} rows)"),
    ]
    width = max(len(label) for label, _ in rows)
    return "\n".join(f"{label:<{width}}  {value}" for label, value in rows)
