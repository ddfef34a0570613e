"""A batch's output directory: one Parquet file per finished run plus a manifest.

Layout::

    DIR/.calcium-abm.lock        held (flock) by the batch writing the directory
    DIR/manifest.json            the batch (as validated), base scenario TOML, every run's id, seed,
                                 labels and overrides, package version and model fingerprint, time
    DIR/runs/run-<id>.parquet    one finished run (its recorded days)
    DIR/runs/part-<id>-<n>.parquet   n finished runs of summary output (a row each; <id> = the first)
    DIR/summary/                 tables and plots from `calcium-abm summarize`

Every file is written to a temporary name in the same directory and renamed into place,
so a killed batch leaves only whole files; a run's row in a file means it finished.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import errno
import functools
import hashlib
import json
import os
import platform
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

import pandas as pd

import calcium_abm
from calcium_abm.batch.columns import checked_columns, refuse_unreadable_runs, run_attrs, unreadable_run_file
from calcium_abm.batch.run_notes import RUN_ATTRS
from calcium_abm.batch.expand import sample_run_ids
from calcium_abm.inputs.messages import counted
from calcium_abm.inputs.sensitivity_keys import without_unread_method_keys
from calcium_abm.batch.spec import BatchError, BatchSpec, validate_batch
from calcium_abm.errors import UserInputError
from calcium_abm.io import atomic_write, check_output_directory, not_a_directory, read_error_reason

__all__ = ["DiskError", "LOCK", "MANIFEST", "RUNS_DIR", "StoredBatch", "batch_running", "check_output_dir", "claim_output", "disk_error", "finished_run_ids", "load_manifest", "load_results", "load_spec",
           "model_fingerprint", "open_batch", "prepare_output", "run_path", "stored_batch", "write_run", "write_runs"]

MANIFEST = "manifest.json"
RUNS_DIR = "runs"
FORMAT = "calcium-abm batch 1"
LOCK = ".calcium-abm.lock"
PART_PREFIX = "part-"  # a file of several summary runs (write_runs)


@contextlib.contextmanager
def claim_output(out_dir: str | os.PathLike) -> Iterator[Path]:
    """Hold ``out_dir`` for one batch while the block runs; BatchError if another holds it.

    The claim is an exclusive ``flock`` on ``DIR/.calcium-abm.lock``, which holds the
    owner's process id (for the message). Taking it is atomic, so two batches started
    together into one directory cannot both pass, and a second ``--resume`` beside a
    running one is refused. The kernel drops the lock when its process dies, however it
    dies, so a lock left by a killed batch is free again at once (no stale-pid guessing).
    A directory this call created is removed again if the block fails before writing
    anything else into it.
    """
    import fcntl  # lazy: POSIX only, needed only by the process that writes a batch

    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise BatchError(f"--out '{out}' is {not_a_directory(out)}, not a directory: give a directory for the batch "
                         "results")
    created = not out.exists()
    try:
        out.mkdir(exist_ok=True)  # the last level only (see check_output_dir)
        fd = os.open(out / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the path
        raise BatchError(f"--out {str(out)[:200]!r}: cannot create the directory or its lock file "
                         f"({getattr(exc, 'strerror', None) or exc})") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise BatchError(f"--out '{out}': cannot lock the directory ({exc.strerror or exc})") from None
            owner = os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "unknown"
            raise BatchError(f"--out '{out}' is in use by another batch (process {owner}) writing there now: "
                             "wait for it to end (or stop it), or give another directory") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        try:
            yield out
        except BaseException:
            if created:
                _remove_if_unused(out)
            raise
    finally:
        os.close(fd)  # releases the lock


def run_path(out_dir: str | os.PathLike, run_id: str) -> Path:
    """Where run ``run_id``'s Parquet file lives."""
    return Path(out_dir) / RUNS_DIR / f"run-{run_id}.parquet"


def write_run(out_dir: str | os.PathLike, run_id: str, frame: pd.DataFrame) -> Path:
    """Write one finished run atomically (temp file in the same directory, then rename)."""
    return atomic_write(run_path(out_dir, run_id), lambda tmp: frame.to_parquet(tmp, engine="pyarrow", index=False))


