"""Reading and writing result tables (Parquet or CSV, chosen by the file extension).

Writes are atomic: the table goes to a temporary file in the target directory, which is
then renamed over the target, so a crash or Ctrl-C never leaves a half-written result.
"""

from __future__ import annotations

import contextlib
import errno
import glob
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Iterator

import pandas as pd

from calcium_abm.errors import UserInputError
from calcium_abm.inputs.messages import MAX_PATH_CHARS, is_control, short_repr, shorten

__all__ = ["TABLE_FORMATS", "read_error_reason", "atomic_directory", "atomic_write", "check_output_directory", "check_output_path",
           "directory_option", "listed_files", "not_a_directory", "read_table", "remove_stale_temporaries", "unlisted_files",
           "write_table"]

#: A writer's temporary file older than this is a leftover of a killed process (seconds;
#: assumption: writing one table or figure takes far less than an hour).
STALE_TEMPORARY_S = 3600.0

#: Supported extensions -> format name.
TABLE_FORMATS = {".parquet": "parquet", ".csv": "csv"}


def _quoted(path: str | os.PathLike) -> str:
    """A path as messages show it: quoted, a very long one shortened."""
    return f"'{shorten(path, MAX_PATH_CHARS)}'"


def _format(path: Path) -> str:
    fmt = TABLE_FORMATS.get(path.suffix.lower())
    if fmt is None:
        allowed = " or ".join(TABLE_FORMATS)
        shown = shorten(path.suffix, 20) if path.suffix else "no extension"
        raise UserInputError(f"output file {_quoted(path)} has {shown}: it must end in {allowed}")
    return fmt


def read_error_reason(exc: BaseException, limit: int = 300) -> str:
    """Why a file could not be read, for a message: the first line of ``exc`` whole (a reader's reason cut at a
    fixed length read '... or this is no)'), shortened with its length only past ``limit`` characters."""
    text = str(exc).strip()
    return shorten(text.splitlines()[0] if text else type(exc).__name__, limit)


def check_output_path(path: str | os.PathLike) -> Path:
    """Check that a table can be written to ``path``; return it as a Path.

    Raises :class:`UserInputError` for an unsupported extension, a missing or unwritable
    directory, or a path that is a directory. Call it before a long run starts. A symbolic
    link is checked as the file it points to (written there, see :func:`atomic_write`).
    """
    if not str(path).strip():
        raise UserInputError(f"output file {_quoted(path)} is empty: give a file name ending in "
                             f"{' or '.join(TABLE_FORMATS)}")
    if any(is_control(ch) for ch in str(path)):  # a line break in a file name: legal, but printed and listed as two
        raise UserInputError(f"output file {_quoted(path)} has a control character (a line break, tab or the like) in "
                             "its name: give a name without one")
    if "\\" in str(path):  # legal in a POSIX name, but meant as a Windows folder it would name one odd file here
        raise UserInputError(f"output file {_quoted(path)} has a backslash (\\): on this system folders are "
                             "separated by /; give a path such as results/out.csv")
    raw, path = str(path), Path(path)
    try:
        if raw.endswith("/") or path.is_dir():  # what the path is, before what its name ends in
            what = "is a directory" if path.is_dir() else "ends in / (a directory name)"
            raise UserInputError(f"output file {_quoted(raw)} {what}: give a file name ending in "
                                 f"{' or '.join(TABLE_FORMATS)}, e.g. {_quoted(path / 'results.parquet')}")
        if not path.is_symlink():  # a link is named with its target below
            _refuse_special_file(path, _quoted(path))
        _format(path)
        return _check_output_file(path)
    except OSError as exc:  # e.g. a name longer than the file system allows
        raise UserInputError(f"output file {_quoted(path)} cannot be used: {exc.strerror or exc}") from None


def _check_output_file(path: Path) -> Path:
    if path.is_dir():
        raise UserInputError(f"output file {_quoted(path)} is a directory")
    target = _through_link(path)
    shown = _quoted(path) if target == path else f"{_quoted(path)} (a symbolic link to {_quoted(target)})"
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.exists():
        raise UserInputError(f"output file {shown}: directory {_quoted(parent)} does not exist")
    if not parent.is_dir():
        raise UserInputError(f"output file {shown}: {_quoted(parent)} is not a directory")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise UserInputError(f"output file {shown}: directory {_quoted(parent)} is not writable")
    _probe_create(parent, lambda why: f"output file {shown}: cannot create a file in directory {_quoted(parent)} ({why})")
    _refuse_special_file(target, shown)
    if target.suffix.lower() != path.suffix.lower():  # a table written through a link lands in its target
        raise UserInputError(f"output file {shown}: the table would be written into the link's target, which "
                             f"does not end in {path.suffix.lower()}: give a plain file name or a link to a "
                             f"{path.suffix.lower()} file")
    if target.exists() and not os.access(target, os.W_OK):
        raise UserInputError(f"output file {shown} exists and is not writable")
    return path


