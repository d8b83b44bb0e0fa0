"""The motif families, one module each (each defines ``FAMILY``), and their drawing kit.

:data:`MOTIFS` finds the families itself; add one by writing a module here (see
docs/contributing.md). Importing this package draws on numpy and shapely only.
"""

from .kit.palettes import PALETTES, get_palette
from .registry import MOTIFS, MotifFamily, Parameter, get_motif, register

__all__ = ["MOTIFS", "PALETTES", "MotifFamily", "Parameter", "get_motif", "get_palette", "register"]
