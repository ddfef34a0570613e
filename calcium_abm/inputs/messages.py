"""The one place user-input messages are worded: field, value, what is allowed, did-you-mean.

Every message about a scenario, a batch file, a ``--set`` option, a dashboard link or an
upload names the field as a dotted path, shows the value as the user would have typed it in
TOML and says what is allowed (``diet.mk7_ug_per_day = -1 is not allowed: must be between
0 and 10000 µg/day``). Validators that run inside pydantic raise :func:`rule_error` with a
finished sentence; the translators keep that sentence as it is.
"""

from __future__ import annotations

import difflib
import json
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Annotated, Any

from pydantic import AfterValidator, ValidationInfo
from pydantic_core import PydanticCustomError

__all__ = [
    "RULE",
    "accepted_keys",
    "counted",
    "did_you_mean",
    "edit_distance",
    "fmt_bytes",
    "fmt_num",
    "fmt_value",
    "is_control",
    "join_problems",
    "key_not_a_string",
    "PlainDescription",
    "TypedNumber",
    "PlainName",
    "printable",
    "problem_lines",
    "range_text",
    "rule_error",
    "schedule_label",
    "schedule_days",
    "setting_text",
    "short_repr",
    "shorten",
    "suggestion",
    "unit_suffix",
]

#: pydantic error type of our own, pre-formatted messages (see :func:`rule_error`)
RULE = "input_rule"
MAX_SHOWN_CHARS = 60  # a value longer than this is shortened with "..."


def rule_error(text: str) -> PydanticCustomError:
    """A pydantic error whose message is ``text`` as written (one problem per line)."""
    return PydanticCustomError(RULE, "{text}", {"text": text})


def schedule_label(entries, day: int) -> str:
    """What a message about the settings on ``day`` of a schedule names: ``schedule entry 2
    (start_day = 100)`` when one entry is active and none ends that day, else the day with the
    entries active on it and those that end on it (``entries`` have ``start_day``, ``end_day``
    and ``active_on(day)``, as :class:`calcium_abm.scenario.ScheduleEntry`)."""
    active = [i + 1 for i, e in enumerate(entries) if e.active_on(day)]
    ending = [i + 1 for i, e in enumerate(entries) if e.end_day == day]
    if len(active) == 1 and not ending:
        return f"schedule entry {active[0]} (start_day = {entries[active[0] - 1].start_day})"
    parts = [f"entries {', '.join(map(str, active))} active" if active else "no entry active"]
    if ending:
        parts.append(f"{'entries' if len(ending) > 1 else 'entry'} {', '.join(map(str, ending))} ended")
    return f"schedule on day {day} ({'; '.join(parts)})"


def schedule_days(start_day: int, end_day: int | None) -> str:
    """A schedule entry's days as a reader says them: ``from day 90`` or ``days 20-30`` (``end_day`` excluded)."""
    return f"from day {start_day}" if end_day is None else f"days {start_day}-{end_day}"


# ------------------------------------------------------------------------ values


class TypedNumber(float):
    """A float that remembers the text the user typed, so a message shows it as typed
    (:func:`fmt_value`): ``-5`` rather than ``-5.0`` for a dashboard link's ``-5``, ``1e400``
    rather than ``inf`` for a TOML number too large for a float."""

    typed_text: str = ""

    def __new__(cls, value: float, typed_text: str) -> "TypedNumber":
        number = super().__new__(cls, value)
        number.typed_text = typed_text
        return number


def fmt_num(x: float) -> str:
    """A number as a user writes it: ``5`` for 5.0, ``0.25``, ``1e+20``."""
    if isinstance(x, float) and x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    if isinstance(x, int) and abs(x) >= 10**30:  # huge ints: digits would flood the message
        return f"an integer of {digit_count(x)} digits"
    return str(x)


def digit_count(n: int) -> int:
    """Decimal digits of ``n``, without ``str(n)``: Python refuses that beyond 4,300 digits
    (``simulate(seed=10**5000)`` gave that ValueError instead of its message)."""
    n = abs(n)
    if n < 10:
        return 1
    count = int(math.log10(n)) + 1  # log10 of a huge int is within 1 of the count
    return count - (n < 10 ** (count - 1)) + (n >= 10 ** count)


