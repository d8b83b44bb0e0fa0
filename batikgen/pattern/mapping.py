"""Brain to batik: a pure, seeded, versioned function from BandFeatures to a MotifPlan.

The cloth is a timeline: the recording runs from the top of the cloth to the bottom, one row of
cells per stretch of time. Each row's motif parameters follow the brain rhythms of its stretch,
within what the motif's rules allow. Every trait rises monotonically with its feature.

Version 1 (kawung):

====================  ===========================  ======================================
feature               motif parameter              why
====================  ===========================  ======================================
relative alpha        petal fullness               relaxed, eyes-closed alpha swells
relative theta        core length                  drowsy, inward theta fills the heart
relative beta         cecek count                  busy, alert beta scatters dots
====================  ===========================  ======================================

Normalisation is per recording and robust: (value - median) / interquartile range, then a
logistic squash to 0-1, so one artefact cannot flatten the rest of the cloth.
"""

from __future__ import annotations

import numpy as np

from ..errors import FeatureError
from ..seeding import SeedTree
from ..signal.features import BandFeatures
from .cloth import Cloth
from .plan import MotifPlan
from .registry import get_motif

MAPPING_VERSION = 1

#: trait -> (band, parameter, low, high): the parameter runs from low to high as the band rises.
KAWUNG_TABLE = {
    "alpha": ("alpha", "fullness", 0.40, 0.75),
    "theta": ("theta", "core", 0.15, 0.6),
    "beta": ("beta", "cecek", 0, 4),
}

#: Cell size: the cloth's width holds this many cells, rounded, for a kawung of about 5 cm.
TARGET_CELL_MM = 50.0


def robust_unit(values: np.ndarray) -> np.ndarray:
    """Map values monotonically to (0, 1): median to 0.5, one IQR above the median to ~0.82.

    Parameters
    ----------
    values : numpy.ndarray
        Finite numbers.

    Returns
    -------
    numpy.ndarray
        Same shape, strictly increasing in ``values``.
    """
    median = np.median(values)
    q75, q25 = np.percentile(values, [75, 25])
    spread = q75 - q25
    if not spread > 0:
        spread = np.std(values) or 1.0
    return 1.0 / (1.0 + np.exp(-1.5 * (values - median) / spread))


def _fill_rejected(values: np.ndarray, good: np.ndarray, times: np.ndarray) -> np.ndarray:
    """Replace artefact windows by interpolation from their good neighbours."""
    if good.all() or not good.any():
        return values
    return np.interp(times, times[good], values[good])


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


def map_features(features: BandFeatures, motif: str, palette: str, cloth: Cloth, seeds: SeedTree) -> MotifPlan:
    """Turn a band-power time course into a MotifPlan.

    Parameters
    ----------
    features : BandFeatures
        The recording's features.
    motif, palette : str
        Registry names (already validated by the caller or validated here).
    cloth : Cloth
        Size of the piece.
    seeds : SeedTree
        Root of every random choice.

    Returns
    -------
    MotifPlan
    """
    family = get_motif(motif)
    if features.n_windows < 1:
        raise FeatureError("the features hold no window; nothing to map")
    missing = [band for band, *_ in KAWUNG_TABLE.values() if band not in features.bands]
    if missing:
        raise FeatureError(f"the mapping needs bands {', '.join(missing)}, the features lack them")
    columns = max(1, int(round(cloth.width_mm / TARGET_CELL_MM)))
    cell_mm = cloth.width_mm / columns
    n_rows = int(np.ceil(cloth.height_mm / cell_mm - 1e-9))
    t0 = features.times[0] - features.params.get("step_s", 0) / 2
    t1 = features.times[-1] + features.params.get("step_s", 0) / 2
    edges = np.linspace(t0, t1, n_rows + 1)

    rows = [{"t_start": float(edges[i]), "t_end": float(edges[i + 1]), "params": {}} for i in range(n_rows)]
    traits = {}
    for trait, (band, parameter, low, high) in KAWUNG_TABLE.items():
        series = _fill_rejected(features.band(band), features.good, features.times)
        unit = row_values(robust_unit(series), features.times, edges)
        traits[trait] = {"parameter": parameter, "band": f"relative {band}", "rows": np.round(unit, 6).tolist()}
        for row, u in zip(rows, unit):
            row["params"][parameter] = float(low + u * (high - low))
    for row in rows:
        row["params"] = family.validate(row["params"])
    return MotifPlan(
        mapping_version=MAPPING_VERSION, motif=family.name, palette=palette, cloth=cloth.to_dict(),
        cell_mm=float(cell_mm), columns=columns, rows=rows, seed=seeds.integer("plan"),
        source=dict(features.source), traits=traits,
    )
