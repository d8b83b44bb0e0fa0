"""The batikgen command line: thin click wrappers around the library, one module per command."""

# First, before the slow imports: Ctrl-C while starting ends with one line and exit 130.
from . import _startup  # noqa: F401  (installs its handler when imported)

# isort: split
# Each module registers its command on the group when imported.
from . import batch, catalogue, features, gallery, inspect, motifs, palettes, render, serve  # noqa: F401
from .common import main

__all__ = ["main"]
