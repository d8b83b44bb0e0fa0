"""Strip workers: a dead worker is one RenderError however the pool reports it; workers die with
their parent."""

import multiprocessing
import os
import signal
import subprocess
import sys
import time

import pytest

from batikgen.errors import RenderError
from batikgen.render.parallel import encoded_strips
from batikgen.render.raster import prepare_scene
from tests.render.test_raster_png import _dense_small


class _DiesLateOnStrip:
    """An encoder whose worker exits abruptly on one strip after a pause: the strips before it have
    been handed back, so the broken pool is met by the next ``submit``, not by a result."""

    def __init__(self, strip: int, pause_s: float) -> None:
        self.strip, self.pause_s = strip, pause_s

    def encode(self, strip, pixels):
        if strip == self.strip:
            time.sleep(self.pause_s)
            os._exit(3)
        return strip


def test_a_worker_death_met_by_submit_is_the_same_render_error():
    scene = prepare_scene(_dense_small(), 30, 16)
    assert scene.n_strips > 6  # strips 4 and on are submitted after the first result
    strips = encoded_strips(scene, [_DiesLateOnStrip(1, 0.3)], workers=2)
    assert next(strips) == [0]
    time.sleep(2.0)  # the worker has died and the pool knows it: the next call into it is submit()
    with pytest.raises(RenderError, match="a render worker died before it finished its strip") as caught:
        next(strips)
    assert "--" not in str(caught.value)  # library messages name no CLI flag
    assert multiprocessing.active_children() == []


_ORPHAN_SCRIPT = """
import os, sys, time
from batikgen.render.parallel import encoded_strips
from batikgen.render.raster import prepare_scene
from tests.render.test_raster_png import _dense_small

class Slow:
    def encode(self, strip, pixels):
        time.sleep(60)
        return strip

strips = encoded_strips(prepare_scene(_dense_small(), 30, 16), [Slow()], workers=2)
import threading
threading.Timer(0.5, lambda: (print(" ".join(str(p.pid) for p in __import__("multiprocessing").active_children()),
                                    flush=True))).start()
next(strips)
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split(") ")[1][0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parent-death signal is Linux's")
def test_workers_die_when_their_parent_is_killed():
    process = subprocess.Popen([sys.executable, "-c", _ORPHAN_SCRIPT], stdout=subprocess.PIPE, text=True,
                               cwd=os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    workers = [int(pid) for pid in process.stdout.readline().split()]
    assert len(workers) == 2 and all(_alive(pid) for pid in workers)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    deadline = time.monotonic() + 5
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(pid) for pid in workers), "strip workers outlived their killed parent"
