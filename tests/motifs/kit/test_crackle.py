"""Wax crackle: deterministic veins, on the waxed areas only, denser where waxed first, cheap."""

import dataclasses
import json
import time

import numpy as np
import pytest
import shapely

from batikgen.cloth.build import build_composition
from batikgen.cloth.composition import Layer
from batikgen.cloth.crackle import crackle_layer
from batikgen.errors import ParameterError
from batikgen.mapping.plan import MotifPlan
from batikgen.motifs.kit.crackle import WAX_EXPOSURE, crackle_colour, crackle_veins
from batikgen.motifs.kit.palettes import get_palette
from batikgen.seeding import SeedTree

PALETTE = get_palette("sogan-yogya")
# Two large waxed squares: one waxed first (motif), one later (accent); the rest is ground.
MOTIF = shapely.box(0, 0, 400, 400)
ACCENT = shapely.box(450, 0, 850, 400)
GROUND = shapely.box(0, 450, 850, 850)
LAYERS = [Layer("ground-shapes", (0, 0, 0), [GROUND]), Layer("light", (255, 255, 255), [MOTIF]),
          Layer("second", (128, 128, 128), [ACCENT])]
ROLES = {"ground-shapes": "outline", "light": "motif", "second": "accent"}


def _layer(amount, seed="s"):
    return crackle_layer(LAYERS, ROLES, amount, PALETTE, SeedTree(seed), 850, 850)


def test_veins_are_valid_thin_and_deterministic():
    a, rank = crackle_veins(300, 300, 0.8, SeedTree("x").rng("veins"))
    b, _ = crackle_veins(300, 300, 0.8, SeedTree("x").rng("veins"))
    c, _ = crackle_veins(300, 300, 0.8, SeedTree("y").rng("veins"))
    assert len(a) > 20 and np.all(shapely.is_valid(a))
    assert all(shapely.equals_exact(x, y, 0) for x, y in zip(a, b)) and len(a) == len(b)
    assert not (len(a) == len(c) and all(shapely.equals_exact(x, y, 0) for x, y in zip(a, c)))
    # Hairlines: area over length (half the perimeter) is the mean width, well under half a millimetre.
    widths = shapely.area(a) / (shapely.length(a) / 2)
    assert np.all(widths < 0.35) and np.all(widths > 0.02)
    assert rank.min() >= 0 and rank.max() < 1


def test_crackle_lies_on_wax_only_and_more_where_waxed_first():
    layer = _layer(1.0)
    assert layer.name == "crackle" and len(layer.geometries) > 20
    assert np.all(shapely.is_valid(layer.geometries))
    waxed = shapely.union_all([MOTIF, ACCENT]).buffer(1e-6)
    assert all(waxed.contains(g) for g in layer.geometries)
    on_motif = shapely.union_all(layer.geometries).intersection(MOTIF).area
    on_accent = shapely.union_all(layer.geometries).intersection(ACCENT).area
    expected = WAX_EXPOSURE["accent"] / WAX_EXPOSURE["motif"]
    assert on_accent > 0 and 0.5 * expected < on_accent / on_motif < 1.6 * expected


def test_amount_drives_how_much_crackle():
    areas = [shapely.union_all(_layer(a).geometries).area if a else 0.0 for a in (0.0, 0.3, 1.0)]
    assert len(_layer(0.0).geometries) == 0
    assert areas[0] < areas[1] < areas[2]


def test_crackle_is_darker_dye_and_bad_amount_is_refused():
    assert sum(crackle_colour(PALETTE)) < sum(PALETTE.rgb("motif"))
    with pytest.raises(ParameterError, match=r"crackle must be in \[0, 1\]; got 1.5"):
        _layer(1.5)


def _plan(**changes):
    plan = MotifPlan(mapping_version=1, motif="kawung", palette="sogan-yogya",
                     cloth={"name": "kain-panjang", "width_mm": 1050.0, "height_mm": 2500.0},
                     cell_mm=50.0, columns=21, rows=[{"t_start": 0, "t_end": 1, "params": {}}] * 50, seed=7)
    return dataclasses.replace(plan, **changes)


def test_build_adds_crackle_over_the_waxed_layers_and_old_plans_still_load():
    data = json.loads(_plan().to_json())
    assert data["crackle"] == pytest.approx(0.3)
    del data["crackle"]  # a plan written before crackle existed
    old = MotifPlan.from_dict(data)
    assert old.crackle == pytest.approx(0.3)
    small = dataclasses.replace(old, cloth={"name": "iket", "width_mm": 200.0, "height_mm": 200.0},
                                columns=4, rows=old.rows[:4], crackle=1.0)
    composition = build_composition(small)
    assert sum(len(layer.geometries) for layer in composition.layers if layer.name == "crackle") > 0
    none = build_composition(dataclasses.replace(small, crackle=0.0))  # one empty crackle layer, last
    assert [layer.name for layer in none.layers].count("crackle") == 1
    assert none.layers[-1].name == "crackle" and len(none.layers[-1].geometries) == 0


def test_whole_cloth_crackle_is_cheap():
    composition = build_composition(_plan(crackle=0.0))
    roles = {"outline": "outline", "petal": "motif", "core": "accent", "cecek": "outline", "centre": "accent"}
    start = time.perf_counter()
    layer = crackle_layer(composition.layers, roles, 1.0, PALETTE, SeedTree("cloth"), 1050, 2500)
    elapsed = time.perf_counter() - start
    assert len(layer.geometries) > 1000
    assert elapsed < 3.0, f"crackle of a whole kain panjang at amount 1 took {elapsed:.2f} s"


def test_exposure_of_plain_and_blended_roles():
    from batikgen.motifs.kit.crackle import exposure

    assert exposure("motif") == 1.0 and exposure("ground") == 0.0 and exposure("outline") == 0.0
    assert exposure("motif>outline:0.25") == pytest.approx(0.75)
    assert exposure("motif>accent:0.5") == pytest.approx((1.0 + WAX_EXPOSURE["accent"]) / 2)
