"""Fast pictures of the two tissue sections, for the dashboard and for reports.

Everything here is plain numpy over the arrays of :func:`tissue_snapshot`
(:meth:`calcium_abm.CalciumParadoxModel.tissue_snapshot`): mineral becomes a heat map (the same
colour ramp in both views, so "bright" always means "mineralised"), and the result is an RGB
``uint8`` array or PNG bytes. One frame of both 64x64 views takes about a millisecond, far below
Mesa's matplotlib space component (see ``bench/dashboard.py``), which lets the dashboard play.

What a lecture hall must see (a rehearsal, 2026-12-06):

* **the intima**: the charted vessel calcium (``vessel_calcification_mg``) is mostly intimal plaque
  calcium, one number per person, which the media's grid does not hold. A band between the blood and
  the media is coloured by it on the media's ramp, square-root scaled as the media is, with a coronary
  score of :data:`INTIMA_FULL_SCALE_AU` at its top (:func:`intima_full_scale_mg`), striped past it
  (:func:`intima_over_scale`) rather than saturating silently;
* **cells as dots**: a cell is a dot in one pixel of its ``scale`` x ``scale`` patch, so the tissue
  shows in the rest (squares filling the patch had hidden the mineral of a knockout mouse's media);
* **osteoid in grey**, apart from every colour of the ramp and the cells.

Image layout: x (axis 0 of the model arrays) runs left to right, y top to bottom. In the
vessel wall y = 0 is the lumen side, so the blood is at the top of the picture.

Example::

    from calcium_abm import CalciumParadoxModel
    from calcium_abm.render import render_bone, render_vessel, png_bytes

    snap = CalciumParadoxModel("k2_deficiency", rng=1).tissue_snapshot()  # or render.tissue_snapshot(model)
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
    "heat",
    "intima_full_scale_mg",
    "intima_level",
    "media_top_px",
    "png_bytes",
    "render_bone",
    "render_tissues_png",
    "render_vessel",
    "tissue_snapshot",
]

#: screen pixels per grid patch: a cell is a dot in one of a patch's 4 pixels, so three quarters of every
#: patch show the tissue under a cell (64x64 patches: 48 KB of raw RGB a picture)
DEFAULT_SCALE = 2

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

#: unmineralised matrix (osteoid): a neutral grey, apart from the cells' green, blue and red and from
#: every colour of the mineral ramp (dark purple, pink, orange, cream)
OSTEOID_RGB = (165, 165, 165)
OSTEOCLAST_RGB = (255, 40, 40)
OSTEOBLAST_RGB = (40, 200, 255)
OSTEOCHONDROGENIC_RGB = (60, 255, 120)
LUMEN_RGB = (150, 20, 30)  # a strip of blood above the vessel wall
#: a light line between the intima's band and the media (one pixel): the band reads as a layer of its own
LAYER_LINE_RGB = (235, 235, 235)
#: the coronary score (Agatston units) at the top of the intima band's ramp: above 1000 AU is the highest of the
#: usual score categories, so with the square-root scale 92 AU (the demos' man of 65) is a third of the way up
#: and 400 AU two thirds; the band's top had been the media's own (20 mg, 250 AU), which many patients pass
INTIMA_FULL_SCALE_AU = 1000.0
#: the stripes across the intima band when its plaque passes the top of the ramp: the band then says "more than
#: the key's top" instead of saturating silently (a coronary score past 1000 AU)
INTIMA_OVER_SCALE_RGB = (255, 255, 255)
#: rows of patches the intima band is tall, and the blood strip above it
INTIMA_BAND_PATCHES = 4
LUMEN_PATCHES = 2


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
                "a smooth muscle cell of the media switched to a bone-like phenotype"),
    LegendEntry(_hex(LUMEN_RGB), "blood", "the lumen: vitamin K arrives from here"),
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
    return img if scale == 1 else img.repeat(scale, axis=0).repeat(scale, axis=1)


def heat(level: Any) -> np.ndarray:
    """Levels 0..1 (any shape) as colours of the mineral ramp, ``uint8`` with a last axis of 3."""
    return _LUT[np.clip(np.asarray(level, dtype=float) * 255.0 + 0.5, 0, 255).astype(np.uint8)]


def _draw_dots(img: np.ndarray, xy: Any, rgb: tuple[int, int, int], scale: int, y_offset_px: int = 0) -> None:
    """A dot for each (x, y) patch in the top-left pixel of the patch, in place: the patch's other
    pixels keep the tissue's colour."""
    xy = np.asarray(xy).reshape(-1, 2)
    if xy.size:
        img[xy[:, 1] * scale + y_offset_px, xy[:, 0] * scale] = rgb


