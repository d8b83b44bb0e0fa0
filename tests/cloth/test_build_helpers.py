"""The build's helpers (cap and tulis crackle grown in a helper process and cut in two threads, the
tulis hand drawn in two threads): the composition is the same, byte for byte, whether the work ran
in helpers or in this process's one thread."""

import os
import signal

import numpy as np
import pytest
import shapely

from batikgen.cloth import crackle as cloth_crackle
from batikgen.cloth import hand
from batikgen.cloth.build import build_composition
from batikgen.cloth.parallel import Aside, helpers_allowed, thread_map
from batikgen.errors import PatternError
from batikgen.mapping.plan import MotifPlan
from batikgen.motifs import get_motif
from batikgen.motifs.kit import crackle as kit_crackle

needs_fork = pytest.mark.skipif(not helpers_allowed(2), reason="helpers fork, on Linux only")


def _plan(finish: str, legend: bool = False) -> MotifPlan:
    """A 480 mm square kawung (256 crackle cells: above the size that grows in a helper)."""
    family = get_motif("kawung")
    rows = [{"t_start": float(i), "t_end": float(i + 1),
             "params": family.validate({"fullness": 0.4 + 0.03 * i, "cecek": i % 4})} for i in range(16)]
    return MotifPlan(1, "kawung", "sogan-yogya", {"name": "t", "width_mm": 480.0, "height_mm": 480.0}, 30.0, 16,
                     rows, seed=7, finish=finish, crackle=0.6, legend=legend)


def _arrays(composition):
    return [(layer.name, layer.colour, layer.shapes.coords, layer.shapes.ring_offsets, layer.shapes.part_offsets,
             layer.shapes.shape_offsets, layer.shapes.multi) for layer in composition.layers]


def _same(a, b) -> bool:
    return len(a) == len(b) and all(x[:2] == y[:2] and all(np.array_equal(p, q) for p, q in zip(x[2:], y[2:]))
                                    for x, y in zip(a, b))


@needs_fork
@pytest.mark.parametrize("finish", ["tulis", "cap"])
def test_helpers_change_no_byte_of_the_composition(finish, monkeypatch):
    monkeypatch.setattr(hand, "THREAD_MIN_VERTICES", 1000)  # the hand in threads
    monkeypatch.setattr(hand, "PIECE_VERTICES", 5000)  # of many pieces
    plan = _plan(finish, legend=finish == "cap")  # a legend widens the composition the crackle covers
    alone = build_composition(plan, workers=1)
    aside = build_composition(plan, workers=2)
    crackle = [layer for layer in aside.layers if layer.name == "crackle"]
    assert sum(len(layer) for layer in crackle) > 500
    assert _same(_arrays(alone), _arrays(aside))
    monkeypatch.setattr(kit_crackle, "SPLIT_VEINS", 10**9)  # and everything in one thread
    monkeypatch.setattr(hand, "THREAD_MIN_VERTICES", 10**9)
    assert _same(_arrays(alone), _arrays(build_composition(plan, workers=2)))


def _suicide_in_helper(parent: int) -> str:
    if os.getpid() != parent:
        os.kill(os.getpid(), signal.SIGKILL)
    return "made here"


def _fails() -> None:
    raise PatternError("the job's own error")


@needs_fork
def test_a_dead_helper_is_made_up_here_and_a_job_error_reaches_the_caller():
    assert Aside(_suicide_in_helper, (os.getpid(),), helper=True).result() == "made here"
    with pytest.raises(PatternError, match="the job's own error"):
        Aside(_fails, (), helper=True).result()
    assert Aside(np.add, (2, 3), helper=False).result() == 5
    assert shapely.equals(Aside(shapely.box, (0, 0, 1, 1), helper=True).result(), shapely.box(0, 0, 1, 1))


def test_one_worker_forks_no_helper():
    assert not helpers_allowed(1)
    grown = cloth_crackle.start_growing("tulis", 900.0, 900.0, 0.5, _plan("tulis").seeds(), workers=1)
    assert grown._future is None and len(grown.result()[0]) > 100
    assert cloth_crackle.start_growing("crisp", 900.0, 900.0, 0.5, _plan("crisp").seeds(), workers=2) is None


def test_thread_map_keeps_the_items_order():
    items = [np.full(200_000, i, dtype=float) for i in range(9)]
    assert [float(x) for x in thread_map(np.sum, items, 3)] == [200_000.0 * i for i in range(9)]
    assert thread_map(len, [], 2) == [] and thread_map(len, ["ab"], 2) == [2]
