"""Long recordings at high rates: read a chunk at a time, checked as recorded, analysed at a reduced rate.

Ten hours of one channel at 5 kHz are 1.44 GB as float64: more than the analysis may take, and far
more than it needs, since band power stops at 45 Hz by default (at most 45 % of the analysed rate).
Such a recording is never held whole at its own rate. It is read from the file a chunk of
:data:`~batikgen.signal.recording.HASH_CHUNK_SAMPLES` at a time (MNE's readers open it without
loading its samples; in-memory readers hand over their array), and each chunk is

- hashed exactly as :func:`~batikgen.signal.recording.content_hash` hashes a whole recording: the
  same value, whichever path a recording takes;
- counted for NaN or infinite samples (refused by name, as for any recording);
- summarised for the checks on amplitudes, at the recorded rate: each channel's extremes (the
  flatness check), its SD after a 1 Hz high-pass (the plausibility check) and the number of distinct
  values among its first samples (the marker-channel check), kept in
  :class:`~batikgen.signal.recording.FullRate`;
- reduced to the analysis rate: a zero-phase, linear-phase FIR low-pass (Kaiser window, 80 dB
  stopband from 55 % of the analysis rate, passband to 45 %), every ``factor``-th sample kept. The
  FIR's outputs are computed in FFT blocks on a fixed grid of output samples, with the input needed
  across chunk edges carried over, so the reduced samples do not change, to the last bit, with the
  chunk size.

Leading zeros are found a chunk at a time first, as for every recording. A group of channels is
filtered only once its samples vary, so a recording flat throughout is refused by the flatness check
before anything is filtered. The reduced samples (a fifth of the recorded ones at 5 kHz) then go
through the usual analysis: line-frequency detection, filtering, bad channels, band power.

Which recordings, from the file alone: those whose samples as read (every channel the reader gives,
before non-EEG ones are dropped) would take more than :data:`REDUCE_ABOVE_BYTES` as float64 and
whose rate is at least twice :data:`ANALYSIS_RATE_HZ`. The rate is divided by the integer
``factor = floor(rate / ANALYSIS_RATE_HZ)``: 5 kHz is analysed at 1000 Hz, 2048 Hz at 1024 Hz.
Nothing else (free memory, the machine) enters the choice. Every other recording is analysed at its
own rate, exactly as before.

What it changes, against an analysis at the recorded rate: the analysis filters are designed for
the reduced rate, and their shapes within 45 Hz differ slightly (most near the low-pass corner:
gamma power by about 0.06 % at 1 kHz against 5 kHz); band powers, absolute and relative, agree within
0.2 % in every window at least 10 s from either end of the recording. Nearer the ends both analyses
carry the high-pass filter's start-up transient, which depends on the edge samples at either rate,
and the delta power of the last windows can differ by far more. tests/signal/test_reduction.py
measures this on a 10 Hz sine in noise with mains at 5 kHz. The line frequency, window times and
artefact masks come out the same there; a window whose peak-to-peak amplitude lies within about 1 %
of the artefact threshold may be judged differently. The SD for the plausibility check comes from
the 1 Hz high-pass applied forwards twice as the chunks stream past (the same magnitude response as
forwards and backwards). Band power above 45 % of the analysis rate (450 Hz) cannot be asked of a
reduced recording.

Memory: the reduced samples (checked against the memory available before reading, see
:func:`~batikgen.signal.memory.check_fits`), plus the chunk being read and its temporaries while
reading (about 30 MB for one channel, 120 MB for a group of :data:`READ_CHANNELS`); the analysis then
needs what it needs for any recording of the reduced size. Ten hours of one channel at 5 kHz peak at
about 0.7 GB for the whole process, against 2.9 GB analysed at 5 kHz (benchmarks/bench_field.py).
"""

from __future__ import annotations

from pathlib import Path

import mne
import numpy as np
from scipy import fft as sp_fft
from scipy import signal as sps

from ..errors import ParameterError, RecordingError
from .memory import check_fits
from .plausibility import MARKER_CHECK_SAMPLES, head_levels, plausibility_highpass
from .recording import HASH_CHUNK_SAMPLES, FullRate, content_digest, hash_row

