"""The day's mineral exchanges (ODD step 6), booked in the calcium and phosphate ledgers, compiled.

Each exchange is a named transfer of a :class:`~.ledger.MineralLedger` (mineral moves its
phosphorus with its calcium at the mineral Ca:P, :func:`book_mineral`); the amounts come from
the laws of :mod:`.calcium`, :mod:`.kidney`, :mod:`.dialysis` and :mod:`.skeleton`. The chains
below are plain Python over a ledger's arrays (``books``: :attr:`.ledger.MineralLedger.books`,
pools named by their index in :data:`.ledger.NAMES`) and the day's systemic values and kidney
inputs; numba compiles them with the laws they call (:mod:`.compiled_laws`), so a day's ~20
transfers, ~20 laws and the mineralisation and vessel kernels cost one compiled call instead of
~150 Python calls. The model calls them once a day as one compiled call, :func:`exchanges_day`
(:meth:`~calcium_abm.model.CalciumParadoxModel.step`), in the ODD order:

1. :func:`exchanges_to_vessel` -- resorbed mineral to blood, dietary calcium (and binder calcium)
   to the gut, absorption (:func:`exchanges_to_bone`); trabecular and cortical mineralisation,
   booked blood -> bone;
2. the vessel wall's day on what blood can give it (:func:`.calcification.wall_day`: the media's
   kernel and the intima, with the day's uniforms drawn before, in Python);
3. :func:`exchanges_after_vessel` -- the wall's net deposition, urine and endogenous faecal
   calcium, the blood : bone-fluid equilibrium and its booking, the phosphate day
   (:func:`phosphate_day`).

The compiled call books on copies of the ledgers' arrays and writes them back when it ends, so a
law that refuses its input leaves the books as they were; the call is then repeated in Python,
which raises the law's own message (the tissue arrays a kernel changed before stay changed: a
law refuses only a state that is already broken, and the run ends with that message).
"""

from __future__ import annotations

import dataclasses
from typing import NamedTuple

import numba
from numba.extending import register_jitable

from calcium_abm.physiology import calcification, calcium, compiled_laws, dialysis, kidney, skeleton
from calcium_abm.physiology.calcium import MINERALISATION_SUPPLY_SHARE, VESSEL_DEPOSITION_SUPPLY_SHARE, SystemicState
from calcium_abm.physiology.ledger import (BLOOD, BONE_CORTICAL, BONE_FLUID, BONE_TRABECULAR, DIALYSATE, DIET, FAECES,
                                           GUT, SOFT_TISSUE, URINE, VESSEL_WALL, move, move_split)

__all__ = ["Systemic", "Kidney", "kidney_values", "book_mineral", "blood_supply_mg", "calcium_intake_day",
           "book_bone_fluid", "phosphate_day", "exchanges_to_bone", "exchanges_to_vessel", "exchanges_after_vessel",
           "exchanges_day", "run"]

#: :class:`.calcium.SystemicState`'s fields as a NamedTuple, which compiled code builds and reads
#: by the same names (``s.pth_relative``)
Systemic = NamedTuple("Systemic", [(field.name, float) for field in dataclasses.fields(SystemicState)])


class Kidney(NamedTuple):
    """:class:`.minerals.KidneyInputs`' fields that the exchanges read, for compiled code."""

    phosphate_mg_per_day: float
    binder_mg_per_day: float
    binder_calcium_mg_per_day: float
    session_hours: float
    binder_precipitated_calcium_mg_per_day: float


def kidney_values(k) -> tuple:
    """The :class:`Kidney` values of a :class:`.minerals.KidneyInputs` (a plain tuple of floats)."""
    return (k.phosphate_mg_per_day, k.binder_mg_per_day, k.binder_calcium_mg_per_day, k.session_hours,
            k.binder_precipitated_calcium_mg_per_day)


