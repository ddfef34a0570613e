"""The guard against numba's stale kernel cache (a law edited in another module)."""

from __future__ import annotations

import os

from calcium_abm.kernel_cache import drop_stale_kernel_caches


def _touch(path, mtime):
    path.write_text("x")
    os.utime(path, (mtime, mtime))


def test_cached_kernels_older_than_any_source_are_removed_and_newer_ones_kept(tmp_path):
    cache = tmp_path / "__pycache__"
    cache.mkdir()
    _touch(tmp_path / "kernel.py", 1_000)
    _touch(tmp_path / "law.py", 2_000)  # the law was edited after the kernel was cached
    _touch(cache / "kernel.f-10.py313.nbi", 1_500)
    _touch(cache / "kernel.f-10.py313.1.nbc", 1_500)
    _touch(cache / "kernel.g-20.py313.nbi", 2_500)  # compiled after the edit
    _touch(cache / "kernel.cpython-313.pyc", 1_500)  # Python's own cache is not numba's
    assert drop_stale_kernel_caches(tmp_path, called=()) == 2
    assert sorted(p.name for p in cache.iterdir()) == ["kernel.cpython-313.pyc", "kernel.g-20.py313.nbi"]
    assert drop_stale_kernel_caches(tmp_path, called=()) == 0


def test_a_package_without_a_cache_is_left_alone(tmp_path):
    _touch(tmp_path / "kernel.py", 1_000)
    assert drop_stale_kernel_caches(tmp_path, called=()) == 0


def test_an_edit_in_a_helper_the_kernels_call_from_outside_the_package_also_drops_them(tmp_path):
    """populations.take_slots is compiled into remodeling's cell kernel: editing it must drop the kernel."""
    cache = tmp_path / "__pycache__"
    cache.mkdir()
    _touch(tmp_path / "kernel.py", 1_000)
    _touch(cache / "kernel.f-10.py313.nbi", 1_500)
    helper = tmp_path.parent / f"{tmp_path.name}_helper.py"
    _touch(helper, 1_200)
    assert drop_stale_kernel_caches(tmp_path, called=(helper,)) == 0
    _touch(helper, 2_000)
    assert drop_stale_kernel_caches(tmp_path, called=(helper,)) == 1
    assert not list(cache.iterdir())
