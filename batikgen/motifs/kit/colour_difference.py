"""How far apart two colours look: CIELAB (D65) and the CIEDE2000 colour difference.

CIEDE2000 is the CIE's current formula for small colour differences (about 1 is just noticeable,
a step of 1-5 reads as one shade of a gradation, not two colours). It sets the step of the dye
ramps (:func:`batikgen.motifs.kit.palettes.dye_ramp`); the tests measure rendered cloth with it.
"""

from __future__ import annotations

import numpy as np

from .oklab import srgb_to_linear

#: The sRGB primaries to CIE XYZ (IEC 61966-2-1), and the D65 white (CIE 1931 2° observer).
_SRGB_TO_XYZ = np.array([[0.4124564, 0.3575761, 0.1804375],
                         [0.2126729, 0.7151522, 0.0721750],
                         [0.0193339, 0.1191920, 0.9503041]])
_D65 = np.array([0.95047, 1.0, 1.08883])


def srgb_to_cielab(rgb) -> np.ndarray:
    """sRGB in [0, 1], shape (..., 3), to CIELAB (D65): L* in [0, 100], a*, b*.

    CIE 15:2004: XYZ relative to the white, then the cube root with its linear segment below
    (6/29)^3.
    """
    xyz = srgb_to_linear(rgb) @ _SRGB_TO_XYZ.T / _D65
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], axis=-1)


def ciede2000(lab1, lab2) -> np.ndarray:
    """The CIEDE2000 difference between CIELAB colours (parametric factors kL = kC = kH = 1).

    Parameters
    ----------
    lab1, lab2 : array_like, shape (..., 3)
        L*, a*, b*; broadcast against each other.

    Returns
    -------
    numpy.ndarray, shape (...)
        ΔE00, non-negative and symmetric in its arguments.

    Notes
    -----
    G. Sharma, W. Wu and E. N. Dalal (2005), "The CIEDE2000 color-difference formula:
    implementation notes, supplementary test data, and mathematical observations", Color Research
    and Application 30(1), 21-30: equations (1)-(17), with their notes on the hue angle of a
    neutral colour (0), the hue difference when either chroma is 0 (0) and the mean hue of two
    hues more than 180° apart (taken the short way round).
    """
    lab1, lab2 = np.asarray(lab1, dtype=float), np.asarray(lab2, dtype=float)
    L1, a1, b1 = np.moveaxis(lab1, -1, 0)
    L2, a2, b2 = np.moveaxis(lab2, -1, 0)
    c_mean7 = ((np.hypot(a1, b1) + np.hypot(a2, b2)) / 2) ** 7
    g = 0.5 * (1 - np.sqrt(c_mean7 / (c_mean7 + 25.0**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p = np.degrees(np.arctan2(b1, a1p)) % 360  # arctan2(0, 0) is 0: a neutral's hue
    h2p = np.degrees(np.arctan2(b2, a2p)) % 360
    chromatic = c1p * c2p != 0
    dh = h2p - h1p
    dh = np.where(dh > 180, dh - 360, np.where(dh < -180, dh + 360, dh))
    dh = np.where(chromatic, dh, 0.0)
    d_l, d_c = L2 - L1, c2p - c1p
    d_h = 2 * np.sqrt(c1p * c2p) * np.sin(np.radians(dh) / 2)
    l_mean, c_mean = (L1 + L2) / 2, (c1p + c2p) / 2
    h_sum, h_apart = h1p + h2p, np.abs(h1p - h2p) > 180
    h_mean = np.where(h_apart, np.where(h_sum < 360, h_sum + 360, h_sum - 360), h_sum) / 2
    h_mean = np.where(chromatic, h_mean, h_sum)
    t = (1 - 0.17 * np.cos(np.radians(h_mean - 30)) + 0.24 * np.cos(np.radians(2 * h_mean))
         + 0.32 * np.cos(np.radians(3 * h_mean + 6)) - 0.20 * np.cos(np.radians(4 * h_mean - 63)))
    d_theta = 30 * np.exp(-(((h_mean - 275) / 25) ** 2))
    r_c = 2 * np.sqrt(c_mean**7 / (c_mean**7 + 25.0**7))
    s_l = 1 + 0.015 * (l_mean - 50) ** 2 / np.sqrt(20 + (l_mean - 50) ** 2)
    s_c = 1 + 0.045 * c_mean
    s_h = 1 + 0.015 * c_mean * t
    r_t = -np.sin(np.radians(2 * d_theta)) * r_c
    lightness, chroma, hue = d_l / s_l, d_c / s_c, d_h / s_h
    return np.sqrt(lightness**2 + chroma**2 + hue**2 + r_t * chroma * hue)
