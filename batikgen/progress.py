"""The one progress callback type every long step takes.

``progress(stage, done, total)`` is called as work advances: ``stage`` names the step ("filtering",
"band power", "render", "catalogue"), ``done`` of ``total`` units are finished. The library only
calls it; how it is shown (a bar on a terminal, plain lines in a log) is the caller's choice.
"""

from __future__ import annotations

from collections.abc import Callable

#: ``progress(stage, done, total)``.
Progress = Callable[[str, int, int], None]