def render_bone(snapshot: Mapping[str, Any], scale: int = DEFAULT_SCALE) -> np.ndarray:
    """The bone section as an RGB image (``uint8``, shape ``(H*scale, W*scale, 3)``): mineral volume
    fraction 0..1 on the ramp, osteoid blended towards grey in proportion to its fraction, osteoclasts
    (red) and osteoblast teams (blue) as dots."""
    mineral = np.asarray(snapshot["bone_mineral"], dtype=float)
    osteoid = np.clip(np.asarray(snapshot["bone_osteoid"], dtype=float), 0.0, 1.0)
    weight = np.minimum(2.0 * osteoid, 1.0)[..., None]  # weight 2: thin seams show
    rgb = heat(mineral).astype(np.float32) * (1.0 - weight) + np.asarray(OSTEOID_RGB, np.float32) * weight
    img = _upscale(rgb.astype(np.uint8), scale)
    _draw_dots(img, snapshot["osteoblast_xy"], OSTEOBLAST_RGB, scale)
    _draw_dots(img, snapshot["osteoclast_xy"], OSTEOCLAST_RGB, scale)
    return img


def intima_full_scale_mg(snapshot: Mapping[str, Any]) -> float:
    """Plaque calcium (mg) at the top of the intima band's ramp: a coronary score of :data:`INTIMA_FULL_SCALE_AU`
    (the snapshot's ``agatston_units_per_mg``); 0 where the model scores no calcium (the band stays dark)."""
    units_per_mg = float(snapshot.get("agatston_units_per_mg", 0.0))
    return INTIMA_FULL_SCALE_AU / units_per_mg if units_per_mg > 0 else 0.0


def intima_level(intima_mg: float, full_scale_mg: float) -> float:
    """The ramp level (0..1) of ``intima_mg`` of plaque calcium: square-root scaled, as the media's
    mineral is, with ``full_scale_mg`` at the top."""
    if not (full_scale_mg > 0 and np.isfinite(intima_mg)):
        return 0.0
    return float(np.sqrt(np.clip(intima_mg / full_scale_mg, 0.0, 1.0)))


def intima_over_scale(intima_mg: float, full_scale_mg: float) -> bool:
    """Whether ``intima_mg`` of plaque calcium lies past the top of the band's ramp (drawn striped)."""
    return bool(full_scale_mg > 0 and np.isfinite(intima_mg) and intima_mg > full_scale_mg)


def _stripe(band: np.ndarray, scale: int) -> None:
    """Diagonal stripes of :data:`INTIMA_OVER_SCALE_RGB` across ``band`` (a view into the picture)."""
    rows, cols = np.indices(band.shape[:2])
    band[(rows + cols) % (4 * scale) >= 3 * scale] = INTIMA_OVER_SCALE_RGB


def media_top_px(scale: int = DEFAULT_SCALE) -> int:
    """The first pixel row of the media in :func:`render_vessel` (blood and intima band above it)."""
    return (LUMEN_PATCHES + INTIMA_BAND_PATCHES) * scale


