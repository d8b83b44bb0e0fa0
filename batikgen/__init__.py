"""batikgen: turn EEG recordings into batik cloth.

The stages, each usable on its own::

    read_recording -> compute_band_features -> plan_from_features -> build_composition -> render
"""

from importlib import metadata as _metadata

try:
    __version__ = _metadata.version("batikgen")
except _metadata.PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0+unknown"

from .errors import BatikgenError, FeatureError, ParameterError, PatternError, RecordingError, RenderError
from .cloth.build import build_composition
from .pipeline import RenderResult, features_from_file, plan_from_features, render_recording
from .seeding import SeedTree
from .signal.features import BandFeatures, compute_band_features
from .signal.plausibility import check_plausible
from .signal.readers import read_recording

__all__ = [
    "BandFeatures", "BatikgenError", "FeatureError", "ParameterError", "PatternError", "RecordingError",
    "RenderError", "RenderResult", "SeedTree", "__version__", "build_composition", "check_plausible",
    "compute_band_features", "features_from_file", "plan_from_features", "read_recording", "render_recording",
]