def short_repr(value: Any, limit: int = MAX_SHOWN_CHARS) -> str:
    """``repr(value)`` cut to ``limit`` characters, for a message about a value given in Python; an integer of 30
    digits or more as ``an integer of N digits`` (Python's repr refuses one of more than 4,300 digits: the
    message was its ValueError, 'Exceeds the limit (4300 digits) for integer string conversion')."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**30:
        return fmt_num(value)
    try:
        return repr(value)[:limit]
    except ValueError:  # e.g. a list holding such an integer
        return f"a {type(value).__name__} holding an integer too long to print"


def fmt_value(value: Any) -> str:
    """A value as the user would have written it in TOML, shortened to 60 characters."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, float) and getattr(value, "typed_text", None):  # a TypedNumber
        text = value.typed_text
    elif isinstance(value, float):
        text = "nan" if math.isnan(value) else ("inf" if value == math.inf else repr(value))
        text = "-inf" if value == -math.inf else text
    elif isinstance(value, int):
        text = fmt_num(value)
    elif isinstance(value, str):  # control and direction-changing characters shown escaped
        text = printable(json.dumps(value, ensure_ascii=False))
    elif isinstance(value, Mapping):
        text = "a table {...}"
    elif isinstance(value, (list, tuple)):
        text = "a list [...]"
    else:
        text = str(value)
    return text if len(text) <= MAX_SHOWN_CHARS else text[: MAX_SHOWN_CHARS - 3] + "..."


def setting_text(value: Any) -> str:
    """A setting's value in a summary: a number as :func:`fmt_num` (``0.3``, not a float's repr), else
    :func:`fmt_value` (``true``, a quoted text)."""
    return fmt_num(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else fmt_value(value)


MAX_ECHO_CHARS = 80  # user input (a key, a name, an option) longer than this is shortened in messages
MAX_PATH_CHARS = 240  # a file path is shortened beyond this (real paths are often longer than 80)


def printable(text: object, keep: str = "") -> str:
    """``text`` with its control and direction-changing characters written as escapes
    (``\\x1b``, ``\\u202e``), those in ``keep`` (e.g. a message's line breaks) left as they are:
    echoed input cannot recolour, move the cursor of or clear the user's terminal."""
    text = str(text)
    if text.isprintable():
        return text
    return "".join(ch if ch in keep or not is_control(ch) else ch.encode("unicode_escape").decode("ascii")
                   for ch in text)


def is_control(ch: str) -> bool:
    """A control, format (direction-changing, zero-width), separator-of-lines, surrogate, private or
    unassigned character; spaces such as U+00A0 are not (they print as spaces)."""
    category = unicodedata.category(ch)
    return category[0] == "C" or category in ("Zl", "Zp")


def shorten(text: object, limit: int = MAX_ECHO_CHARS) -> str:
    """User input as a message echoes it: as given up to ``limit`` characters, else its
    start, ``...`` and its length, so a 100 kB option never floods the terminal; control
    characters escaped (:func:`printable`)."""
    text = printable(text)
    return text if len(text) <= limit else f"{text[:limit - 3]}... ({len(text):,} characters)"


def fmt_bytes(n: float) -> str:
    """``1048576`` -> ``"1.0 MiB"``."""
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} TiB"  # pragma: no cover


def unit_suffix(unit: str) -> str:
    """How a unit follows a number: ``" mg/day"``, ``" (1/day)"``, or nothing for ``-``."""
    if unit in ("", "-"):
        return ""
    return f" ({unit})" if unit[0].isdigit() else f" {unit}"


def range_text(lo: float | None, hi: float | None, unit: str = "", *, lo_open: bool = False) -> str:
    """``must be between 0 and 5 mg/day`` (``unit`` as from :func:`unit_suffix`)."""
    hi = None if hi is not None and math.isinf(hi) else hi
    lo = None if lo is not None and math.isinf(lo) else lo
    if lo is not None and hi is not None:
        if lo_open:
            return f"must be more than {fmt_num(lo)} and at most {fmt_num(hi)}{unit}"
        return f"must be between {fmt_num(lo)} and {fmt_num(hi)}{unit}"
    if lo is not None:
        return f"must be {'more than' if lo_open else 'at least'} {fmt_num(lo)}{unit}"
    if hi is not None:
        return f"must be at most {fmt_num(hi)}{unit}"
    return "must be a finite number"


