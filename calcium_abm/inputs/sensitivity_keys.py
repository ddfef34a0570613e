"""The keys of a batch's ``[sensitivity]`` table that one method reads and the other never does: refused where the
design's method would not read them (split from :mod:`.trial_tables`, which was at its 500 lines)."""

from __future__ import annotations

from typing import Any

from calcium_abm.inputs.messages import fmt_value, rule_error

__all__ = ["SENSITIVITY_METHOD_KEYS", "unread_method_keys", "without_unread_method_keys"]


#: ``[sensitivity]`` keys that one method reads and the other never does.
SENSITIVITY_METHOD_KEYS = {"trajectories": "morris", "levels": "morris", "samples": "sobol"}


def unread_method_keys(cls, data: Any) -> Any:
    """A ``[sensitivity]`` table before validation, refused if it gives a key its method does not
    read (``samples`` with Morris, ``trajectories`` or ``levels`` with Sobol): it would change nothing."""
    if isinstance(data, dict) and data.get("method", "morris") in ("morris", "sobol"):
        method = data.get("method", "morris")
        unread = [k for k, m in SENSITIVITY_METHOD_KEYS.items() if k in data and m != method]
        if unread:
            raise rule_error("\n".join(
                f"sensitivity.{k} = {fmt_value(data[k])} is not allowed here: it is only for method = "
                f"\"{SENSITIVITY_METHOD_KEYS[k]}\", and this design is method = \"{method}\" (which never reads it); "
                "leave it out" for k in unread))
    return data


def without_unread_method_keys(batch: dict[str, Any]) -> dict[str, Any]:
    """A stored batch (a manifest's ``batch``; one written before ``store.stored_batch`` holds every field
    with its default) without the ``[sensitivity]`` keys its method does not read, so that it validates again."""
    table = batch.get("sensitivity")
    if not isinstance(table, dict):
        return batch
    method = table.get("method", "morris")
    kept = {k: v for k, v in table.items() if SENSITIVITY_METHOD_KEYS.get(k, method) == method}
    return {**batch, "sensitivity": kept}
