"""A bounded fuzz run over malformed scenario files, ``--set``/``--years``/``--seed`` values
and batch files, through the CLI's in-process entry ``calcium_abm.cli.main``.

Each input is either accepted (the stubbed simulation or batch runner is reached) or
rejected with exit status 2 and one ``error:`` message that names the field (or, for a
file that is not TOML at all, the file). The run fails on any traceback, on any file left
in the output directory after a rejection, and on a message that names neither.
Seeded (``FUZZ_SEED``), so a failure reproduces; about 900 cases in well under a minute.
"""

from __future__ import annotations

import contextlib
import io
import os
import random
import sys
import tomllib
import types
from dataclasses import dataclass
from pathlib import Path

import pytest

from calcium_abm.cli import main
from calcium_abm.inputs.sections import SECTIONS
from calcium_abm.scenario import BUILTIN_SCENARIO_DIR, builtin_scenario_names

FUZZ_SEED = 20261130
REPO = Path(__file__).resolve().parent.parent
BATCH_EXAMPLES = sorted((REPO / "examples" / "batches").glob("*.toml"))
N_SCENARIO_FILES, N_SET_OPTIONS, N_BATCH_FILES = 420, 260, 220

JUNK_VALUES = [
    "-1", "1e400", "-1e400", "nan", "inf", "-inf", '"text"', "true", "false", "[1, 2]", "{ a = 1 }", "0", "1e-9",
    "1" + "0" * 5000, str(2**64), '""', "1979-05-27", "12:00:00", "[" * 40 + "]" * 40, "{ a = " * 30 + "1" + " }" * 30,
    '"' + "x" * 5000 + '"', "0.0001", "9999999", "-0", "1_000", "0x10", "[]", "{}", '"²"', "'\u202e'",
]
TYPO_KEYS = ["mk7_ug_per_dy", "teriparatide_ug_per_day", "vitamin_d3_ug_per_day", "agee", "sexx", "", "a.b.c",
             "diet.mk8_ug_per_day", "parameters.nope", "simulation.yeras", "seed.x", "²", "name.x", "patient"]


class Accepted(Exception):
    """Raised by the stubs: the input passed validation and a run would have started."""


@dataclass
class Case:
    argv: list[str]
    names: list[str]  # the message must contain one of these
    workdir: Path


def toml_value_for(key: str) -> str:
    return key if key.replace("_", "").replace("-", "").isalnum() and key.isascii() else f'"{key}"'


def put(text: str, section: str, line: str) -> str:
    """``text`` with ``line`` in table ``[section]`` (after its header, or in a new table)."""
    lines = text.split("\n")
    for i, ln in enumerate(lines):
        if ln.split("#")[0].strip() == f"[{section}]":
            return "\n".join([*lines[:i + 1], line, *lines[i + 1:]])
    return f"{text}\n[{section}]\n{line}\n"