def _probe_create(directory: Path, message: Callable[[str], str]) -> None:
    """Create and remove a hidden empty file in ``directory``: permission bits do not tell
    whether a file can be made there (``/proc`` and ``/sys`` look writable to root, a read-only
    mount to everyone), so a long run is not started towards a place it cannot write."""
    try:
        fd, probe = tempfile.mkstemp(dir=directory, prefix=".calcium-abm-probe.", suffix=".tmp")
    except OSError as exc:
        # the system's word for a directory that exists but takes no new file (/proc: "No such file or
        # directory") misleads; say what it means
        why = {errno.ENOENT: "it takes no new files, as a system directory such as /proc or /sys",
               errno.EROFS: "it is on a read-only file system"}.get(exc.errno, exc.strerror or str(exc))
        raise UserInputError(message(why)) from None
    os.close(fd)
    with contextlib.suppress(OSError):
        os.unlink(probe)


def _refuse_special_file(target: Path, shown: str | None = None, *, table: bool = True) -> None:
    """A result replaces only a regular file: never a device (``/dev/null``), a FIFO or a
    socket, which a rename would destroy (raises :class:`UserInputError`). ``table``: the
    file is one of ``run``'s tables, so the message asks for a .parquet or .csv path."""
    if target.exists() and not target.is_file() and not target.is_dir():
        what = "give the path of a .parquet or .csv file to create or replace" if table else "move it away"
        raise UserInputError(f"output file {shown or _quoted(target)} is not a regular file (a device, FIFO "
                             f"or socket): {what}")


def _through_link(path: Path) -> Path:
    """``path``, or for a symbolic link the file it points to (links followed to the end).

    A result written to a link goes to the link's target and the link stays: the user
    pointed the name somewhere (a shared data folder, a file kept elsewhere), and replacing
    the link by a regular file would silently cut that tie.
    """
    if not path.is_symlink():
        return path
    try:
        os.stat(path)  # follows the links: a loop raises ELOOP, which realpath (Python >= 3.13) would not
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise UserInputError(f"output file {_quoted(path)} is a symbolic link in a loop ({exc.strerror}): "
                                 "give a file name that does not loop") from None
    return Path(os.path.realpath(path))


def directory_option(raw: str | os.PathLike, option: str = "--out", what: str = "the results") -> Path:
    """``raw`` as a Path, refusing an empty or blank name: ``Path("")`` is the current folder, so
    ``--out ""`` (an unset shell variable) would write there instead of where the user meant."""
    if not isinstance(raw, (str, os.PathLike)):  # run_batch(FILE, 5): pathlib's TypeError, naming no argument
        raise UserInputError(f"{option} {short_repr(raw, 60)} is not allowed: give a directory for {what} (a path)")
    if not str(raw).strip():
        raise UserInputError(f"{option} {str(raw)!r} is not allowed: give a directory for {what}")
    if any(is_control(ch) for ch in str(raw)):  # as for a file's name (check_output_path)
        raise UserInputError(f"{option} {_quoted(raw)} has a control character (a line break, tab or the like) in "
                             f"its name: give a directory for {what} without one")
    return Path(raw)


def not_a_directory(path: Path) -> str:
    """What ``path``, which exists and is no directory, is, in words: "a file", or "a device, FIFO or
    socket" (``--out /dev/full`` was called a file)."""
    return "a file" if path.is_file() else "a device, FIFO or socket"


