"""Row T-Witham2020 (K4Kidneys: vitamin K2 400 µg/day for 12 months in CKD 3b-4) is listed as not expressible: its
primary outcome is arterial stiffness, and no effect size of its calcification outcome was read to set a band from."""

from calcium_abm.validation.design import NotExpressible
from calcium_abm.validation.experiments import all_rows


def test_k4kidneys_is_listed_as_not_expressible_with_its_source_and_reason():
    row = all_rows()["T-Witham2020"]
    assert isinstance(row, NotExpressible)
    assert "J Am Soc Nephrol 31:2434" in row.source and "32817311" in row.source
    assert "[V abstract" in row.source and "[S]" in row.source
    assert "pulse wave velocity" in row.reason and "not a model output" in row.reason
    assert "400 µg/day" in row.title and "12 months" in row.title
