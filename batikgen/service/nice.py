"""Lower the CPU priority of the service's helper processes, so the web server stays quick.

Each render process imports this module (``PieceTask.preload``), which lowers its priority at
import; the gallery builder's process calls :func:`lower_priority` when it starts. Renders then take
only the CPU the web server leaves (the load check in ``benchmarks`` measures the gallery meanwhile).
"""

import contextlib
import os

#: Niceness added to a helper process (a render's strip workers inherit it).
NICENESS = 10


def lower_priority() -> None:
    """Add :data:`NICENESS` to this process's niceness (where the system allows)."""
    with contextlib.suppress(OSError, AttributeError):
        os.nice(NICENESS)


lower_priority()