def mutate_scenario(rng: random.Random, text: str) -> tuple[bytes, list[str]]:
    """A malformed variant of a scenario file and the names its message may carry."""
    lines = text.split("\n")
    kind = rng.randrange(9)
    if kind <= 2:  # a known field gets a junk value
        section = rng.choice(list(SECTIONS))
        field = rng.choice(list(SECTIONS[section].model_fields))
        cleaned = "\n".join(ln for ln in lines if ln.split("=")[0].strip() != field)
        return put(cleaned, section, f"{field} = {rng.choice(JUNK_VALUES)}").encode(), [field]
    if kind == 3:  # an unknown key somewhere
        section = rng.choice([*SECTIONS, "parameters"])
        key = rng.choice(TYPO_KEYS[:5] + ["aspirin", "calcium", "x" * 30])
        return put(text, section, f"{key} = 1").encode(), [key]
    if kind == 4:  # syntax: a character removed, doubled '=' or a truncated file
        cut = rng.randrange(len(text))
        broken = rng.choice([text[:cut] + text[cut + 1:], text[:cut] + "= =" + text[cut:], text[:cut]])
        return broken.encode(), []
    if kind == 5:  # bytes that are not UTF-8, or a NUL
        cut = rng.randrange(len(text))
        return text[:cut].encode() + rng.choice([b"\xff", b"\x00", b"\xc3"]) + text[cut:].encode(), []
    if kind == 6:  # a line given twice
        keyed = [ln for ln in lines if "=" in ln and not ln.lstrip().startswith("#")]
        line = rng.choice(keyed)
        return (text + "\n" + line + "\n").encode() if not line.startswith(("name", "description", "source")) \
            else (line + "\n" + text).encode(), [line.split("=")[0].strip()]
    if kind == 7:  # a schedule with junk
        start = rng.choice(["-1", "99999", "1.5", '"x"', "0", "10"])
        key = rng.choice(["mk7_ug_per_day", "simulation.years", "a." * rng.randrange(1, 40) + "a", *TYPO_KEYS])
        value = rng.choice(JUNK_VALUES)
        return (f"{text}\n[[schedule]]\nstart_day = {start}\nset = {{ {toml_value_for(key)} = {value} }}\n"
                .encode(), ["schedule", "key 'set'"])
    # a person that cannot exist
    combos = [
        ('[patient]\nsex = "male"\npostmenopausal = true\n', "postmenopausal"),
        ("[patient]\npostmenopausal = false\nyears_since_menopause = 30\n", "years_since_menopause"),
        ('[patient]\nsex = "female"\npostmenopausal = true\nage_years = 20\nyears_since_menopause = 60\n',
         "age_years"),
        ('[patient]\nsex = "female"\npostmenopausal = true\nage_years = 0\n', "age_years"),
        ("[simulation]\nyears = 1e-9\n", "simulation.years"),
    ]
    body, name = rng.choice(combos)
    keep = [ln for ln in lines if not ln.startswith("[")]  # top-level keys only, so no table is declared twice
    head = "\n".join(ln for ln in keep if ln.split("=")[0].strip() in ("name", "description", "source"))
    return (head + "\n" + body).encode(), [name]


def scenario_cases(rng: random.Random, tmp: Path) -> list[Case]:
    texts = [(BUILTIN_SCENARIO_DIR / f"{n}.toml").read_text("utf-8") for n in builtin_scenario_names()]
    cases = []
    for i in range(N_SCENARIO_FILES):
        work = tmp / f"s{i}"
        work.mkdir()
        data, names = mutate_scenario(rng, rng.choice(texts))
        path = work / "scenario.toml"
        path.write_bytes(data)
        cases.append(Case(["run", str(path), "--out", str(work / "out.csv"), "--quiet"], names + ["scenario.toml"]
                          if not names else names, work))
    return cases


def set_cases(rng: random.Random, tmp: Path) -> list[Case]:
    flat = [f for model in SECTIONS.values() for f in model.model_fields]
    cases = []
    for i in range(N_SET_OPTIONS):
        work = tmp / f"o{i}"
        work.mkdir()
        out = ["--out", str(work / "out.csv"), "--quiet"]
        kind = rng.randrange(4)
        if kind == 0:
            option = rng.choice(["--years", "--seed"])
            value = rng.choice(JUNK_VALUES + ["0.0001", "²", "", " ", "1e-3", "-5", "101"])
            argv, names = ["run", "healthy_adult", option, value], [option, f"simulation.{option[2:]}"]
        elif kind == 1:  # a newline inside one --set
            argv, names = ["run", "healthy_adult", "--set", f"mk7_ug_per_day=5\n{rng.choice(flat)}=9"], ["--set"]
        else:
            key = rng.choice(flat + TYPO_KEYS)
            value = rng.choice(JUNK_VALUES + ["female", "yes", "=", "a=b"])
            argv = ["run", "healthy_adult", "--set", f"{key}={value}"]
            names = [key.strip(), f"--set {key}"] if key.strip() else ["--set"]
        cases.append(Case(argv + out, names, work))
    return cases