def write_runs(out_dir: str | os.PathLike, results: list[tuple[str, pd.DataFrame]]) -> Path:
    """Write several finished runs of summary output (one row each) to one Parquet file,
    atomically, named after the first run (``runs/part-<run_id>-<n>.parquet``); its metadata
    maps each run id to its physiology warnings (and calibration warnings and notes). One file per run cost ~10-25
    ms of Parquet encoding per run in the parent (bench/batch.py); a file of many rows costs about as much as one."""
    frame = pd.concat([f for _, f in results], ignore_index=True)
    frame.attrs = {key: {rid: list(f.attrs[key]) for rid, f in results if f.attrs.get(key)}
                   for key in RUN_ATTRS}
    path = Path(out_dir) / RUNS_DIR / f"{PART_PREFIX}{results[0][0]}-{len(results)}.parquet"
    return atomic_write(path, lambda tmp: frame.to_parquet(tmp, engine="pyarrow", index=False))


def _read_parts(out_dir: str | os.PathLike) -> dict[Path, Any]:
    """Every summary part file of a batch directory, read whole (a row per run: small), as
    path -> pyarrow Table; BatchError naming a file that cannot be read."""
    import pyarrow as pa  # lazy, as in load_results
    import pyarrow.parquet as pq

    parts = {}
    for path in sorted((Path(out_dir) / RUNS_DIR).glob(f"{PART_PREFIX}*.parquet")):
        try:
            parts[path] = pq.read_table(path)
            parts[path].column("run_id")
        except (OSError, pa.ArrowException, ValueError, KeyError) as exc:
            raise unreadable_run_file(path, exc) from None
    return parts


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


def stored_batch(spec: BatchSpec) -> dict[str, Any]:
    """The batch as the manifest keeps it: the fields the file gave, as validated, and no default, since a
    default can depend on whether a field was given (a sweep's outcomes; a CKD stage [set] fixes unless
    ``ckd_stage_probabilities`` draws it): stored, a sweep got a cohort's outcomes and [set] ckd_stage was refused."""
    return spec.model_dump(mode="json", exclude_unset=True)


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
        "batch": stored_batch(spec),
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


def _remove_if_unused(out: Path) -> None:
    """Remove a directory that holds nothing but the lock file and an empty runs/."""
    runs = out / RUNS_DIR
    with contextlib.suppress(OSError):
        if {p.name for p in out.iterdir()} <= {LOCK, RUNS_DIR} and not (runs.is_dir() and any(runs.iterdir())):
            if runs.is_dir():
                runs.rmdir()
            (out / LOCK).unlink()
            out.rmdir()


def check_output_dir(out_dir: str | os.PathLike, resume: bool) -> Path:
    """Refuse an ``--out`` that is a file, or not empty (without ``resume``), or missing, or not
    empty and without a manifest (with ``resume``). Writes nothing: called before the directory
    is claimed (so a refusal leaves no lock file) and again, under the claim, by
    :func:`prepare_output`."""
    try:
        out = check_output_directory(out_dir, "--out", "the batch results")  # only the last level is made
    except UserInputError as exc:
        raise BatchError(str(exc)) from None
    if resume and not out.exists():
        raise BatchError(f"--out '{out}': nothing to resume: the directory does not exist; run without "
                         "--resume to start the batch")
    try:
        entries = sorted(p.name for p in out.iterdir() if p.name != LOCK) if out.is_dir() else []
    except OSError as exc:
        raise BatchError(f"--out '{out}': cannot list the directory ({exc.strerror or exc})") from None
    if entries and not resume:
        raise BatchError(f"--out '{out}' is not empty ({counted(len(entries), 'entry')}, e.g. '{entries[0]}'): "
                         "use --resume (resume=True in run_batch) to finish the batch stored there, or give another directory")
    if entries and not (out / MANIFEST).is_file():
        raise BatchError(f"--out '{out}' is not empty and has no {MANIFEST}, so it is not a batch "
                         "directory and cannot be resumed: give another directory")
    return out


