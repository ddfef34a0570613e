"""Input echoed to the terminal cannot drive it: a control or direction-changing character
in a scenario name, an option or a key is shown escaped (``\\x1b``), and a batch's name or
description (shown in every progress line and the report) refuses them. Before, ``run``,
``validate FILE`` and the error messages printed an ESC sequence from the user's input as is
(``name = "a\\u001b[2J"`` cleared the screen)."""

from __future__ import annotations

import pytest

from calcium_abm.cli import main
from calcium_abm.inputs.messages import printable, shorten

ESC = "\x1b[2J"


def test_printable_escapes_control_and_direction_characters_and_keeps_what_it_is_told():
    assert printable(f"a{ESC}b\u202ec\x00") == "a\\x1b[2Jb\\u202ec\\x00"
    assert printable("two\nlines", keep="\n") == "two\nlines" and printable("µg/day ²") == "µg/day ²"
    assert shorten(f"k{ESC}") == "k\\x1b[2J"
    assert printable("MK-7\u00a0180\u2009µg") == "MK-7\u00a0180\u2009µg"  # spaces print as spaces


@pytest.mark.parametrize("argv", [
    ["run", f"bad{ESC}name", "--out", "x.csv"],
    ["run", "healthy_adult", "--set", f"mk7{ESC}=1", "--out", "x.csv"],
    ["validate", f"nope{ESC}.toml"],
])
def test_an_error_echoing_input_holds_no_control_character(argv, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "\x1b" not in err and "\\x1b[2J" in err, err
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("field", ["name", "description", "source"])
def test_a_scenario_name_description_or_source_with_control_characters_is_refused(field, tmp_path, capsys):
    """A scenario's name is printed by run and validate, its description and source by the docs and the
    dashboard: they refuse control characters as a batch's name does (a description keeps its line
    breaks), where validate FILE accepted them and printed them escaped."""
    path = tmp_path / "s.toml"
    path.write_text(f'{field} = "a\\u001b[2Jb"\n[diet]\nmk7_ug_per_day = 1\n', encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert f'{field} = "a\\u001b[2Jb" is not allowed: must be text without control characters' in err, err
    assert "\x1b" not in err
    if field != "name":
        from calcium_abm.scenario import load_scenario

        assert getattr(load_scenario({field: "two\nlines\tand a tab"}), field) == "two\nlines\tand a tab"


@pytest.mark.parametrize("field, value, tail", [
    ("name", "x\\u001b[31my", "must be text without control characters"),
    ("name", "a\\u202eb", "must be text without control characters"),
    ("description", "d\\u0007", "must be text without control characters (line breaks and tabs are fine)"),
])
def test_a_batch_name_or_description_with_control_characters_is_refused(tmp_path, capsys, field, value, tail):
    path = tmp_path / "b.toml"
    path.write_text(f'{field} = "{value}"\n[sweep]\n[sweep.parameters]\nmk7_ug_per_day = [0]\n', encoding="utf-8")
    assert main(["batch", str(path), "--out", str(tmp_path / "o"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert f"{field} = \"{value}\" is not allowed: {tail}" in err, err
    assert not (tmp_path / "o").exists()


def test_a_batch_description_keeps_its_line_breaks(tmp_path):
    from calcium_abm.batch.spec import load_batch

    path = tmp_path / "b.toml"
    path.write_text('description = """two\nlines\tand a tab"""\n[sweep]\n[sweep.parameters]\nmk7_ug_per_day = [0]\n',
                    encoding="utf-8")
    assert load_batch(path).description == "two\nlines\tand a tab"


def test_a_batch_name_may_hold_a_no_break_space(tmp_path):
    from calcium_abm.batch.spec import load_batch

    path = tmp_path / "b.toml"
    path.write_text('name = "MK-7\u00a0trial"\n[sweep]\n[sweep.parameters]\nmk7_ug_per_day = [0]\n', encoding="utf-8")
    assert load_batch(path).name == "MK-7\u00a0trial"
