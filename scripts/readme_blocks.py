"""Regenerate (or check) the generated blocks of README.md, so its numbers cannot drift.

A generated block sits between two HTML comments:

    <!-- generated: NAME -->
    ...anything...
    <!-- end generated -->

and NAME is one of :data:`BLOCKS`. Each block is produced from a command's real output or
from a file a command wrote (a benchmark's JSON, the validation report), never typed.

Usage (from the repository root):

    .venv/bin/python scripts/readme_blocks.py            # rewrite README.md in place
    .venv/bin/python scripts/readme_blocks.py --check    # exit 1 naming each stale block
    .venv/bin/python scripts/readme_blocks.py --only run-k2_deficiency --check

The speed blocks read ``bench/results/*.json``; refresh those by re-running the benchmark
with ``--json`` on an idle machine (see bench/README.md), then run this script.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
BENCH_RESULTS = ROOT / "bench" / "results"
BLOCK = re.compile(r"(<!-- generated: (?P<name>[\w-]+) -->\n)(?P<body>.*?)(<!-- end generated -->)", re.S)


def _cli(*args: str, status: int = 0) -> str:
    """The output of ``calcium-abm ARGS`` run in a scratch folder (so paths print as given);
    with ``status`` other than 0, the error output of a command expected to fail so."""
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run([sys.executable, "-m", "calcium_abm.cli", *args], cwd=tmp, env=env,
                              capture_output=True, text=True, timeout=600)
    if done.returncode != status:
        raise SystemExit(f"calcium-abm {' '.join(args)} exited {done.returncode}, not {status}:\n{done.stderr}")
    return done.stdout if status == 0 else done.stderr


def error_block() -> str:
    """A bad value's message, as the README's example of input checking."""
    args = ("run", "healthy_adult", "--set", "ckd_stage=7", "--out", "x.csv")
    return f"```\n$ calcium-abm {' '.join(args)}\n{_cli(*args, status=2).rstrip()}\n```\n"


def run_block(scenario: str, years: int = 10) -> Callable[[], str]:
    def make() -> str:
        command = f"calcium-abm run {scenario} --years {years} --out out.parquet"
        output = _cli("run", scenario, "--years", str(years), "--out", "out.parquet")
        return f"```\n$ {command}\n{output.rstrip()}\n```\n"
    return make


#: a man and a woman of 60 (she is 9 years past a final period at 51), 5 years each (issue 10)
MAN_AND_WOMAN_OF_60 = (("--set", "age_years=60"),
                       ("--set", "age_years=60", "--set", "sex=female", "--set", "postmenopausal=true",
                        "--set", "years_since_menopause=9"))


def man_and_woman_block(years: int = 5) -> str:
    """Two runs of healthy_adult: the same person as a man and as a woman of 60."""
    shown = []
    for settings in MAN_AND_WOMAN_OF_60:
        args = ("run", "healthy_adult", "--years", str(years), *settings, "--out", "out.csv")
        shown.append(f"$ calcium-abm {' '.join(args)}\n{_cli(*args).rstrip()}")
    return "```\n" + "\n\n".join(shown) + "\n```\n"


#: seeds of the man-and-woman spread (the block measures how much a single run's BMD change scatters)
SPREAD_SEEDS = tuple(range(1, 9))


def man_and_woman_spread_block(years: int = 5) -> str:
    """The same two people over :data:`SPREAD_SEEDS`: BMD change and score at the end, mean and SD, led
    by how much one run's BMD change scatters and how many remodeling units the section holds."""
    import statistics

    sys.path.insert(0, str(ROOT))
    from calcium_abm import simulate
    from calcium_abm.scenario import parse_set_option

    people = {"man": MAN_AND_WOMAN_OF_60[0][1::2], "woman": MAN_AND_WOMAN_OF_60[1][1::2]}
    ends = {}
    for who, settings in people.items():
        overrides = dict(parse_set_option(setting) for setting in settings)  # as the command line reads --set
        ends[who] = [simulate("healthy_adult", years=years, seed=seed, overrides=overrides, rows="ends").iloc[-1]
                     for seed in SPREAD_SEEDS]

    def spread(who: str, column: str, digits: int) -> str:
        values = [float(row[column]) for row in ends[who]]
        return f"{statistics.mean(values):.{digits}f} ± {statistics.stdev(values):.{digits}f}"
    more = sum(w["bmd_change_pct"] < m["bmd_change_pct"] for m, w in zip(ends["man"], ends["woman"]))
    scatter = statistics.mean(statistics.stdev(float(row["bmd_change_pct"]) for row in ends[who]) for who in people)
    rows = [row for who in people for row in ends[who]]
    resorbing = statistics.mean(float(row["osteoclast_count"]) for row in rows)
    refilling = statistics.mean(float(row["osteoblast_count"]) for row in rows)
    lines = [f"A single run's BMD change scatters by about {scatter:.1f} percentage points between seeds (SD; the "
             f"section holds about {resorbing + refilling:.0f} remodeling units at a time: {resorbing:.0f} osteoclasts "
             f"resorbing and {refilling:.0f} osteoblast teams refilling, at the end of these runs), so compare people "
             "over seeds, as a cohort does.",
             "",
             f"The same two people, seeds {SPREAD_SEEDS[0]}-{SPREAD_SEEDS[-1]}, {years} years (mean ± SD):",
             "",
             "| | BMD change, % | calcification score at the end |",
             "|---|---|---|",
             *(f"| {who} | {spread(who, 'bmd_change_pct', 2)} | {spread(who, 'calcification_score', 0)} |"
               for who in people),
             "",
             f"She loses more bone than he does in {more} of {len(SPREAD_SEEDS)} seeds."]
    return "\n".join(lines) + "\n"


