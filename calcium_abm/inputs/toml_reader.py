"""The one reader of user TOML: scenario files, batch files, uploads and ``--set`` values.

It reads data only (:mod:`tomllib` never runs code) and turns every way a file can be bad
into one :class:`~calcium_abm.errors.UserInputError` naming the file and, where there is
one, the key:

* not a regular file (a directory, a device such as ``/dev/zero``, a FIFO): refused by
  ``stat.S_ISREG`` on the opened descriptor before anything is read (a FIFO is opened
  non-blocking, so it cannot hang the reader);
* larger than the limit: at most ``limit + 1`` bytes are ever read;
* not UTF-8, not TOML, a key given twice (the message names the key);
* an integer of more than 4,300 digits (Python's int-conversion limit) and nesting deeper
  than :data:`MAX_NESTING` levels (which would otherwise end in a ``RecursionError``).
"""

from __future__ import annotations

import math
import os
import re
import stat
import sys
import tomllib
from collections.abc import Mapping
from typing import Any

from calcium_abm.errors import UserInputError
from calcium_abm.inputs.messages import MAX_PATH_CHARS, TypedNumber, fmt_bytes, shorten

__all__ = ["MAX_NESTING", "MAX_INT_DIGITS", "nesting_problem", "parse_toml", "parse_toml_value", "read_limited"]

#: Tables and lists nested deeper than this are refused (the schema needs 3 levels).
MAX_NESTING = 16
#: Python refuses to convert longer integers (``sys.get_int_max_str_digits``).
MAX_INT_DIGITS = sys.get_int_max_str_digits() or 4300
_LONG_INT = re.compile(r"[0-9][0-9_]{%d,}" % (MAX_INT_DIGITS - 1))
_KEY_LINE = re.compile(r"""^\s*((?:[A-Za-z0-9_-]+|"[^"\n]*"|'[^'\n]*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"\n]*"|'[^'\n]*'))*)\s*=""")
_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]#]+?)\s*\]\]?\s*(#.*)?$")


def _parse_float(text: str) -> float:
    """A TOML float; one too large for a float (``1e400``) is ±inf remembering its text
    (:class:`.messages.TypedNumber`), so a message shows ``1e400`` rather than ``inf``."""
    value = float(text)
    if math.isinf(value) and "inf" not in text.lower():
        value = TypedNumber(value, text)
    return value


def _unquote(dotted: str) -> str:
    parts = re.findall(r"""[A-Za-z0-9_-]+|"[^"\n]*"|'[^'\n]*'""", dotted)
    return ".".join(p[1:-1] if p[0] in "\"'" else p for p in parts)


def _line_key(line: str) -> str | None:
    m = _KEY_LINE.match(line)
    return _unquote(m.group(1)) if m else None


def _duplicate_key(text: str) -> tuple[str, int] | None:
    """The first key given twice in a table, and its line (a line scan, best effort)."""
    seen: set[str] = set()
    table = ""
    for number, line in enumerate(text.split("\n"), start=1):
        header = _HEADER.match(line)
        if header:
            table = _unquote(header.group(2))
            if header.group(1) == "[[":  # a new array item: its keys start afresh
                seen = {k for k in seen if not k.startswith(table + ".")}
            continue
        key = _line_key(line)
        if key is None:
            continue
        full = f"{table}.{key}" if table else key
        if full in seen:
            return full, number
        seen.add(full)
    return None


def _where(text: str, pattern: re.Pattern[str]) -> str:
    """``" (key 'x', line 3)"`` for the first line matching ``pattern``, else ``""``."""
    for number, line in enumerate(text.split("\n"), start=1):
        if pattern.search(line):
            key = _line_key(line)
            return f" (key '{key}', line {number})" if key else f" (line {number})"
    return ""


def _deepest(text: str) -> str:
    """``" (key 'x', line 3)"`` for the line where brackets first nest too deeply (a count
    of ``[``/``{`` against ``]``/``}``, strings ignored roughly; for messages only)."""
    depth = 0
    for number, line in enumerate(text.split("\n"), start=1):
        for ch in line:
            depth += 1 if ch in "[{" else -1 if ch in "]}" else 0
            if depth > MAX_NESTING:
                key = _line_key(line)
                return f" (key '{key}', line {number})" if key else f" (line {number})"
    return ""


def nesting_problem(table: Any, limit: int = MAX_NESTING) -> str | None:
    """A message naming the first value nested deeper than ``limit`` levels, else None.

    Walks without recursion, so any depth is safe to inspect.
    """
    stack: list[tuple[Any, tuple[str, ...]]] = [(table, ())]
    while stack:
        value, path = stack.pop()
        if len(path) > limit:
            shown = ".".join(path[:4]) + (".…" if len(path) > 4 else "")
            return (f"'{shown}' is nested {len(path)} levels deep or more: at most {limit} levels "
                    "of tables and lists are allowed")
        if isinstance(value, Mapping):
            stack.extend((v, (*path, str(k))) for k, v in value.items())
        elif isinstance(value, (list, tuple)):
            stack.extend((v, (*path, f"#{i + 1}")) for i, v in enumerate(value))
    return None


