"""batikgen: turn EEG recordings into batik cloth.

The stages, each usable on its own::

    read_recording -> compute_band_features -> plan_from_features -> build_composition -> render

The public names below are imported when first used, so ``import batikgen.motifs`` (say) loads
the motif families without the signal stage or the renderer.
"""

from importlib import import_module as _import_module
from importlib import metadata as _metadata

try:
    __version__ = _metadata.version("batikgen")
except _metadata.PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0+unknown"

from .errors import BatikgenError, FeatureError, ParameterError, PatternError, RecordingError, RenderError

#: Public name -> the module that defines it.
_LAZY = {
    "build_composition": "batikgen.cloth.build",
    "RenderResult": "batikgen.pipeline", "features_from_file": "batikgen.pipeline",
    "plan_from_features": "batikgen.pipeline", "render_recording": "batikgen.pipeline",
    "SeedTree": "batikgen.seeding",
    "BandFeatures": "batikgen.signal.features", "compute_band_features": "batikgen.signal.features",
    "check_plausible": "batikgen.signal.plausibility",
    "read_recording": "batikgen.signal.readers",
}

__all__ = [
    "BandFeatures", "BatikgenError", "FeatureError", "ParameterError", "PatternError", "RecordingError",
    "RenderError", "RenderResult", "SeedTree", "__version__", "build_composition", "check_plausible",
    "compute_band_features", "features_from_file", "plan_from_features", "read_recording", "render_recording",
]


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(_import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'batikgen' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
