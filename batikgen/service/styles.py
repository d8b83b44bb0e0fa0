"""The style choices of the upload form and their swatches.

The only module of the service that reaches into the motif stage (for swatches): when that stage
moves, only these imports change. Names and checks come from the exhibition's own style module.
"""

from __future__ import annotations

import io
import threading
from pathlib import Path

from PIL import Image

from ..exhibition.styles import StyleProblem, check_style, style_names
from ..files import write_bytes_atomic
from ..motifs import MOTIFS, PALETTES
from ..render.catalogue import render_swatch, swatch_composition

__all__ = ["CLOTH_NAMES", "MOTIF_NAMES", "PALETTE_NAMES", "StyleProblem", "check_style", "swatch_png"]

MOTIF_NAMES: tuple[str, ...] = tuple(style_names()["motif"])
PALETTE_NAMES: tuple[str, ...] = tuple(style_names()["palette"])
CLOTH_NAMES: tuple[str, ...] = tuple(style_names()["cloth"])
#: Side of a swatch on the upload form, in pixels (sharp on a tablet at 2x).
SWATCH_PX = 160
_lock = threading.Lock()


def swatch_png(motif: str, palette: str, cache: Path) -> bytes:
    """A PNG swatch of ``motif`` in ``palette`` (default parameters), rendered once then cached.

    Parameters
    ----------
    motif, palette : str
        Registry names (checked by the caller).
    cache : Path
        Folder of rendered swatches.

    Returns
    -------
    bytes
    """
    path = cache / f"{motif}--{palette}-{SWATCH_PX}.png"
    if path.exists():
        return path.read_bytes()
    with _lock:  # one render at a time: a page full of swatches must not starve the renders
        if path.exists():
            return path.read_bytes()
        pixels = render_swatch(swatch_composition(MOTIFS[motif], PALETTES[palette], crackle=0.2), SWATCH_PX)
        buffer = io.BytesIO()
        Image.fromarray(pixels).save(buffer, format="PNG", optimize=True)
        data = buffer.getvalue()
        cache.mkdir(parents=True, exist_ok=True)
        write_bytes_atomic(path, data, overwrite=True)
        return data
