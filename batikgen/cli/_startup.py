"""Ctrl-C while the command line starts: one line and exit 130, not a traceback from an import.

Importing MNE, scipy and the rest takes a second or two, during which Python would answer Ctrl-C
with a KeyboardInterrupt traceback from deep inside an import. Nothing has been written yet, so
the process can simply stop. Commands put Python's own handler back when they start (see
``fail_cleanly``), so their clean-up runs on Ctrl-C as usual.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path


def _stop(signum, frame) -> None:
    os.write(2, b"batikgen: interrupted\n")
    os._exit(130)


def quiet_interrupt_while_starting() -> None:
    """Install the quiet handler, only when this process is the ``batikgen`` program.

    ``python -m batikgen.cli`` has ``sys.argv[0] == "-m"`` while its package is imported; a
    program that merely imports batikgen.cli (a test runner) keeps its own handler.
    """
    program = sys.argv[0] if sys.argv else ""
    if program == "-m" or Path(program).name == "batikgen":
        if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            signal.signal(signal.SIGINT, _stop)


quiet_interrupt_while_starting()