def render_vessel(snapshot: Mapping[str, Any], scale: int = DEFAULT_SCALE,
                  mineral_full_scale: float = VESSEL_MINERAL_FULL_SCALE) -> np.ndarray:
    """The vessel wall as an RGB image, lumen on top: a blood strip, the intima band coloured by the
    snapshot's ``intima_calcium_mg`` (:func:`intima_level`; 0 when absent), a thin line, then the media
    (mineral volume fraction square-root scaled, ``mineral_full_scale`` at the top of the ramp) with
    osteochondrogenic smooth muscle cells as green dots; shape ``(media_top_px + H*scale, W*scale, 3)``."""
    mineral = np.asarray(snapshot["vessel_mineral"], dtype=float)
    width = mineral.shape[0] * scale
    media = _upscale(heat(np.sqrt(np.clip(mineral / mineral_full_scale, 0.0, 1.0))), scale)
    full = intima_full_scale_mg(snapshot)
    layers = [(LUMEN_PATCHES * scale, LUMEN_RGB),
              (INTIMA_BAND_PATCHES * scale - 1, heat(intima_level(float(snapshot.get("intima_calcium_mg", 0.0)), full))),
              (1, LAYER_LINE_RGB)]
    img = np.concatenate([np.broadcast_to(np.asarray(rgb, np.uint8), (rows, width, 3)) for rows, rgb in layers]
                         + [media], axis=0)
    intima_mg = float(snapshot.get("intima_calcium_mg", 0.0))
    if intima_over_scale(intima_mg, full):
        _stripe(img[LUMEN_PATCHES * scale:(LUMEN_PATCHES + INTIMA_BAND_PATCHES) * scale - 1], scale)
    cells = np.argwhere(np.asarray(snapshot["vsmc_osteochondrogenic"], dtype=bool))
    _draw_dots(img, cells, OSTEOCHONDROGENIC_RGB, scale, y_offset_px=media_top_px(scale))
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



def tissue_snapshot(model) -> dict[str, Any]:
    """Copies of a :class:`~calcium_abm.CalciumParadoxModel`'s tissue state for drawing (the dashboard reads only this).

    Returns a dict with:
        ``bone_mineral``, ``bone_osteoid``, ``bone_cavity``: (W, H) volume fractions;
        ``osteoclast_xy``, ``osteoblast_xy``: (n, 2) int patch coordinates;
        ``osteoblast_team_cells``: (n,) team sizes;
        ``vessel_mineral``: (W, H) deposit volume fraction;
        ``agatston_units_per_mg``: the coronary score of a mg of wall calcium (0: no score, a rodent);
        ``intima_calcium_mg``: the intima's plaque calcium (mg; 0 in a rodent);
        ``vsmc_osteochondrogenic``: (W, H) bool;
        ``carboxylated_mgp``, ``uncarboxylated_mgp``: (W, H) in healthy-MGP units;
        ``vessel_kh2_nmol_l``: (W, H) local reduced vitamin K;
        ``day``: int.
    In the vessel arrays axis 0 runs along the vessel and axis 1 from the lumen
    (index 0) to the adventitia.
    """
    ocs, obs = model.osteoclasts.live_slots(), model.osteoblasts.live_slots()
    wall = model.vessel
    return {
        "day": model.day,
        "bone_mineral": model.bone.mineral.copy(),
        "bone_osteoid": model.bone.osteoid.copy(),
        "bone_cavity": model.bone.cavity.copy(),
        "osteoclast_xy": np.stack([model.osteoclasts.x[ocs], model.osteoclasts.y[ocs]], axis=1),
        "osteoblast_xy": np.stack([model.osteoblasts.x[obs], model.osteoblasts.y[obs]], axis=1),
        "osteoblast_team_cells": model.osteoblasts.team_cells[obs].copy(),
        "vessel_mineral": wall.mineral.copy(),
        "agatston_units_per_mg": float(model.params.agatston_units_per_mg_calcium),
        "intima_calcium_mg": float(wall.intima.calcium_mg),
        "vsmc_osteochondrogenic": wall.osteochondrogenic.copy(),
        "carboxylated_mgp": wall.cmgp.copy(),
        "uncarboxylated_mgp": wall.ucmgp.copy(),
        "vessel_kh2_nmol_l": np.broadcast_to(model.carboxylation.vessel_kh2_by_depth, wall.mineral.shape).copy(),
    }