def prepare_output(out_dir: str | os.PathLike, spec: BatchSpec, runs: list, resume: bool) -> set[str]:
    """Create (or, with ``resume``, check) the output directory; return the finished run ids.

    Without ``resume`` the directory must be new or empty. With ``resume`` its manifest
    must list exactly these runs (the same batch file, seeds and package behaviour); what only the summary
    reads (``[analysis]``, the name) is taken from this file (a changed analysis was kept as stored, silently).
    Leftover temporary files from a killed batch are removed.
    """
    out = check_output_dir(out_dir, resume)
    manifest_path = out / MANIFEST
    try:
        (out / RUNS_DIR).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BatchError(f"--out '{out}': cannot create the directory ({exc.strerror})") from None
    if not os.access(out / RUNS_DIR, os.W_OK | os.X_OK):
        raise BatchError(f"--out '{out}': the directory is not writable")
    new = _manifest_data(spec, runs, _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"))
    if manifest_path.is_file():
        old = load_manifest(out)
        old_ids, new_ids = ([(r["run_id"], r.get("labels")) for r in m["runs"]] for m in (old, json.loads(json.dumps(new))))
        if old_ids != new_ids:
            n = len({i for i, _ in old_ids} ^ {i for i, _ in new_ids})  # 0: a renamed arm (its runs keep their ids)
            raise BatchError(f"--out '{out}' holds a different batch ('{old.get('name')}', {len(old_ids)} runs; this "
                             f"file has {len(new_ids)} runs, " + (f"{n} not shared" if n else "the same under other "
                             "labels, such as an arm's name") + "): --resume only "
                             "finishes the same batch file; give another directory")
        old_model = old.get("model_fingerprint")  # absent in manifests of calcium-abm before it was added
        if old_model is not None and old_model != new["model_fingerprint"]:
            raise BatchError(f"--out '{out}' was started with different calcium-abm code (model fingerprint "
                             f"{old_model}, this installation {new['model_fingerprint']}): resuming would mix "
                             "results of two models; finish it with the code that started it, or give another "
                             "directory")
        if old.get("batch") != new["batch"]:  # the same runs: only what summarize reads changed ([analysis], name)
            text = json.dumps({**old, "name": new["name"], "batch": new["batch"]}, indent=1, ensure_ascii=False)
            atomic_write(manifest_path, lambda tmp: Path(tmp).write_text(text, "utf-8"))
    else:
        text = json.dumps(new, indent=1, ensure_ascii=False)
        atomic_write(manifest_path, lambda tmp: Path(tmp).write_text(text, "utf-8"))
    for pattern in (".run-*.tmp", f".{PART_PREFIX}*.tmp"):  # from files in the writing when killed
        for leftover in (out / RUNS_DIR).glob(pattern):
            leftover.unlink(missing_ok=True)
    finished = finished_run_ids(out, (r.run_id for r in runs))
    refuse_unreadable_runs(run_path(out, rid) for rid in sorted(finished))
    return finished


def finished_run_ids(out_dir: str | os.PathLike, run_ids: Iterable[str], parts: dict[Path, Any] | None = None) -> set[str]:
    """The ids whose Parquet file exists or that a summary part file holds (a file exists only
    once it is complete); ``parts``: the part files already read (:func:`_read_parts`)."""
    ids = set(run_ids)
    parts = _read_parts(out_dir) if parts is None else parts
    in_parts = {rid for table in parts.values() for rid in table.column("run_id").to_pylist()}
    return {rid for rid in ids if rid in in_parts or run_path(out_dir, rid).is_file()}


#: A manifest larger than this is refused (bytes; assumption: 1,000,000 runs take ~300 MB).
MAX_MANIFEST_BYTES = 1 << 30
_RUN_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")  # a run id is also part of a file name


def _manifest_problem(data: Any) -> str | None:
    """What is wrong with a parsed manifest's shape, or None."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return f"it is not a calcium-abm batch manifest (format {FORMAT!r})"
    if data.get("output") not in ("daily", "summary"):
        return f"'output' is {data.get('output')!r}; allowed are 'daily' and 'summary'"
    if not isinstance(data.get("batch"), dict):
        return "'batch' (the batch file as validated) is missing or not a table"
    for key in ("name", "package_version", "created"):
        if not isinstance(data.get(key), str):
            return f"{key!r} is missing or not text"
    runs = data.get("runs")
    if not isinstance(runs, list):
        return "'runs' is missing or not a list"
    for i, run in enumerate(runs):
        if not isinstance(run, dict) or not isinstance(run.get("run_id"), str) or not _RUN_ID.match(run["run_id"]):
            return f"runs[{i}] has no valid 'run_id' (letters, digits, '_' or '-', at most 64)"
        if not isinstance(run.get("labels"), dict):
            return f"runs[{i}].labels is missing or not a table"
    if data["batch"].get("sensitivity") is not None and "sample_run_ids" not in data:
        return "a sensitivity batch without 'sample_run_ids'"
    if "sample_run_ids" in data and not (isinstance(data["sample_run_ids"], list)
                                         and all(isinstance(r, str) for r in data["sample_run_ids"])):
        return "'sample_run_ids' is not a list of run ids"
    return None


def load_manifest(out_dir: str | os.PathLike) -> dict[str, Any]:
    """The batch directory's manifest (raises BatchError if it is missing, not a regular file, larger than
    :data:`MAX_MANIFEST_BYTES`, not JSON or not shaped like a manifest). 5, None: pathlib's TypeError."""
    if not (path_like := isinstance(out_dir, (str, os.PathLike))) or not Path(out_dir).is_dir():
        what = "does not exist" if path_like and not os.path.lexists(out_dir) else "is not a directory"
        raise BatchError(f"'{out_dir}' {what}: give the --out directory of a batch")
    path = Path(out_dir) / MANIFEST
    try:
        info = path.stat()
    except FileNotFoundError:
        raise BatchError(f"'{out_dir}' has no {MANIFEST}: it is not a batch directory") from None
    except OSError as exc:
        raise BatchError(f"'{path}' cannot be read: {exc.strerror or exc}") from None
    # a FIFO or device would block or never end: refused before it is opened (st_size is
    # only meaningful for a regular file)
    if not stat.S_ISREG(info.st_mode):
        raise BatchError(f"'{path}' is not a regular file (a directory, device, pipe or socket), so it "
                         "cannot be a batch manifest")
    if info.st_size > MAX_MANIFEST_BYTES:
        raise BatchError(f"'{path}' is {info.st_size:,} bytes, more than the {MAX_MANIFEST_BYTES:,} a batch "
                         "manifest may be")
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError, RecursionError) as exc:  # ValueError includes UnicodeDecodeError
        raise BatchError(f"'{path}' cannot be read: {read_error_reason(exc)}") from None
    problem = _manifest_problem(data)
    if problem is not None:
        raise BatchError(f"'{path}' is broken: {problem}; it cannot be summarised or resumed")
    return data


