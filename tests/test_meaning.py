"""Meaning, shown by tests: different brains give different cloths, and eyes-closed alpha shows
in the rows of the cloth the way the mapping table says it should."""

import dataclasses

import numpy as np
import pytest

from batikgen.cloth.build import build_composition
from batikgen.mapping.table import load_mapping
from batikgen.motifs.kit.palettes import get_palette
from batikgen.pipeline import features_from_file, plan_from_features
from batikgen.render.raster import render_array
from batikgen.signal.readers import READERS
from tests.conftest import shared_file
from tests.perceptual import ssim

DPI = 20
OPENBCI = "csv/OpenBCI_GUI-v6-blinks-jawClench-alpha.txt"


def luma_ssim(a: np.ndarray, b: np.ndarray) -> float:
    """Structural similarity (tests/perceptual.py) of two RGB images' luminance, 0-255: 1 for
    identical images, lower as structure, contrast and brightness part."""
    a, b = (np.asarray(x, dtype=float) @ [0.299, 0.587, 0.114] for x in (a, b))
    return ssim(a, b, data_range=255.0)


def _alpha_trait(table):
    """The kawung trait the table drives with relative alpha, and its direction (+1 rises)."""
    (trait,) = [t for t in table.traits_for("kawung") if t.feature == "relative.alpha"]
    return trait, np.sign(trait.high - trait.low)


@pytest.fixture(scope="module")
def two_recordings():
    return (features_from_file(shared_file("eeglab/eeglab_data.set")),
            features_from_file(shared_file("edf/mnetd_test_edf_overlapping_annotations.edf")))


def test_luma_ssim_measures_what_it_should():
    rng = np.random.default_rng(0)
    image = rng.integers(0, 255, (60, 40, 3))
    assert luma_ssim(image, image) == pytest.approx(1.0)
    assert luma_ssim(image, 255 - image) < 0.1


def test_two_real_recordings_give_clearly_different_plans_and_images(two_recordings):
    # Per recording the time courses differ trait by trait: on a kain panjang (40 and 63 rows) the
    # mean gap of the normalised rows (0-1) measured 0.21-0.27; unrelated recordings should never
    # come close to equal. Their alpha levels differ, so the scale class gives them different row
    # counts: compare the traits along the length of the cloth (0-1 from top to bottom).
    plans = [plan_from_features(f) for f in two_recordings]
    assert plans[0].cell_mm > plans[1].cell_mm  # EEGLAB's strong alpha: larger motifs
    along = np.linspace(0, 1, 101)
    for name in plans[0].traits:
        a, b = (np.interp(along, (np.arange(len(p.rows)) + 0.5) / len(p.rows), p.traits[name]["rows"]) for p in plans)
        assert np.abs(a - b).mean() > 0.12, name
    plans = [plan_from_features(f, cloth="A3") for f in two_recordings]
    images = [render_array(build_composition(plan), DPI) for plan in plans]
    assert luma_ssim(images[0], images[0]) == 1.0
    assert luma_ssim(*images) < 0.5  # measured 0.12: different scale and different traits

    # On the same grid (the table without its [scale] section) the traits alone still part the
    # images: structural similarity measured 0.83, where identical is 1.
    same_grid = _without_scale(load_mapping())
    plans = [plan_from_features(f, cloth="A3", mapping=same_grid) for f in two_recordings]
    assert plans[0].cell_mm == plans[1].cell_mm
    assert luma_ssim(*(render_array(build_composition(plan), DPI) for plan in plans)) < 0.9

    # In absolute mode the EEGLAB recording's strong alpha (relative ~0.45, against ~0.06 in the
    # motor-imagery run) makes visibly fuller petals: measured 0.71 against 0.03 of the trait's range.
    absolute = [plan_from_features(f, cloth="A3", absolute=True, mapping=same_grid) for f in two_recordings]
    trait, direction = _alpha_trait(load_mapping())
    level = [np.mean(plan.traits[trait.name]["rows"]) for plan in absolute]
    assert direction * (level[0] - level[1]) > 0.4
    assert luma_ssim(*(render_array(build_composition(plan), DPI) for plan in absolute)) < 0.7  # measured 0.49


