"""Explanation panels: what each view's colours and lines mean and which mechanism
moves them. Kept short and in plain words so they read from the back of a lecture hall."""

from __future__ import annotations

EXPLANATIONS: dict[str, tuple[str, str]] = {
    "bone": (
        "Bone section (trabecular bone)",
        "Bright = mineralised bone, dark = marrow. Red squares are osteoclasts digging "
        "cavities; blue squares are osteoblast teams refilling them with osteoid (green), "
        "which then mineralises. Vitamin K keeps osteoblasts alive and speeds osteoclast "
        "death: with too little, cavities are dug faster than they are refilled and the "
        "bright area shrinks.",
    ),
    "vessel": (
        "Vessel wall (arterial media)",
        "The red strip on top is the blood. Colour is mineral in the wall (dark = none, "
        "bright = calcified, same colour ramp as bone). Green squares are smooth muscle "
        "cells that switched to a bone-like (osteochondrogenic) phenotype. Vitamin K "
        "activates MGP, the wall's calcification inhibitor; vitamin K reaches the deep "
        "wall least, so without it MGP stays inactive, cells switch and mineral grows.",
    ),
    "paradox": (
        "The paradox",
        "Blue: bone density change since day 0, as the mean of the past year (the faint "
        "line is the noisy daily value). Red: calcium deposited in the vessel wall. Low vitamin K makes the lines part: calcium leaves the skeleton and ends "
        "up in the artery. Compare mode draws scenario B dashed on the same axes.",
    ),
    "markers": (
        "Blood markers",
        "dp-ucMGP is inactive MGP in plasma: it rises when the vessel wall lacks vitamin "
        "K. %ucOC is the share of osteocalcin left uncarboxylated: it rises when bone "
        "lacks vitamin K. Serum calcium barely moves on its fixed 2.0-2.8 mmol/L axis: "
        "parathyroid hormone holds it steady by taking calcium from bone, which is why a "
        "normal blood calcium hides the paradox.",
    ),
}
