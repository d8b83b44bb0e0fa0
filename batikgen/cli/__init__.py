"""The batikgen command line: thin click wrappers around the library, one module per command."""

# Each module registers its command on the group when imported.
from . import batch, catalogue, features, gallery, inspect, motifs, palettes, render  # noqa: F401
from .common import main

__all__ = ["main"]