def read_limited(path: str | os.PathLike, limit: int, error: type[UserInputError], what: str) -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` of them.

    ``what`` names the kind of file in messages (``"scenario file"``). Raises ``error`` if
    the path is missing, a directory, not a regular file, unreadable or over the limit.
    """
    origin = shorten(path, MAX_PATH_CHARS)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except ValueError:  # an embedded NUL: no file can have that name
        raise error(f"{shorten(repr(os.fspath(path)), MAX_PATH_CHARS)}: not a {what} path (it holds a NUL character)") from None
    except FileNotFoundError:
        raise error(f"{origin}: {what} not found") from None
    except IsADirectoryError:
        raise error(f"{origin}: is a directory, not a {what}") from None
    except OSError as exc:
        raise error(f"{origin}: cannot read the {what} ({exc.strerror or exc})") from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise error(f"{origin}: is a directory, not a {what}")
        if not stat.S_ISREG(mode):
            raise error(f"{origin}: is not a regular file (a device, pipe or socket), so it cannot be a {what}")
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 16, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise error(f"{origin}: cannot read the {what} ({exc.strerror or exc})") from None
    finally:
        os.close(fd)
    if size > limit:
        raise error(f"{origin}: is more than the {limit:,} bytes ({fmt_bytes(limit)}) a {what} may be")
    return b"".join(chunks)


def _other_format_hint(origin: str, text: str) -> str:
    """The hint for a file in another format: JSON (a ``{`` first) or YAML (a ``.yaml``/``.yml`` name, or a
    first line ``key: value``), neither of which is read."""
    head = text.lstrip()
    if head.startswith(("{", "[{")):
        other = "JSON"
    elif str(origin).lower().endswith((".yaml", ".yml")) or re.match(r"(---\s*\n|[A-Za-z_][\w.-]*:(\s|$))", head):
        other = "YAML"
    else:
        return ""
    return f" (these files are TOML, e.g. '[diet]' then 'mk7_ug_per_day = 180'; {other} is not read)"


def parse_toml(data: bytes | str, origin: str, limit: int, error: type[UserInputError], what: str) -> dict[str, Any]:
    """The table of TOML ``data`` (bytes or text); ``error`` naming ``origin`` if it is bad.

    A UTF-8 byte-order mark is allowed. The result is nested at most :data:`MAX_NESTING`
    levels deep.
    """
    size = len(data.encode("utf-8", "replace") if isinstance(data, str) else data)
    if size > limit:
        raise error(f"{origin}: is {size:,} bytes, more than the {limit:,} bytes ({fmt_bytes(limit)}) "
                    f"a {what} may be")
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise error(f"{origin}: is not UTF-8 text (bad byte at offset {exc.start}); save it as UTF-8") from None
    text = data.removeprefix("\ufeff")
    try:
        table = tomllib.loads(text, parse_float=_parse_float)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        if message.startswith("Cannot overwrite a value"):
            dup = _duplicate_key(text)
            if dup:
                message = f"the key '{dup[0]}' is given twice (line {dup[1]})"
        elif table_twice := re.match(r"Cannot declare \((.*)\) twice \(at line (\d+)", message):  # ('diet',)
            name = ".".join(part.strip().strip("'\"") for part in table_twice[1].split(",") if part.strip())
            message = f"the table [{name}] is given twice (again on line {table_twice[2]}): give its keys once"
        hint = _other_format_hint(origin, text)
        raise error(f"{origin}: is not valid TOML: {message}{hint}") from None
    except RecursionError:
        where = _deepest(text)
        raise error(f"{origin}: a value{where} is nested too deeply: at most "
                    f"{MAX_NESTING} levels of tables and lists are allowed") from None
    except ValueError:  # an integer longer than Python converts
        raise error(f"{origin}: an integer{_where(text, _LONG_INT)} has more than "
                    f"{MAX_INT_DIGITS} digits; numbers may have at most {MAX_INT_DIGITS} digits") from None
    problem = nesting_problem(table)
    if problem:
        raise error(f"{origin}: {problem}")
    return table


def parse_toml_value(raw: str, field: str, error: type[UserInputError]) -> Any:
    """A command-line value read as a TOML value, or as plain text if it is not TOML.

    ``field`` names the value in messages (``--set mk7_ug_per_day``). A value must be on one
    line and nest at most :data:`MAX_NESTING` levels; an integer of more than 4,300 digits is
    ±inf remembering its text (:class:`.messages.TypedNumber`), which the setting's range refuses.
    """
    if "\n" in raw or "\r" in raw:
        raise error(f"{field} = {raw.splitlines()[0][:40]!r}... is not allowed: a value must be on one line "
                    "(give each setting its own option)")
    try:
        value = tomllib.loads(f"v = {raw}", parse_float=_parse_float)["v"]
    except tomllib.TOMLDecodeError:
        return raw
    except RecursionError:
        raise error(f"{field} is not allowed: the value is nested too deeply (at most {MAX_NESTING} levels)") from None
    except ValueError:  # an integer longer than Python converts: ±inf remembering its text, as _parse_float's 1e400,
        text = raw.strip()  # so the setting's check refuses it with its range (it said only "at most 4300 digits")
        if re.fullmatch(r"[+-]?[0-9][0-9_]*", text):
            return TypedNumber(-math.inf if text.startswith("-") else math.inf, text)
        raise error(f"{field} = an integer of more than {MAX_INT_DIGITS} digits is not allowed: "
                    f"numbers may have at most {MAX_INT_DIGITS} digits") from None
    problem = nesting_problem({field: value})
    if problem:
        raise error(f"{field} is not allowed: {problem}")
    if type(value) is float and math.isfinite(value) and raw.strip() != repr(value):  # --seed 1e3 echoed as 1e3
        value = TypedNumber(value, raw.strip())
    if type(value) is int and re.match(r"[+-]?0[xob]", raw.strip(), re.I):  # --years 0x10 ran 16 years
        shown = f"{field} {shorten(raw.strip(), 40)}" if " " not in field else f"{field} = {shorten(raw.strip(), 40)}"
        raise error(f"{shown} is not allowed: write the number in decimal digits "
                    "(hexadecimal, octal and binary are not read)")
    return value


