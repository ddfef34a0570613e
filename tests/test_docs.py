"""The documentation stays true to the code: generated tables are current, every parameter
and column is documented, and ODD.md covers every submodel and every step of the day."""

from __future__ import annotations

import inspect
import pkgutil
import re

import pytest

import calcium_abm.model
import calcium_abm.physiology
from calcium_abm import docs
from calcium_abm.cli import main as cli_main
from calcium_abm.outputs import COLUMNS
from calcium_abm.parameters import Parameter
from calcium_abm.physiology import parameter_registry

DOCS = docs.DOCS_DIR
ODD = (DOCS / "ODD.md").read_text(encoding="utf-8")

STOPWORDS = {"the", "and", "from", "that", "with", "for", "each", "of", "or", "to", "its", "all", "per", "their",
             "into", "between", "within", "this", "are", "day", "days"}


def _section(markdown: str, heading_prefix: str) -> str:
    """Text of the level-2 section whose heading starts with ``heading_prefix``."""
    match = re.search(rf"^## {re.escape(heading_prefix)}.*?$(.*?)(?=^## |\Z)", markdown, re.M | re.S)
    assert match, f"no section '## {heading_prefix}...'"
    return match.group(1)


def _numbered_items(text: str) -> list[str]:
    """Top-level numbered list items (``1. ...``), each with its indented continuation lines;
    an unindented line that is not the next item ends the list."""
    items: list[str] = []
    for line in text.splitlines():
        m = re.match(r"^(\d+)\.\s+(.*)", line)
        if m and int(m.group(1)) == len(items) + 1:
            items.append(m.group(2))
        elif items and line.strip():
            if not line[0].isspace():
                break
            items[-1] += " " + line.strip()
    return items


def _step_items() -> list[str]:
    """The order of events: the numbered list of ``step``'s docstring, or of model.py's."""
    for doc in (inspect.getdoc(calcium_abm.model.CalciumParadoxModel.step), calcium_abm.model.__doc__):
        items = _numbered_items(doc or "")
        if items:
            return items
    return []


def _key_words(text: str) -> set[str]:
    words = {w.lower().strip("'-") for w in re.findall(r"[A-Za-z][A-Za-z0-9'-]*", text)}
    return {w.removesuffix("'s") for w in words if len(w) >= 3 and w not in STOPWORDS}


def _slug(heading: str) -> str:
    """GitHub's anchor for a Markdown heading."""
    text = heading.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


# ----------------------------------------------------------------------------- generated files
def test_committed_generated_docs_are_up_to_date(capsys):
    assert docs.stale_files() == [], "run `calcium-abm docs` and commit docs/parameters.md, docs/outputs.md"
    assert cli_main(["docs", "--check"]) == 0
    assert "up to date" in capsys.readouterr().out


def test_generation_is_deterministic():
    assert docs.generate() == docs.generate()


