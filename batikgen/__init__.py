"""batikgen: turn EEG recordings into batik cloth.

The stages, each usable on its own::

    read_recording -> compute_band_features -> plan_from_features -> build_composition -> render
"""

from importlib import metadata as _metadata

try:
    __version__ = _metadata.version("batikgen")
except _metadata.PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0+unknown"

from .errors import (
    BatikgenError,
    FeatureError,
    ParameterError,
    PatternError,
    RecordingError,
    RenderError,
)

# The public API is imported on first use (PEP 562), not with the package: `batikgen` on the
# command line then starts in milliseconds, so it can take Ctrl-C cleanly from the start
# (see cli/__init__.py) instead of spending two seconds importing MNE and scipy first.
_LAZY = {
    "build_composition": ".pattern.build",
    "RenderResult": ".pipeline", "features_from_file": ".pipeline", "plan_from_features": ".pipeline",
    "render_recording": ".pipeline",
    "SeedTree": ".seeding",
    "BandFeatures": ".signal.features", "compute_band_features": ".signal.features",
    "check_plausible": ".signal.plausibility",
    "read_recording": ".signal.readers",
}

__all__ = [
    "BandFeatures", "BatikgenError", "FeatureError", "ParameterError", "PatternError", "RecordingError",
    "RenderError", "RenderResult", "SeedTree", "__version__", "build_composition", "check_plausible",
    "compute_band_features", "features_from_file", "plan_from_features", "read_recording", "render_recording",
]


def __getattr__(name: str):
    if name not in _LAZY:
        raise AttributeError(f"module 'batikgen' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(_LAZY[name], __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
