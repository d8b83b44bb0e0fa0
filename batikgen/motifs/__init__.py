"""Pattern engine: motif families, palettes, the brain-to-motif mapping and composition."""

from . import (
    ceplok,  # noqa: F401
    kawung,  # noqa: F401  (registers the family)
    lereng,  # noqa: F401
    lung_lungan,  # noqa: F401
    mega_mendung,  # noqa: F401
    nitik,  # noqa: F401
    parang,  # noqa: F401
    semen,  # noqa: F401
    sido,  # noqa: F401
    tambal,  # noqa: F401
    truntum,  # noqa: F401
    tumpal,  # noqa: F401
)
from .kit.palettes import PALETTES, get_palette
from .registry import MOTIFS, get_motif

__all__ = ["MOTIFS", "PALETTES", "get_motif", "get_palette"]