def validation_block() -> str:
    """The summary line of docs/validation.md (written by ``calcium-abm validate --docs``)."""
    text = (ROOT / "docs" / "validation.md").read_text(encoding="utf-8")
    match = re.search(r"(\d+) passed, (\d+) failed, (\d+) known failures?, (\d+) not expressible", text)
    if match is None:
        raise SystemExit("docs/validation.md has no 'N passed, N failed, N known failures, N not expressible' line")
    passed, failed, known, not_expressible = match.groups()
    edge = re.search(r"\*Near a band edge:\* (\d+) of the passing criteria", text)
    near = (f" Of the passes, {edge.group(1)} {'has' if edge.group(1) == '1' else 'have'} a 95 % CI that reaches "
            f"outside {'its' if edge.group(1) == '1' else 'their'} band, so {'its' if edge.group(1) == '1' else 'their'} verdict "
            "depends on the draw of seeds (listed there)." if edge else "")
    return (f"Latest result (from [docs/validation.md](docs/validation.md)): **{passed} passed, {failed} failed**, "
            f"{known} known failure{'' if known == '1' else 's'} (criteria that run and miss their band today, each naming the open issue "
            f"that tracks it), {not_expressible} findings listed as not expressible with the reason.{near}\n")


def bench_report_block(name: str, command: str, results_name: str | None = None) -> Callable[[], str]:
    """The table a benchmark prints, rebuilt from the figures it saved with ``--json``
    (``bench/results/RESULTS_NAME.json``, default NAME) by the benchmark's own ``report()``."""
    def make() -> str:
        spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        results = json.loads((BENCH_RESULTS / f"{results_name or name}.json").read_text(encoding="utf-8"))
        shown = command.replace(" --json", " --quick --json") if results.get("quick") else command
        if results.get("cohort_measured_patients"):  # bench/batch.py --cohort N also ran a real cohort
            shown = shown.replace(" --json", f" --cohort {results['cohort_measured_patients']} --json")
        return f"```\n$ {shown}\n{module.report(results).rstrip()}\n```\n"
    return make


BLOCKS: dict[str, Callable[[], str]] = {
    "run-k2_deficiency": run_block("k2_deficiency"),
    "run-healthy_adult": run_block("healthy_adult"),
    "run-man-and-woman-60": man_and_woman_block,
    "man-and-woman-60-seeds": man_and_woman_spread_block,
    "validation-summary": validation_block,
    "error-example": error_block,
    "bench-core": bench_report_block("core", ".venv/bin/python bench/core.py --json bench/results/core.json"),
    "bench-classroom": bench_report_block("dashboard", ".venv/bin/python bench/dashboard.py --classroom "
                                                       "--json bench/results/dashboard.json"),
    "bench-classroom-charts": bench_report_block(
        "dashboard", ".venv/bin/python bench/dashboard.py --classroom --viewport 1600x2000 "
                     "--json bench/results/dashboard_charts.json", "dashboard_charts"),
    "bench-classroom-present": bench_report_block(
        "dashboard", ".venv/bin/python bench/dashboard.py --classroom --query present=1 --viewport 1024x768 "
                     "--json bench/results/dashboard_present.json", "dashboard_present"),
    "bench-batch": bench_report_block("batch", ".venv/bin/python bench/batch.py --json bench/results/batch.json"),
}


def regenerate(text: str, only: set[str] | None = None) -> tuple[str, list[str]]:
    """Return README text with every (or every named) block regenerated, and the stale names."""
    stale: list[str] = []
    unknown = [m["name"] for m in BLOCK.finditer(text) if m["name"] not in BLOCKS]
    if unknown:
        raise SystemExit(f"README.md names generated blocks that this script does not know: {unknown}")

    def replace(match: re.Match) -> str:
        name = match["name"]
        if only is not None and name not in only:
            return match.group(0)
        body = BLOCKS[name]()
        if body != match["body"]:
            stale.append(name)
        return match.group(1) + body + match.group(4)

    return BLOCK.sub(replace, text), stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="do not write; exit 1 if a block is stale")
    parser.add_argument("--only", action="append", choices=sorted(BLOCKS), help="only this block (repeatable)")
    args = parser.parse_args(argv)
    text = README.read_text(encoding="utf-8")
    new, stale = regenerate(text, set(args.only) if args.only else None)
    if args.check:
        for name in stale:
            print(f"README.md block '{name}' is stale: run .venv/bin/python scripts/readme_blocks.py")
        return 1 if stale else 0
    if new != text:
        README.write_text(new, encoding="utf-8")
    print(f"README.md: {len(stale)} block(s) rewritten" + (f" ({', '.join(stale)})" if stale else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