def load_spec(manifest: dict[str, Any]) -> BatchSpec:
    """The batch file stored in a manifest, validated again."""
    return validate_batch(without_unread_method_keys(manifest["batch"]), origin="manifest batch")


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
    parts: dict[Path, Any] = field(default_factory=dict, repr=False)  # summary part files, read once

    @property
    def run_ids(self) -> list[str]:
        """Every run's id, in run order (finished or not)."""
        return [r["run_id"] for r in self.manifest["runs"]]

    @property
    def output(self) -> str:
        """``"daily"`` (a row per recorded day) or ``"summary"`` (a row per run)."""
        return self.manifest["output"]

    @property
    def missing(self) -> list[str]:
        """The ids of the runs not finished (the batch was stopped, or a run failed), in run order."""
        return [rid for rid in self.run_ids if rid not in self.finished]

    def missing_note(self) -> str | None:
        """How many runs are missing and how to finish them (or, while a batch still holds the folder's lock, that
        it is still running: ``--resume`` would be refused), one sentence; None when every run finished.
        What reads an incomplete batch (``summarize``, ``power``) says so once with it."""
        missing, total = len(self.missing), len(self.run_ids)
        if not missing:
            return None
        if batch_running(self.directory):
            return (f"'{self.directory}' is still running (a batch holds its lock, {LOCK}): {missing} of {total} runs "
                    "have not finished yet; summarise it again when the batch has ended")
        return (f"'{self.directory}' is incomplete: {missing} of {total} runs are missing (the batch was stopped "
                f"before they finished); continue it with `calcium-abm batch FILE --out {self.directory} --resume` "
                "(FILE: its batch file)")


def batch_running(out_dir: str | os.PathLike) -> bool:
    """True while a batch holds ``out_dir``'s lock (:func:`claim_output`): a shared ``flock`` probe, released at
    once."""
    import fcntl  # lazy, as in claim_output

    try:
        fd = os.open(Path(out_dir) / LOCK, os.O_RDONLY)
    except (OSError, ValueError):  # no lock file: no batch ever held it
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        return False
    except OSError as exc:
        return exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES)
    finally:
        os.close(fd)  # releases the probe's lock


