"""The simulated effects of the shipped trial emulations (docs/batch.md, "Shipped trial emulations").

Each file of :data:`TRIALS` is run as written (``calcium-abm batch FILE --out DIR/NAME``; a finished
directory is resumed, so it is not run again) and summarized through the public batch API; the
figures go to ``docs/trial_examples.json`` with the model fingerprint and date, and ``--docs``
rewrites the generated block of docs/batch.md from that JSON. ``tests/test_trial_examples_doc.py``
checks that the block is what the JSON gives, so the table's numbers are generated, never typed.

Usage (from the repository root; ~5 min on 2 idle cores)::

    .venv/bin/python scripts/trial_examples.py --out /tmp/trials --workers 2 --docs
    .venv/bin/python scripts/trial_examples.py --docs    # only rewrite docs/batch.md from the JSON
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DOC = ROOT / "docs" / "batch.md"
RESULTS = ROOT / "docs" / "trial_examples.json"
BLOCK = re.compile(r"(<!-- generated: trial-examples -->\n)(.*?)(<!-- end generated -->)", re.S)
#: file, trial, published effect, the outcome compared, how the effect is named
TRIALS = (
    ("mk7_trial.toml", "MK-7 180 µg/d vs placebo, 200 adults 55-80, 3 y", "dp-ucMGP −31 to −50 % in trials",
     "dp_ucmgp_pmol_l_pct_change", "dp-ucMGP change, percentage points"),
    ("knapen2015_mk7.toml", "Knapen 2015, 244 postmenopausal women, MK-7 180 µg/d, 3 y",
     "dp-ucMGP −50 % vs placebo (no CI in the abstract)", "dp_ucmgp_pmol_l_pct_change",
     "dp-ucMGP change, percentage points"),
    ("shea2009_k1_cac.toml", "Shea 2009, 388 men and women 60-80, K1 500 µg/d, 3 y",
     "CAC change −10 (−28 to 8, from the SEMs)", "calcification_score_change", "calcification score change, AU"),
)


def measure(out: Path, workers: int) -> dict:
    """Run (or resume) every trial file under ``out`` and return its figures."""
    from calcium_abm.batch import BatchError, load_results, open_batch, run_batch
    from calcium_abm.batch.analysis import summary_tables
    from calcium_abm.batch.store import model_fingerprint

    figures = {}
    for file, _, _, outcome, _ in TRIALS:
        folder = out / Path(file).stem
        try:
            run_batch(ROOT / "examples" / "batches" / file, folder, workers=workers, resume=folder.exists())
        except BatchError as exc:
            raise SystemExit(f"{file}: {exc}") from None
        batch, tables = summary_tables(open_batch(folder))
        effect = tables["effects"].set_index("outcome").loc[outcome]
        ancova = tables["ancova"].set_index("outcome").loc[outcome]
        placebo = tables["by_arm"].set_index(["arm", "outcome"]).loc[(effect["control"], outcome)]
        published = tables.get("published")
        ancova_rows = None if published is None else published[published["estimate"] == "simulated (ANCOVA)"]
        # the report's column is text: "True", "False", or "" when the trial published no CI
        inside = (None if ancova_rows is None or ancova_rows.empty
                  else {"True": True, "False": False}.get(str(ancova_rows["inside_published_ci"].iloc[0]).strip()))
        figures[file] = {"outcome": outcome, "arm": effect["arm"], "control": effect["control"],
                         "difference": float(effect["difference"]), "ci_low": float(effect["ci_low"]),
                         "ci_high": float(effect["ci_high"]), "ancova": float(ancova["difference"]),
                         "ancova_ci_low": float(ancova["ci_low"]), "ancova_ci_high": float(ancova["ci_high"]),
                         "control_mean": float(placebo["mean"]), "ancova_inside_published_ci": inside,
                         "runs": len(batch.run_ids), "runs_leaving_physiology": len(
                             load_results(folder, columns=["day"]).attrs["physiology_warnings"])}
    return {"measured": _dt.date.today().isoformat(), "model_fingerprint": model_fingerprint(),
            "command": "scripts/trial_examples.py --out DIR --workers 2 --docs", "trials": figures}


def _n(x: float) -> str:
    """One decimal, with a minus sign (−), as the table prints numbers."""
    return f"{x:.1f}".replace("-", "−")


def render(results: dict) -> str:
    """The generated block of docs/batch.md for ``results`` (the JSON's content)."""
    lines = ["| file | trial | published | simulated (full file, 32 x 32 grids) |", "|---|---|---|---|"]
    for file, trial, published, _, name in TRIALS:
        f = results["trials"][file]
        inside = {True: ", inside the published CI", False: ", outside the published CI", None: ""}[
            f["ancova_inside_published_ci"]]
        lines.append(f"| `{file}` | {trial} | {published} | {name}: {_n(f['difference'])} (95 % CI {_n(f['ci_low'])} "
                     f"to {_n(f['ci_high'])}); ANCOVA {_n(f['ancova'])} ({_n(f['ancova_ci_low'])} to "
                     f"{_n(f['ancova_ci_high'])}){inside}; {f['control']} arm {_n(f['control_mean'])} |")
    left = ", ".join(f"{results['trials'][file]['runs_leaving_physiology']} of {results['trials'][file]['runs']} "
                     f"(`{file}`)" for file, *_ in TRIALS)
    lines += ["", f"Runs that left physiology at some recorded day (e.g. serum calcium below 1.8 mmol/L; `summarize` "
              f"warns naming each): {left}."]
    lines += ["", f"Generated by `.venv/bin/python {results['command']}` on {results['measured']} (model "
              f"fingerprint {results['model_fingerprint']}, in `docs/trial_examples.json`): each file as written "
              "(`calcium-abm batch FILE --out DIR`, then `calcium-abm summarize DIR`); run it again after a change "
              "to the model. The last figure is the control arm's mean of the same outcome."]
    return "\n".join(lines) + "\n"


def rewrite_doc(results: dict, path: Path = DOC) -> None:
    text = path.read_text(encoding="utf-8")
    if not BLOCK.search(text):
        raise SystemExit(f"{path} has no '<!-- generated: trial-examples -->' block")
    path.write_text(BLOCK.sub(lambda m: m.group(1) + render(results) + m.group(3), text), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="folder for the trials' batch directories (resumed if present)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--docs", action="store_true", help="rewrite docs/batch.md's table from the JSON")
    args = parser.parse_args(argv)
    if args.out is None and not args.docs:
        parser.error("give --out DIR to measure, --docs to rewrite the table, or both")
    if args.out is not None:
        results = measure(args.out, args.workers)
        RESULTS.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {RESULTS.relative_to(ROOT)}")
    if args.docs:
        rewrite_doc(json.loads(RESULTS.read_text(encoding="utf-8")))
        print(f"rewrote the trial-examples block of {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
