"""The package is self-contained: a wheel, installed into a fresh virtual environment outside
the repository, runs a built-in scenario and lists the built-ins.

The fresh environment sees this environment's dependencies through a ``.pth`` line that adds
their ``site-packages`` as a plain path entry. Python does not process ``.pth`` files inside
a directory added that way, so the editable install of the repository stays invisible: the
only ``calcium_abm`` the fresh environment can import is the one from the wheel.
"""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SOURCES = ("pyproject.toml", "README.md", "calcium_abm")

pytestmark = pytest.mark.slow


def _run(cmd: list[str], cwd: Path, env: dict[str, str], timeout: float = 600) -> subprocess.CompletedProcess:
    result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{cmd} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def wheel_venv(tmp_path_factory) -> Path:
    """A fresh venv (outside the repository) with only the wheel of this checkout installed."""
    root = tmp_path_factory.mktemp("wheel")
    assert not root.resolve().is_relative_to(REPO)
    src = root / "src"
    src.mkdir()
    for name in SOURCES:  # build from a copy: the repository gets no build/ or egg-info
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(source, src / name)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(root / "dist"), str(src)], root, env)
    wheels = list((root / "dist").glob("calcium_abm-*.whl"))
    assert len(wheels) == 1, wheels
    venv = root / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], root, env)
    python = venv / "bin" / "python"
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", "-q",
          str(wheels[0])], root, env)
    purelib = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                        root, env).stdout.strip())
    (purelib / "shared_dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n", encoding="utf-8")
    return venv


def _venv_env(venv: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return env


def test_wheel_imports_the_installed_package(wheel_venv, tmp_path):
    out = _run([str(wheel_venv / "bin" / "python"), "-c",
                "import calcium_abm, calcium_abm.scenario as s; print(calcium_abm.__file__); "
                "print(s.BUILTIN_SCENARIO_DIR)"], tmp_path, _venv_env(wheel_venv)).stdout.split("\n")
    module_file, scenario_dir = Path(out[0]), Path(out[1])
    assert module_file.resolve().is_relative_to(wheel_venv.resolve()), module_file
    assert scenario_dir.resolve().is_relative_to(wheel_venv.resolve()), scenario_dir
    assert (scenario_dir / "healthy_adult.toml").is_file()


def test_wheel_lists_scenarios_and_runs_one(wheel_venv, tmp_path):
    env = _venv_env(wheel_venv)
    listed = _run([str(wheel_venv / "bin" / "calcium-abm"), "scenarios"], tmp_path, env).stdout
    assert "healthy_adult" in listed and "k2_deficiency" in listed
    out = tmp_path / "x.csv"
    _run([str(wheel_venv / "bin" / "python"), "-m", "calcium_abm.cli", "run", "healthy_adult", "--years", "1",
          "--out", "x.csv", "--quiet"], tmp_path, env)
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("day,") and len(lines) == 1 + 365 + 1  # header + days 0..365
