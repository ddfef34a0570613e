"""The ``calcium-abm`` command line.

Subcommands are discovered automatically: every module in :mod:`calcium_abm.commands`
(see that package's docstring for the contract) becomes one. A user's mistake
(:class:`~calcium_abm.errors.UserInputError`) prints ``error: <message>`` on stderr and
exits with status 2, as argparse does for bad options; Ctrl-C exits with 130, also when
it arrived inside compiled code (:mod:`calcium_abm.interrupts`).
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import re
import select
import sys
from importlib.metadata import PackageNotFoundError, version
from types import ModuleType

from calcium_abm.errors import UserInputError
from calcium_abm.interrupts import interruption

_CONTRACT = ("NAME", "HELP", "add_arguments", "main")


def _version() -> str:
    try:
        return version("calcium-abm")
    except PackageNotFoundError:  # running from a source tree that is not installed
        import tomllib
        from pathlib import Path

        pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
        try:
            return tomllib.loads(pyproject.read_text("utf-8"))["project"]["version"]
        except (OSError, KeyError, tomllib.TOMLDecodeError):
            return "unknown"


def command_modules() -> list[ModuleType]:
    """The modules of :mod:`calcium_abm.commands`, sorted by module name."""
    from calcium_abm import commands

    modules = []
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        missing = [attr for attr in _CONTRACT if not hasattr(module, attr)]
        if missing:
            raise RuntimeError(
                f"command module {module.__name__} lacks {', '.join(missing)} "
                "(see calcium_abm/commands/__init__.py)"
            )
        modules.append(module)
    return modules


class _StoreOnce(argparse._StoreAction):
    """An option that takes one value refuses a second, different one (``--out a.csv --out b.csv`` wrote b.csv
    alone, without a word, where a key given twice in ``--set`` is refused)."""

    def __call__(self, parser, namespace, values, option_string=None):
        given = namespace.__dict__.setdefault("_options_given", {})
        if option_string is not None and self.dest in given and given[self.dest] != values:
            parser.error(f"{option_string} is given twice ({given[self.dest]!r} and {values!r}): give it once")
        given[self.dest] = values
        super().__call__(parser, namespace, values, option_string)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="calcium-abm",
        description="Agent-based simulator of the bone-vascular calcium paradox.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    seen: dict[str, str] = {}
    for module in command_modules():
        if module.NAME in seen:
            raise RuntimeError(
                f"command {module.NAME!r} defined by both {seen[module.NAME]} and {module.__name__}"
            )
        seen[module.NAME] = module.__name__
        cmd = sub.add_parser(module.NAME, help=module.HELP, description=module.HELP)
        cmd.register("action", None, _StoreOnce)
        cmd.register("action", "store", _StoreOnce)
        module.add_arguments(cmd)
        cmd.set_defaults(_command_main=module.main)
    return parser


def _stdout_is_a_closed_pipe() -> bool:
    """True if standard output is a pipe whose reader has gone (``| head``): poll reports an error."""
    try:
        poll = select.poll()
        poll.register(sys.stdout.fileno(), select.POLLOUT)
        return any(events & select.POLLERR for _, events in poll.poll(0))
    except (OSError, ValueError, AttributeError):  # no file descriptor (captured), or no poll
        return False


def _negative_values_joined(argv: list[str]) -> list[str]:
    """``--opt -5,10`` as ``--opt=-5,10``: argparse takes a value that starts with ``-`` and is no plain number for
    an option and prints its usage, where the option's own check names the value and what is allowed."""
    out: list[str] = []
    for i, token in enumerate(argv):
        if token == "--":  # the rest are positional, as written
            return [*out, *argv[i:]]
        if out and out[-1].startswith("--") and "=" not in out[-1] and re.fullmatch(r"-[\d.][\d.,eE+-]*", token):
            out[-1] = f"{out[-1]}={token}"
        else:
            out.append(token)
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(_negative_values_joined(sys.argv[1:] if argv is None else argv))
    except SystemExit as exc:  # argparse: --help/--version (0) or a usage error (2)
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    vars(args).pop("_options_given", None)
    try:
        return int(args._command_main(args) or 0)
    except UserInputError as exc:  # input echoed in it cannot drive the terminal; its line breaks stay
        from calcium_abm.inputs.messages import printable

        print(f"error: {printable(exc, keep=chr(10))}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:  # e.g. `calcium-abm scenarios | head -1`; before Exception, which it is
        if not _stdout_is_a_closed_pipe():
            raise  # another pipe or socket broke (a worker, a cluster): not the reader's choice
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no 2nd error at exit
        return 0
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a signal that landed inside a numba kernel arrives wrapped
        stop = interruption(exc)
        if stop is None:
            raise
        if isinstance(stop, KeyboardInterrupt):
            print("\ninterrupted", file=sys.stderr)
            return 130
        raise stop from None  # the SIGTERM handler's exit (status 143)


if __name__ == "__main__":
    sys.exit(main())
