"""OKLab and OKLCh: a perceptual colour space for mixing and ramping dye colours.

Björn Ottosson, "A perceptual color space for image processing" (2020),
https://bottosson.github.io/posts/oklab/ : the matrices below are his (for linear sRGB with a
D65 white), the sRGB transfer function is IEC 61966-2-1's. Ramps interpolated here keep their
lightness steps even and do not pass through grey between two saturated dyes, which averaging
RGB does (indigo to soga through a muddy grey).
"""

from __future__ import annotations

import numpy as np

_M1 = np.array([[0.4122214708, 0.5363325363, 0.0514459929],
                [0.2119034982, 0.6806995451, 0.1073969566],
                [0.0883024619, 0.2817188376, 0.6299787005]])
_M2 = np.array([[0.2104542553, 0.7936177850, -0.0040720468],
                [1.9779984951, -2.4285922050, 0.4505937099],
                [0.0259040371, 0.7827717662, -0.8086757660]])
_M1_INV, _M2_INV = np.linalg.inv(_M1), np.linalg.inv(_M2)


def srgb_to_linear(rgb) -> np.ndarray:
    """sRGB values in [0, 1] to linear light (reflectance, for cloth)."""
    c = np.asarray(rgb, dtype=float)
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def linear_to_srgb(linear) -> np.ndarray:
    """Linear light in [0, 1] to sRGB values in [0, 1] (clipped)."""
    c = np.clip(np.asarray(linear, dtype=float), 0.0, 1.0)
    return np.where(c <= 0.0031308, 12.92 * c, 1.055 * c ** (1 / 2.4) - 0.055)


def srgb_to_oklab(rgb) -> np.ndarray:
    """sRGB in [0, 1], shape (..., 3), to OKLab (L in [0, 1], a, b about [-0.4, 0.4])."""
    lms = srgb_to_linear(rgb) @ _M1.T
    return np.cbrt(lms) @ _M2.T


def oklab_to_srgb(lab) -> np.ndarray:
    """OKLab, shape (..., 3), to sRGB in [0, 1] (out-of-gamut values clipped)."""
    lms = (np.asarray(lab, dtype=float) @ _M2_INV.T) ** 3
    return linear_to_srgb(lms @ _M1_INV.T)


def oklch_mix(start, end, fraction) -> np.ndarray:
    """The colour ``fraction`` (0 to 1, scalar or array) of the way from ``start`` to ``end``
    (sRGB in [0, 1]) in OKLCh.

    Lightness and chroma go linearly, hue the short way round, so a ramp between two dyes keeps
    its chroma instead of dipping through grey. Returns shape (..., 3), sRGB in [0, 1].
    """
    a, b = srgb_to_oklab(np.asarray(start, float)), srgb_to_oklab(np.asarray(end, float))
    t = np.atleast_1d(np.asarray(fraction, dtype=float))[:, None]
    ca, cb = np.hypot(a[1], a[2]), np.hypot(b[1], b[2])
    ha, hb = np.arctan2(a[2], a[1]), np.arctan2(b[2], b[1])
    dh = (hb - ha + np.pi) % (2 * np.pi) - np.pi
    if min(ca, cb) < 0.02:  # a near-grey end has no hue to keep: go straight in OKLab
        lab = a + (b - a) * t
    else:
        L, C, h = a[0] + (b[0] - a[0]) * t[:, 0], ca + (cb - ca) * t[:, 0], ha + dh * t[:, 0]
        lab = np.column_stack([L, C * np.cos(h), C * np.sin(h)])
    out = oklab_to_srgb(lab)
    return out[0] if np.ndim(fraction) == 0 else out