def test_check_exits_1_when_a_file_is_stale_or_missing(tmp_path, capsys):
    assert cli_main(["docs", "--out-dir", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(docs.GENERATED_FILES)
    assert cli_main(["docs", "--check", "--out-dir", str(tmp_path)]) == 0
    capsys.readouterr()

    params = tmp_path / "parameters.md"
    params.write_text(params.read_text(encoding="utf-8").replace("| ", "|  ", 1), encoding="utf-8")
    assert cli_main(["docs", "--check", "--out-dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "parameters.md" in err and "outputs.md" not in err and "calcium-abm docs" in err

    (tmp_path / "outputs.md").unlink()
    assert cli_main(["docs", "--check", "--out-dir", str(tmp_path)]) == 1
    assert "outputs.md" in capsys.readouterr().err

    # regenerating repairs both, and reports what it wrote
    assert cli_main(["docs", "--out-dir", str(tmp_path)]) == 0
    assert capsys.readouterr().out.count("wrote") == 2
    assert docs.stale_files(tmp_path) == []


def test_check_writes_nothing(tmp_path):
    assert cli_main(["docs", "--check", "--out-dir", str(tmp_path)]) == 1
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("bad", ["missing", "file"])
def test_bad_out_dir_is_a_clear_error(tmp_path, capsys, bad):
    target = tmp_path / "nowhere"
    if bad == "file":
        target.write_text("x")
    assert cli_main(["docs", "--out-dir", str(target)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --out-dir") and str(target) in err and "Traceback" not in err


@pytest.mark.parametrize("check", [True, False])
@pytest.mark.parametrize("special", ["directory", "fifo", "link to /dev/zero"])
def test_a_folder_or_special_file_where_a_generated_file_goes_is_named(tmp_path, capsys, check, special):
    import os

    place = tmp_path / "outputs.md"
    {"directory": place.mkdir, "fifo": lambda: os.mkfifo(place),
     "link to /dev/zero": lambda: place.symlink_to("/dev/zero")}[special]()
    assert cli_main(["docs", *(["--check"] if check else []), "--out-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: --out-dir '{tmp_path}': '{place}' is ") and "move it away" in err, err
    assert ".parquet" not in err and sorted(p.name for p in tmp_path.iterdir()) == ["outputs.md"]


def test_check_names_the_out_dir_to_regenerate_and_reads_no_huge_file(tmp_path, capsys, monkeypatch):
    from pathlib import Path

    assert cli_main(["docs", "--out-dir", str(tmp_path)]) == 0
    with open(tmp_path / "parameters.md", "r+b") as f:  # a 1 GB (sparse) file in its place
        f.truncate(2**30)
    real_read_text = Path.read_text

    def read_text(self, *args, **kwargs):
        assert self.name != "parameters.md", "a 1 GB file was read"
        return real_read_text(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", read_text)
    assert cli_main(["docs", "--check", "--out-dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err == (f"stale: {tmp_path / 'parameters.md'} differs from the code (or is missing); run "
                   f"`calcium-abm docs --out-dir {tmp_path}` to regenerate it\n"), err


# ----------------------------------------------------------------------------- parameters
def test_every_parameter_has_unit_source_and_description():
    for name, p in parameter_registry().items():
        for attr in ("unit", "source", "description"):
            assert getattr(p, attr).strip(), f"parameter {name} has an empty {attr}"


def test_every_source_is_a_citation_or_an_assumption():
    odd = [f"{name}: {p.source!r}" for name, p in parameter_registry().items()
           if docs.evidence(p.source) == "unclassified"]
    assert not odd, "sources must start with [V], [S], [C] (and cite) or with 'assumption':\n" + "\n".join(odd)


def test_evidence_classes():
    assert docs.evidence("assumption") == "assumption"
    assert docs.evidence("Assumption: calibrated") == "assumption"
    assert docs.evidence("[V] Wajima et al. 2009") == "[V]"
    assert docs.evidence("[V]") == "unclassified"  # a tag with no citation
    assert docs.evidence("[U] from memory") == "unclassified"
    assert docs.evidence("Wajima 2009") == "unclassified"


def test_parameter_table_lists_every_parameter_with_counts():
    registry = parameter_registry()
    text = docs.parameters_markdown()
    for name, p in registry.items():
        row = next((line for line in text.splitlines() if line.startswith(f"| `{name}` |")), None)
        assert row is not None, name
        assert p.unit.replace("|", "\\|") in row
        if p.constrains:
            assert row.rstrip(" |").endswith(", ".join(p.constrains))
    n_assumed = sum(p.is_assumption for p in registry.values())
    assert f"**{len(registry)} parameters: {len(registry) - n_assumed} with a source, {n_assumed} assumptions.**" in text
    for module in {p.module for p in registry.values()}:
        assert f"`{module.replace('.', '/')}.py`" in text


def test_parameter_table_format_on_a_small_registry():
    registry = {
        "a_rate_per_day": Parameter("a_rate_per_day", 0.5, "1/day", "[V] Someone 2001", "A | piped text",
                                    0.0, float("inf"), ("8", "9"), module="calcium_abm.physiology.calcium"),
        "b_weight": Parameter("b_weight", 2.0, "-", "assumption: guessed", "B", 1.0, 3.0,
                              module="calcium_abm.physiology.calcium"),
    }
    text = docs.parameters_markdown(registry)
    assert "**2 parameters: 1 with a source, 1 assumptions.**" in text
    assert "| `a_rate_per_day` | 0.5 | 1/day | [V] Someone 2001 | A \\| piped text | 0 – ∞ | 8, 9 |" in text
    assert "| `b_weight` | 2 | - | assumption: guessed | B | 1 – 3 | – |" in text
    assert text.count("\n## calcium:") == 1


def test_parameter_table_links_resolve_to_odd_headings():
    anchors = {_slug(h) for h in re.findall(r"^#{1,4} (.+)$", ODD, re.M)}
    links = re.findall(r"\(ODD\.md#([^)]+)\)", docs.parameters_markdown())
    assert links
    assert set(links) <= anchors, set(links) - anchors


def test_odd_internal_links_resolve():
    anchors = {_slug(h) for h in re.findall(r"^#{1,4} (.+)$", ODD, re.M)}
    links = set(re.findall(r"\]\(#([^)]+)\)", ODD))
    assert links and links <= anchors, links - anchors


def test_odd_names_every_parameter():
    missing = [name for name in parameter_registry() if f"`{name}`" not in ODD and name not in ODD]
    assert not missing, f"ODD.md never mentions these parameters: {missing}"


# ----------------------------------------------------------------------------- outputs
def test_outputs_doc_lists_every_recorded_column():
    text = (DOCS / "outputs.md").read_text(encoding="utf-8")
    for name, (unit, _) in COLUMNS.items():
        assert f"| `{name}` | {unit} |" in text, name


def test_outputs_markdown_escapes_and_orders():
    text = docs.outputs_markdown({"b": ("mg", "x | y"), "a": ("-", "z")})
    assert text.index("| `b` |") < text.index("| `a` |")
    assert "| `b` | mg | x \\| y |" in text


# ----------------------------------------------------------------------------- ODD
def test_odd_has_the_protocol_sections():
    for heading in ("1 Purpose and patterns", "2 Entities, state variables and scales",
                    "3 Process overview and scheduling", "4 Design concepts", "5 Initialisation",
                    "6 Input data", "7 Submodels", "8 Known limitations"):
        assert re.search(rf"^## {re.escape(heading)}$", ODD, re.M), heading


def test_odd_describes_every_physiology_module():
    submodels = _section(ODD, "7 Submodels")
    names = [m.name for m in pkgutil.iter_modules(calcium_abm.physiology.__path__)]
    assert names
    for name in names:
        assert f"`calcium_abm/physiology/{name}.py`" in submodels, name
        assert re.search(rf"^### 7\.\d+ .*\(`{name}\.py`\)$", submodels, re.M), f"no subsection for {name}.py"


def test_odd_states_the_section_geometry_constants_the_code_uses():
    """7.22 states the sliver and empty-patch thresholds and the pattern's smoothing: the code's own values."""
    from calcium_abm.physiology import bone_geometry

    section = _section(ODD, "7 Submodels")
    assert bone_geometry.SLIVER_CAVITY == 1e-3 and "(`SLIVER_CAVITY`, 10⁻³ patch" in section
    assert bone_geometry.EMPTY_PATCH == 1e-9 and "(`EMPTY_PATCH`, 10⁻⁹)" in section
    assert "sigma=2.0, mode=\"wrap\"" in inspect.getsource(bone_geometry.trabecular_structure)
    assert "σ = 2 patches, wrapped" in section


def test_odd_process_overview_matches_the_step_order():
    steps = _step_items()
    assert len(steps) >= 5, "model.py should list the order of events as a numbered list"
    overview = _numbered_items(_section(ODD, "3 Process overview and scheduling"))
    assert len(overview) == len(steps), (len(overview), len(steps))
    for i, (code_item, odd_item) in enumerate(zip(steps, overview), start=1):
        text = odd_item.lower()
        missing = sorted(w for w in _key_words(code_item) if w not in text)
        assert not missing, f"ODD step {i} lacks {missing} from model.py's step {i}: {code_item!r}"


def test_odd_patterns_cover_every_row_that_constrains_a_parameter():
    patterns = _section(ODD, "1 Purpose and patterns")
    rows = set(re.findall(r"^\| ([\w-]+) \|", patterns, re.M))  # 20, 20b, A1, T-ECKO2008
    constrained = {row for p in parameter_registry().values() for row in p.constrains}
    assert constrained <= rows, constrained - rows


def _quoted_numbers(text: str) -> set[float]:
    """The numbers in ``text`` (thousands commas and Unicode minus signs read as Python would)."""
    text = re.sub(r"(\d),(\d{3})\b", r"\1\2", text.replace("\u2212", "-"))
    return {abs(float(n)) for n in re.findall(r"\d+(?:\.\d+)?", text)}


def test_odd_patterns_list_every_validation_row_with_its_own_numbers():
    """ODD section 1's table lists each row of ``calcium-abm validate`` once, and every number its
    intervention and pattern cells quote is in the row's own definition (title, finding, source, notes,
    criteria; a figure of the model itself, "model −73 %", is checked in test_odd_numbers.py), so the table
    cannot drift from the rows it summarises."""
    from calcium_abm.validation import all_rows

    rows = all_rows()
    patterns = _section(ODD, "1 Purpose and patterns")
    cells = re.findall(r"^\| ([\w-]+) \| ([^|]*) \| ([^|]*) \| [^|]* \|$", patterns, re.M)
    listed = [row for row, *_ in cells if row != "Row"]
    assert sorted(listed) == sorted(rows), (set(rows) - set(listed), set(listed) - set(rows))
    for row, intervention, pattern in cells:
        if row == "Row":
            continue
        definition = rows[row]
        text = " ".join(map(str, [definition.title, definition.finding, definition.source,
                                  getattr(definition, "notes", ""), getattr(definition, "reason", ""),
                                  *getattr(definition, "criteria", ())]))
        quoted = re.sub(r"model \u2212?\d+(?:\.\d+)? %", "", f"{intervention} {pattern}")  # the model's own
        stray = _quoted_numbers(quoted) - _quoted_numbers(text)  # figures: test_odd_numbers.py
        assert not stray, f"ODD section 1, row {row}: {sorted(stray)} are not in the row's definition"


def test_docs_index_lists_every_doc():
    index = (DOCS / "README.md").read_text(encoding="utf-8")
    for path in sorted(DOCS.glob("*.md")):
        if path.name != "README.md":
            assert f"({path.name})" in index, path.name