def check_output_directory(path: str | os.PathLike, option: str = "--out", what: str = "the results") -> Path:
    """Check that ``path`` is, or can be made as, a writable directory; return it as a Path.

    Only the last level is ever created (as ``run --out`` needs an existing directory for
    its file): a missing parent is refused, so a typo in a path never makes a tree of
    folders. Raises :class:`UserInputError` naming ``option``. Leaves nothing behind
    (a hidden probe file is made and removed, as permission bits do not tell).
    """
    path = directory_option(path, option, what)
    if path.exists():
        if not path.is_dir():
            raise UserInputError(f"{option} '{path}' is {not_a_directory(path)}, not a directory: give a directory "
                                 f"for {what}")
        if not os.access(path, os.W_OK | os.X_OK):
            raise UserInputError(f"{option} '{path}': the directory is not writable")
        _probe_create(path, lambda why: f"{option} '{path}': cannot create a file in the directory ({why})")
        return path
    if path.is_symlink():  # a link to nothing (or a loop): mkdir's "File exists" named neither
        raise UserInputError(f"{option} '{path}' is a symbolic link to '{os.readlink(path)}', which does not exist "
                             f"(or loops): give a directory for {what}, or create the link's target first")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        problem = "is not a directory" if parent.exists() else "does not exist"
        raise UserInputError(f"{option} '{path}': directory '{parent}' {problem} (only the last level, "
                             f"'{path.name}', is created: create '{parent}' first or give another directory)")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise UserInputError(f"{option} '{path}': cannot create it, directory '{parent}' is not writable")
    _probe_create(parent, lambda why: f"{option} '{path}': cannot create it in directory '{parent}' ({why})")
    return path


