"""Perceptual image comparison for golden tests: SSIM on lightness and colour difference in CIELAB.

Pixels are compared the way a viewer sees them, not byte by byte: images are converted from sRGB to
CIELAB (D65), structure is compared with SSIM on the lightness L* (Wang et al. 2004, Gaussian window
sigma 1.5, as in the paper), and colour with the CIE76 difference ΔE*ab (about 2.3 is a just noticeable
difference). Anti-aliasing that moves by a fraction of a pixel changes both very little; a changed
shape or colour changes them a lot.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.ndimage import gaussian_filter

#: Pass thresholds: SSIM of L* at least this ...
MIN_SSIM = 0.98
#: ... mean ΔE76 at most this (under one just noticeable difference) ...
MAX_MEAN_DELTA_E = 1.0
#: ... and at most this share of pixels differing by more than 10 ΔE (a clearly visible local change).
MAX_VISIBLE_SHARE = 0.005

#: Gaussian pre-filter of the colour difference, in pixels.
BLUR_SIGMA = 1.0

_D65 = np.array([0.95047, 1.0, 1.08883])
_SRGB_TO_XYZ = np.array([[0.4124564, 0.3575761, 0.1804375],
                         [0.2126729, 0.7151522, 0.0721750],
                         [0.0193339, 0.1191920, 0.9503041]])


def srgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    """CIELAB (D65) of an sRGB uint8 image, shape (..., 3) -> (..., 3) as L*, a*, b*."""
    c = np.asarray(rgb, dtype=float) / 255.0
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    xyz = linear @ _SRGB_TO_XYZ.T / _D65
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], axis=-1)


def ssim(a: np.ndarray, b: np.ndarray, data_range: float = 100.0, sigma: float = 1.5) -> float:
    """Mean structural similarity of two single-channel images (1 is identical)."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    c1, c2 = (0.01 * data_range) ** 2, (0.03 * data_range) ** 2
    mu_a, mu_b = gaussian_filter(a, sigma), gaussian_filter(b, sigma)
    var_a = gaussian_filter(a * a, sigma) - mu_a**2
    var_b = gaussian_filter(b * b, sigma) - mu_b**2
    cov = gaussian_filter(a * b, sigma) - mu_a * mu_b
    index = ((2 * mu_a * mu_b + c1) * (2 * cov + c2)) / ((mu_a**2 + mu_b**2 + c1) * (var_a + var_b + c2))
    return float(index.mean())


@dataclass(frozen=True)
class Comparison:
    """How far two images are apart, and whether that is within tolerance."""

    ssim: float
    mean_delta_e: float
    visible_share: float
    same_size: bool = True

    @property
    def passed(self) -> bool:
        return (self.same_size and self.ssim >= MIN_SSIM and self.mean_delta_e <= MAX_MEAN_DELTA_E
                and self.visible_share <= MAX_VISIBLE_SHARE)

    def __str__(self) -> str:
        if not self.same_size:
            return "images differ in size"
        return (f"SSIM(L*) {self.ssim:.4f} (min {MIN_SSIM}), mean ΔE76 {self.mean_delta_e:.3f} "
                f"(max {MAX_MEAN_DELTA_E}), pixels over 10 ΔE {self.visible_share:.2%} (max {MAX_VISIBLE_SHARE:.1%})")


def compare(expected: np.ndarray, actual: np.ndarray) -> Comparison:
    """Compare two RGB uint8 images perceptually."""
    if expected.shape != actual.shape:
        return Comparison(0.0, float("inf"), 1.0, same_size=False)
    lab_e, lab_a = srgb_to_lab(expected[..., :3]), srgb_to_lab(actual[..., :3])
    # Spatial pre-filter (as S-CIELAB does): the eye does not resolve a single pixel's edge, so a
    # fraction-of-a-pixel move of an edge fades while a missing dot or a changed colour does not.
    blur = (BLUR_SIGMA, BLUR_SIGMA, 0)
    delta = np.linalg.norm(gaussian_filter(lab_e, blur) - gaussian_filter(lab_a, blur), axis=-1)
    return Comparison(ssim(lab_e[..., 0], lab_a[..., 0]), float(delta.mean()), float((delta > 10).mean()))