def _without_scale(table):
    return dataclasses.replace(table, scale=None)


def _rows_in(plan, start, end):
    return np.array([i for i, row in enumerate(plan.rows) if row["t_start"] >= start and row["t_end"] <= end])


def _row_light_fraction(plan, image) -> np.ndarray:
    """Per plan row, the fraction of the field's pixels in the motif (wax-resist) colour."""
    light = np.abs(image.astype(int) - get_palette(plan.palette).rgb("motif")).sum(axis=2) < 60
    scale = DPI / 25.4
    x0, y0, x1, _ = plan.layout["field"]
    out = []
    for i in range(len(plan.rows)):
        top, bottom = y0 + i * plan.cell_mm, y0 + (i + 1) * plan.cell_mm
        out.append(light[int(round(top * scale)):int(round(bottom * scale)),
                         int(round(x0 * scale)):int(round(x1 * scale))].mean())
    return np.array(out)


def _assert_eyes_closed_rows_follow_alpha(plan, closed, open_, features):
    trait, direction = _alpha_trait(load_mapping())
    values = np.array([row["params"][trait.parameter] for row in plan.rows])
    assert len(closed) >= 3 and len(open_) >= 3
    # The feature itself: alpha is higher with the eyes closed (the recording is what we think).
    alpha = np.array(plan.traits[trait.name]["values"])
    assert alpha[closed].mean() > 1.5 * alpha[open_].mean()
    # The plan: the alpha-driven parameter moves the way the table says, row by row on average
    # and for most rows (a few open-eye rows may relax).
    gap = direction * (values[closed].mean() - values[open_].mean())
    assert gap > 0.25 * abs(trait.high - trait.low), (values[closed], values[open_])
    assert direction * (np.median(values[closed]) - np.percentile(values[open_], 75)) > 0
    return values


def test_eyes_closed_rows_of_the_sample_follow_alpha(sample_path):
    """samples/eeg/simulated_eyes_closed.edf: eyes closed 70-140 s of 180 s."""
    features = features_from_file(sample_path)
    plan = plan_from_features(features, palette="sogan-yogya")
    # Rows well inside each state (4 s windows and the smoothing blur the switch by a few seconds).
    closed, open_ = _rows_in(plan, 76, 134), np.concatenate([_rows_in(plan, 0, 64), _rows_in(plan, 146, 200)])
    values = _assert_eyes_closed_rows_follow_alpha(plan, closed, open_, features)
    # Measured on the default table: every closed-eye row is fuller than every open-eye row.
    trait, direction = _alpha_trait(load_mapping())
    assert direction * (values[closed].min() - values[open_].max()) > 0
    # The image: fuller petals leave more of the wax-resist (light) colour in those rows.
    if trait.parameter == "fullness":
        light = _row_light_fraction(plan, render_array(build_composition(plan), DPI))
        assert light[closed].mean() > light[open_].mean() + 0.02, (light[closed].mean(), light[open_].mean())


def test_eyes_closed_rows_of_the_openbci_export_follow_alpha():
    """The OpenBCI GUI export: blinks (eyes open) in its first 20 s and again after 76 s, and a
    stretch of eyes-closed alpha from about 28 to 75 s on the occipital channels."""
    path = shared_file(OPENBCI)
    if "openbci" not in {reader.name for reader in READERS}:
        pytest.skip("no OpenBCI text reader registered in this branch (the signal-stage branch adds it)")
    features = features_from_file(path)
    plan = plan_from_features(features, cloth="selendang")  # 90 s over ~44 rows: ~2 s a row
    closed, open_ = _rows_in(plan, 30, 74), _rows_in(plan, 0, 22)
    _assert_eyes_closed_rows_follow_alpha(plan, closed, open_, features)
