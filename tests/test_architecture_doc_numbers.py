"""docs/architecture.md's typed numbers about the code agree with it: the file limit, MGP's Gla
residues, the smooth muscle cells a default model makes and the size of the compiled laws'
parameter record. Its dated timings are records of those measurements and are left as measured."""

from __future__ import annotations

from pathlib import Path

from calcium_abm import CalciumParadoxModel, simulate
from calcium_abm.agents import SmoothMuscleCell
from calcium_abm.physiology import compiled_laws, parameter_registry, parameter_set
from calcium_abm.physiology.carboxylation import GLA_RESIDUES
from calcium_abm.scenario import MAX_SCENARIO_BYTES

DOC = " ".join((Path(__file__).resolve().parents[1] / "docs" / "architecture.md").read_text(encoding="utf-8").split())


def test_limits_and_constants():
    assert MAX_SCENARIO_BYTES == 2**20 and "(a regular file of at most 1 MiB)" in DOC
    assert f"(processive GGCX, q**n with {GLA_RESIDUES['mgp']} Gla residues)" in DOC


def test_a_default_model_makes_the_smooth_muscle_cells_the_doc_counts():
    cells = len(CalciumParadoxModel().agents_by_type[SmoothMuscleCell])
    assert f"a model makes its {cells:,} smooth muscle cells" in DOC


def test_the_compiled_laws_record_holds_the_fields_the_doc_counts():
    simulate("healthy_adult", years=0.05)  # every compiled chain registered
    compiled_laws.law_parameters(parameter_set({}))
    read = len(compiled_laws._RECORD.fields)
    assert f"(`law_parameters`: ~{round(read, -1)} fields, so numba types it in ~0.3 us, where all " \
           f"~{round(len(parameter_registry()), -1)} cost ~8 us)" in DOC
