"""An exhibition folder: its manifest, its catalogue, and the batch runner that renders its pieces.

::

    EXHIBITION/
      exhibition.toml     the manifest (title, defaults, pieces)
      catalogue.sqlite    every piece: status, hashes, timings, outputs (see catalogue.py)
      pieces/<id>/        what `render` writes, named by the piece id, plus features.npz

The names below are imported when first used: reading a catalogue (the gallery, the service's
pages) loads neither the signal stage nor the renderer.
"""

from importlib import import_module as _import_module

#: Public name -> the module that defines it.
_LAZY = {
    "CATALOGUE_NAME": "catalogue", "Catalogue": "catalogue", "writer_lock": "catalogue",
    "MANIFEST_NAME": "manifest", "Manifest": "manifest", "PieceSpec": "manifest", "load_manifest": "manifest",
    "STATUSES": "records", "OutputFile": "records", "PieceRecord": "records", "PieceResult": "records",
    "BatchOptions": "runner", "BatchSummary": "runner", "run_batch": "runner",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(_import_module(f"{__name__}.{_LAZY[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
