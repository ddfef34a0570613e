"""A batch's output directory: one Parquet file per finished run plus a manifest.

Layout::

    DIR/manifest.json            the batch (as validated), base scenario TOML, every run's
                                 id, seed, labels and overrides, package version and
                                 model fingerprint, time
    DIR/runs/run-<id>.parquet    one finished run (its recorded days, or one summary row)
    DIR/summary/                 tables and plots from `calcium-abm summarize`

Every file is written to a temporary name in the same directory and renamed into place,
so a killed batch leaves only whole files; a run's file existing means it finished.
"""

from __future__ import annotations

import datetime as _dt
import functools
import hashlib
import json
import os
import platform
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import pandas as pd

import calcium_abm
from calcium_abm.batch.expand import sample_run_ids
from calcium_abm.batch.spec import BatchError, BatchSpec, validate_batch
from calcium_abm.io import atomic_write

__all__ = ["MANIFEST", "RUNS_DIR", "StoredBatch", "finished_run_ids", "load_manifest", "load_results", "load_spec",
           "model_fingerprint", "open_batch", "prepare_output", "run_path", "write_run"]

MANIFEST = "manifest.json"
RUNS_DIR = "runs"
FORMAT = "calcium-abm batch 1"


def run_path(out_dir: str | os.PathLike, run_id: str) -> Path:
    """Where run ``run_id``'s Parquet file lives."""
    return Path(out_dir) / RUNS_DIR / f"run-{run_id}.parquet"


def write_run(out_dir: str | os.PathLike, run_id: str, frame: pd.DataFrame) -> Path:
    """Write one finished run atomically (temp file in the same directory, then rename)."""
    return atomic_write(run_path(out_dir, run_id), lambda tmp: frame.to_parquet(tmp, engine="pyarrow", index=False))


#: package parts that cannot change a run's numbers (the CLI, docs and validation front ends)
_NOT_IN_FINGERPRINT = ("commands/", "validation/", "cli.py", "docs.py", "markdown.py")


