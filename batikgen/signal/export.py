"""BandFeatures as text for people who want to look at the numbers: CSV (a row per window) or JSON."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import numpy as np

from ..errors import ParameterError
from ..files import write_bytes_atomic
from .features import BandFeatures

FORMATS = ("npz", "csv", "json")


def features_to_csv(features: BandFeatures) -> str:
    """One row per window: time, quality, channel-mean band powers, indices, then per-channel powers.

    Absolute powers are in µV² (easier to read than V²); relative powers are fractions.
    """
    bands = features.band_names
    aggregate_rel, aggregate_abs = features.aggregate("relative"), features.aggregate("absolute") * 1e12
    header = ["time_s", "good"]
    header += [f"{b}_relative" for b in bands] + [f"{b}_absolute_uv2" for b in bands] + list(features.indices)
    header += [f"{ch}_{b}_relative" for ch in features.ch_names for b in bands]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for i in range(features.n_windows):
        row = [f"{features.times[i]:.6g}", int(bool(features.good[i]))]
        row += [f"{v:.6g}" for v in aggregate_rel[i]] + [f"{v:.6g}" for v in aggregate_abs[i]]
        row += [f"{features.indices[k][i]:.6g}" for k in features.indices]
        row += [f"{v:.6g}" for v in features.relative[i].ravel()]
        writer.writerow(row)
    return out.getvalue()


def features_to_dict(features: BandFeatures) -> dict:
    """Everything in the features as plain JSON-ready data (absolute power in µV²)."""
    return {
        "times_s": features.times.tolist(),
        "channels": list(features.ch_names),
        "bands": {k: list(v) for k, v in features.bands.items()},
        "good": features.good.astype(bool).tolist(),
        "channel_good": features.channel_good.astype(bool).tolist(),
        "relative": np.round(features.relative, 8).tolist(),
        "absolute_uv2": np.round(features.absolute * 1e12, 8).tolist(),
        "channel_mean_relative": {b: features.band(b).tolist() for b in features.bands},
        "indices": {k: v.tolist() for k, v in features.indices.items()},
        "params": features.params,
        "source": features.source,
    }


def write_features(features: BandFeatures, path: str | os.PathLike, fmt: str = "npz", overwrite: bool = False) -> Path:
    """Write features to exactly ``path`` as npz (loadable), CSV or JSON, atomically.

    Parameters
    ----------
    features : BandFeatures
    path : path-like
        The output file; no suffix is added.
    fmt : {"npz", "csv", "json"}
    overwrite : bool
        Replace an existing file.

    Returns
    -------
    pathlib.Path
    """
    if fmt not in FORMATS:
        raise ParameterError(f"features format must be one of {', '.join(FORMATS)}; got {fmt!r}")
    if fmt == "npz":
        return features.save(path, overwrite=overwrite)
    text = features_to_csv(features) if fmt == "csv" else json.dumps(features_to_dict(features), indent=1) + "\n"
    return write_bytes_atomic(path, text.encode("utf-8"), overwrite=overwrite)