def open_batch(out_dir: str | os.PathLike | StoredBatch) -> StoredBatch:
    """Read a batch directory's manifest (once) and list its finished runs.

    Raises:
        BatchError: the directory or its manifest is missing or broken.
    """
    if isinstance(out_dir, StoredBatch):
        return out_dir
    manifest = load_manifest(out_dir)
    ids = [r["run_id"] for r in manifest["runs"]]
    parts = _read_parts(out_dir)
    return StoredBatch(Path(out_dir), manifest, load_spec(manifest), frozenset(finished_run_ids(out_dir, ids, parts)),
                       parts)


def load_results(out_dir: str | os.PathLike | StoredBatch, columns: list[str] | None = None) -> pd.DataFrame:
    """The finished runs of a batch directory as one DataFrame, in run order; its
    ``attrs["physiology_warnings"]`` maps each run id that left physiology to its warnings, and
    ``attrs["calibration_warnings"]`` / ``attrs["notes"]`` each run id to what ``run`` would print of it.

    Args:
        out_dir: the batch directory, or a :class:`StoredBatch` already opened.
        columns: limits what is read (the label columns ``run_index``/``run_id`` are
            always included).

    Raises:
        BatchError: no run has finished.
    """
    import pyarrow as pa  # lazy: needed to read results, not by the worker processes that import this module
    import pyarrow.parquet as pq  # (lazy, as above)

    batch = open_batch(out_dir)
    if not batch.finished:
        then = ("it is still running; wait for a run to finish" if batch_running(batch.directory) else "continue the "
                f"batch with `calcium-abm batch FILE --out {batch.directory} --resume` (FILE: its batch file)")
        raise BatchError(f"'{batch.directory}' has no finished runs yet (0 of {len(batch.run_ids)}): {then}")
    if columns is not None:  # checked first: an unknown name fails the reader, which blames the file
        columns = checked_columns(columns, batch.parts, [run_path(batch.directory, r) for r in batch.finished])
    def read(path: Path):
        try:
            return pq.read_table(path, columns=columns)
        except (OSError, pa.ArrowException, ValueError) as exc:
            raise unreadable_run_file(path, exc) from None

    rows, said, files = {}, {key: {} for key in RUN_ATTRS}, {}  # run id -> its rows, its warnings and notes, its file
    for path, table in batch.parts.items():
        table = table.select(columns) if columns is not None else table
        for key in RUN_ATTRS:
            said[key].update((rid, texts) for rid, texts in run_attrs(table.schema.metadata, key, {}).items() if texts)
        for i, rid in enumerate(table.column("run_id").to_pylist()):
            rows[rid], files[rid] = table.slice(i, 1), path
    tables = []
    for rid in batch.run_ids:
        if rid not in batch.finished:
            continue
        if rid not in rows:
            files[rid] = run_path(batch.directory, rid)
            rows[rid] = read(files[rid])
            for key in RUN_ATTRS:
                if texts := run_attrs(rows[rid].schema.metadata, key, []):
                    said[key][rid] = texts
        table = rows[rid]
        if tables and table.schema != tables[0].schema:
            raise BatchError(f"run file '{files[rid]}' has other columns than the batch's other runs: "
                             "delete it and finish the batch with --resume")
        tables.append(table)
    if "run_index" not in tables[0].schema.names:
        raise BatchError(f"'{batch.directory}': the run files have no run_index column, so they were not "
                         "written by calcium-abm batch")
    frame = pa.concat_tables(tables).to_pandas()
    frame.attrs = {key: {rid: texts for rid, texts in said[key].items() if rid in batch.finished} for key in RUN_ATTRS}
    return frame


class DiskError(BatchError):
    """A write into ``--out`` failed; :meth:`removed` words it for a directory removed again."""

    def __init__(self, text: str, start: str) -> None:
        super().__init__(text)
        self.start = start

    def removed(self) -> BatchError:
        return BatchError(f"{self.start}; nothing is saved (the new directory was removed again): free space "
                          "(or fix the cause), then run the batch again")


def disk_error(out_dir, what: str, exc: OSError, saved: int) -> DiskError:
    reason = exc.strerror or str(exc) or type(exc).__name__
    start = f"--out '{out_dir}': cannot write {what}: {reason}"
    runs = "1 finished run is" if saved == 1 else f"{saved} finished runs are"
    return DiskError(f"{start}; {runs} saved there: free space (or fix the directory), then continue with "
                      "--resume", start)
