"""Numba's on-disk cache of the compiled kernels, kept honest for developers.

Numba keys a cached kernel (``cache=True``) by the modification time of the file that
defines it, not of the files it calls or inlines: a law edited in :mod:`calcium_abm.physiology.wall_laws` would
leave :mod:`calcium_abm.physiology.calcification`'s cached wall kernel running the old law (numba issues #1833 and
#9483; "Cache invalidation fails to recognize changes in functions defined in a different
file", numba docs, "Notes on caching"). The laws live in their own modules by design, so
before any kernel is loaded (:mod:`calcium_abm.physiology` calls it first)
:func:`drop_stale_kernel_caches` removes every cached kernel of the physiology package older than
its newest source file; they are recompiled on first use. An
installed wheel's sources do not change, so nothing is removed there.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["drop_stale_kernel_caches"]


#: compiled helpers outside the physiology package that its kernels call (the cell placement of
#: :mod:`calcium_abm.populations`): an edit there makes the physiology kernels stale too
CALLED_FROM_KERNELS = (Path(__file__).parent / "populations.py",)


def drop_stale_kernel_caches(package_dir: Path = Path(__file__).parent / "physiology",
                             called: tuple[Path, ...] = CALLED_FROM_KERNELS) -> int:
    """Remove the numba cache files (``__pycache__/*.nbi``, ``*.nbc``) in ``package_dir`` that
    are older than its newest ``*.py`` or than any file of ``called`` (sources its kernels call).
    Returns how many were removed; a file that cannot be removed (read-only install, a
    concurrent process) is left to numba."""
    cache_dir = package_dir / "__pycache__"
    try:
        cached = [path for path in cache_dir.iterdir() if path.suffix in (".nbi", ".nbc")]
        if not cached:
            return 0
        newest_source = max(path.stat().st_mtime for path in (*package_dir.glob("*.py"), *called) if path.exists())
    except OSError:
        return 0
    removed = 0
    for path in cached:
        try:
            if path.stat().st_mtime < newest_source:
                path.unlink()
                removed += 1
        except OSError:
            pass
    return removed