def book_mineral(ca, ph, source: int, sink: int, calcium_mg: float, p) -> float:
    """Move ``calcium_mg`` of mineral from ``source`` to ``sink`` in the calcium books and its
    phosphorus (mineral Ca:P, :func:`.kidney.phosphorus_with_calcium_mg`) in the phosphate books;
    returns ``calcium_mg``."""
    move(ph, source, sink, kidney.phosphorus_with_calcium_mg(calcium_mg, p))
    return move(ca, source, sink, calcium_mg)


def blood_supply_mg(ca, ph, share: float) -> float:
    """The most calcium an outflow may take from blood now: ``share`` of blood calcium, or of what
    blood and soft-tissue phosphorus (which exchanges with it within the day) can carry as mineral."""
    return share * min(ca[0][BLOOD], kidney.HYDROXYAPATITE_CA_PER_P_MASS * max(ph[0][BLOOD] + ph[0][SOFT_TISSUE], 0.0))


def calcium_intake_day(ca, diet_calcium_mg_per_day: float, k, dt: float = 1.0) -> float:
    """Book the day's calcium intake (diet + calcium acetate) ``diet -> gut`` and the binder
    calcium precipitated with phosphate ``gut -> faeces``; returns the soluble calcium that
    joined the lumen today (mg), for :func:`.calcium.gut_day`."""
    soluble = (diet_calcium_mg_per_day + k.binder_calcium_mg_per_day) * dt
    move(ca, DIET, GUT, soluble + k.binder_precipitated_calcium_mg_per_day * dt)
    move(ca, GUT, FAECES, k.binder_precipitated_calcium_mg_per_day * dt)
    return soluble


def book_bone_fluid(ca, ph, calcium_mg: float, p) -> float:
    """Move ``calcium_mg`` from blood to the bone fluid (negative: back) with its phosphorus at the
    mineral Ca:P, the phosphorus limited to what the fluid holds (back) or to 90 % of blood and
    soft-tissue phosphorus (in): the fluid's Ca:P may then drift, the masses are conserved."""
    held = ph[0]
    moved = kidney.phosphorus_with_calcium_mg(calcium_mg, p)
    moved = min(max(moved, -held[BONE_FLUID]), 0.9 * max(held[BLOOD] + held[SOFT_TISSUE], 0.0))
    move(ph, BLOOD, BONE_FLUID, moved)
    return move(ca, BLOOD, BONE_FLUID, calcium_mg)


def phosphate_day(ph, s, k, session_today: bool, p, dt: float = 1.0) -> None:
    """Diet, gut, kidneys and dialysis for one day, booked in the phosphate books (mg of phosphorus).

    1. ``diet -> gut`` the intake; ``gut -> blood`` the absorbed part
       (:func:`.kidney.phosphate_absorbed_mg` at today's calcitriol, less what binders keep),
       ``gut -> faeces`` the rest.
    2. Urine: blood and soft tissue exchange within hours, so the renal loss acts on both at
       their equilibrium ratio ``r``; :func:`.kidney.blood_phosphate_day` integrates it exactly
       with the ECF volume scaled by ``1 + r`` and the absorbed phosphorus arriving evenly over
       the day; the soft-tissue share is then restored.
    3. On a session day, :func:`.dialysis.dialysis_session_removal_mg` at the pre-dialysis
       (start-of-day) phosphate leaves to the dialysate from blood, refilled from soft tissue
       at the same ratio (never more than 90 % of the two pools).
    """
    held = ph[0]
    intake = move(ph, DIET, GUT, k.phosphate_mg_per_day * dt)
    absorbed = kidney.phosphate_absorbed_mg(intake, s.calcitriol_relative, k.binder_mg_per_day * dt, p)
    move_split(ph, GUT, BLOOD, absorbed, FAECES, held[GUT] - absorbed)
    r = p.soft_tissue_phosphate_ratio
    pooled = held[BLOOD] + held[SOFT_TISSUE] - absorbed  # absorption arrives over the day
    urine, end = kidney.blood_phosphate_day(max(pooled, 0.0), absorbed + min(pooled, 0.0), s.gfr_ml_per_min,
                                            s.phosphate_fractional_excretion, p.ecf_volume_l * (1.0 + r), dt)
    if session_today:
        removal = min(dialysis.dialysis_session_removal_mg(s.serum_phosphate_mmol_l, p, k.session_hours), 0.9 * end)
        move(ph, BLOOD, DIALYSATE, removal)
        end -= removal
    move(ph, BLOOD, URINE, urine)
    move(ph, SOFT_TISSUE, BLOOD, held[SOFT_TISSUE] - end * r / (1.0 + r))


