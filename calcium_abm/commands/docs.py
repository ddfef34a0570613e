"""``calcium-abm docs [--check] [--out-dir DIR]``: regenerate docs/parameters.md and
docs/outputs.md from the code, or check that the committed copies are up to date."""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from calcium_abm.errors import UserInputError

NAME = "docs"
HELP = "Regenerate docs/parameters.md and docs/outputs.md from the code (--check: only report stale files)."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if a generated file is missing or differs from the code")
    parser.add_argument("--out-dir", metavar="DIR", default=None,
                        help="folder holding the generated files (default: the repository's docs/)")


def main(args: argparse.Namespace) -> int:
    from calcium_abm.docs import DOCS_DIR, GENERATED_FILES, stale_files, write_docs

    if args.out_dir is not None and not args.out_dir.strip():
        raise UserInputError(f"--out-dir {args.out_dir!r} is empty: give an existing folder for the generated docs")
    out_dir = Path(args.out_dir) if args.out_dir is not None else DOCS_DIR
    if not out_dir.is_dir():
        what = "is not a directory" if out_dir.exists() else "does not exist"
        raise UserInputError(f"--out-dir '{out_dir}' {what}: give an existing folder for the generated docs")
    for name in GENERATED_FILES:  # a folder or FIFO in a generated file's place: named, before anything is written
        if (out_dir / name).exists() and not (out_dir / name).is_file():
            what = "a directory" if (out_dir / name).is_dir() else "not a regular file (a device, FIFO or socket)"
            raise UserInputError(f"--out-dir '{out_dir}': '{out_dir / name}' is {what}, where a generated file goes: "
                                 "move it away")
    if args.check:
        stale = stale_files(out_dir)
        if stale:
            names = ", ".join(str(out_dir / name) for name in stale)
            again = "calcium-abm docs" + ("" if args.out_dir is None else f" --out-dir {shlex.quote(args.out_dir)}")
            print(f"stale: {names} {'differs' if len(stale) == 1 else 'differ'} from the code (or "
                  f"{'is' if len(stale) == 1 else 'are'} missing); run `{again}` to regenerate "
                  f"{'it' if len(stale) == 1 else 'them'}", file=sys.stderr)
            return 1
        print(f"up to date: {', '.join(str(out_dir / n) for n in GENERATED_FILES)}")
        return 0
    try:
        changed = write_docs(out_dir)
    except OSError as exc:
        raise UserInputError(f"--out-dir '{out_dir}': cannot write the docs there ({exc.strerror})") from None
    for path in changed:
        print(f"wrote {path}")
    if not changed:
        print("docs already up to date")
    return 0