def batch_cases(rng: random.Random, tmp: Path) -> list[Case]:
    bases = [p.read_text("utf-8") for p in BATCH_EXAMPLES]
    top = ["name", "scenario", "seed", "years", "record_every_days", "output", "description"]
    cases = []
    for i in range(N_BATCH_FILES):
        work = tmp / f"b{i}"
        work.mkdir()
        text = rng.choice(bases)
        kind = rng.randrange(5)
        if kind == 0:  # a top-level key with a junk value (prepended: top-level keys come first)
            key = rng.choice(top)
            table = tomllib.loads(text)
            if key in table:
                text = "\n".join(ln for ln in text.split("\n") if ln.split("=")[0].strip() != key)
            data, names = f"{key} = {rng.choice(JUNK_VALUES)}\n{text}".encode(), [key]
        elif kind == 1:  # a key inside a table
            table = rng.choice(["set", "sweep", "cohort", "sensitivity", "analysis", "sweep.parameters"])
            key = rng.choice(TYPO_KEYS[:5] + ["samples", "replicates", "patients", "method", "mk7_ug_per_day"])
            data = f"{text}\n[{table}.extra_{i}]\n{toml_value_for(key)} = {rng.choice(JUNK_VALUES)}\n".encode()
            names = [f"extra_{i}", table, key]
        elif kind == 2:
            cut = rng.randrange(len(text))
            data, names = (text[:cut] + rng.choice(["= =", "[[", "\x00", ""]) + text[cut + 1:]).encode(), []
        elif kind == 3:
            data, names = (text + "\nx = " + "[" * rng.randrange(20, 3000) + "\n").encode(), []
        else:  # a sweep that is not a list or range, or a distribution that overflows
            data = (text.replace("[1.0, 0.0", "[2.0, 0.0") + f"\n[analysis.more{i}]\nx = 1\n").encode()
            names = [f"more{i}", "ckd_stage_probabilities", "analysis"]
        path = work / "batch.toml"
        path.write_bytes(data)
        cases.append(Case(["batch", str(path), "--out", str(work / "out"), "--quiet", "--workers", "1"],
                          names or ["batch.toml"], work))
    return cases


@pytest.fixture
def stubbed_runs(monkeypatch):
    """Reaching a simulation or a batch run means the input was accepted."""
    fake = types.ModuleType("calcium_abm.simulation")

    def simulate(*args, **kwargs):
        raise Accepted

    fake.simulate = simulate
    monkeypatch.setitem(sys.modules, "calcium_abm.simulation", fake)
    import calcium_abm.batch.runner as runner

    def run_batch(batch, out, **kwargs):  # the CLI passes the loaded spec and the file as its origin
        from calcium_abm.batch.spec import load_batch

        load_batch(batch).base_scenario()  # the batch's scenario and [set] are part of the input
        raise Accepted

    monkeypatch.setattr(runner, "run_batch", run_batch)


def test_fuzz_malformed_inputs_give_messages_not_tracebacks(tmp_path, stubbed_runs):
    rng = random.Random(FUZZ_SEED)
    cases = scenario_cases(rng, tmp_path) + set_cases(rng, tmp_path) + batch_cases(rng, tmp_path)
    assert len(cases) >= 800
    failures, rejected = [], 0
    for case in cases:
        before = sorted(p.name for p in case.workdir.iterdir())
        err = io.StringIO()
        try:
            with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
                code = main(case.argv)
        except Accepted:
            continue
        except BaseException as exc:  # noqa: BLE001 - a traceback is what this test hunts
            failures.append(f"{case.argv!r:.200}: traceback {type(exc).__name__}: {str(exc)[:200]}")
            continue
        message = err.getvalue()
        rejected += 1
        left = sorted(p.name for p in case.workdir.iterdir())
        argparse_error = message.startswith("usage: ") and "error: argument " in message  # e.g. --years -1
        if code != 2 or not (message.startswith("error: ") or argparse_error) or "Traceback" in message:
            failures.append(f"{case.argv!r:.200}: exit {code}, stderr {message[:300]!r}")
        elif left != before:
            failures.append(f"{case.argv!r:.200}: left {sorted(set(left) - set(before))} after a rejection")
        elif not any(name and name in message for name in case.names):
            failures.append(f"{case.argv!r:.200}: message names none of {case.names}: {message[:300]!r}")
    assert not failures, f"{len(failures)} of {len(cases)} inputs failed:\n" + "\n".join(failures[:30])
    assert rejected >= 600  # the generator really produces malformed inputs


# ----------------------------------------------------------- batch options and summarize

SCHEDULER_PROTOCOLS = ["", "tcp://", "http://", "https://", "ucx://", "inproc://", "tls://", "ws://", "wss://",
                       "TCP://", "tcp:/", "tcp:", "://", "file://", "tcp://tcp://"]
SCHEDULER_HOSTS = ["127.0.0.1", "", "[::1]", "::1", "10.0.0.5:1", "a b", "-x", "x" * 300, "²", "127.0.0.1/", "@"]
SCHEDULER_PORTS = ["", ":", ":0", ":65536", ":99999999", ":-1", ":8786/x", ":²", ":1e3", ":" + "9" * 5000]


