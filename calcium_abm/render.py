"""Fast pictures of the two tissue sections, for the dashboard and for reports.

Everything here is plain numpy over the arrays of
:meth:`calcium_abm.CalciumParadoxModel.tissue_snapshot`: mineral becomes a heat map (the
same colour ramp in both views, so "bright" always means "mineralised"), cells become
small coloured squares, and the result is an RGB ``uint8`` array or PNG bytes. One frame
of both 64x64 views takes about a millisecond, far below Mesa's matplotlib space
component (see ``bench/dashboard.py``), which is what lets the dashboard play smoothly.

Image layout: x (axis 0 of the model arrays) runs left to right, y top to bottom. In the
vessel wall y = 0 is the lumen side, so the blood is at the top of the picture.

Example::

    from calcium_abm import CalciumParadoxModel
    from calcium_abm.render import render_bone, render_vessel, png_bytes

    snap = CalciumParadoxModel("k2_deficiency", rng=1).tissue_snapshot()
    open("bone.png", "wb").write(png_bytes(render_bone(snap)))
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np

__all__ = [
    "BONE_LEGEND",
    "DEFAULT_SCALE",
    "MINERAL_RAMP",
    "VESSEL_LEGEND",
    "VESSEL_MINERAL_FULL_SCALE",
    "LegendEntry",
    "css_gradient",
    "png_bytes",
    "render_bone",
    "render_tissues_png",
    "render_vessel",
]

#: screen pixels per grid patch: 64 patches -> 320 px, enough room for a 3x3 cell marker.
DEFAULT_SCALE = 5

#: mineral heat map anchors (position 0..1, RGB): dark = no mineral, bright = mineralised.
MINERAL_RAMP: tuple[tuple[float, tuple[int, int, int]], ...] = (
    (0.00, (20, 12, 40)),
    (0.25, (87, 30, 110)),
    (0.50, (188, 55, 84)),
    (0.75, (249, 142, 9)),
    (1.00, (252, 240, 200)),
)
#: vessel mineral volume fraction drawn at the top of the ramp. Media deposits are a few
#: per cent of a patch at most, so the vessel ramp is stretched (and square-root scaled so
#: the first specks show) while bone uses 0..1 linearly.
VESSEL_MINERAL_FULL_SCALE = 0.05

OSTEOID_RGB = (90, 170, 90)  # unmineralised matrix laid down by osteoblasts
OSTEOCLAST_RGB = (255, 40, 40)
OSTEOBLAST_RGB = (40, 200, 255)
OSTEOCHONDROGENIC_RGB = (60, 255, 120)
LUMEN_RGB = (150, 20, 30)  # a strip of blood above the vessel wall


@dataclass(frozen=True)
class LegendEntry:
    """One legend line: a colour (``#rrggbb``), a label and what it means."""

    color: str
    label: str
    meaning: str


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


BONE_LEGEND: tuple[LegendEntry, ...] = (
    LegendEntry(_hex(OSTEOCLAST_RGB), "osteoclast", "resorbs bone, releasing calcium into the blood"),
    LegendEntry(_hex(OSTEOBLAST_RGB), "osteoblast team", "refills a resorbed cavity with osteoid"),
    LegendEntry(_hex(OSTEOID_RGB), "osteoid", "new matrix, not yet mineralised"),
)
VESSEL_LEGEND: tuple[LegendEntry, ...] = (
    LegendEntry(_hex(OSTEOCHONDROGENIC_RGB), "osteochondrogenic VSMC",
                "a smooth muscle cell switched to a bone-like phenotype"),
    LegendEntry(_hex(LUMEN_RGB), "lumen side", "blood: vitamin K arrives from here"),
)


def _ramp_lut(ramp=MINERAL_RAMP, n: int = 256) -> np.ndarray:
    pos = np.array([p for p, _ in ramp])
    rgb = np.array([c for _, c in ramp], dtype=float)
    x = np.linspace(0.0, 1.0, n)
    return np.stack([np.interp(x, pos, rgb[:, k]) for k in range(3)], axis=1).round().astype(np.uint8)


_LUT = _ramp_lut()


def css_gradient(ramp=MINERAL_RAMP) -> str:
    """The mineral heat map as a CSS ``linear-gradient`` (for an HTML colour bar)."""
    stops = ", ".join(f"{_hex(c)} {100 * p:.0f}%" for p, c in ramp)
    return f"linear-gradient(to right, {stops})"


def _upscale(rgb: np.ndarray, scale: int) -> np.ndarray:
    """(W, H, 3) patch colours -> (H*scale, W*scale, 3) image (x across, y down)."""
    img = np.ascontiguousarray(rgb.transpose(1, 0, 2))
    if scale == 1:
        return img
    return img.repeat(scale, axis=0).repeat(scale, axis=1)


def _heat(values: np.ndarray) -> np.ndarray:
    """Values already scaled to 0..1 -> (W, H, 3) uint8 via the mineral ramp."""
    idx = np.clip(values * 255.0 + 0.5, 0, 255).astype(np.uint8)
    return _LUT[idx]


def _marker_offsets(scale: int) -> np.ndarray:
    """Pixel offsets (dy, dx) of a cell marker inside its patch: a centred square."""
    size = max(1, scale - 2)
    start = (scale - size) // 2
    dy, dx = np.meshgrid(np.arange(size), np.arange(size), indexing="ij")
    return np.stack([dy.ravel(), dx.ravel()], axis=1) + start


def _draw_cells(img: np.ndarray, xy: np.ndarray, rgb: tuple[int, int, int], scale: int,
                y_offset_px: int = 0) -> None:
    """Paint a marker for each (x, y) patch coordinate, in place."""
    if xy.size == 0:
        return
    off = _marker_offsets(scale)
    rows = (xy[:, 1, None] * scale + y_offset_px + off[None, :, 0]).ravel()
    cols = (xy[:, 0, None] * scale + off[None, :, 1]).ravel()
    img[rows, cols] = rgb


def render_bone(snapshot: Mapping[str, Any], scale: int = DEFAULT_SCALE) -> np.ndarray:
    """The bone section as an RGB image (``uint8``, shape ``(H*scale, W*scale, 3)``).

    Mineral volume fraction 0..1 is the heat map; osteoid blends towards green in
    proportion to its fraction; osteoclasts are red squares and osteoblast teams blue.
    """
    mineral = np.asarray(snapshot["bone_mineral"], dtype=float)
    osteoid = np.clip(np.asarray(snapshot["bone_osteoid"], dtype=float), 0.0, 1.0)
    rgb = _heat(mineral).astype(np.float32)
    # osteoid shows where formation is under way; weight 2 so thin seams are visible
    w = np.minimum(2.0 * osteoid, 1.0)[..., None]
    rgb = (rgb * (1.0 - w) + np.asarray(OSTEOID_RGB, np.float32) * w).astype(np.uint8)
    img = _upscale(rgb, scale)
    _draw_cells(img, np.asarray(snapshot["osteoblast_xy"]).reshape(-1, 2), OSTEOBLAST_RGB, scale)
    _draw_cells(img, np.asarray(snapshot["osteoclast_xy"]).reshape(-1, 2), OSTEOCLAST_RGB, scale)
    return img


def render_vessel(snapshot: Mapping[str, Any], scale: int = DEFAULT_SCALE,
                  mineral_full_scale: float = VESSEL_MINERAL_FULL_SCALE) -> np.ndarray:
    """The arterial media as an RGB image, lumen at the top (a ``scale``-pixel red strip).

    Mineral volume fraction is the heat map (square-root scaled, ``mineral_full_scale`` at
    the top of the ramp); osteochondrogenic smooth muscle cells are green squares.
    """
    mineral = np.asarray(snapshot["vessel_mineral"], dtype=float)
    level = np.sqrt(np.clip(mineral / mineral_full_scale, 0.0, 1.0))
    wall = _upscale(_heat(level), scale)
    strip = np.empty((scale, wall.shape[1], 3), dtype=np.uint8)
    strip[:] = LUMEN_RGB
    img = np.concatenate([strip, wall], axis=0)
    osteo = np.argwhere(np.asarray(snapshot["vsmc_osteochondrogenic"], dtype=bool))
    _draw_cells(img, osteo, OSTEOCHONDROGENIC_RGB, scale, y_offset_px=scale)
    return img


def png_bytes(rgb: np.ndarray) -> bytes:
    """Encode an RGB ``uint8`` image as PNG, tuned for speed over size.

    Uses Pillow (installed with matplotlib) at compression level 1; heat maps with flat
    blocks compress well even so.
    """
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(rgb, dtype=np.uint8), "RGB").save(buf, format="PNG", compress_level=1)
    return buf.getvalue()


def render_tissues_png(snapshot: Mapping[str, Any], scale: int = DEFAULT_SCALE) -> tuple[bytes, bytes]:
    """``(bone_png, vessel_png)`` for one snapshot: one dashboard frame."""
    return png_bytes(render_bone(snapshot, scale)), png_bytes(render_vessel(snapshot, scale))