# ------------------------------------------------------------------ did you mean


def edit_distance(a: str, b: str) -> int:
    """Optimal-string-alignment distance: insertions, deletions, substitutions and swaps
    of two neighbouring characters each count 1 (``dite`` -> ``diet`` is 1)."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


MAX_TYPO_EDITS = 2  # a suggestion differs from what was typed by at most this many edits


def _is_typo_of(word: str, candidate: str) -> bool:
    """True if ``word`` looks like a slip of the keyboard for ``candidate``.

    Both must start alike (same first character of the last dotted part), carry the same
    numbers (``mk4`` is not a typo of ``mk7``, ``d3`` not of ``k1``) and, where both write one as a word,
    the same Roman numeral (``factor_v`` is not a typo of ``factor_vii``, nor ``factor_xi`` of ``factor_x``;
    ``factor_vll`` is) and differ by at most :data:`MAX_TYPO_EDITS` edits, so another substance is never
    suggested.
    """
    w, c = word.rpartition(".")[2].lower(), candidate.rpartition(".")[2].lower()
    if not w or not c or w[0] != c[0]:
        return False
    if re.findall(r"\d+", w) != re.findall(r"\d+", c) or not _same_numerals(w, c):
        return False
    return edit_distance(word.lower(), candidate.lower()) <= MAX_TYPO_EDITS


def _same_numerals(typed: str, candidate: str) -> bool:
    """Whether ``typed`` names the candidate's Roman numerals: the same words once an l or a 1 is read as i
    (``factor_vll`` -> vii), or, where the typed name writes none as a word, each of the candidate's inside it
    (``factorvii``); ``factor_v``, ``factor_l`` or ``factor_half_life_h`` never name factor X or VII."""
    read = re.sub(r"[l1]", "i", typed)
    wanted, written = _roman_words(candidate), _roman_words(read)
    if written == wanted:
        return True
    return not written and all(numeral in read for numeral in wanted)


def _roman_words(name: str) -> list[str]:
    """The words of ``name`` that are Roman numerals (``factor_vii_half_life_h`` -> ``["vii"]``): clotting factors'
    numbers, which name different proteins."""
    return [part for part in re.split(r"[_\W\d]+", name) if re.fullmatch(r"[ivx]+", part)]


_MASS_UNITS = {"g": "g", "mg": "mg", "ug": "µg", "ng": "ng"}


def _mass_unit(name: str) -> str | None:
    """The mass unit a setting's or a scenario's name carries (``mk7_ug_per_day`` -> ``"ug"``, ``mk4_45mg`` ->
    ``"mg"``), if any."""
    parts = [re.sub(r"^\d+(?:\.\d+)?", "", part) for part in name.rpartition(".")[2].lower().split("_")]
    found = [part for part in parts if part in _MASS_UNITS]
    return found[0] if len(found) == 1 else None


def suggestion(word: str, candidate: str) -> str:
    """`` — did you mean 'x'?``, with a note when the two differ in mass unit (1000-fold)."""
    typed, meant = _mass_unit(word), _mass_unit(candidate)
    note = (f" (note: {_MASS_UNITS[meant]}, not {_MASS_UNITS[typed]})"
            if typed and meant and typed != meant else "")
    return f" — did you mean '{candidate}'?{note}"


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """``" — did you mean 'x'?"`` for a true typo of one of ``choices`` or for the one choice
    that completes ``word`` (``warfarin_mg`` -> ``warfarin_mg_per_day``), else ``""``."""
    choices = [c for c in choices if isinstance(c, str)]
    if not isinstance(word, str) or len(word) > 200:
        return ""
    for candidate in difflib.get_close_matches(word, choices, n=5, cutoff=0.7):
        if _is_typo_of(word, candidate):
            return suggestion(word, candidate)
    completions = {c for c in choices if c.lower().startswith(word.lower() + "_")}
    if len(completions) == 1 and re.search(r"\d|_", word):  # a whole name's start, never a bare prefix
        return suggestion(word, completions.pop())
    return ""


def accepted_keys(where: str, choices: Iterable[str], *, what: str = "not a known key") -> str:
    """The hint for an unknown key that is no typo: ``": not a modelled substance; accepted
    keys in [drugs]: warfarin_mg_per_day"`` (``what`` says what the key is not)."""
    return f": {what}; accepted keys {'at' if where == 'the top level' else 'in'} {where}: {', '.join(choices)}"