# ----------------------------------------------------------------------------- the day's chains
def exchanges_to_bone(ca, ph, sv, kv, trabecular_resorbed_mg, cortical_resorbed_mg, diet_calcium_mg_per_day, p, dt):
    """Resorbed mineral to blood, the calcium intake, gut absorption; returns (the Ca x P product
    relative to the reference, the calcium blood can give to trabecular mineralisation)."""
    s, k = Systemic(*sv[:12]), Kidney(*kv)
    book_mineral(ca, ph, BONE_TRABECULAR, BLOOD, trabecular_resorbed_mg, p)
    book_mineral(ca, ph, BONE_CORTICAL, BLOOD, cortical_resorbed_mg, p)
    intake = calcium_intake_day(ca, diet_calcium_mg_per_day, k, dt)
    absorbed, fecal = calcium.gut_day(ca[0][GUT] - intake, intake, s, p, dt)
    move_split(ca, GUT, BLOOD, absorbed, FAECES, fecal)
    return calcium.capxp_relative(s, p), blood_supply_mg(ca, ph, MINERALISATION_SUPPLY_SHARE)


def exchanges_to_vessel(ca, ph, sv, kv, trabecular_resorbed_mg, cortical_resorbed_mg, diet_calcium_mg_per_day,
                        mineral, osteoid, cavity, deficit, mg_per_unit, cortical_osteoid_mg, p, dt):
    """:func:`exchanges_to_bone`, then trabecular mineralisation (:func:`.skeleton.mineralise_arrays`
    on the section's flat arrays, in place) and cortical mineralisation
    (:func:`.skeleton.cortical_mineralised_mg`), each booked blood -> bone. Returns (the Ca x P
    product relative to the reference, what blood can give the vessel wall, the trabecular
    kernel's result (calcium moved and the section's sums), the cortical calcium)."""
    capxp, supply = exchanges_to_bone(ca, ph, sv, kv, trabecular_resorbed_mg, cortical_resorbed_mg,
                                      diet_calcium_mg_per_day, p, dt)
    trabecular = skeleton.mineralise_arrays(mineral, osteoid, cavity, deficit, mg_per_unit, supply, capxp, p, dt)
    book_mineral(ca, ph, BLOOD, BONE_TRABECULAR, trabecular[0], p)
    cortical_mg = skeleton.cortical_mineralised_mg(cortical_osteoid_mg, blood_supply_mg(
        ca, ph, MINERALISATION_SUPPLY_SHARE), capxp, p, dt)
    book_mineral(ca, ph, BLOOD, BONE_CORTICAL, cortical_mg, p)
    return capxp, blood_supply_mg(ca, ph, VESSEL_DEPOSITION_SUPPLY_SHARE), trabecular, cortical_mg


def exchanges_after_vessel(ca, ph, sv, kv, wall_net_mg, fluid_record, pth_record, session_today, p, dt):
    """The vessel wall's net deposition; urine and endogenous faecal calcium; the blood : bone-fluid
    equilibrium (:func:`.calcium.bone_fluid_moved_mg` with the set's kernel records); the phosphate day."""
    s = Systemic(*sv[:12])
    book_mineral(ca, ph, BLOOD, VESSEL_WALL, wall_net_mg, p)
    urine, endogenous = calcium.excretion_day(s, ca[0][BLOOD], p, dt)
    move_split(ca, BLOOD, URINE, urine, GUT, endogenous)
    book_bone_fluid(ca, ph, calcium.bone_fluid_moved_mg(ca[0][BLOOD], ca[0][BONE_FLUID], s, p, fluid_record,
                                                        pth_record), p)
    phosphate_day(ph, s, Kidney(*kv), session_today, p, dt)


