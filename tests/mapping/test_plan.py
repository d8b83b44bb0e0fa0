"""The typed plan: version 1 plans (saved before plan_version) load and draw the same pixels,
version 2 plans round-trip, and a damaged plan is refused naming the field that is wrong."""

import copy
import dataclasses
import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from batikgen.cloth.build import build_composition
from batikgen.errors import PatternError
from batikgen.mapping.plan import PLAN_VERSION, MotifPlan, Row
from batikgen.render.raster import render_array

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
#: A sarong with a head panel, a motif border and a legend, mapped and saved by batikgen before
#: plans had a version (commit b2b458b), and the SHA-256 of its pixels as that code drew it, read back
#: from this file, at 10 dpi (skia-python 87 with its own fonts on this platform).
V1_PLAN = GOLDEN / "plan_v1_sarong_kawung.json"
V1_PIXELS_SHA256 = "01b75f428abbb211362cce2446caf91f78342e76573c176c87f2a3dcfe2ac32b"


def _v1() -> dict:
    return json.loads(V1_PLAN.read_text(encoding="utf-8"))


def test_a_version_1_plan_loads_and_draws_the_same_pixels():
    data = _v1()
    assert "plan_version" not in data
    plan = MotifPlan.from_dict(data)
    assert plan.plan_version == PLAN_VERSION and plan.layout.head_panel.family == "tumpal"
    assert isinstance(plan.rows[0], Row) and plan.rows[0]["params"] == plan.rows[0].params  # v1 code reads it too
    again = plan.to_dict()
    assert again.pop("plan_version") == PLAN_VERSION and again == data  # nothing else is lost or added
    pixels = render_array(build_composition(plan), 10)
    assert pixels.shape == (787, 566, 3)
    assert hashlib.sha256(np.ascontiguousarray(pixels).tobytes()).hexdigest() == V1_PIXELS_SHA256


def test_a_version_2_plan_round_trips():
    plan = MotifPlan.from_dict(_v1())
    assert MotifPlan.from_dict(json.loads(plan.to_json())) == plan


def _damaged(change) -> dict:
    data = copy.deepcopy(_v1())
    change(data)
    return data


@pytest.mark.parametrize("change, message", [
    (lambda d: d.pop("motif"), "plan: motif is missing"),
    (lambda d: d.update(colour="red"), "plan: colour is not a plan field"),
    (lambda d: d.update(plan_version=99), "plan: plan_version must be one of 1 to"),
    (lambda d: d["rows"][2].update(t_end="late"), r"plan: rows\[2\].t_end must be a number; got 'late'"),
    (lambda d: d["rows"][0]["params"].update(fullness=None), r"plan: rows\[0\].params.fullness must be a number"),
    (lambda d: d.update(rows=[]), "plan: rows must be a non-empty list"),
    (lambda d: d["cloth"].pop("width_mm"), "plan: cloth.width_mm is missing"),
    (lambda d: d["layout"]["head_panel"].update(columns=0), r"plan: layout.head_panel.columns must be a whole number >= 1"),
    (lambda d: d.update(crackle=2), r"plan: crackle must be in \[0, 1\]; got 2"),
    (lambda d: d.update(legend="yes"), "plan: legend must be true or false"),
    (lambda d: d["traits"]["fullness"].pop("rows"), "plan: traits.fullness.rows is missing"),
    (lambda d: d["traits"]["fullness"].update(low="0.3"), "plan: traits.fullness.low must be a number"),
])
def test_a_damaged_plan_is_refused_naming_the_field(change, message):
    with pytest.raises(PatternError, match=message):
        MotifPlan.from_dict(_damaged(change))


def test_a_plan_read_back_from_its_json_draws_the_same_cloth_and_legend():
    """metadata.json sorts keys: the legend must not depend on the order the table listed traits."""
    from batikgen.pipeline import plan_from_features
    from tests.mapping.test_mapping import _features

    t = np.arange(30)
    features = _features(0.2 + 0.15 * np.sin(t / 4), theta=0.15 + 0.05 * np.cos(t / 3), beta=0.1 + 0.04 * np.sin(t / 2))
    plan = plan_from_features(features, motif="kawung", cloth="A4", legend=True)
    assert list(plan.traits) != sorted(plan.traits)  # the table's order is not alphabetical
    read_back = MotifPlan.from_dict(json.loads(plan.to_json()))
    assert np.array_equal(render_array(build_composition(plan), 20), render_array(build_composition(read_back), 20))


def test_a_plan_from_the_first_mapping_loads_and_builds():
    """Before tables, layouts and crackle: traits held a parameter, a band and the rows only."""
    data = _v1()
    first = {key: data[key] for key in ("mapping_version", "motif", "palette", "cloth", "cell_mm", "columns", "rows",
                                        "seed", "source")}
    first["traits"] = {"fullness": {"parameter": "fullness", "band": "relative alpha",
                                    "rows": data["traits"]["fullness"]["rows"]}}
    plan = MotifPlan.from_dict(first)
    assert plan.traits["fullness"].parameter == "fullness" and plan.layout.border.style == "none"
    assert plan.crackle == 0.3 and not plan.legend
    assert build_composition(dataclasses.replace(plan, cloth=dataclasses.replace(plan.cloth, height_mm=300.0),
                                                 rows=plan.rows[:2])).all_valid()