class Reached(Exception):
    """Raised by the stubbed executor: the batch passed every check and would start its runs."""


def scheduler_value(rng: random.Random) -> str:
    value = rng.choice(SCHEDULER_PROTOCOLS) + rng.choice(SCHEDULER_HOSTS) + rng.choice(SCHEDULER_PORTS)
    return value if value != "127.0.0.1" else value + ":"  # never an address a scheduler could be at


def option_cases(rng: random.Random, tmp: Path, batch: Path) -> list[Case]:
    """``batch`` with malformed ``--scheduler``, ``--workers`` and ``--out`` values."""
    cases = []
    for i in range(70):
        work = tmp / f"p{i}"
        work.mkdir()
        out = str(work / "out")
        kind = rng.randrange(4)
        if kind <= 1:
            value = scheduler_value(rng)
            argv, names = ["--scheduler", value, "--out", out], ["--scheduler"]
        elif kind == 2:
            value = rng.choice(JUNK_VALUES + ["0", "513", "-2", "²", "1.0", " ", "0x2", "1" * 5000])
            argv, names = ["--workers", value, "--out", out], ["--workers"]
        else:
            target = rng.choice(["file", "dir_with_file", "under_file", "dev_null", "dev_zero", "fifo", "nul", "empty"])
            if target == "file":
                (work / "out").write_text("x")
            elif target == "dir_with_file":
                (work / "out").mkdir()
                (work / "out" / "notes.txt").write_text("x")
            elif target == "under_file":
                (work / "f").write_text("x")
                out = str(work / "f" / "out")
            elif target == "fifo":
                os.mkfifo(work / "out")
            out = {"dev_null": "/dev/null", "dev_zero": "/dev/zero", "nul": out + "\x00x", "empty": ""}.get(target, out)
            argv, names = ["--out", out, "--workers", "1"], ["--out"]
        cases.append(Case(["batch", str(batch), "--quiet", *argv], names, work))
    cases.append(Case(["batch", str(batch), "--quiet", "--out", " "], ["--out"], tmp / "p0"))
    # a well-formed address nobody listens at: refused fast, before --out is touched
    for i in range(3):
        work = tmp / f"u{i}"
        work.mkdir()
        cases.append(Case(["batch", str(batch), "--quiet", "--scheduler", f"127.0.0.1:{rng.choice([9, 1, 47])}",
                           "--out", str(work / "out")], ["--scheduler"], work))
    return cases


def broken_batch_dir(rng: random.Random, good: Path, work: Path) -> tuple[Path, list[str], str]:
    """A copy of a finished batch directory, damaged in one of several ways (and what was done)."""
    import json
    import shutil

    folder = work / "batch"
    shutil.copytree(good, folder)
    manifest_path = folder / "manifest.json"
    manifest = json.loads(manifest_path.read_text("utf-8"))
    run_file = rng.choice(sorted((folder / "runs").glob("run-*.parquet")))
    kind = rng.randrange(8)
    what = f"damage {kind}"
    if kind == 0:  # truncated or junk JSON
        text = manifest_path.read_text("utf-8")
        manifest_path.write_bytes(rng.choice([text[:rng.randrange(len(text))].encode(), b"\xff\x00", b"[" * 50000]))
    elif kind == 1:  # a key missing or of the wrong type
        key = rng.choice(["runs", "batch", "output", "name", "format", "created", "package_version"])
        manifest[key] = rng.choice([None, 1, "x", [], {}, [1, 2]])
        what += f": {key} = {manifest[key]!r}"
        manifest_path.write_text(json.dumps(manifest), "utf-8")
    elif kind == 2:  # a run entry that is not one
        manifest["runs"][rng.randrange(len(manifest["runs"]))] = rng.choice(
            [{}, {"run_id": "../../x", "labels": {}}, {"run_id": 5}, [], "run", {"run_id": "a" * 65, "labels": {}},
             {"run_id": manifest["runs"][0]["run_id"], "labels": 3}])
        manifest_path.write_text(json.dumps(manifest), "utf-8")
    elif kind == 3:  # the stored batch does not validate
        key = rng.choice(["seed", "years", "scenario", "cohort", "arms", "name"])
        manifest["batch"][key] = rng.choice([-1, "x", None, [], {"a": 1}, 1e400 if key != "name" else 5])
        what += f": batch.{key} = {manifest['batch'][key]!r}"
        manifest_path.write_text(json.dumps(manifest, allow_nan=True), "utf-8")
    elif kind == 4:  # a damaged run file
        run_file.write_bytes(rng.choice([b"", b"PAR1", b"PAR1junkPAR1", run_file.read_bytes()[:200]]))
    elif kind == 5:  # a run file of another table
        import pandas as pd

        pd.DataFrame({"x": [1.0]}).to_parquet(run_file)
    elif kind == 6:  # manifest is a directory or a FIFO
        manifest_path.unlink()
        manifest_path.mkdir() if rng.random() < 0.5 else os.mkfifo(manifest_path)
    else:  # summary output blocked by a file
        (folder / "summary").write_text("x")
    return folder, [str(folder)], what


