"""A thirteenth family, written here and nowhere else: this module and its mapping section are all
it takes for it to be listed, mapped, built and rendered (the layout's promise to contributors)."""

import numpy as np
import pytest
import shapely
from click.testing import CliRunner
from PIL import Image

from batikgen.cli import main
from batikgen.mapping.table import DEFAULT_MAPPING_PATH
from batikgen.motifs import MOTIFS, MotifFamily, Parameter, get_palette, register
from batikgen.pipeline import render_recording
from tests.mapping.test_mapping import _features


def draw_row(y0, cell_mm, n_columns, params, seeds=None):
    """One disc (bulan, the moon) in the middle of each cell."""
    centres = shapely.points(((np.arange(n_columns) + 0.5) * cell_mm), np.full(n_columns, y0 + cell_mm / 2))
    return {"moon": list(shapely.buffer(centres, params["radius"] * cell_mm / 2, quad_segs=16))}


FAMILY = MotifFamily(
    name="bulan",
    description="One full moon in each cell (a family defined in a test)",
    parameters=(Parameter("radius", 0.2, 0.9, 0.5, "fraction", "moon diameter relative to the cell"),),
    draw_row=draw_row,
    layer_roles=(("moon", "motif"),),
)

SECTION = """
[motif.bulan.radius]
feature = "relative.alpha"
parameter = "radius"
low = 0.25
high = 0.9
why = "alpha fills the moon"
"""


@pytest.fixture
def bulan(tmp_path):
    register(FAMILY)
    mapping = tmp_path / "with-bulan.toml"
    mapping.write_text(DEFAULT_MAPPING_PATH.read_text(encoding="utf-8") + SECTION, encoding="utf-8")
    yield mapping
    del MOTIFS["bulan"]


def test_a_family_registered_from_a_test_is_listed_mapped_and_rendered(bulan, tmp_path):
    listing = CliRunner().invoke(main, ["motifs", "bulan"])
    assert listing.exit_code == 0 and "radius" in listing.output and "One full moon" in listing.output

    alpha = np.linspace(0.1, 0.6, 40)  # alpha rises down the recording, so the moons grow down the cloth
    result = render_recording("moon.edf", tmp_path / "out", motif="bulan", palette="proof", cloth="A4", dpi=20,
                              border="none", mapping=bulan, features=_features(alpha), workers=1)
    radii = [row["params"]["radius"] for row in result.plan.rows]
    assert np.all(np.diff(radii) > 0) and radii[0] < 0.45 < 0.7 < radii[-1]

    png = next(p for p in result.outputs if p.suffix == ".png")
    assert png.name == "moon-bulan.png"
    image = np.asarray(Image.open(png).convert("RGB")).astype(int)
    moon = np.abs(image - get_palette("proof").rgb("motif")).sum(axis=2) < 40
    top, bottom = moon[: len(moon) // 4].mean(), moon[-len(moon) // 4 :].mean()
    assert 0 < top < bottom  # small moons at the top, full ones at the bottom


def test_the_family_leaves_with_its_test(bulan):
    assert "bulan" in MOTIFS
    del MOTIFS["bulan"]
    assert "bulan" not in MOTIFS
    register(FAMILY)  # the fixture removes it again
