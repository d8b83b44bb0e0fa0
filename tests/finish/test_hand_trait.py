"""The hand in the mapping: relative beta makes a tulis cloth's canting line less steady, row by
row, monotonically; the trait is in the plan (so in the legend) for tulis only."""

import numpy as np

from batikgen.cloth.build import build_composition
from batikgen.cloth.composition import PolygonArray
from batikgen.cloth.hand import SPOUTS, breathe, densify
from batikgen.mapping.table import HAND_PARAMETER, load_mapping
from batikgen.motifs.kit.geometry import circle
from batikgen.pipeline import plan_from_features
from tests.mapping.test_mapping import _features


def _plan(finish: str):
    n = 60
    beta = np.linspace(0.04, 0.28, n)  # rising all through the recording
    return plan_from_features(_features(np.full(n, 0.2), beta=beta), cloth="A4", finish=finish, border="none")


def test_beta_makes_the_line_less_steady_row_by_row_in_tulis_only():
    plan = _plan("tulis")
    hand = [row.params[HAND_PARAMETER] for row in plan.rows]
    assert np.all(np.diff(hand) >= 0) and hand[-1] > hand[0]  # monotonic in beta
    table = load_mapping()
    assert table.hand.feature == "relative.beta" and (table.hand.low, table.hand.high) == (0.6, 1.5)
    assert plan.traits["hand"].feature == "relative.beta"  # what the legend draws from
    crisp = _plan("crisp")
    assert "hand" not in crisp.traits and all(HAND_PARAMETER not in row.params for row in crisp.rows)
    assert plan.mapping_sha256 != crisp.mapping_sha256  # the digest says the hand was used
    # The same layers (cap and tulis paint each waxed layer's crackle right over it; crisp once, last).
    names = [[layer.name for layer in build_composition(p).layers if layer.name != "crackle"] for p in (plan, crisp)]
    assert names[0] == names[1]


def test_an_unsteadier_row_moves_its_lines_further():
    ring = PolygonArray.from_vertices([circle(5.0, 64) + [10.0, 10.0]])
    dense = densify(ring)
    moves = []
    for factor in (0.6, 1.0, 1.5):
        moved = breathe(ring, SPOUTS["outline"], 5, rows=(0.0, 20.0, [factor]))
        moves.append(np.abs(np.hypot(*(moved.coords - [10.0, 10.0]).T) - np.hypot(*(dense.coords - [10.0, 10.0]).T)).mean())
    assert moves[0] < moves[1] < moves[2]
