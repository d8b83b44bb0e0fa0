"""The band-power time course beside the cloth: an SVG chart whose height is the cloth's height.

Time runs down the chart as it runs down the cloth: the chart's vertical axis is the cloth's
height in millimetres, and each analysis window sits at the height of the cloth row made from it,
so at the viewer's whole-cloth view the chart lines up with the rows it sits beside. Each band's
share of the 1-45 Hz power is a stacked band of colour: wide where that rhythm was strong.
"""

from __future__ import annotations

import io

import numpy as np

from ..signal.features import BandFeatures

#: Okabe-Ito colours: told apart with the common colour-vision deficiencies.
BAND_COLOURS = ("#0072B2", "#009E73", "#E69F00", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
#: Drawn size in inches; the page scales the SVG to the viewer's height.
CHART_WIDTH_IN = 2.4
CHART_HEIGHT_IN = 9.0
#: Fraction of the chart's width taken by the time labels on the left.
_LABEL_FRACTION = 0.3


def band_shares(features: BandFeatures) -> np.ndarray:
    """Each band's share of the summed band power per window, shape (n_windows, n_bands), rows sum to 1."""
    shares = np.clip(np.nan_to_num(features.aggregate("relative")), 0, None)
    total = shares.sum(axis=1, keepdims=True)
    return np.divide(shares, total, out=np.full_like(shares, 1 / shares.shape[1]), where=total > 0)


def row_shares(features: BandFeatures, times_s: list[float], t0: float) -> list[list[float]]:
    """Mean band shares of the windows within each row (rows given by their boundary times from ``t0``).

    A row without a window of its own takes the nearest window's shares.
    """
    shares = band_shares(features)
    window_t = np.asarray(features.times, dtype=float) - t0
    out = []
    for start, end in zip(times_s[:-1], times_s[1:]):
        inside = (window_t >= start) & (window_t < end)
        row = shares[inside].mean(axis=0) if inside.any() else shares[np.argmin(np.abs(window_t - (start + end) / 2))]
        out.append([round(float(v), 4) for v in row])
    return out


def clock(seconds: float) -> str:
    """``m:ss`` (as the cloth's legend labels time)."""
    seconds = max(0, int(round(seconds)))
    return f"{seconds // 60}:{seconds % 60:02d}"


def _tick_step(duration_s: float) -> float:
    """A round step giving about 4-12 time labels down the chart."""
    for step in (10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600):
        if duration_s / step <= 12:
            return step
    return 7200


def chart_svg(features: BandFeatures, times_s: list[float], ys_mm: list[float], height_mm: float, t0: float) -> bytes:
    """The chart as SVG bytes (text drawn as outlines: no font is needed or fetched).

    Parameters
    ----------
    features : BandFeatures
        The piece's features.
    times_s, ys_mm : list of float
        Row boundaries: seconds from ``t0`` and their distance from the cloth's top edge, in mm
        (from :func:`batikgen.gallery.plan_view.row_geometry`).
    height_mm : float
        The cloth's height: the chart's vertical extent.
    t0 : float
        Recording time of the first row's start, in seconds.

    Returns
    -------
    bytes
    """
    import matplotlib
    from matplotlib.figure import Figure  # the object API: no pyplot, no global figure state

    shares = band_shares(features)
    y = np.interp(np.asarray(features.times, dtype=float) - t0, times_s, ys_mm)
    fig = Figure(figsize=(CHART_WIDTH_IN, CHART_HEIGHT_IN))
    ax = fig.add_axes((_LABEL_FRACTION, 0.0, 1 - _LABEL_FRACTION - 0.02, 1.0))
    left = np.zeros(len(y))
    for k in range(shares.shape[1]):
        right = left + shares[:, k]
        ax.fill_betweenx(y, left, right, color=BAND_COLOURS[k % len(BAND_COLOURS)], linewidth=0, step="mid")
        left = right
    ax.set_xlim(0, 1)
    ax.set_ylim(height_mm, 0)
    ax.set_xticks([])
    step = _tick_step(times_s[-1])
    ticks = np.arange(0, times_s[-1] + 1e-9, step)
    ax.set_yticks(np.interp(ticks, times_s, ys_mm), [clock(t) for t in ticks], fontsize=13, color="#222222")
    ax.tick_params(axis="y", length=4, color="#222222")
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)
    buffer = io.BytesIO()
    # A fixed salt for the SVG's element ids, so the same piece gives the same bytes.
    with matplotlib.rc_context({"svg.hashsalt": "batikgen-gallery", "svg.fonttype": "path"}):
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None}, transparent=True)
    return buffer.getvalue()
