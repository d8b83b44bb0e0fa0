"""Brain to batik: a pure, seeded, versioned function from BandFeatures to a MotifPlan.

The cloth is a timeline: the recording runs from the top of the cloth's field to the bottom, one
row of cells per stretch of time. Each row's motif parameters follow the brain rhythms of its
stretch, within the bounds the motif family declares, so the motif's rules are never broken.

What drives what is a table (TOML, :func:`load_mapping`): the default ships with the package as
``default.toml``; an artist can pass their own. Each trait of a motif family names a
feature (``relative.alpha``, ``absolute.beta``, ``index.engagement``), a family parameter and the
parameter's values at the feature's lowest and highest. Every trait is monotonic in its feature.

Normalisation, before the table's ``low``/``high`` apply:

- relative mode (default): per recording and robust. Rejected windows are replaced by
  interpolation from their good neighbours, a centred moving average smooths the series, then
  (value - median) / interquartile range of the good windows goes through a logistic to 0-1, so
  one artefact cannot flatten the rest of the cloth. This (:func:`robust_unit`) is batikgen's one
  normalisation: the feature stage hands over raw band powers and indices.
- absolute mode: fixed reference ranges from the table's ``[reference]`` section map the feature
  linearly to 0-1 (band power in µV² on a log scale), clipped, the same for everybody.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

from .._validate import check_choice
from ..errors import FeatureError, MappingError
from ..motifs.registry import MOTIFS, get_motif
from ..seeding import SeedTree
from ..signal.features import DEFAULT_BANDS, BandFeatures
from .bounds import bounds_problem, read_toml
from .plan import FINISHES, LEGACY_FINISH, MotifPlan

if TYPE_CHECKING:  # the cloth step lays out the field; the mapping only fills it
    from ..cloth.formats import Cloth

log = logging.getLogger(__name__)

#: More rows than this a window, and the cloth mostly repeats a few windows: a warning says so.
ROWS_PER_WINDOW = 4

#: The table shipped with the package.
DEFAULT_MAPPING_PATH = Path(__file__).with_name("default.toml")
#: The kinds of feature a trait can name, before the dot.
FEATURE_KINDS = ("relative", "absolute", "index")
#: Derived indices of the signal stage a trait can name after ``index.``.
INDEX_NAMES = ("engagement", "relaxation", "spectral_entropy", "frontal_alpha_asymmetry")
#: Normalisation modes.
MODES = ("relative", "absolute")
#: Cell size: the field's width holds this many cells, rounded, for a kawung of about 5 cm.
TARGET_CELL_MM = 50.0

_TOP_KEYS = ("name", "version", "description", "normalisation", "reference", "scale", "motif", "hand")
#: The tulis hand's unsteadiness: a factor on how much a canting line breathes (1 as designed).
HAND_PARAMETER = "hand"
HAND_RANGE = (0.25, 2.0)
_SCALE_KEYS = ("feature", "low_mm", "high_mm", "why")
#: Allowed cell sizes for the scale class, in mm: fine klithik to large barong.
SCALE_RANGE_MM = (10.0, 200.0)
_TRAIT_KEYS = ("feature", "parameter", "low", "high", "why", "scope")
#: A trait varies row by row along the timeline, or takes one value for the whole cloth.
SCOPES = ("row", "cloth")
_SMOOTHING_MAX = 101


@dataclass(frozen=True)
class Trait:
    """One row of the mapping: ``parameter`` runs from ``low`` to ``high`` as ``feature`` rises.

    Attributes
    ----------
    name : str
        The trait's name in the table (``[motif.<family>.<name>]``).
    feature : str
        ``"relative.<band>"``, ``"absolute.<band>"`` or ``"index.<name>"``.
    parameter : str
        A declared parameter of the family.
    low, high : float
        Parameter values at the feature's lowest and highest (``high < low`` inverts the trait).
    why : str
        One line for the legend and the docs.
    scope : {"row", "cloth"}
        ``"row"`` follows the timeline row by row; ``"cloth"`` sets one value for the whole cloth
        from the recording's median, placed in the feature's reference range (for traits such as
        parang's blade scale, which would cut the diagonal bands at every row if it changed).
    """

    name: str
    feature: str
    parameter: str
    low: float
    high: float
    why: str = ""
    scope: str = "row"


@dataclass(frozen=True)
class Scale:
    """The scale class of the whole cloth: cell size from the recording's overall level of a feature.

    A single number per recording, so it is always judged against the table's fixed reference
    range for the feature (normalising a recording to itself would put every cloth at the middle).

    Attributes
    ----------
    feature : str
        As for a trait.
    low_mm, high_mm : float
        Cell size at the bottom and top of the feature's reference range.
    why : str
        One line for the docs.
    """

    feature: str
    low_mm: float
    high_mm: float
    why: str = ""


@dataclass(frozen=True)
class MappingTable:
    """A parsed, validated mapping table.

    Attributes
    ----------
    name : str
        The table's name (recorded in the plan).
    version : int
        The table's version (recorded in the plan as ``mapping_version``).
    description : str
        One line.
    source : str
        ``"default"`` or the file it was read from.
    sha256 : str
        Digest of the file's bytes.
    smoothing_windows : int
        Width of the centred moving average, in analysis windows.
    references : dict of str to (float, float)
        Feature to its fixed range for absolute mode.
    motifs : dict of str to tuple of Trait
        Family name to its traits, in table order.
    scale : Scale or None
        The whole cloth's scale class; None keeps cells at :data:`TARGET_CELL_MM`.
    hand : Trait or None
        The ``[hand]`` section: a rhythm that makes a tulis cloth's canting line less steady (the
        row parameter ``hand``, a factor on the lines' breathing); used only by the tulis finish.
    """

    name: str
    version: int
    description: str
    source: str
    sha256: str
    smoothing_windows: int
    references: dict[str, tuple[float, float]]
    motifs: dict[str, tuple[Trait, ...]]
    scale: Scale | None = None
    hand: Trait | None = None

    def traits_for(self, motif: str) -> tuple[Trait, ...]:
        """The traits of ``motif``; MappingError if the table has no section for it."""
        if motif not in self.motifs:
            raise MappingError(
                f"mapping {self.source}: no [motif.{motif}] section; this table maps "
                f"{', '.join(self.motifs) or 'no family'}. Add [motif.{motif}.<trait>] tables "
                f"(feature, parameter, low, high): see docs/mapping.md"
            )
        return self.motifs[motif]

    def hand_for(self, finish: str) -> Trait | None:
        """The ``[hand]`` trait if ``finish`` is drawn by hand (tulis only), else None."""
        return self.hand if finish == "tulis" else None

    def plan_traits(self, motif: str, finish: str = "crisp") -> tuple[Trait, ...]:
        """The traits a plan of ``motif`` in ``finish`` carries: the family's, then the hand's for tulis."""
        hand = self.hand_for(finish)
        return self.traits_for(motif) + ((hand,) if hand else ())

    def digest_for(self, motif: str, finish: str = "crisp") -> str:
        """SHA-256 of what this table does to ``motif`` (name, version, normalisation, references,
        traits), so a plan names exactly which mapping made it, and adding another family's
        section or a comment to the file leaves the plans of this one unchanged."""
        used = {
            "name": self.name, "version": self.version, "smoothing_windows": self.smoothing_windows,
            "references": {k: list(v) for k, v in sorted(self.references.items())},
            "traits": [vars(t) for t in self.traits_for(motif)],
            "scale": vars(self.scale) if self.scale else None,
        }
        hand = self.hand_for(finish)
        if hand:  # only tulis plans carry the hand: other plans keep their digest
            used["hand"] = vars(hand)
        return hashlib.sha256(json.dumps(used, sort_keys=True).encode("utf-8")).hexdigest()


def _fail(source: str, key: str, message: str) -> MappingError:
    return MappingError(f"mapping {source}: {key}: {message}")


def _number(source: str, key: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise _fail(source, key, f"must be a number, got {value!r}")
    return float(value)


def _check_keys(source: str, where: str, table: dict, allowed: tuple[str, ...]) -> None:
    for key in table:
        if key not in allowed:
            raise _fail(source, f"{where}{key}", f"unknown key; allowed keys are {', '.join(allowed)}")


def check_feature(source: str, key: str, feature) -> str:
    """Validate a feature name such as ``"relative.alpha"``; return it.

    Raises
    ------
    MappingError
        Naming ``key`` and the features that exist.
    """
    if not isinstance(feature, str):
        raise _fail(source, key, f"must be a string such as 'relative.alpha', got {feature!r}")
    kind, _, name = feature.partition(".")
    allowed = INDEX_NAMES if kind == "index" else tuple(DEFAULT_BANDS)
    if kind not in FEATURE_KINDS or name not in allowed:
        bands = "|".join(DEFAULT_BANDS)
        raise _fail(source, key, f"unknown feature {feature!r}; allowed: relative.<{bands}>, "
                                 f"absolute.<{bands}>, index.<{'|'.join(INDEX_NAMES)}>")
    return feature


def _parse_trait(source: str, family: str, name: str, table) -> Trait:
    where = f"[motif.{family}.{name}]"
    if not isinstance(table, dict):
        raise _fail(source, where, f"must be a table with keys {', '.join(_TRAIT_KEYS[:4])}, got {table!r}")
    _check_keys(source, f"{where} ", table, _TRAIT_KEYS)
    for key in _TRAIT_KEYS[:4]:
        if key not in table:
            raise _fail(source, where, f"missing key {key!r}; a trait needs {', '.join(_TRAIT_KEYS[:4])}")
    feature = check_feature(source, f"{where} feature", table["feature"])
    motif = MOTIFS[family]
    declared = {p.name: p for p in motif.parameters}
    parameter = table["parameter"]
    if parameter not in declared:
        raise _fail(source, f"{where} parameter",
                    f"{family} has no parameter {parameter!r}; allowed: {', '.join(declared)}")
    spec = declared[parameter]
    bounds = []
    for key in ("low", "high"):
        value = _number(source, f"{where} {key}", table[key])
        if not spec.low <= value <= spec.high:
            raise _fail(source, f"{where} {key}", f"{family}.{parameter} is declared in "
                                                  f"[{spec.low:g}, {spec.high:g}], got {value:g}")
        bounds.append(value)
    why = table.get("why", "")
    if not isinstance(why, str):
        raise _fail(source, f"{where} why", f"must be a string, got {why!r}")
    scope = table.get("scope", "row")
    if scope not in SCOPES:
        raise _fail(source, f"{where} scope", f"must be one of {', '.join(SCOPES)}, got {scope!r}")
    return Trait(name, feature, parameter, bounds[0], bounds[1], why, scope)


def _parse_scale(source: str, table, references: dict) -> Scale | None:
    if table is None:
        return None
    if not isinstance(table, dict):
        raise _fail(source, "[scale]", f"must be a table with keys {', '.join(_SCALE_KEYS[:3])}, got {table!r}")
    _check_keys(source, "[scale] ", table, _SCALE_KEYS)
    for key in _SCALE_KEYS[:3]:
        if key not in table:
            raise _fail(source, "[scale]", f"missing key {key!r}; the scale needs {', '.join(_SCALE_KEYS[:3])}")
    feature = check_feature(source, "[scale] feature", table["feature"])
    if feature not in references:
        raise _fail(source, "[scale] feature", f"the scale is judged against a fixed range: add "
                                               f'reference."{feature}" = [low, high]')
    sizes = []
    for key in ("low_mm", "high_mm"):
        value = _number(source, f"[scale] {key}", table[key])
        low, high = SCALE_RANGE_MM
        if not low <= value <= high:
            raise _fail(source, f"[scale] {key}", f"must be in [{low:g}, {high:g}] mm, got {value:g}")
        sizes.append(value)
    why = table.get("why", "")
    if not isinstance(why, str):
        raise _fail(source, "[scale] why", f"must be a string, got {why!r}")
    return Scale(feature, sizes[0], sizes[1], why)


def _parse_hand(source: str, table) -> Trait | None:
    if table is None:
        return None
    if not isinstance(table, dict):
        raise _fail(source, "[hand]", f"must be a table with keys feature, low, high, got {table!r}")
    _check_keys(source, "[hand] ", table, ("feature", "low", "high", "why"))
    for key in ("feature", "low", "high"):
        if key not in table:
            raise _fail(source, "[hand]", f"missing key {key!r}; the hand needs feature, low, high")
    feature = check_feature(source, "[hand] feature", table["feature"])
    bounds = []
    for key in ("low", "high"):
        value = _number(source, f"[hand] {key}", table[key])
        if not HAND_RANGE[0] <= value <= HAND_RANGE[1]:
            raise _fail(source, f"[hand] {key}", f"must be in [{HAND_RANGE[0]:g}, {HAND_RANGE[1]:g}], got {value:g}")
        bounds.append(value)
    why = table.get("why", "")
    if not isinstance(why, str):
        raise _fail(source, "[hand] why", f"must be a string, got {why!r}")
    return Trait("hand", feature, HAND_PARAMETER, bounds[0], bounds[1], why, "row")


def parse_mapping(data: dict, source: str = "<table>", sha256: str = "") -> MappingTable:
    """Validate a mapping table already read from TOML.

    Parameters
    ----------
    data : dict
        The parsed TOML document.
    source : str
        Where it came from, for messages.
    sha256 : str
        Digest of the file's bytes.

    Returns
    -------
    MappingTable

    Raises
    ------
    MappingError
        Naming the file, the key, what is allowed and what was given.
    """
    _check_keys(source, "", data, _TOP_KEYS)
    problem = bounds_problem(data)  # sizes of everything first: see bounds.py
    if problem:
        raise _fail(source, *problem)
    name = data.get("name", Path(source).stem)
    if not isinstance(name, str) or not name:
        raise _fail(source, "name", f"must be a non-empty string, got {name!r}")
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise _fail(source, "version", f"must be a whole number >= 1, got {version!r}")
    description = data.get("description", "")
    if not isinstance(description, str):
        raise _fail(source, "description", f"must be a string, got {description!r}")

    normalisation = data.get("normalisation", {})
    if not isinstance(normalisation, dict):
        raise _fail(source, "normalisation", f"must be a table, got {normalisation!r}")
    _check_keys(source, "normalisation.", normalisation, ("smoothing_windows",))
    smoothing = normalisation.get("smoothing_windows", 1)
    if isinstance(smoothing, bool) or not isinstance(smoothing, int) or not 1 <= smoothing <= _SMOOTHING_MAX:
        raise _fail(source, "normalisation.smoothing_windows",
                    f"must be a whole number in [1, {_SMOOTHING_MAX}], got {smoothing!r}")

    references = {}
    reference = data.get("reference", {})
    if not isinstance(reference, dict):
        raise _fail(source, "reference", f"must be a table of feature = [low, high], got {reference!r}")
    for feature, pair in reference.items():
        key = f'reference."{feature}"'
        check_feature(source, key, feature)
        if not isinstance(pair, list) or len(pair) != 2:
            raise _fail(source, key, f"must be [low, high], got {pair!r}")
        low, high = (_number(source, key, v) for v in pair)
        if not low < high or (feature.startswith("absolute.") and low <= 0):
            raise _fail(source, key, f"needs low < high{' and low > 0 (log scale)' if feature.startswith('absolute.') else ''}"
                                     f", got [{low:g}, {high:g}]")
        references[feature] = (low, high)

    scale = _parse_scale(source, data.get("scale"), references)

    motifs_table = data.get("motif", {})
    if not isinstance(motifs_table, dict) or not motifs_table:
        raise _fail(source, "motif", "needs at least one [motif.<family>.<trait>] table")
    motifs: dict[str, tuple[Trait, ...]] = {}
    for family, traits in motifs_table.items():
        if family not in MOTIFS:
            raise _fail(source, f"[motif.{family}]", f"unknown motif {family!r}; allowed: {', '.join(sorted(MOTIFS))}")
        if not isinstance(traits, dict) or not traits:
            raise _fail(source, f"[motif.{family}]", "needs at least one [motif.<family>.<trait>] table")
        parsed = tuple(_parse_trait(source, family, name, table) for name, table in traits.items())
        seen: dict[str, str] = {}
        for trait in parsed:
            if trait.parameter in seen:
                raise _fail(source, f"[motif.{family}.{trait.name}] parameter",
                            f"{trait.parameter!r} is already driven by trait {seen[trait.parameter]!r}; "
                            f"one feature per parameter")
            seen[trait.parameter] = trait.name
            if trait.scope == "cloth" and trait.feature not in references:
                raise _fail(source, f"[motif.{family}.{trait.name}] scope",
                            f'"cloth" needs a reference range reference."{trait.feature}" = [low, high]')
        motifs[family] = parsed
    return MappingTable(name, version, description, source, sha256, smoothing, references, motifs, scale,
                        _parse_hand(source, data.get("hand")))


def load_mapping(path: str | os.PathLike | None = None) -> MappingTable:
    """Read and validate a mapping table; ``None`` reads the default shipped with batikgen.

    Parameters
    ----------
    path : path-like, optional
        A TOML file.

    Returns
    -------
    MappingTable

    Raises
    ------
    MappingError
        The file is missing, not TOML (with the line), or breaks the schema (naming the key).
    """
    file = DEFAULT_MAPPING_PATH if path is None else Path(path)
    source = "default" if path is None else str(file)
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise MappingError(f"mapping {source}: cannot read the file ({exc.strerror or exc})") from None
    try:
        data = read_toml(raw, source)
    except UnicodeDecodeError:
        raise MappingError(f"mapping {source}: not a UTF-8 text file") from None
    except tomllib.TOMLDecodeError as exc:
        raise MappingError(f"mapping {source}: not valid TOML: {exc}") from None
    return parse_mapping(data, source, hashlib.sha256(raw).hexdigest())


def feature_series(features: BandFeatures, feature: str) -> np.ndarray:
    """The per-window values of ``feature`` on the scale the mapping uses.

    ``relative.<band>`` is the channel-mean fraction of power; ``absolute.<band>`` is
    log10 of the channel-mean power in µV² (band power spans orders of magnitude);
    ``index.<name>`` is the derived index as the signal stage computed it.

    Raises
    ------
    FeatureError
        If the features lack the band or index.
    """
    kind, _, name = feature.partition(".")
    if kind == "index":
        if name not in features.indices:
            raise FeatureError(f"the mapping needs {feature}; these features have indices "
                               f"{', '.join(features.indices) or 'none'}")
        return np.asarray(features.indices[name], dtype=float)
    if name not in features.bands:
        raise FeatureError(f"the mapping needs {feature}; these features have bands {', '.join(features.bands)}")
    values = features.band(name, kind)
    if kind == "absolute":
        return np.log10(np.maximum(values * 1e12, 1e-12))
    return values


def robust_unit(values: np.ndarray, reference: np.ndarray | None = None) -> np.ndarray:
    """Map values monotonically to (0, 1): median to 0.5, one IQR above the median to ~0.82.

    Parameters
    ----------
    values : numpy.ndarray
        Finite numbers.
    reference : numpy.ndarray, optional
        Where the median and IQR come from (the good windows); ``values`` by default.

    Returns
    -------
    numpy.ndarray
        Same shape, strictly increasing in ``values``.
    """
    reference = values if reference is None else reference
    median = np.median(reference)
    q75, q25 = np.percentile(reference, [75, 25])
    spread = q75 - q25
    if not spread > 0:
        spread = np.std(reference) or 1.0
    return 1.0 / (1.0 + np.exp(-1.5 * (values - median) / spread))


def reference_unit(values: np.ndarray, feature: str, reference: tuple[float, float]) -> np.ndarray:
    """Absolute mode: map ``values`` linearly from the fixed range to [0, 1], clipped."""
    low, high = reference
    if feature.startswith("absolute."):
        low, high = math.log10(low), math.log10(high)  # the series is already log10 µV²
    return np.clip((values - low) / (high - low), 0.0, 1.0)


def _fill_rejected(values: np.ndarray, good: np.ndarray, times: np.ndarray) -> np.ndarray:
    """Replace rejected windows by interpolation from their good neighbours."""
    if good.all():
        return values
    return np.interp(times, times[good], values[good])


def smooth(values: np.ndarray, width: int) -> np.ndarray:
    """Centred moving average over ``width`` windows, shrinking at the ends (no edge bias)."""
    width = min(width, len(values))  # a kernel longer than the series would change its length
    if width <= 1 or len(values) < 2:
        return values.copy()
    kernel = np.ones(width)
    return np.convolve(values, kernel, "same") / np.convolve(np.ones_like(values), kernel, "same")


def row_values(trait: np.ndarray, times: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Mean of ``trait`` over each row's stretch of time, interpolated where a row has no window."""
    centres = (edges[:-1] + edges[1:]) / 2
    out = np.interp(centres, times, trait)
    index = np.searchsorted(edges, times, side="right") - 1
    for row in range(len(centres)):
        inside = index == row
        if inside.any():
            out[row] = trait[inside].mean()
    return out


def trait_units(features: BandFeatures, trait: Trait, table: MappingTable, mode: str) -> tuple[np.ndarray, np.ndarray]:
    """Per-window feature values (good windows only drive them) and their 0-1 normalisation.

    Returns
    -------
    values, unit : numpy.ndarray
        The feature on the mapping's scale after filling rejected windows and smoothing, and its
        normalised value in [0, 1].
    """
    series = feature_series(features, trait.feature)
    good = np.asarray(features.good, dtype=bool) & np.isfinite(series)
    if not good.any():
        raise FeatureError(f"every window of {trait.feature} was rejected as an artefact; nothing to map")
    values = smooth(_fill_rejected(series, good, features.times), table.smoothing_windows)
    if mode == "absolute":
        if trait.feature not in table.references:
            raise MappingError(f"mapping {table.source}: absolute mode needs a reference range "
                               f'reference."{trait.feature}" = [low, high] for trait {trait.name!r}')
        return values, reference_unit(values, trait.feature, table.references[trait.feature])
    return values, robust_unit(values, values[good])


def recording_level(features: BandFeatures, feature: str, table: MappingTable) -> tuple[float, float]:
    """The median of ``feature`` over the good windows, and its 0-1 place in the reference range."""
    series = feature_series(features, feature)
    good = np.asarray(features.good, dtype=bool) & np.isfinite(series)
    if not good.any():
        raise FeatureError(f"every window of {feature} was rejected as an artefact; nothing to map")
    level = float(np.median(series[good]))
    return level, float(reference_unit(np.array([level]), feature, table.references[feature])[0])


def cell_size(features: BandFeatures, table: MappingTable) -> tuple[float, dict]:
    """The target cell size (scale class) of the whole cloth, and how it was chosen.

    The median of the feature over the good windows is placed in its reference range (0-1,
    clipped) and the cell size runs from ``low_mm`` to ``high_mm`` with it.

    Returns
    -------
    target_mm : float
    scale : dict
        ``{}`` without a ``[scale]`` section, else the feature, its median, the 0-1 position and
        the target size, for the plan and the legend.
    """
    if table.scale is None:
        return TARGET_CELL_MM, {}
    scale = table.scale
    level, unit = recording_level(features, scale.feature, table)
    target = scale.low_mm + unit * (scale.high_mm - scale.low_mm)
    return target, {"feature": scale.feature, "median": round(level, 6), "unit": round(unit, 6),
                    "target_mm": round(target, 6), "why": scale.why}


def map_features(
    features: BandFeatures,
    motif: str,
    palette: str,
    cloth: Cloth,
    seeds: SeedTree,
    table: MappingTable | None = None,
    mode: str = "relative",
    layout: dict | None = None,
    legend: bool = False,
    finish: str = LEGACY_FINISH,
) -> MotifPlan:
    """Turn a band-power time course into a MotifPlan.

    Parameters
    ----------
    features : BandFeatures
        The recording's features.
    motif, palette : str
        Registry names.
    cloth : Cloth
        Size of the piece (anything with ``width_mm``, ``height_mm`` and ``to_dict()``).
    seeds : SeedTree
        Root of every random choice.
    table : MappingTable, optional
        What drives what; the default table when omitted.
    mode : {"relative", "absolute"}
        Per-recording robust normalisation, or the table's fixed reference ranges.
    layout : dict, optional
        Where the field, border and head panel sit, from :func:`batikgen.cloth.formats.cloth_layout`
        (the cloth's step decides it; the mapping only fills the field). Default: the whole cloth
        is the field.
    legend : bool
        Add a legend strip beside the cloth when built.
    finish : str
        How the cloth is drawn and dyed, one of :data:`batikgen.mapping.plan.FINISHES`.

    Returns
    -------
    MotifPlan
    """
    family = get_motif(motif)
    check_choice("normalisation mode", mode, MODES)
    check_choice("finish", finish, FINISHES)
    table = load_mapping() if table is None else table
    traits = table.plan_traits(family.name, finish)
    if features.n_windows < 1:
        raise FeatureError("the features hold no window; nothing to map")
    if layout is None:
        layout = {"field": [0.0, 0.0, cloth.width_mm, cloth.height_mm],
                  "border": {"style": "none", "width_mm": 0.0, "family": None}, "head_panel": None}
    x0, y0, x1, y1 = layout["field"]
    target_mm, scale = cell_size(features, table)
    columns = max(1, int(round((x1 - x0) / target_mm)))
    cell_mm = (x1 - x0) / columns
    n_rows = max(1, int(np.ceil((y1 - y0) / cell_mm - 1e-9)))
    if n_rows > ROWS_PER_WINDOW * features.n_windows:
        log.warning("%d analysis window%s for the cloth's %d rows: each sets about %d rows alike "
                    "(a longer recording, or a smaller cloth, shows more of its rhythm)", features.n_windows,
                    "" if features.n_windows == 1 else "s", n_rows, round(n_rows / features.n_windows))
    half_step = features.params.get("step_s", 0) / 2
    edges = np.linspace(features.times[0] - half_step, features.times[-1] + half_step, n_rows + 1)

    rows = [{"t_start": float(edges[i]), "t_end": float(edges[i + 1]), "params": {}} for i in range(n_rows)]
    described = {}
    for trait in traits:
        if trait.feature.startswith("index.") and trait.feature[6:] not in features.indices:
            # Some sources cannot give every index (Mind Monitor exports have no spectrum for
            # spectral entropy): the trait is held at the middle of its range, and says so.
            log.warning("these features have no %s: %s is held at the middle of its range",
                        trait.feature, trait.parameter)
            row_unit, row_feature, missing = np.full(n_rows, 0.5), np.full(n_rows, np.nan), True
        elif trait.scope == "cloth":
            level, unit = recording_level(features, trait.feature, table)
            row_unit, row_feature, missing = np.full(n_rows, unit), np.full(n_rows, level), False
        else:
            values, unit = trait_units(features, trait, table, mode)
            row_unit, row_feature, missing = (row_values(unit, features.times, edges),
                                              row_values(values, features.times, edges), False)
        described[trait.name] = {
            "feature": trait.feature, "parameter": trait.parameter, "low": trait.low, "high": trait.high,
            "why": trait.why, "scope": trait.scope, "rows": np.round(row_unit, 6).tolist(),
            "values": [None if missing else v for v in np.round(row_feature, 6).tolist()],
            **({"missing": True} if missing else {}),
        }
        for row, u in zip(rows, row_unit):
            row["params"][trait.parameter] = float(trait.low + u * (trait.high - trait.low))
    for row in rows:
        hand = row["params"].pop(HAND_PARAMETER, None)  # the finish's, not the family's
        row["params"] = family.validate(row["params"])
        if hand is not None:
            row["params"][HAND_PARAMETER] = hand
    return MotifPlan(
        mapping_version=table.version, motif=family.name, palette=palette, cloth=cloth.to_dict(),
        cell_mm=float(cell_mm), columns=columns, rows=rows, seed=seeds.integer("plan"),
        source=dict(features.source), traits=described, mapping_name=table.name, mapping_mode=mode,
        mapping_sha256=table.digest_for(family.name, finish), layout=layout, legend=bool(legend), scale=scale,
        finish=finish,
    )
