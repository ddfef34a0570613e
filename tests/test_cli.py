"""The calcium-abm command line: bad inputs fail fast and clearly; good ones run."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
import types
from pathlib import Path

import pandas as pd
import pytest

from calcium_abm import scenario as sc
from calcium_abm.cli import main
from calcium_abm.inputs import memory
from calcium_abm.io import read_table, write_table
from calcium_abm.outputs import DAILY_FLOW_COLUMNS

REPO = Path(__file__).resolve().parent.parent
COLUMNS = [
    "day",
    "bone_mineral_density_g_cm2",
    "bmd_change_pct",
    "vessel_calcification_mg",
    "calcification_score",
    "dp_ucmgp_pmol_l",
    "ucoc_fraction",
    "hepatic_carboxylation_fraction",
    "serum_calcium_mmol_l",
    "ca_balance_error_mg",
]
SMALL = [
    "--years", "0.1",
    "--set", "bone_grid_width=16", "--set", "bone_grid_height=16",
    "--set", "vessel_grid_width=16", "--set", "vessel_grid_height=16",
]  # fmt: skip


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "calcium_abm.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def no_simulate(monkeypatch):
    """Fail the test if the simulation is started."""
    fake = types.ModuleType("calcium_abm.simulation")

    def simulate(*args, **kwargs):
        raise AssertionError("simulate() was called although an input was bad")

    fake.simulate = simulate
    monkeypatch.setitem(sys.modules, "calcium_abm.simulation", fake)


def fake_result(days: int) -> pd.DataFrame:
    day = list(range(days + 1))
    return pd.DataFrame(
        {
            "day": day,
            "bone_mineral_density_g_cm2": [1.0 - 0.001 * d for d in day],
            "bmd_change_pct": [-0.1 * d for d in day],
            "vessel_calcification_mg": [0.5 * d for d in day],
            "calcification_score": [0.01 * d for d in day],
            "dp_ucmgp_pmol_l": [500.0] * len(day),
            "ucoc_fraction": [0.3] * len(day),
            "hepatic_carboxylation_fraction": [0.9] * len(day),
            "serum_calcium_mmol_l": [2.4] * len(day),
            "ca_balance_error_mg": [1e-9, -3e-9] + [0.0] * (len(day) - 2),
        }
    )


# --------------------------------------------------------------------- bad inputs


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


BAD_RUNS = [
    # (arguments before --out, expected fragments of the message)
    (["healthy_adult", "--set", "ckd_stage=7"], ["patient.ckd_stage = 7", "integer from 0 to 5"]),
    (["healthy_adult", "--set", "diet.vitamin_k1_ug_per_day=-5"], ["diet.vitamin_k1_ug_per_day = -5", "between 0 and 100000"]),
    (["healthy_adult", "--set", "mk7_ug_per_day=nan"], ["diet.mk7_ug_per_day = nan", "finite number"]),
    (["healthy_adult", "--set", "mk7_ug_per_day=inf"], ["diet.mk7_ug_per_day = inf", "finite number"]),
    (["healthy_adult", "--set", "sex=f"], ['patient.sex = "f"', '"female", "male"']),
    (["healthy_adult", "--set", "postmenopausal=true"], ["patient.postmenopausal = true", "female"]),
    (["healthy_adult", "--set", "mk7_ug_per_dy=3"], ["unknown key 'mk7_ug_per_dy'", "did you mean 'mk7_ug_per_day'"]),
    (["healthy_adult", "--set", "mk7_ug_per_day"], ["--set 'mk7_ug_per_day'", "key=value"]),
    (["healthy_adult", "--years", "abc"], ['simulation.years = "abc"', "must be a number"]),
    (["healthy_adult", "--years", "0"], ["simulation.years = 0", "more than 0"]),
    (["healthy_adult", "--seed", "-1"], ["simulation.seed = -1", "integer"]),
    (["healthy_adult", "--seed", "1.5"], ["simulation.seed = 1.5", "integer"]),
    (["healthy_adult", "--years", "2", "--set", "years=3"], ["simulation.years is given twice"]),
    (["healthy_adult", "--set", "mk7_ug_per_day=1e400"], ["diet.mk7_ug_per_day = 1e400 is not allowed: must be between 0 and 10000"]),
    (["healthy_adult", "--set", "diet=5"], ["'diet' is a section, not a setting", "diet.<key>=value", "mk7_ug_per_day"]),
    # a section with an empty key is told the key is missing (it was told 'not a modelled substance'; stop 69 left it)
    (["healthy_adult", "--set", "diet.=3"], ["unknown key 'diet.': no key after 'diet.'", "mk7_ug_per_day"]),
    (["healthy_adult", "--set", "parameters.=3"], ["no key after 'parameters.'", "docs/parameters.md"]),
    (["k2_deficency"], ["unknown scenario 'k2_deficency'", "did you mean 'k2_deficiency'"]),
    (["missing.toml"], ["missing.toml: scenario file not found"]),
]


@pytest.mark.parametrize("args, fragments", BAD_RUNS, ids=[" ".join(a) for a, _ in BAD_RUNS])
def test_bad_input_in_process(args, fragments, tmp_path, capsys, monkeypatch, no_simulate):
    out = tmp_path / "out.parquet"
    monkeypatch.chdir(tmp_path)
    code = main(["run", *args, "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.err.startswith("error: ")
    for fragment in fragments:
        assert fragment in captured.err
    assert "Traceback" not in captured.err and captured.out == ""
    assert not out.exists()


@pytest.mark.parametrize(
    "args, fragments",
    [BAD_RUNS[0], BAD_RUNS[2], BAD_RUNS[6], BAD_RUNS[8], BAD_RUNS[15]],
    ids=["ckd_stage", "nan", "unknown key", "years", "unknown scenario"],
)
def test_bad_input_subprocess(args, fragments, tmp_path):
    out = tmp_path / "out.parquet"
    result = run_cli("run", *args, "--out", str(out), cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("error: ")
    for fragment in fragments:
        assert fragment in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_bad_scenario_files(tmp_path, capsys, no_simulate):
    out = tmp_path / "out.csv"
    cases = {
        write(tmp_path, "broken.toml", "[diet]\nmk7_ug_per_day = = 1\n"): ["broken.toml", "not valid TOML", "line 2"],
        write(tmp_path, "range.toml", "[patient]\nckd_stage = 7\n"): ["range.toml: patient.ckd_stage = 7"],
        write(tmp_path, "typo.toml", "[diet]\nmk7_ug_per_dy = 1\n"): ["did you mean 'diet.mk7_ug_per_day'"],
        write(
            tmp_path, "sched.toml", "[[schedule]]\nstart_day = 99999\nset = { mk7_ug_per_day = 1 }\n"
        ): ["schedule entry 1: start_day = 99999 is not allowed"],
    }
    big = tmp_path / "big.toml"
    big.write_bytes(b"#" * (sc.MAX_SCENARIO_BYTES + 1))
    cases[str(big)] = ["big.toml", "a scenario file may be"]
    cases[write(tmp_path, "empty.toml", "# nothing yet\n\n")] = ["empty.toml: the file has no settings"]
    cases[write(tmp_path, "huge.toml", "[diet]\nmk7_ug_per_day = -1e400\n")] = ["diet.mk7_ug_per_day = -1e400 is not"]
    for path, fragments in cases.items():
        assert main(["run", path, "--out", str(out)]) == 2
        err = capsys.readouterr().err
        for fragment in fragments:
            assert fragment in err, (path, err)
        assert "Traceback" not in err
    assert not out.exists()


@pytest.mark.parametrize(
    "out, fragment",
    [
        ("out.txt", "must end in .parquet or .csv"),
        ("out", "must end in .parquet or .csv"),
        ("no_such_dir/out.parquet", "does not exist"),
    ],
)
def test_bad_output_path(out, fragment, tmp_path, capsys, no_simulate):
    assert main(["run", "healthy_adult", "--out", str(tmp_path / out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and fragment in err and str(tmp_path / out) in err
    assert not (tmp_path / out).exists()


def test_output_path_is_a_directory(tmp_path, capsys, no_simulate):
    target = tmp_path / "dir.csv"
    target.mkdir()
    assert main(["run", "healthy_adult", "--out", str(target)]) == 2
    assert "is a directory" in capsys.readouterr().err


def test_grid_too_large_for_memory(tmp_path, capsys, monkeypatch, no_simulate):
    monkeypatch.setattr(memory, "available_memory_bytes", lambda: 64 * 1024**2)
    out = tmp_path / "out.parquet"
    code = main(["run", "healthy_adult", "--set", "bone_grid_width=4096", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert "simulation.bone_grid_width = 4096" in err and "need about" in err and "limit" in err
    assert not out.exists()


def test_a_run_that_runs_out_of_memory_names_the_grids_and_writes_nothing(tmp_path, capsys, monkeypatch):
    """The estimate can pass where the process's real limit does not (a ulimit, a container)."""
    fake = types.ModuleType("calcium_abm.simulation")

    def out_of_memory(*args, **kwargs):
        raise MemoryError

    fake.simulate = out_of_memory
    monkeypatch.setitem(sys.modules, "calcium_abm.simulation", fake)
    out = tmp_path / "out.csv"
    assert main(["run", "healthy_adult", "--set", "vessel_grid_width=512", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "ran out of memory" in err and "simulation.vessel_grid_width = 512" in err and "Traceback" not in err
    assert not out.exists()


def test_the_memory_check_sees_the_address_space_limit(monkeypatch):
    """``ulimit -v``: the headroom is the limit above what the process already maps."""
    import resource

    import psutil

    mapped = psutil.Process().memory_info().vms
    monkeypatch.setattr(resource, "getrlimit", lambda which: (mapped + 50 * 1024**2, resource.RLIM_INFINITY))
    assert 0 < memory.available_memory_bytes() <= 51 * 1024**2


def test_argparse_errors_exit_2(tmp_path, capsys):
    assert main(["run", "healthy_adult"]) == 2  # --out is required
    assert "--out" in capsys.readouterr().err
    assert main(["no-such-command"]) == 2
    assert main([]) == 2
    result = run_cli("run", cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_help_and_version(tmp_path, capsys):
    assert main(["--version"]) == 0
    assert "calcium-abm" in capsys.readouterr().out
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "run" in out and "scenarios" in out
    result = run_cli("--version", cwd=tmp_path)
    assert result.returncode == 0 and result.stdout.startswith("calcium-abm ")
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONIOENCODING": "utf-8"}  # python -m calcium_abm, as pip's
    package = subprocess.run([sys.executable, "-m", "calcium_abm", "run", "nosuch", "--out", "a.csv"], cwd=tmp_path,
                             env=env, capture_output=True, text=True, timeout=300)  # as python -m pip works
    assert package.returncode == 2 and package.stderr.startswith("error: ") and "Traceback" not in package.stderr


# ---------------------------------------------------------------------- scenarios


def test_scenarios_lists_builtins(tmp_path, capsys):
    assert main(["scenarios"]) == 0
    lines = capsys.readouterr().out.splitlines()
    names = [line.split()[0] for line in lines]
    assert names == sorted(sc.builtin_scenarios())
    assert {"healthy_adult", "k2_deficiency"} <= set(names)
    starts = {line.index(sc.builtin_scenarios()[name]) for line, name in zip(lines, names)}
    assert len(starts) == 1  # descriptions aligned in one column
    result = run_cli("scenarios", cwd=tmp_path)
    assert result.returncode == 0
    assert "healthy_adult" in result.stdout and "k2_deficiency" in result.stdout
    assert "Healthy 50-year-old man" in result.stdout


def test_output_into_a_closed_pipe_is_not_a_traceback(tmp_path):
    """`calcium-abm summarize DIR | head -1` closes the pipe while the report is printed: the
    command stops quietly (status 0, as the handler in cli.main says) instead of a traceback."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first line is written
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    with os.fdopen(write_end, "wb") as stdout:
        result = subprocess.run([sys.executable, "-m", "calcium_abm.cli", "scenarios"], cwd=tmp_path, env=env,
                                stdout=stdout, stderr=subprocess.PIPE, text=True, timeout=120)
    assert "Traceback" not in result.stderr and "BrokenPipeError" not in result.stderr, result.stderr
    assert result.returncode == 0


def test_a_broken_pipe_that_is_not_the_output_is_not_swallowed(monkeypatch, capsys):
    """A BrokenPipeError from a worker's or a cluster's connection is an error, not a reader
    who stopped reading: it must not end the command with status 0."""
    from calcium_abm.commands import scenarios

    def broken(args):
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(scenarios, "main", broken)
    with pytest.raises(BrokenPipeError):
        main(["scenarios"])


# ------------------------------------------------------------------- command contract


def test_every_command_module_follows_the_contract():
    from calcium_abm.cli import command_modules

    modules = command_modules()
    names = [m.NAME for m in modules]
    assert {"run", "scenarios"} <= set(names)
    assert len(names) == len(set(names))
    for module in modules:
        assert isinstance(module.NAME, str) and isinstance(module.HELP, str) and module.HELP
        assert callable(module.add_arguments) and callable(module.main)


# ----------------------------------------------------------------- run (fake model)


def test_run_passes_the_validated_scenario_and_writes_atomically(tmp_path, capsys, monkeypatch):
    calls = []
    fake = types.ModuleType("calcium_abm.simulation")

    def simulate(scenario, years=None, seed=None, overrides=None, progress=False):
        calls.append((scenario, years, seed, overrides, progress))
        return fake_result(scenario.days)

    fake.simulate = simulate
    fake.known_limits = lambda scenario, frame: []  # the summary's "known limit" lines (a healthy kidney: none)
    monkeypatch.setitem(sys.modules, "calcium_abm.simulation", fake)
    out = tmp_path / "out.csv"
    code = main(
        ["run", "k2_deficiency", "--years", "0.1", "--seed", "7", "--set", "mk7_ug_per_day=180",
         "--set", "sex=female", "--out", str(out)]
    )  # fmt: skip
    assert code == 0
    (scenario, years, seed, overrides, progress) = calls[0]
    assert scenario.name == "k2_deficiency" and scenario.diet.mk7_ug_per_day == 180
    assert scenario.patient.sex == "female" and scenario.simulation.seed == 7
    assert (years, seed, progress) == (0.1, 7, True)
    df = read_table(out)
    assert list(df.columns) == COLUMNS and len(df) == 37
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]  # no temporary left
    summary = capsys.readouterr().out
    for fragment in ("k2_deficiency", "36", "1.0000 → 0.9640 g/cm²", "-3.60 %", "0 → 18 mg",
                     "500 pmol/L", "0.300", "3.00e-09 mg", str(out)):  # fmt: skip
        assert fragment in summary, (fragment, summary)


def test_run_quiet_and_interrupt(tmp_path, capsys, monkeypatch):
    fake = types.ModuleType("calcium_abm.simulation")
    fake.simulate = lambda scenario, **kw: fake_result(scenario.days)
    monkeypatch.setitem(sys.modules, "calcium_abm.simulation", fake)
    out = tmp_path / "out.parquet"
    assert main(["run", "healthy_adult", "--years", "0.1", "--quiet", "--out", str(out)]) == 0
    assert capsys.readouterr().out == "" and len(read_table(out)) == 37

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    fake.simulate = interrupted
    out2 = tmp_path / "out2.parquet"
    assert main(["run", "healthy_adult", "--years", "0.1", "--out", str(out2)]) == 130
    err = capsys.readouterr().err
    assert "interrupted" in err and "Traceback" not in err
    assert not out2.exists()


def _raise_inside_a_kernel(stop: BaseException):
    """A simulate that fails as a numba kernel does when a signal lands in it: a SystemError
    whose context is the signal's exception."""
    def simulate(*args, **kwargs):
        try:
            raise stop
        except BaseException as exc:
            raise SystemError("CPUDispatcher(<function _activation_kernel>) returned a result "
                              "with an exception set") from exc
    return simulate


def test_an_interrupt_inside_compiled_code_is_an_interrupt(tmp_path, capsys, monkeypatch):
    from calcium_abm.batch.progress import Terminated

    fake = types.ModuleType("calcium_abm.simulation")
    monkeypatch.setitem(sys.modules, "calcium_abm.simulation", fake)
    out = tmp_path / "out.csv"
    for stop, code, said in ((KeyboardInterrupt(), 130, "interrupted"),
                             (Terminated(), 143, "stopped by SIGTERM")):
        fake.simulate = _raise_inside_a_kernel(stop)
        assert main(["run", "healthy_adult", "--years", "0.1", "--out", str(out)]) == code
        err = capsys.readouterr().err
        assert said in err and "Traceback" not in err and "SystemError" not in err, err
        assert list(tmp_path.iterdir()) == []
    fake.simulate = _raise_inside_a_kernel(ValueError("a real bug"))  # not an interrupt: still raised
    with pytest.raises(SystemError):
        main(["run", "healthy_adult", "--years", "0.1", "--out", str(out)])


def test_interruption_walks_the_exception_chain():
    from calcium_abm.interrupts import interruption

    stop = KeyboardInterrupt()
    try:
        try:
            raise stop
        except KeyboardInterrupt as first:
            raise RuntimeError("wrapped") from first
    except RuntimeError as outer:
        wrapped = outer
    assert interruption(wrapped) is stop and interruption(stop) is stop
    plain = ValueError("x")
    plain.__context__ = TypeError("y")
    assert interruption(plain) is None


def test_run_checks_the_schedule_against_the_years_option(tmp_path, capsys, monkeypatch):
    """--years applies before the schedule is checked: a longer run admits a later entry,
    and a refusal quotes the length of the run asked for, not the file's."""
    calls = []
    fake = types.ModuleType("calcium_abm.simulation")
    fake.simulate = lambda scenario, **kw: calls.append(scenario) or fake_result(scenario.days)
    monkeypatch.setitem(sys.modules, "calcium_abm.simulation", fake)
    path = write(tmp_path, "late.toml", "[simulation]\nyears = 1\n[[schedule]]\nstart_day = 500\n"
                                        'set = { "diet.mk7_ug_per_day" = 180 }\n')
    out = tmp_path / "out.csv"
    assert main(["run", path, "--years", "2", "--quiet", "--out", str(out)]) == 0
    assert calls[0].days == 730 and calls[0].state_at(500).diet.mk7_ug_per_day == 180
    out.unlink()
    assert main(["run", path, "--years", "0.01", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "start_day = 500 is not allowed: the run simulates 4 days, so a change can start on days 0 to 3" in err and "--years 0.01" in err
    assert "365" not in err and not out.exists()


# ----------------------------------------------------------------------------- io


def test_write_table_is_atomic(tmp_path):
    from calcium_abm.io import write_table

    target = tmp_path / "t.parquet"
    write_table(pd.DataFrame({"a": [1, 2]}), target)
    assert read_table(target)["a"].tolist() == [1, 2]
    bad = pd.DataFrame({"a": [object(), object()]})  # pyarrow cannot store this
    with pytest.raises(Exception):
        write_table(bad, target)
    assert read_table(target)["a"].tolist() == [1, 2]  # old result intact
    assert [p.name for p in tmp_path.iterdir()] == ["t.parquet"]  # temporary removed
    assert oct(target.stat().st_mode & 0o777) == oct(0o644)


def test_a_symbolic_link_is_written_through_and_kept(tmp_path, capsys, monkeypatch):
    """--out LINK writes the link's target and keeps the link (it was replaced by a file)."""
    fake = types.ModuleType("calcium_abm.simulation")
    fake.simulate = lambda scenario, **kw: fake_result(scenario.days)
    monkeypatch.setitem(sys.modules, "calcium_abm.simulation", fake)
    (tmp_path / "data").mkdir()
    target = tmp_path / "data" / "kept.csv"
    target.write_text("old\n")
    link = tmp_path / "full.csv"
    link.symlink_to(Path("data") / "kept.csv")  # relative, as `ln -s` makes it
    assert main(["run", "healthy_adult", "--years", "0.1", "--quiet", "--out", str(link)]) == 0
    assert link.is_symlink() and link.resolve() == target.resolve()
    assert len(read_table(target)) == 37 and sorted(p.name for p in target.parent.iterdir()) == ["kept.csv"]
    dangling = tmp_path / "dangling.csv"
    dangling.symlink_to(tmp_path / "gone" / "x.csv")
    assert main(["run", "healthy_adult", "--years", "0.1", "--out", str(dangling)]) == 2
    err = capsys.readouterr().err
    assert "a symbolic link to" in err and f"directory '{tmp_path / 'gone'}' does not exist" in err


def test_a_link_to_a_special_file_is_refused_and_the_file_kept(tmp_path, capsys):
    """A rename onto a device or FIFO would destroy it (a link to /dev/null once replaced
    /dev/null by a regular file): refused before the run, and by the writer itself."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    link = tmp_path / "out.csv"
    link.symlink_to(fifo)
    assert main(["run", "healthy_adult", "--years", "0.1", "--out", str(link)]) == 2
    assert "not a regular file" in capsys.readouterr().err
    from calcium_abm.errors import UserInputError

    with pytest.raises(UserInputError, match="not a regular file"):
        write_table(pd.DataFrame({"a": [1]}), link)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode) and link.is_symlink()


def test_read_table_errors(tmp_path):
    from calcium_abm.errors import UserInputError

    with pytest.raises(UserInputError, match="not found"):
        read_table(tmp_path / "missing.csv")
    (tmp_path / "junk.parquet").write_text("not parquet")
    with pytest.raises(UserInputError, match="cannot be read as parquet"):
        read_table(tmp_path / "junk.parquet")
    with pytest.raises(UserInputError, match="must end in"):
        read_table(tmp_path / "x.xlsx")


# ------------------------------------------------------------------ run (real model)


def test_run_real_model_subprocess(tmp_path):
    out = tmp_path / "result.parquet"
    result = run_cli("run", "k2_deficiency", *SMALL, "--out", str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    df = read_table(out)
    assert set(COLUMNS) <= set(df.columns)
    assert len(df) >= 2 and df["day"].iloc[-1] >= 36 - 1
    assert "k2_deficiency" in result.stdout and "g/cm²" in result.stdout


def test_run_real_model_csv_in_process(tmp_path, capsys):
    out = tmp_path / "result.csv"
    assert main(["run", "healthy_adult", *SMALL, "--seed", "3", "--quiet", "--out", str(out)]) == 0
    df = read_table(out)
    assert set(COLUMNS) <= set(df.columns)
    assert df[COLUMNS].notna().all().all()
    # a day's flows are empty on day 0 (no day has passed) and written from day 1 on
    assert df[list(DAILY_FLOW_COLUMNS)].iloc[0].isna().all()
    assert df[list(DAILY_FLOW_COLUMNS)].iloc[1:].notna().all().all()


def test_the_summary_of_a_short_dialysis_run_and_of_a_mouse(tmp_path, capsys):
    """A run of one day has no dialysis session and no 4-week window: the summary says so instead of
    printing nan; a rodent run says its pools and doses are human-sized; scores read as whole units."""
    small = ["--set", "bone_grid_width=16", "--set", "bone_grid_height=16", "--set", "vessel_grid_width=8",
             "--set", "vessel_grid_height=8"]
    assert main(["run", "haemodialysis", "--years", "0.003", *small, "--out", str(tmp_path / "q.csv")]) == 0
    out = capsys.readouterr().out
    assert "nan" not in out and "pre-dialysis" not in out and "serum Ca, whole run" in out
    assert "note" not in out
    for score in out.split("(score ")[1].split(")")[0].split(" → "):  # day 0 and the last day
        assert score == "< 1" or score.replace(",", "").isdigit(), score
    assert main(["run", "mgp_knockout", "--years", "0.02", *small, "--out", str(tmp_path / "m.csv")]) == 0
    out = capsys.readouterr().out
    assert "a mouse run keeps the human model's pool sizes and doses" in out
    # a mouse's artery gets the calcified share of its media, not a coronary calcium score
    frame = pd.read_csv(tmp_path / "m.csv")
    share = f"{100 * frame['calcified_area_fraction'].iloc[-1]:.3g} % of the media calcified"
    assert share in out and "(score " not in out and "no coronary calcium score for a rodent" in out


def test_the_run_summary_gives_the_spine_dxa_reading_and_the_measured_t_score_it_starts_at(tmp_path):
    """A clinician's T-score is a lumbar-spine DXA reading: the summary shows it on day 0 (and the section's own
    BMD, which reads lower, on the line above); a rodent preset, which has no DXA readout, gets no such line."""
    out = tmp_path / "woman.csv"
    result = run_cli("run", "postmenopausal", *SMALL, "--set", "age_years=68", "--set", "years_since_menopause=17",
                     "--set", "baseline_bmd_t_score=-1.8", "--out", str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    line = next(row for row in result.stdout.splitlines() if row.startswith("lumbar spine (DXA reading)"))
    assert "(T-score -1.8 → " in line
    frame = pd.read_csv(out)
    assert f"{frame['lumbar_spine_dxa_bmd_g_cm2'].iloc[0]:.4f} → " in line
    mouse = run_cli("run", "mgp_knockout", "--years", "0.02", "--out", str(tmp_path / "mouse.csv"), cwd=tmp_path)
    assert mouse.returncode == 0, mouse.stderr
    assert "bone mineral density" in mouse.stdout and "lumbar spine" not in mouse.stdout


def test_a_spine_reading_that_rises_while_the_section_loses_bone_is_explained(tmp_path):
    """A man's DXA reading rises with age (osteophytes, the vertebra's growth) while his section loses bone:
    the summary says why on the line below, and says nothing when the two move together."""
    def summary(*settings):  # the default grid: a small section's BMD over a few years is mostly noise
        result = run_cli("run", "healthy_adult", "--years", "10", *settings, "--out",
                         str(tmp_path / "x.csv"), cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        lines = result.stdout.splitlines()
        return lines[next(i for i, row in enumerate(lines) if row.startswith("lumbar spine (DXA reading)")) + 1]

    assert "rises with osteophytes and the vertebra's growth" in summary()  # README's man of 50
    assert "osteophytes" not in summary("--set", "sex=female", "--set", "age_years=52",
                                        "--set", "postmenopausal=true", "--set", "years_since_menopause=1")


def test_the_summary_says_when_the_blood_did_not_start_at_the_persons_calcium_balance(tmp_path, capsys):
    """150 mg/day of calcium eaten balances the day only below the reference range, so the run starts at the reference
    blood calcium and PTH rises over the first months: the summary says so on its own line; a usual diet starts at
    its balance and gets no such line."""
    small = [f"--set={t}_grid_{s}=16" for t in ("bone", "vessel") for s in ("width", "height")]
    def start_lines(calcium_mg: int) -> list[str]:
        assert main(["run", "healthy_adult", "--years", "0.01", *small, "--set", f"calcium_mg_per_day={calcium_mg}",
                     "--out", str(tmp_path / f"{calcium_mg}.csv")]) == 0
        return [row for row in capsys.readouterr().out.splitlines() if row.startswith("blood on day 0")]

    poor = start_lines(150)
    assert len(poor) == 1 and "150 mg/day of calcium eaten balances the day only at a serum calcium of 1.9" in poor[0]
    assert start_lines(1000) == []


def test_a_warfarin_run_summary_gives_the_inr(tmp_path, capsys):
    """The INR is the first number a clinician checks on warfarin (a fresh user found no summary gave it): a run
    with warfarin shows its late mean and the run's highest; a run without warfarin has no INR line."""
    small = [f"--set={t}_grid_{s}=16" for t in ("bone", "vessel") for s in ("width", "height")]
    assert main(["run", "long_term_warfarin", "--years", "0.1", *small, "--out", str(tmp_path / "w.csv")]) == 0
    line = next(row for row in capsys.readouterr().out.splitlines() if row.startswith("INR"))
    frame = pd.read_csv(tmp_path / "w.csv")
    assert f"{frame['inr'].iloc[-28:].mean():.2f} (mean; highest recorded {frame['inr'].max():.2f})" in line
    assert frame["inr"].iloc[-1] > 1.5
    assert main(["run", "healthy_adult", "--years", "0.01", *small, "--out", str(tmp_path / "h.csv")]) == 0
    assert "INR" not in capsys.readouterr().out


def test_a_ckd_run_summary_names_the_known_limit_of_its_serum_calcium(tmp_path, capsys):
    """A fresh clinician met the model's serum calcium rising with CKD unwarned: a run with a GFR below 60 says how
    it still falls too little and names the rows that track it; the note holds while docs/validation.md lists them as
    known failures. A run that eats less than its diet (uraemic anorexia) says what it ate."""
    small = [f"--set={t}_grid_{s}=16" for t in ("bone", "vessel") for s in ("width", "height")]
    assert main(["run", "ckd_stage4", "--years", "0.01", *small, "--out", str(tmp_path / "k.csv")]) == 0
    out = capsys.readouterr().out
    assert "known limit" in out and "Sprague2016 and Keronen2019" in out  # GFR 22: the skeleton resists PTH
    eaten = next(line for line in out.splitlines() if line.startswith("eaten (run mean)"))
    from calcium_abm.physiology import dialysis, parameter_set
    share = dialysis.mineral_intake_share(22.0, False, parameter_set())  # CKD 4's GFR, no dialysis: 0.708
    assert f"calcium {1000 * share:.0f} of the diet's 1000 mg/day, phosphorus {1200 * share:.0f} of the diet's 1200" \
           in eaten
    assert "uraemic_intake_loss_at_zero_gfr = 0" in eaten and "vitamin K intakes are taken as set" in eaten
    assert "warfarin's clearance does not fall with kidney function" not in out  # no warfarin in this run
    assert main(["run", "ckd_stage4", "--years", "0.01", *small, "--set=warfarin_mg_per_day=5",
                 "--out", str(tmp_path / "w.csv")]) == 0
    assert "warfarin's clearance does not fall with kidney function" in capsys.readouterr().out  # a pharmacologist's
    assert main(["run", "healthy_adult", "--years", "0.01", *small, "--set=kidney.residual_gfr_ml_per_min=55",
                 "--out", str(tmp_path / "g.csv")]) == 0
    out = capsys.readouterr().out
    assert "known limit" in out and "Sprague2016" not in out  # GFR 55: above the resistance's onset
    assert "eaten (run mean)" not in out  # and above the anorexia's
    assert main(["run", "healthy_adult", "--years", "0.01", *small, "--out", str(tmp_path / "h.csv")]) == 0
    assert "known limit" not in capsys.readouterr().out
    page = (Path(__file__).resolve().parent.parent / "docs" / "validation.md").read_text(encoding="utf-8")
    for row, criterion in (("KEEP", "serum calcium, GFR 22 - GFR 57"), ("Sprague2016", "bone formation per unit PTH, CKD 5 before dialysis"),
                           ("Keronen2019", "bone formation, 2 years after transplant")):
        line = next(line for line in page.splitlines() if line.startswith(f"| {row} | {criterion}"))
        assert "KNOWN FAIL" in line, (row, criterion)


def test_the_osteocalcin_knockout_summary_says_there_is_no_osteocalcin(tmp_path, capsys):
    small = [f"--set={t}_grid_{s}=16" for t in ("bone", "vessel") for s in ("width", "height")]
    argv = ["run", "healthy_adult", "--out", str(tmp_path / "out.csv"), *small, "--set", "osteocalcin_knockout=true",
            "--years", "0.01"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert re.search(r"^ucOC fraction at the end +none \(no osteocalcin\)$", out, re.M) and "nan" not in out


@pytest.mark.parametrize("wrapped", [False, True])
def test_ctrl_c_during_a_batch_says_where_the_runs_are_and_how_to_continue(tmp_path, capsys, monkeypatch, wrapped):
    """A new user's probe: Ctrl-C during `calcium-abm batch` printed a bare 'interrupted'; it now gives SIGTERM's
    guidance (where the finished runs are, --resume) with status 130, also when the interrupt lands in a kernel."""
    import calcium_abm.batch.runner as runner

    def interrupted(*args, **kwargs):
        (_raise_inside_a_kernel(KeyboardInterrupt()) if wrapped else _raise(KeyboardInterrupt()))()

    monkeypatch.setattr(runner, "run_batch", interrupted)
    spec = tmp_path / "b.toml"
    spec.write_text('name = "b"\nyears = 0.05\n[sweep]\nmethod = "grid"\n[sweep.parameters]\n'
                    'mk7_ug_per_day = [0, 90]\n', "utf-8")
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as stopped:
        main(["batch", str(spec), "--out", str(out), "--workers", "1"])
    err = capsys.readouterr().err
    assert stopped.value.code == 130  # stopped before its directory was made (screening): nothing to resume
    assert "interrupted: no run had started (the batch was still screening or building its runs), so nothing " \
           "was saved; run it again" in err and "--resume" not in err  # it pointed to a directory never made
    out.mkdir()
    (out / "manifest.json").write_text("{}")
    with pytest.raises(SystemExit) as stopped:
        main(["batch", str(spec), "--out", str(out), "--workers", "1"])
    err = capsys.readouterr().err
    assert stopped.value.code == 130
    assert f"interrupted: the finished runs are saved in {out}; continue with --resume" in err
    assert "Traceback" not in err and "SystemError" not in err


def _raise(stop: BaseException):
    def go():
        raise stop
    return go


def test_an_existing_output_file_is_replaced_whole_as_the_help_says(tmp_path, capsys):
    """``run --help`` says an existing FILE is replaced once the run has finished: the old content
    stays while the run is refused, and is replaced by the whole table when it runs."""
    out = tmp_path / "exist.csv"
    out.write_text("x\n")
    assert "an existing FILE is replaced" in " ".join(
        subprocess.run([sys.executable, "-m", "calcium_abm", "run", "--help"], capture_output=True,
                       text=True).stdout.split())
    assert main(["run", "healthy_adult", "--set", "mk7_ug_per_day=-5", "--out", str(out), "--quiet"]) == 2
    assert out.read_text() == "x\n"  # a refused run leaves the file as it was
    capsys.readouterr()
    overrides = ["bone_grid_width=8", "bone_grid_height=8", "vessel_grid_width=8", "vessel_grid_height=8"]
    assert main(["run", "healthy_adult", "--years", "0.01", *sum((["--set", o] for o in overrides), []),
                 "--out", str(out), "--quiet"]) == 0
    table = read_table(out)
    assert list(table["day"]) == list(range(len(table))) and len(table) > 2


def test_more_workers_than_cpus_get_a_note_and_still_run(tmp_path, capsys):
    """A new user's --workers 16 on 2 CPUs ran 7x slower than the default, silently: a note says why."""
    import os

    batch = tmp_path / "b.toml"
    batch.write_text('scenario = "healthy_adult"\nyears = 0.01\n[set]\nbone_grid_width = 8\nbone_grid_height = 8\n'
                     'vessel_grid_width = 8\nvessel_grid_height = 8\n[sweep]\nreplicates = 1\n'
                     '[sweep.parameters]\nmk7_ug_per_day = [0, 90]\n', encoding="utf-8")
    cpus = os.cpu_count() or 1
    assert main(["batch", str(batch), "--out", str(tmp_path / "many"), "--workers", str(cpus + 1), "--quiet"]) == 0
    err = capsys.readouterr().err
    assert f"note: --workers {cpus + 1} is more than this machine's {cpus} CPUs" in err
    assert main(["batch", str(batch), "--out", str(tmp_path / "one"), "--workers", "1", "--quiet"]) == 0
    assert "more than this machine" not in capsys.readouterr().err


@pytest.mark.parametrize("side, warned", [(16, True), (32, False)])
def test_sensitivity_warns_when_bmd_outputs_come_from_small_bone_grids(tmp_path, capsys, side, warned):
    """A new user's Morris screen on 16 x 16 grids ranked calcium first for bmd_change_pct with opposite signs at
    two batch seeds, and nothing warned: the seed's noise in BMD outweighed the effects."""
    design = tmp_path / "m.toml"
    design.write_text(f'scenario = "healthy_adult"\nseed = 5\nyears = 0.02\noutput = "summary"\n[set]\n'
                      f'bone_grid_width = {side}\nbone_grid_height = {side}\nvessel_grid_width = 8\n'
                      'vessel_grid_height = 8\n[sensitivity]\nmethod = "morris"\ntrajectories = 2\nlevels = 4\n'
                      '[sensitivity.parameters]\nmk7_ug_per_day = [0, 360]\ncalcium_mg_per_day = [500, 2000]\n'
                      '[analysis]\noutcomes = { bmd_change_pct = "final", dp_ucmgp_pmol_l = "final" }\n',
                      encoding="utf-8")
    assert main(["sensitivity", str(design), "--out", str(tmp_path / "out"), "--workers", "1", "--quiet"]) == 0
    err = capsys.readouterr().err
    assert (f"warning: bmd_change_pct comes from bone grids of {side} x {side}, below 32 x 32" in err) is warned, err
    assert "dp_ucmgp" not in err


def test_an_option_given_twice_with_two_values_is_refused(tmp_path, capsys):
    """A fresh user's `run ... --out a.csv --out b.csv` wrote b.csv alone without a word."""
    from calcium_abm.cli import main

    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    assert main(["run", "healthy_adult", "--years", "0.01", "--out", str(a), "--out", str(b)]) == 2
    assert f"--out is given twice ('{a}' and '{b}'): give it once" in capsys.readouterr().err
    assert not a.exists() and not b.exists()
    assert main(["run", "healthy_adult", "--years", "0.01", "--years", "0.01", "--out", str(a), "--quiet"]) == 0
    assert a.exists()  # the same value twice is the same run