def exchanges_day(ca, ph, sv, kv, trabecular_resorbed_mg, cortical_resorbed_mg, diet_calcium_mg_per_day, mineral,
                  osteoid, cavity, deficit, mg_per_unit, cortical_osteoid_mg, wall_inputs, mgp_made_per_cell,
                  fluid_record, pth_record, session_today, p, dt):
    """The whole of step 6 with the vessel wall's day (7) between its halves:
    :func:`exchanges_to_vessel`, :func:`.calcification.wall_day` (``wall_inputs``:
    :func:`.calcification.wall_day_inputs`) on the calcium blood can give it, then
    :func:`exchanges_after_vessel`. Returns those of :func:`exchanges_to_vessel` and the wall's values."""
    capxp, supply, trabecular, cortical_mg = exchanges_to_vessel(
        ca, ph, sv, kv, trabecular_resorbed_mg, cortical_resorbed_mg, diet_calcium_mg_per_day, mineral, osteoid, cavity,
        deficit, mg_per_unit, cortical_osteoid_mg, p, dt)
    s = Systemic(*sv[:12])
    wall = calcification.wall_day(*wall_inputs, mgp_made_per_cell, calcium.phosphate_relative(s, p), capxp, supply,
                                  s.inhibitor_fraction, p, dt)
    exchanges_after_vessel(ca, ph, sv, kv, wall[0] - wall[1], fluid_record, pth_record, session_today, p, dt)
    return capxp, supply, trabecular, cortical_mg, wall


for _chain in (book_mineral, blood_supply_mg, calcium_intake_day, book_bone_fluid, phosphate_day, exchanges_to_bone,
               exchanges_to_vessel, exchanges_after_vessel, exchanges_day):
    compiled_laws.compiled_chain(_chain)


@register_jitable
def _copies(amount, kind, flow):
    return amount.copy(), kind, flow.copy()


@register_jitable
def _write_back(books, amount, flow):
    amount[:] = books[0]
    flow[:] = books[2]


# the compiled day books on copies of both ledgers' arrays, which replace them only when it ends
@numba.njit(cache=True)
def _day(ca_amount, ca_kind, ca_flow, ph_amount, ph_kind, ph_flow, p_record, dt, sv, kv, trabecular_resorbed_mg,
         cortical_resorbed_mg, diet_calcium_mg_per_day, mineral, osteoid, cavity, deficit, mg_per_unit,
         cortical_osteoid_mg, wall_inputs, mgp_made_per_cell, fluid_record, pth_record, session_today):
    ca, ph = _copies(ca_amount, ca_kind, ca_flow), _copies(ph_amount, ph_kind, ph_flow)
    result = exchanges_day(ca, ph, sv, kv, trabecular_resorbed_mg, cortical_resorbed_mg, diet_calcium_mg_per_day,
                           mineral, osteoid, cavity, deficit, mg_per_unit, cortical_osteoid_mg, wall_inputs,
                           mgp_made_per_cell, fluid_record, pth_record, session_today, p_record[0], dt)
    _write_back(ca, ca_amount, ca_flow), _write_back(ph, ph_amount, ph_flow)
    return result


_COMPILED = {exchanges_day: _day}


def run(chain, calcium_ledger, phosphate_ledger, p, dt: float, *args):
    """``chain(ca_books, ph_books, *args, p, dt)`` (:func:`exchanges_day`) on the two ledgers:
    compiled for a parameter set (:func:`.compiled_laws.compiles`), in Python otherwise or when the
    compiled call raises (the books are then as before it, and Python raises the law's message)."""
    if compiled_laws.compiles(p):
        try:
            return _COMPILED[chain](*calcium_ledger.books, *phosphate_ledger.books, compiled_laws.law_parameters(p),
                                    dt, *args)
        except (ValueError, ArithmeticError, KeyError):
            pass
    return chain(calcium_ledger.books, phosphate_ledger.books, *args, p, dt)
