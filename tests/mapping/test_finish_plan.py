"""The finish is part of the plan: saved, read back, checked; plans that predate it are crisp."""

import json

import pytest

from batikgen.errors import PatternError
from batikgen.mapping.plan import FINISHES, MotifPlan
from tests.mapping.test_plan import _v1


def test_a_plan_without_a_finish_is_crisp_and_the_finish_round_trips():
    data = _v1()
    assert "finish" not in data and MotifPlan.from_dict(data).finish == "crisp"
    for finish in FINISHES:
        plan = MotifPlan.from_dict({**data, "finish": finish})
        assert plan.finish == finish
        again = json.loads(plan.to_json())
        assert MotifPlan.from_dict(again) == plan
        assert ("finish" in again) == (finish != "crisp")  # crisp plans read as they always did
    assert MotifPlan.from_dict({**data, "finish": "tulis"}).digest() != MotifPlan.from_dict(data).digest()


@pytest.mark.parametrize("bad", ["printed", 3, None])
def test_an_unknown_finish_is_refused_by_name(bad):
    with pytest.raises(PatternError, match=r"plan: finish must be one of tulis, cap, crisp"):
        MotifPlan.from_dict({**_v1(), "finish": bad})
