"""Imported by each render process of the service (``PieceTask.preload``): lower its CPU priority.

Renders then take only the CPU the web server leaves, so the gallery and the API answer quickly
while pieces render (the load check in ``benchmarks`` measures it).
"""

import contextlib
import os

#: Niceness added to a render process (its strip workers inherit it).
RENDER_NICENESS = 10

with contextlib.suppress(OSError, AttributeError):
    os.nice(RENDER_NICENESS)