def atomic_write(path: str | os.PathLike, write: Callable[[str], Any]) -> Path:
    """Call ``write(tmp)`` on a temporary file beside ``path``, then rename it to ``path``.

    If ``path`` is a symbolic link, its target is written (atomically, beside the target)
    and the link is kept. Readers never see a half-written file, and a failure or a kill leaves no partial file
    behind (the temporary file is removed; a kill can leave a hidden ``.name.*.tmp``, which the
    next write of the same file removes once it is older than :data:`STALE_TEMPORARY_S`).
    """
    given = Path(path)
    path = _through_link(given)  # a symbolic link keeps pointing at the new result
    shown = _quoted(path) if path == given else f"{_quoted(given)} (a symbolic link to {_quoted(path)})"
    if path.is_dir():  # the rename failed after a temporary file was made beside it (IsADirectoryError)
        raise UserInputError(f"output file {shown} is a directory: give a file name, e.g. {_quoted(path / 'out.png')}")
    if not path.parent.is_dir():  # mkstemp's FileNotFoundError named only the temporary file
        raise UserInputError(f"output file {shown}: directory {_quoted(path.parent)} does not exist")
    _refuse_special_file(path, shown, table=given.suffix.lower() in TABLE_FORMATS)
    remove_stale_temporaries(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; give the usual permissions
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


@contextlib.contextmanager
def atomic_directory(path: str | os.PathLike, files_list: str | None = None) -> Iterator[Path]:
    """Fill a set of files together: yield a hidden temporary directory beside ``path``;
    when the block succeeds, move every file in it into ``path`` (created if missing).

    ``files_list`` (a hidden file name, one per writer: summarize, validate; power passes none) keeps in
    ``path`` the names of the files this writer put there; the next call with the same list
    removes, once its own files are in place, those of the last set it does not write again (a
    trial's effect tables summarised over by a one-arm cohort), never a file it did not write
    (:func:`listed_files`).

    If the block fails (a full disk, an error, Ctrl-C) the temporary directory is removed
    and ``path`` is untouched: no partial set of files. Files already in ``path`` that
    the block did not write are kept; those it wrote replace the old ones, and with ``files_list``
    only files its last set wrote (a file of the user's of the same name raises). The moves are
    renames within one file system. A kill leaves a hidden ``.name.*.tmp`` directory,
    which the next call for the same ``path`` removes once it is older than
    :data:`STALE_TEMPORARY_S`.

    Raises:
        OSError: the temporary directory cannot be made (e.g. no such parent, no space), or
            a file of the set would replace a directory, a special file or (with ``files_list``) a file
            this writer did not write (then none is moved).
    """
    path = Path(path)
    anchor = path.parent
    while not anchor.exists() and anchor.parent != anchor:  # nearest existing folder: same file system
        anchor = anchor.parent
    _remove_stale_directories(anchor, path.name)
    before = listed_files(path, files_list) if files_list else set()
    tmp = Path(tempfile.mkdtemp(dir=anchor, prefix=f".{path.name}.", suffix=".tmp"))
    try:
        yield tmp
        written = {item.name for item in tmp.iterdir()}
        if files_list:
            (tmp / files_list).write_text("".join(f"{name}\n" for name in sorted(written)), encoding="utf-8")
        path.mkdir(parents=True, exist_ok=True)
        items = sorted(tmp.iterdir())
        for item in items:  # all checked before any is moved: a refused name leaves ``path`` as it was
            _refuse_occupied(path / item.name)
            if files_list and item.name not in before | {files_list}:
                _refuse_unlisted(path / item.name, files_list)
        for item in items:
            if item.is_file():
                os.chmod(item, 0o644)
            os.replace(item, path / item.name)
        for name in before - written:  # the last set's files this one did not write again
            with contextlib.suppress(OSError):  # one that cannot go stays; the new set is complete
                (path / name).unlink(missing_ok=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def listed_files(folder: Path, files_list: str) -> set[str]:
    """Names of the regular files that ``folder``'s ``files_list`` names and that are still there (none
    if the list is missing or unreadable). Only plain names count, so a list edited by hand cannot
    reach outside the folder, nor remove a folder or a link."""
    try:
        lines = (folder / files_list).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return set()
    return {name for name in lines if name and name == Path(name).name and name not in (".", "..", files_list)
            and (folder / name).is_file() and not (folder / name).is_symlink()}


def _refuse_occupied(target: Path) -> None:
    """Raise OSError naming ``target`` if a file cannot replace what is there: a directory (the
    rename fails), a device, FIFO or socket (the rename would destroy it); a link is replaced."""
    if target.is_symlink() or not target.exists() or target.is_file():
        return
    what = "a directory" if target.is_dir() else "not a regular file (a device, FIFO or socket)"
    raise OSError(errno.EEXIST, f"{_quoted(target)} is {what}, where a file of the set goes: move it away")


def _refuse_unlisted(target: Path, files_list: str) -> None:
    """Raise OSError naming ``target`` if something is there that the writer's last set did not put there (not
    in ``files_list``): a user's own ``report.md`` in the folder given to ``summarize --out`` was replaced."""
    if target.is_symlink() or target.exists():
        raise OSError(errno.EEXIST, f"{_quoted(target)} is not among the files an earlier run of this command "
                                    f"wrote there (its list, {files_list}): move it away or give another folder")


def unlisted_files(folder: str | os.PathLike, files_list: str, replaceable: Callable[[str], bool]) -> list[str]:
    """Names in ``folder`` that a writer of :func:`atomic_directory` with ``files_list`` may replace
    (``replaceable(name)``) but that its last set did not write: what that call would refuse at its end,
    for a command to refuse before its work (a whole validation ran before the report was refused)."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    listed = listed_files(folder, files_list)
    return sorted(item.name for item in folder.iterdir()
                  if item.name not in listed | {files_list} and replaceable(item.name)
                  and (item.is_file() or item.is_symlink()))


def _remove_stale_directories(folder: Path, name: str, older_than_s: float = STALE_TEMPORARY_S) -> None:
    now = time.time()
    for tmp in folder.glob(f".{glob.escape(name)}.*.tmp"):
        with contextlib.suppress(OSError):
            if tmp.is_dir() and now - tmp.lstat().st_mtime > older_than_s:
                shutil.rmtree(tmp)


def remove_stale_temporaries(path: str | os.PathLike, older_than_s: float = STALE_TEMPORARY_S) -> list[Path]:
    """Delete the hidden ``.name.*.tmp`` files :func:`atomic_write` left beside ``path`` when a
    process was killed mid-write, if older than ``older_than_s``; return those deleted.

    Younger ones may belong to a writer still at work and are kept.
    """
    path = Path(path)
    removed = []
    now = time.time()
    for tmp in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        try:
            if now - tmp.lstat().st_mtime > older_than_s:
                tmp.unlink()
                removed.append(tmp)
        except OSError:  # already gone, or not ours to delete
            continue
    return removed


def write_table(df: pd.DataFrame, path: str | os.PathLike) -> Path:
    """Write ``df`` to ``path`` (.parquet or .csv) atomically; return the path."""
    path = check_output_path(path)
    if _format(path) == "parquet":
        return atomic_write(path, lambda tmp: df.to_parquet(tmp, engine="pyarrow", index=False))
    return atomic_write(path, lambda tmp: df.to_csv(tmp, index=False))


def read_table(path: str | os.PathLike) -> pd.DataFrame:
    """Read a table written by :func:`write_table`."""
    path = Path(path)
    fmt = _format(path)
    if not path.is_file():
        raise UserInputError(f"table file '{path}' not found")
    try:
        if fmt == "parquet":
            return pd.read_parquet(path, engine="pyarrow")
        return pd.read_csv(path)
    except (OSError, ValueError) as exc:
        raise UserInputError(f"table file '{path}' cannot be read as {fmt}: {exc}") from None