def key_not_a_string(key: Any, table: str = "") -> str:
    """The sentence for a key that is no string (pydantic's ``invalid_key``: a Python caller's ``{1: 2}``):
    ``"key 2 (an int) in [diet] is not allowed: keys should be strings"``; ``table`` is the place of the table
    holding it (``""``: the top level)."""
    kind = type(key).__name__
    where = f" in [{table}]" if table else ""
    return (f"key {shorten(key, MAX_SHOWN_CHARS)} ({'an' if kind[:1].lower() in 'aeiou' else 'a'} {kind}){where} "
            "is not allowed: keys should be strings")


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """``"1 entry"``, ``"2 entries"``, ``"1,000 known failures"``: a count with its noun agreeing."""
    many = plural or (noun[:-1] + "ies" if noun.endswith("y") and noun[-2:-1] not in "aeiou" else noun + "s")
    return f"{n:,} {noun if n == 1 else many}"


# ---------------------------------------------------------------------- problems


MAX_LISTED_PROBLEMS = 20  # a message lists this many problems, then says how many more there are


def join_problems(lines: Iterable[str], origin: str | None = None) -> str:
    """One message for several problems: a single line, or a count and a bullet list of the
    first :data:`MAX_LISTED_PROBLEMS` (``... and 99,980 more problems``)."""
    lines = [ln for chunk in lines for ln in str(chunk).split("\n")]
    where = f"{origin}: " if origin else ""
    if len(lines) == 1:
        return where + lines[0]
    head = f"{origin} has {len(lines):,} problems:" if origin else f"{len(lines):,} problems:"
    more = len(lines) - MAX_LISTED_PROBLEMS
    tail = [f"... and {more:,} more problem{'s' if more > 1 else ''}"] if more > 0 else []
    return head + "\n" + "\n".join(f"  - {ln}" for ln in [*lines[:MAX_LISTED_PROBLEMS], *tail])


def problem_lines(message: str) -> list[str]:
    """The individual problems of a message made by :func:`join_problems`."""
    lines = str(message).split("\n")
    if len(lines) > 1 and lines[0].endswith("problems:"):
        return [ln.removeprefix("  - ") for ln in lines[1:]]
    return lines


def _plain_text(value: str, info: ValidationInfo, keep: str = "") -> str:
    """A batch's or a scenario's name or description, shown in progress lines, summaries and reports: no
    control or direction-changing characters (a description may keep its line breaks and tabs)."""
    if any(is_control(ch) and ch not in keep for ch in value):
        raise rule_error(f"{info.field_name} = {fmt_value(value)} is not allowed: must be text without control "
                         f"characters{' (line breaks and tabs are fine)' if keep else ''}")
    return value


#: first characters a spreadsheet reads as a formula when it opens a CSV cell (OWASP's CSV injection list)
FORMULA_LEADS = ("=", "+", "-", "@")


def _name_text(value: str, info: ValidationInfo) -> str:
    """:func:`_plain_text`, and no leading formula character: a name is written into every row of a CSV the
    dashboard and batches save, where ``=HYPERLINK(...)`` would run when a spreadsheet opens the file."""
    if not value.strip():  # "   " labelled the run's summary with nothing, where "" was refused
        raise rule_error(f"{info.field_name} = {fmt_value(value)} is not allowed: must not be blank")
    if value.startswith(FORMULA_LEADS):
        raise rule_error(f"{info.field_name} = {fmt_value(value)} is not allowed: must not start with "
                         f"{' '.join(FORMULA_LEADS)} (a spreadsheet opening the saved CSV would run it as a formula)")
    return _plain_text(value, info)


#: the ``name`` and ``description`` of a batch (:class:`calcium_abm.batch.spec.BatchSpec`) or a scenario
PlainName = Annotated[str, AfterValidator(_name_text)]
PlainDescription = Annotated[str, AfterValidator(lambda value, info: _plain_text(value, info, keep="\n\t"))]