def tree(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def test_fuzz_batch_options_and_broken_batch_directories(tmp_path, monkeypatch):
    """``batch`` with malformed ``--scheduler``/``--workers``/``--out`` and ``summarize`` on
    damaged batch directories: exit 2, one message naming the option (or the directory),
    no traceback, nothing left behind (no new file in the work folder or the batch folder)."""
    from calcium_abm.batch import run_batch
    from calcium_abm.batch import runner

    rng = random.Random(FUZZ_SEED + 1)
    batch = tmp_path / "b.toml"
    batch.write_text('name = "f"\nscenario = "healthy_adult"\nseed = 1\nyears = 0.05\nrecord_every_days = 5\n'
                     "[set]\nbone_grid_width = 16\nbone_grid_height = 16\nvessel_grid_width = 16\n"
                     'vessel_grid_height = 16\n[cohort]\npatients = 3\n[[arms]]\nname = "usual"\n', "utf-8")
    good = tmp_path / "good"
    run_batch(batch, good)
    cases = option_cases(rng, tmp_path, batch)
    for i in range(50):
        work = tmp_path / f"d{i}"
        work.mkdir()
        folder, names, what = broken_batch_dir(rng, good, work)
        cases.append(Case(["summarize", str(folder), "--quiet", what], names + ["summary"], work))

    def reached(*args, **kwargs):
        raise Reached

    cwd = tmp_path / "cwd"  # a relative or empty --out lands here: it must stay empty too
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    monkeypatch.setattr(runner, "run_tasks", reached)
    monkeypatch.setattr(runner, "DASK_CONNECT_TIMEOUT", "2s")
    failures, harmless = [], 0
    for case in cases:
        before = tree(case.workdir)
        err = io.StringIO()
        try:
            with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
                code = main(case.argv[:-1] if case.argv[0] == "summarize" else case.argv)
        except Reached:
            failures.append(f"{case.argv!r:.200}: accepted")
            continue
        except BaseException as exc:  # noqa: BLE001 - a traceback is what this test hunts
            failures.append(f"{case.argv!r:.200}: traceback {type(exc).__name__}: {str(exc)[:200]}")
            continue
        message = err.getvalue()
        if code == 0 and case.argv[0] == "summarize":  # damage the summary does not read (e.g. batch.scenario)
            harmless += 1
            continue
        argparse_error = message.startswith("usage: ") and "error: argument " in message  # e.g. --workers -1e400
        if code != 2 or not (message.startswith("error: ") or argparse_error) or "Traceback" in message:
            failures.append(f"{case.argv!r:.200}: exit {code}, stderr {message[:300]!r}")
        elif tree(case.workdir) != before:
            failures.append(f"{case.argv!r:.200}: left {sorted(set(tree(case.workdir)) ^ set(before))}")
        elif len(message.strip().splitlines()) != 1 and not argparse_error:
            failures.append(f"{case.argv!r:.200}: not one line: {message[:300]!r}")
        elif not any(name in message for name in case.names):
            failures.append(f"{case.argv!r:.200}: message names none of {case.names}: {message[:300]!r}")
    assert not failures, f"{len(failures)} of {len(cases)} inputs failed:\n" + "\n".join(failures[:30])
    assert tree(cwd) == [], tree(cwd)
    assert len(cases) >= 120
    assert harmless <= 5  # the generator really damages what summarize reads
