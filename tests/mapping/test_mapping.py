"""The mapping from features to a plan: timeline, monotonic traits, determinism."""
import json
import logging

import numpy as np
import pytest

from batikgen.cloth.build import build_composition
from batikgen.cloth.formats import get_cloth
from batikgen.mapping.table import load_mapping, map_features, robust_unit
from batikgen.pipeline import plan_from_features
from batikgen.seeding import SeedTree
from batikgen.signal.features import BandFeatures


def _features(alpha: np.ndarray, theta=None, beta=None) -> BandFeatures:
    """Synthetic features: relative alpha (and optionally theta, beta) per window, 10 % elsewhere."""
    n = len(alpha)
    bands = {"delta": (1, 4), "theta": (4, 8), "alpha": (8, 13), "beta": (13, 30), "gamma": (30, 45)}
    relative = np.full((n, 2, 5), 0.1)
    relative[:, :, 2] = alpha[:, None]
    if theta is not None:
        relative[:, :, 1] = np.asarray(theta)[:, None]
    if beta is not None:
        relative[:, :, 3] = np.asarray(beta)[:, None]
    absolute = relative * 1e-11
    mean = absolute.mean(axis=1)
    indices = {"engagement": mean[:, 3] / (mean[:, 2] + mean[:, 1]), "relaxation": mean[:, 2] / mean[:, 1]}
    return BandFeatures(times=np.arange(n) * 2.0 + 2.0, ch_names=["O1", "O2"], bands=bands,
                        absolute=absolute, relative=relative, good=np.ones(n, bool), indices=indices,
                        params={"step_s": 2.0}, source={"content_hash": "abc"})


def test_robust_unit_is_monotonic_and_resists_outliers():
    values = np.array([1.0, 2.0, 3.0, 4.0, 1000.0])
    unit = robust_unit(values)
    assert np.all(np.diff(unit) > 0) and unit.min() > 0 and unit.max() <= 1
    assert unit[1] < 0.5 < unit[3]  # the outlier does not squash the rest towards 0


def test_cloth_is_a_timeline_and_alpha_drives_fullness():
    alpha = np.concatenate([np.full(30, 0.1), np.full(30, 0.6), np.full(30, 0.1)])
    plan = map_features(_features(alpha), "kawung", "sogan-yogya", get_cloth("kain-panjang"), SeedTree("x"))
    fullness = np.array([row["params"]["fullness"] for row in plan.rows])
    third = len(fullness) // 3
    assert fullness[third + 2 : 2 * third - 2].min() > fullness[: third - 2].max()
    starts = [row["t_start"] for row in plan.rows]
    assert starts == sorted(starts) and plan.rows[0]["t_start"] == pytest.approx(1.0)
    assert plan.rows[-1]["t_end"] == pytest.approx(181.0)
    assert plan.columns * plan.cell_mm == pytest.approx(1050.0)
    trait = {t.parameter: t for t in load_mapping().traits_for("kawung")}["fullness"]
    low, high = trait.low, trait.high
    assert low <= fullness.min() and fullness.max() <= high


def test_trait_rises_monotonically_with_its_feature():
    alpha = np.linspace(0.05, 0.6, 120)
    plan = map_features(_features(alpha), "kawung", "sogan-yogya", get_cloth("iket"), SeedTree("x"))
    fullness = [row["params"]["fullness"] for row in plan.rows]
    assert np.all(np.diff(fullness) > 0)


def test_plan_is_deterministic_json_and_seeded_by_content():
    features = _features(np.linspace(0.1, 0.5, 40))
    a = plan_from_features(features)
    b = plan_from_features(features)
    assert a.to_json() == b.to_json() and a.digest() == b.digest()
    assert json.loads(a.to_json())["motif"] == "kawung"
    features.source = {"content_hash": "another recording"}
    assert plan_from_features(features).seed != a.seed


def test_composition_layers_follow_palette_and_stay_on_the_cloth():
    plan = plan_from_features(_features(np.linspace(0.1, 0.5, 40)), cloth="iket", palette="lasem", border="none")
    composition = build_composition(plan)
    assert composition.background == (0x9B, 0x1C, 0x1F)
    names = [layer.name for layer in composition.layers]
    assert [name for name in names if name != "crackle"] == ["outline", "petal", "core", "cecek", "centre"]
    assert names[names.index("petal") + 1] == "crackle"  # each waxed layer's crackle right over it
    assert composition.all_valid()
    for layer in composition.layers:
        bounds = np.array([g.bounds for g in layer.geometries])
        assert bounds[:, :2].min() >= -1e-9 and bounds[:, 2].max() <= 1000 + 1e-9 and bounds[:, 3].max() <= 1000 + 1e-9


def test_a_recording_too_short_for_its_cloth_is_warned_about(caplog):
    caplog.set_level(logging.WARNING, logger="batikgen.mapping.table")
    plan_from_features(_features(np.full(3, 0.3)), cloth="kain-panjang")  # 3 windows, about 100 rows
    warned = [r.getMessage() for r in caplog.records if "analysis window" in r.getMessage()]
    assert len(warned) == 1 and warned[0].startswith("3 analysis windows for the cloth's ")
    caplog.clear()
    plan_from_features(_features(np.linspace(0.1, 0.5, 200)), cloth="kain-panjang")  # 200 windows
    assert not [r for r in caplog.records if "analysis window" in r.getMessage()]
