"""An exhibition folder: its manifest, its catalogue, and the batch runner that renders its pieces.

::

    EXHIBITION/
      exhibition.toml     the manifest (title, defaults, pieces)
      catalogue.sqlite    every piece: status, hashes, timings, outputs (see catalogue.py)
      pieces/<id>/        what `render` writes, named by the piece id, plus features.npz
"""

from .catalogue import CATALOGUE_NAME, Catalogue
from .manifest import MANIFEST_NAME, Manifest, PieceSpec, load_manifest
from .records import STATUSES, OutputFile, PieceRecord, PieceResult

__all__ = ["CATALOGUE_NAME", "MANIFEST_NAME", "STATUSES", "Catalogue", "Manifest", "OutputFile", "PieceRecord",
           "PieceResult", "PieceSpec", "load_manifest"]