#: A reduced recording is analysed at this rate or up to 1.5 times it (the recorded rate divided by
#: an integer). 1 kHz keeps the analysis filters' response within 45 Hz within 0.1 % of theirs at 5 kHz.
ANALYSIS_RATE_HZ = 1000.0
#: Recordings larger than this as float64 (all channels the reader gives) are reduced, if their rate allows.
REDUCE_ABOVE_BYTES = 1 << 28
#: Attenuation of the anti-aliasing filter's stopband, dB.
STOPBAND_DB = 80.0
#: Channels read and filtered together: a chunk of them is 64 MB as float64.
READ_CHANNELS = 8
#: FFT length of the anti-aliasing filter's blocks.
_FFT_SIZE = 1 << 15
#: Samples of a chunk filtered at a time.
_PIECE_SAMPLES = 1 << 17


def reduction_factor(sfreq: float, n_channels: int, n_times: int) -> int:
    """How many recorded samples become one analysed sample: 1 for all but long recordings at high rates.

    Parameters
    ----------
    sfreq : float
        Recorded rate, Hz.
    n_channels, n_times : int
        The recording's size as the reader gives it.

    Returns
    -------
    int
        ``floor(sfreq / ANALYSIS_RATE_HZ)`` when the samples exceed :data:`REDUCE_ABOVE_BYTES` as
        float64 (and make at least 1000 reduced samples), else 1.
    """
    if 8 * int(n_channels) * int(n_times) <= REDUCE_ABOVE_BYTES:
        return 1
    factor = max(1, int(float(sfreq) // ANALYSIS_RATE_HZ))
    return factor if n_times >= 1000 * factor else 1  # at least a second of reduced samples


def antialias_fir(sfreq: float, factor: int) -> np.ndarray:
    """Linear-phase low-pass taps for keeping every ``factor``-th sample of a recording at ``sfreq``.

    Kaiser-window design (:func:`scipy.signal.kaiserord`, :func:`scipy.signal.firwin`): cut-off at
    the reduced rate's Nyquist frequency, transition from 45 % to 55 % of the reduced rate,
    :data:`STOPBAND_DB` of attenuation, unit gain at DC. Its length is a multiple of ``factor``
    plus one, with an even multiple: a whole number of reduced samples of delay on each side.

    Returns
    -------
    numpy.ndarray, shape (n_taps,)
    """
    reduced = sfreq / factor
    n_taps, beta = sps.kaiserord(STOPBAND_DB, 0.1 * reduced / (sfreq / 2))
    per_side = -(-(n_taps - 1) // (2 * factor))
    return sps.firwin(2 * per_side * factor + 1, reduced / 2, window=("kaiser", beta), fs=sfreq)


class Decimator:
    """Zero-phase FIR low-pass of rows fed chunk by chunk, keeping every ``factor``-th sample.

    Output ``k`` is ``sum_j h[j] x[k * factor + D - j]`` with ``D = (len(h) - 1) / 2``: centred on
    recorded sample ``k * factor``. Beyond its ends the signal is continued by odd reflection (as
    :func:`scipy.signal.filtfilt` pads). There are ``n_times // factor`` outputs. They are computed in
    FFT blocks of a fixed number of outputs from the first, each from exactly the input it needs,
    so the chunks' sizes change no output.

    Parameters
    ----------
    taps : numpy.ndarray
        From :func:`antialias_fir`.
    factor : int
        Reduction factor.
    out : numpy.ndarray, shape (n_rows, n_times // factor)
        Written with the outputs as they become known.
    """

    def __init__(self, taps: np.ndarray, factor: int, out: np.ndarray) -> None:
        self.factor, self.out = factor, out
        self.span = taps.size - 1  # input samples an output needs beyond its first
        self.delay = self.span // 2
        self.per_block = (_FFT_SIZE - self.span) // factor
        self.spectrum = sp_fft.rfft(taps, _FFT_SIZE)
        self.pending = np.empty((out.shape[0], 0))  # the padded input from sample next * factor on
        self.next = 0  # the first output not yet computed
        self.started = False

    def push(self, chunk: np.ndarray) -> None:
        """Take the next ``chunk`` (shape (n_rows, n)) of every row; compute the outputs it completes."""
        if not self.started:
            if chunk.shape[1] <= self.delay:
                raise ParameterError(f"the first chunk must be longer than {self.delay} samples, got {chunk.shape[1]}")
            head = 2 * chunk[:, :1] - chunk[:, self.delay : 0 : -1]  # odd reflection of the first samples
            self.pending = np.concatenate([self.pending, head], axis=1)
            self.started = True
        self.pending = np.concatenate([self.pending, chunk], axis=1)
        self._compute(final=False)

    def finish(self) -> None:
        """After the last chunk: pad the end by odd reflection and compute the remaining outputs."""
        tail = 2 * self.pending[:, -1:] - self.pending[:, -2 : -2 - self.delay : -1]
        self.pending = np.concatenate([self.pending, tail], axis=1)
        self._compute(final=True)

    def _compute(self, final: bool) -> None:
        q, block = self.factor, self.per_block
        total = self.out.shape[1]
        while self.next < total:
            count = min(block, total - self.next)
            needed = (count - 1) * q + self.span + 1  # input samples for outputs next .. next + count - 1
            if self.pending.shape[1] < needed or (count < block and not final):
                return
            spectrum = sp_fft.rfft(self.pending[:, :needed], _FFT_SIZE, axis=1)
            filtered = sp_fft.irfft(spectrum * self.spectrum, _FFT_SIZE, axis=1)
            self.out[:, self.next : self.next + count] = filtered[:, self.span : needed : q]
            self.pending = self.pending[:, count * q :]
            self.next += count


class HighpassMoments:
    """Mean and variance of rows after a high-pass applied forwards twice, fed chunk by chunk.

    Forwards twice has the magnitude response of forwards-and-backwards (zero phase), so the SD
    matches :func:`~batikgen.signal.plausibility.highpassed_sd_uv`'s, but it streams: the filter's
    state carries across chunks, starting in the steady state of the first sample (no transient
    from a DC offset). Chunks' moments are combined by Chan et al.'s pairwise update (1979).

    Parameters
    ----------
    sos : numpy.ndarray or None
        The high-pass; None to measure the rows as they are.
    n_rows : int
        Rows fed together.
    """

    def __init__(self, sos: np.ndarray | None, n_rows: int) -> None:
        self.sos = None if sos is None else np.vstack([sos, sos])
        self.state = None
        self.count = 0
        self.mean = np.zeros(n_rows)
        self.m2 = np.zeros(n_rows)

    def push(self, chunk: np.ndarray) -> None:
        """Filter the next ``chunk`` (shape (n_rows, n)) and add its moments."""
        if self.sos is not None:
            if self.state is None:
                self.state = sps.sosfilt_zi(self.sos)[:, None, :] * chunk[None, :, :1]
            chunk, self.state = sps.sosfilt(self.sos, chunk, axis=1, zi=self.state)
        n = chunk.shape[1]
        mean = chunk.mean(axis=1)
        centred = chunk - mean[:, None]
        m2 = np.einsum("ij,ij->i", centred, centred)
        delta, total = mean - self.mean, self.count + n
        self.mean += delta * n / total
        self.m2 += m2 + delta * delta * self.count * n / total
        self.count = total

    def sd(self) -> np.ndarray:
        """Population SD of each row so far."""
        return np.sqrt(self.m2 / max(self.count, 1))


class _GroupFilters:
    """The streaming filters of a group of channels, started only once its samples stop being constant.

    A flat recording (every channel one value throughout) is refused by the flatness check before
    anything is filtered, however long it is: until a group's samples vary they are only counted,
    then fed to the filters ahead of the first chunk that varies. The filters' results do not depend
    on how their input is cut (see :class:`Decimator`), so they are the same as if fed from the start.
    """

    def __init__(self, taps: np.ndarray, factor: int, highpass: np.ndarray | None, out: np.ndarray) -> None:
        self.moments = HighpassMoments(highpass, out.shape[0])
        self.decimator = Decimator(taps, factor, out)
        self.out, self.value, self.held, self.waiting = out, None, 0, True

    def push(self, chunk: np.ndarray) -> None:
        if self.waiting:
            if self.value is None:
                self.value = chunk[:, :1].copy()
            if np.array_equal(chunk, np.broadcast_to(self.value, chunk.shape)):
                self.held += chunk.shape[1]
                return
            self.waiting = False
            self._feed_constant()
        for piece in range(0, chunk.shape[1], _PIECE_SAMPLES):  # small temporaries; the same results
            self.moments.push(chunk[:, piece : piece + _PIECE_SAMPLES])
            self.decimator.push(chunk[:, piece : piece + _PIECE_SAMPLES])

    def _feed_constant(self) -> None:
        for piece in range(0, self.held, _PIECE_SAMPLES):
            constant = np.repeat(self.value, min(_PIECE_SAMPLES, self.held - piece), axis=1)
            self.moments.push(constant)
            self.decimator.push(constant)

    def finish(self, flat: bool) -> np.ndarray:
        """Complete the reduced samples; return the SD of each row after the high-pass, in volts.

        ``flat``: every channel of the recording is constant; it will be refused as flat, and is
        filled with its values unfiltered.
        """
        if self.waiting and flat:
            self.out[:] = self.value
            return np.zeros(self.out.shape[0])
        if self.waiting:
            self.waiting = False
            self._feed_constant()
        self.decimator.finish()
        return self.moments.sd()


def refuse_non_finite(path: Path | str, ch_names: list[str], counts: np.ndarray) -> None:
    """NaN or infinite samples would spread through every filter: name them and refuse.

    Parameters
    ----------
    path : path-like or str
        Named in the message.
    ch_names : list of str
        Channels, in the order of ``counts``.
    counts : array of int
        Non-finite samples per channel.

    Raises
    ------
    RecordingError
        If any count is not zero.
    """
    counts = [int(count) for count in counts]
    if any(counts):
        bad = [name for name, count in zip(ch_names, counts) if count]
        raise RecordingError(
            f"{path}: {sum(counts)} samples are NaN or infinite (in {', '.join(bad[:5])}"
            f"{' ...' if len(bad) > 5 else ''}); expected finite EEG values"
        )


def read_reduced(raw: mne.io.BaseRaw, path: Path | str, factor: int) -> tuple[mne.io.RawArray, str, FullRate]:
    """Read a recording a chunk at a time: its content hash, its checks' summary, its reduced samples.

    Parameters
    ----------
    raw : mne.io.BaseRaw
        The EEG channels to analyse, in volts, loaded or not (MNE reads the chunks from the file).
    path : path-like or str
        Named in messages.
    factor : int
        From :func:`reduction_factor`, at least 2.

    Returns
    -------
    reduced : mne.io.RawArray
        The channels at ``sfreq / factor``, ``n_times // factor`` samples each.
    content_hash : str
        Equal to :func:`~batikgen.signal.recording.content_hash` of ``raw`` loaded whole.
    full_rate : FullRate
        What the checks need, measured at the recorded rate.

    Raises
    ------
    RecordingError
        If the reduced samples would not fit in memory (before reading), or samples are NaN or
        infinite.
    """
    sfreq, n_times, names = float(raw.info["sfreq"]), raw.n_times, list(raw.ch_names)
    check_fits(path, len(names), n_times // factor, analysed_at_hz=sfreq / factor)
    digest = content_digest(names, sfreq)
    reduced = np.empty((len(names), n_times // factor))
    taps, highpass = antialias_fir(sfreq, factor), plausibility_highpass(sfreq, n_times)
    groups = [np.arange(start, min(start + READ_CHANNELS, len(names))) for start in range(0, len(names), READ_CHANNELS)]
    filters = [_GroupFilters(taps, factor, highpass, reduced[rows[0] : rows[-1] + 1]) for rows in groups]
    non_finite = np.zeros(len(names), dtype=int)
    minimum, maximum = np.full(len(names), np.inf), np.full(len(names), -np.inf)
    head: list[list[np.ndarray]] = [[] for _ in groups]
    for start in range(0, n_times, HASH_CHUNK_SAMPLES):
        stop = min(start + HASH_CHUNK_SAMPLES, n_times)
        for k, rows in enumerate(groups):  # channels in order within each chunk: the hash's byte order
            chunk = raw.get_data(picks=rows, start=start, stop=stop)
            for row in chunk:
                hash_row(digest, row)
            non_finite[rows] += chunk.shape[1] - np.count_nonzero(np.isfinite(chunk), axis=1)
            if non_finite.any():  # refused below, once every one is counted: no need to filter
                continue
            minimum[rows] = np.minimum(minimum[rows], chunk.min(axis=1))
            maximum[rows] = np.maximum(maximum[rows], chunk.max(axis=1))
            if start < MARKER_CHECK_SAMPLES:
                head[k].append(chunk[:, : MARKER_CHECK_SAMPLES - start])
            filters[k].push(chunk)
    refuse_non_finite(path, names, non_finite)
    flat = bool(np.all(maximum <= minimum))
    full_rate = FullRate(
        sfreq=sfreq, n_times=int(n_times), ch_names=names, minimum=minimum, maximum=maximum,
        highpassed_sd_uv=np.concatenate([group.finish(flat) for group in filters]) * 1e6,
        head_levels=np.concatenate([head_levels(np.concatenate(pieces, axis=1)) for pieces in head]),
    )
    info = mne.create_info(names, sfreq / factor, ch_types="eeg")
    return mne.io.RawArray(reduced, info, copy="auto", verbose="error"), digest.hexdigest(), full_rate