@functools.lru_cache(maxsize=1)
def model_fingerprint() -> str:
    """SHA-256 (first 16 hex digits) of the package's source files that compute a run: the
    model, its physiology, scenarios handling and the batch code. Stored in the manifest so
    that ``--resume`` refuses to mix results of two different models of the same version."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        if rel.startswith(_NOT_IN_FINGERPRINT) or "__pycache__" in rel:
            continue
        digest.update(rel.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def _manifest_data(spec: BatchSpec, runs: list, created: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "format": FORMAT,
        "package_version": calcium_abm.__version__,
        "model_fingerprint": model_fingerprint(),
        "python": platform.python_version(),
        "created": created,
        "name": spec.name,
        "kind": spec.kind,
        "output": spec.output,
        "batch": spec.model_dump(mode="json"),
        "base_scenario_toml": spec.base_scenario().to_toml(),
        "runs": [{"index": r.index, "run_id": r.run_id, "seed": r.seed,
                  "labels": {k: v for k, v in r.labels.items() if k not in ("run_index", "run_id", "seed")},
                  "overrides": r.overrides} for r in runs],
    }
    if getattr(runs, "screening", None) is not None:  # a cohort's screened / excluded / randomised counts
        data["screening"] = runs.screening
    if spec.sensitivity is not None:
        data["sample_run_ids"] = sample_run_ids(spec, runs)
    return data


def prepare_output(out_dir: str | os.PathLike, spec: BatchSpec, runs: list, resume: bool) -> set[str]:
    """Create (or, with ``resume``, check) the output directory; return the finished run ids.

    Without ``resume`` the directory must be new or empty. With ``resume`` its manifest
    must list exactly these runs (the same batch file, seeds and package behaviour).
    Leftover temporary files from a killed batch are removed.
    """
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise BatchError(f"--out '{out}' is a file, not a directory: give a directory for the batch results")
    entries = sorted(p.name for p in out.iterdir()) if out.is_dir() else []
    manifest_path = out / MANIFEST
    if entries and not resume:
        raise BatchError(f"--out '{out}' is not empty ({len(entries)} entries, e.g. '{entries[0]}'): "
                         "use --resume to finish the batch stored there, or give another directory")
    if entries and not manifest_path.is_file():
        raise BatchError(f"--out '{out}' is not empty and has no {MANIFEST}, so it is not a batch "
                         "directory and cannot be resumed: give another directory")
    try:
        (out / RUNS_DIR).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BatchError(f"--out '{out}': cannot create the directory ({exc.strerror})") from None
    if not os.access(out / RUNS_DIR, os.W_OK | os.X_OK):
        raise BatchError(f"--out '{out}': the directory is not writable")
    new = _manifest_data(spec, runs, _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"))
    if manifest_path.is_file():
        old = load_manifest(out)
        old_ids = [r["run_id"] for r in old["runs"]]
        new_ids = [r.run_id for r in runs]
        if old_ids != new_ids:
            differ = len(set(old_ids) ^ set(new_ids))
            raise BatchError(f"--out '{out}' holds a different batch ('{old.get('name')}', {len(old_ids)} runs; "
                             f"this file has {len(new_ids)} runs, {differ} not shared): --resume only "
                             "finishes the same batch file; give another directory")
        old_model = old.get("model_fingerprint")  # absent in manifests of calcium-abm before it was added
        if old_model is not None and old_model != new["model_fingerprint"]:
            raise BatchError(f"--out '{out}' was started with different calcium-abm code (model fingerprint "
                             f"{old_model}, this installation {new['model_fingerprint']}): resuming would mix "
                             "results of two models; finish it with the code that started it, or give another "
                             "directory")
    else:
        text = json.dumps(new, indent=1, ensure_ascii=False)
        atomic_write(manifest_path, lambda tmp: Path(tmp).write_text(text, "utf-8"))
    for leftover in (out / RUNS_DIR).glob(".run-*.tmp"):  # from runs in flight when killed
        leftover.unlink(missing_ok=True)
    return finished_run_ids(out, (r.run_id for r in runs))


def finished_run_ids(out_dir: str | os.PathLike, run_ids: Iterable[str]) -> set[str]:
    """The ids whose Parquet file exists (a file exists only once it is complete)."""
    return {rid for rid in run_ids if run_path(out_dir, rid).is_file()}


def load_manifest(out_dir: str | os.PathLike) -> dict[str, Any]:
    """The batch directory's manifest (raises BatchError if it is missing or broken)."""
    path = Path(out_dir) / MANIFEST
    if not Path(out_dir).is_dir():
        raise BatchError(f"'{out_dir}' is not a directory: give the --out directory of a batch")
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise BatchError(f"'{out_dir}' has no {MANIFEST}: it is not a batch directory") from None
    except (OSError, ValueError) as exc:
        raise BatchError(f"'{path}' cannot be read: {exc}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BatchError(f"'{path}' is not a calcium-abm batch manifest (format {FORMAT!r})")
    return data


def load_spec(manifest: dict[str, Any]) -> BatchSpec:
    """The batch file stored in a manifest, validated again."""
    return validate_batch(manifest["batch"], origin="manifest batch")


@dataclass(frozen=True)
class StoredBatch:
    """A batch directory read once: its manifest, the batch it holds and the finished runs.

    Made by :func:`open_batch`; the analysis functions take it so that a summary reads
    ``manifest.json`` once and each run's Parquet file once.
    """

    directory: Path
    manifest: dict[str, Any] = field(repr=False)
    spec: BatchSpec = field(repr=False)
    finished: frozenset[str] = field(repr=False)

    @property
    def run_ids(self) -> list[str]:
        """Every run's id, in run order (finished or not)."""
        return [r["run_id"] for r in self.manifest["runs"]]

    @property
    def output(self) -> str:
        """``"daily"`` (a row per recorded day) or ``"summary"`` (a row per run)."""
        return self.manifest["output"]


def open_batch(out_dir: str | os.PathLike | StoredBatch) -> StoredBatch:
    """Read a batch directory's manifest (once) and list its finished runs.

    Raises:
        BatchError: the directory or its manifest is missing or broken.
    """
    if isinstance(out_dir, StoredBatch):
        return out_dir
    manifest = load_manifest(out_dir)
    ids = [r["run_id"] for r in manifest["runs"]]
    return StoredBatch(Path(out_dir), manifest, load_spec(manifest), frozenset(finished_run_ids(out_dir, ids)))


def load_results(out_dir: str | os.PathLike | StoredBatch, columns: list[str] | None = None) -> pd.DataFrame:
    """The finished runs of a batch directory as one DataFrame, in run order.

    Args:
        out_dir: the batch directory, or a :class:`StoredBatch` already opened.
        columns: limits what is read (the label columns ``run_index``/``run_id`` are
            always included).

    Raises:
        BatchError: no run has finished.
    """
    # lazy: pyarrow is needed to read results, not by the worker processes that import this module
    import pyarrow as pa
    import pyarrow.parquet as pq  # (lazy, as above)

    batch = open_batch(out_dir)
    if not batch.finished:
        raise BatchError(f"'{batch.directory}' has no finished runs yet: run "
                         f"`calcium-abm batch FILE --out {batch.directory}`")
    if columns is not None:
        columns = list(dict.fromkeys(["run_index", "run_id", *columns]))
    tables = [pq.read_table(run_path(batch.directory, rid), columns=columns)
              for rid in batch.run_ids if rid in batch.finished]
    return pa.concat_tables(tables).to_pandas()
