"""From a file to features or to a report: the signal stage's two entry points for a path.

Raw recordings are read, checked and analysed; files of precomputed band powers (Mind Monitor) are
read as features directly. :func:`inspect_file` says what a file is and whether it is plausible,
without computing features.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..errors import FeatureError, RecordingError
from .boundary import stage
from .features import BandFeatures, check_windows, compute_band_features
from .isolation import maybe_in_child
from .plausibility import check_plausible
from .preprocess import Progress
from .readers import choose_reader, read_precomputed_features, read_recording, reader_for


def features_from_path(path: str | os.PathLike, progress: Progress | None = None, **params) -> BandFeatures:
    """Read, check and analyse any supported file; precomputed band powers come back as they are.

    Parameters
    ----------
    path : path-like
        A recording, or a Mind Monitor CSV of band powers.
    progress : callable, optional
        ``progress(stage, done, total)``.
    **params
        Passed to :func:`~batikgen.signal.features.compute_band_features` (window_s, step_s, bands,
        line_freq, reference, ...). Ignored for precomputed band powers, which have their own.

    Returns
    -------
    BandFeatures

    Raises
    ------
    RecordingError
        If the file cannot be read or is not plausible EEG.
    FeatureError
        If the parameters do not suit the recording (too short, band too narrow, ...).
    """
    reader = reader_for(path)
    if reader.provides == "features":
        return read_precomputed_features(path)
    return maybe_in_child(reader.risky, path, "reading and analysing it", _analyse, path, progress, params)


def _analyse(path, progress, params) -> BandFeatures:
    recording = read_recording(path)
    with stage(path, "checking its amplitudes"):
        check_plausible(recording)
    with stage(path, "computing its band power", damaged=False):
        # The recording was read for this alone: filter its samples in place rather than a copy.
        return compute_band_features(recording, progress=progress, overwrite=True, **params)


@dataclass
class Inspection:
    """What a file is, what was kept of it, and whether it is plausible EEG.

    Attributes
    ----------
    file : str
        The path as given.
    format, description : str
        Reader name and a human description of the format.
    channels : list of str
        EEG channels kept (after dropping non-EEG and flat ones).
    dropped : dict of str to str
        Channels not kept, with the reason.
    sfreq_hz, duration_s : float
        Sample rate (rows a second for band-power files) and length.
    plausible : bool
        The verdict: True exactly when ``features`` and ``render`` with their defaults would go on.
    verdict : str
        The verdict in words (the refusal message when not plausible).
    median_sd_uv : float or None
        Typical channel SD after a 1 Hz high-pass, for raw recordings.
    """

    file: str
    format: str
    description: str
    channels: list[str]
    dropped: dict[str, str] = field(default_factory=dict)
    sfreq_hz: float = 0.0
    duration_s: float = 0.0
    plausible: bool = True
    verdict: str = ""
    median_sd_uv: float | None = None

    def to_dict(self) -> dict:
        """JSON-ready form."""
        return asdict(self)


def inspect_file(path: str | os.PathLike) -> Inspection:
    """Describe a recording: format, channels kept and dropped, rate, duration and plausibility.

    A recording the pipeline would refuse (implausible amplitudes, shorter than the default
    analysis window) is reported (``plausible`` False), not raised; a file that cannot be read at
    all raises.

    Raises
    ------
    RecordingError
        If the file is missing, of an unknown format, or unreadable.
    """
    path = Path(path)
    reader = reader_for(path)
    if reader.provides == "features":
        features = read_precomputed_features(path)
        step = float(features.params["step_s"])
        return Inspection(
            file=str(path), format=reader.name, description=reader.description, channels=features.ch_names,
            sfreq_hz=1.0 / step, duration_s=features.n_windows * step, plausible=True,
            verdict=f"precomputed band powers ({features.n_windows} rows, {int(features.good.sum())} with good "
                    f"contact): used as features, no raw EEG to check",
        )
    return maybe_in_child(reader.risky, path, "reading and checking it", _inspect_recording, path)


def _inspect_recording(path: Path) -> Inspection:
    recording = read_recording(path)
    report = Inspection(
        file=str(path), format=recording.format, description=choose_reader(path).description,
        channels=recording.ch_names, dropped=recording.dropped, sfreq_hz=recording.recorded_sfreq,
        duration_s=recording.duration,
    )
    try:
        with stage(path, "checking its amplitudes"):
            verdict = check_plausible(recording)
        check_windows(recording)  # the analysis's defaults: refused here exactly when `render` refuses
    except (RecordingError, FeatureError) as exc:
        report.plausible, report.verdict = False, str(exc)
    else:
        report.median_sd_uv = round(verdict.median_sd_uv, 3)
        report.verdict = (f"plausible EEG: median channel SD {verdict.median_sd_uv:.1f} µV after a 1 Hz high-pass")
    report.channels, report.dropped = recording.ch_names, dict(recording.dropped)
    return report
