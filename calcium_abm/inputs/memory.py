"""Will a run fit in this machine's memory? Asked by the entry points (CLI ``run`` and
``batch``, the dashboard) before a run starts, never by the scenario schema: a scenario's
validity does not depend on the machine that reads it."""

from __future__ import annotations

from calcium_abm.errors import ScenarioError
from calcium_abm.inputs.messages import fmt_bytes, fmt_num

__all__ = ["BYTES_PER_PATCH_ESTIMATE", "MEMORY_FRACTION", "WORKER_PROCESS_BYTES_ESTIMATE", "available_memory_bytes",
           "check_memory", "check_worker_memory", "grid_settings_text", "memory_estimate_bytes",
           "unbuildable_grids_message", "workers_that_fit"]

BYTES_PER_PATCH_ESTIMATE = 400  # per grid patch, bone and vessel grids together (measured, rounded up)
RECORDED_COLUMNS_ESTIMATE = 60  # columns of the daily output table, 8 bytes each
MEMORY_FRACTION = 0.8  # share of the available memory a run may plan to use
#: a batch worker process before its run's grids: the interpreter, numpy, pandas, numba and the model's compiled
#: kernels (measured 2026-12-07: 12 workers of a batch on 16 x 16 grids held 2.3 GB, ~190 MB each; rounded up)
WORKER_PROCESS_BYTES_ESTIMATE = 200 * 2**20


def available_memory_bytes(per_process: bool = True) -> int | None:
    """Memory this process may still take now: the machine's available memory
    (``psutil.virtual_memory().available``), or less where the process is limited: its address-space
    limit (``ulimit -v``, ``RLIMIT_AS``) above what it already maps, or its control group's limit
    (containers, SLURM jobs: cgroup v2 ``memory.max`` above ``memory.current``). ``per_process=False``: what
    several processes may take together, which the address-space limit does not bound (each process has its own)."""
    try:
        import psutil
    except ImportError:  # pragma: no cover - psutil is a declared dependency
        return None
    try:
        available = [int(psutil.virtual_memory().available)]
    except (OSError, RuntimeError, AttributeError):  # pragma: no cover - exotic platforms
        return None
    available += _process_limits_bytes(psutil, per_process)
    return max(min(available), 0)


def _process_limits_bytes(psutil, per_process: bool = True) -> list[int]:
    """Headroom under the process's own limits (address space, control group), where set; without ``per_process``
    the control group's only (its limit holds all its processes together)."""
    headroom = []
    if per_process:  # the address-space limit binds each process alone
        try:
            import resource

            soft, _ = resource.getrlimit(resource.RLIMIT_AS)
            if soft != resource.RLIM_INFINITY:
                headroom.append(soft - int(psutil.Process().memory_info().vms))
        except (ImportError, OSError, ValueError, AttributeError):  # not Unix, or no such limit
            pass
    try:
        with open("/sys/fs/cgroup/memory.max") as limit, open("/sys/fs/cgroup/memory.current") as used:
            text = limit.read().strip()
            if text != "max":
                headroom.append(int(text) - int(used.read().strip()))
    except (OSError, ValueError):  # no cgroup v2 limit here
        pass
    return headroom


def memory_estimate_bytes(scenario) -> int:
    """Rough bytes a run of ``scenario`` needs: grid patches plus the recorded table."""
    s = scenario.simulation
    patches = s.bone_grid_width * s.bone_grid_height + s.vessel_grid_width * s.vessel_grid_height
    rows = scenario.days / s.record_every_days + 1
    return int(patches * BYTES_PER_PATCH_ESTIMATE + rows * RECORDED_COLUMNS_ESTIMATE * 8)


def grid_settings_text(scenario) -> str:
    """The scenario's four grid settings as ``simulation.bone_grid_width = N, ...`` (for messages)."""
    s = scenario.simulation
    return (f"simulation.bone_grid_width = {s.bone_grid_width}, simulation.bone_grid_height = "
            f"{s.bone_grid_height}, simulation.vessel_grid_width = {s.vessel_grid_width}, "
            f"simulation.vessel_grid_height = {s.vessel_grid_height}")


def unbuildable_grids_message(scenario) -> str:
    """The message for grids whose build ran out of memory (a ``MemoryError`` from the allocation
    itself: the model builds without :func:`check_memory`'s estimate, so no run that fits is refused)."""
    return f"{scenario.name}: this machine has not the memory to build these grids: {grid_settings_text(scenario)}; " \
           "use smaller grids"


def check_memory(scenario, origin: str | None = None) -> None:
    """Raise :class:`ScenarioError` if a run of ``scenario`` would not fit in the memory
    available now (more than :data:`MEMORY_FRACTION` of it); ``origin`` prefixes the message."""
    available = available_memory_bytes()
    if available is None:
        return
    need = memory_estimate_bytes(scenario)
    limit = int(available * MEMORY_FRACTION)
    if need <= limit:
        return
    s = scenario.simulation
    grids = grid_settings_text(scenario)
    where = f"{origin}: " if origin else ""
    raise ScenarioError(
        f"{where}the grids are too large for the memory this run may use: {grids} "
        f"(with simulation.years = {fmt_num(s.years)}, simulation.record_every_days = "
        f"{s.record_every_days}) need about {fmt_bytes(need)}, but the limit is {fmt_bytes(limit)} "
        f"({int(MEMORY_FRACTION * 100)}% of the {fmt_bytes(available)} available); use smaller grids"
    )


def _worker_room(scenario) -> tuple[int, int, int] | None:
    """(available bytes, bytes each worker process running ``scenario`` needs, the limit: :data:`MEMORY_FRACTION` of
    what is available) for batch workers, or None when the memory is unknown."""
    available = available_memory_bytes(per_process=False)  # each worker has its own ulimit -v
    if available is None:
        return None
    return available, WORKER_PROCESS_BYTES_ESTIMATE + memory_estimate_bytes(scenario), int(available * MEMORY_FRACTION)


def workers_that_fit(workers: int, scenario) -> int:
    """The most batch processes, at most ``workers`` and at least 1, that fit in the memory available now, each
    running ``scenario``: :data:`WORKER_PROCESS_BYTES_ESTIMATE` plus :func:`memory_estimate_bytes` each, against
    :data:`MEMORY_FRACTION` of what the processes may take together. ``workers`` when the memory is unknown."""
    room = _worker_room(scenario) if workers > 1 else None
    return max(1, workers) if room is None else int(max(1, min(workers, room[2] // room[1])))


def check_worker_memory(workers: int, scenario, origin: str | None = None) -> None:
    """Raise :class:`ScenarioError` if ``workers`` batch processes (the ones that start: at most one a run), each
    running ``scenario`` (the batch's base
    run), would not fit in the memory available now (:func:`workers_that_fit` is fewer; ``--workers 512`` was
    accepted on a 24 GB machine, where it needs ~100 GB). ``origin`` prefixes the message."""
    room = _worker_room(scenario) if workers > 1 else None
    if room is None or workers * room[1] <= room[2]:
        return
    available, each, limit = room
    where = f"{origin}: " if origin else ""
    raise ScenarioError(
        f"{where}--workers {workers} is not allowed here: {workers} worker processes need about "
        f"{fmt_bytes(workers * each)} (~{fmt_bytes(each)} each), but the limit is {fmt_bytes(limit)} "
        f"({int(MEMORY_FRACTION * 100)}% of the {fmt_bytes(available)} available); use --workers "
        f"{max(1, limit // each)} or fewer")
