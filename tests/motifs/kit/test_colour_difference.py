"""CIEDE2000 and CIELAB: Sharma, Wu and Dalal's published test pairs, and scikit-image's as a second opinion."""

import numpy as np
import pytest
from skimage.color import deltaE_ciede2000, rgb2lab

from batikgen.motifs.kit.colour_difference import ciede2000, srgb_to_cielab

# Pairs from Table 1 of Sharma, Wu and Dalal (2005) with their ΔE00 to 4 decimals: near-blue hues
# (the rotation term), grey against a colour, a* sign flips at and past 180° of hue, and real samples.
SHARMA = [
    ((50.0000, 2.6772, -79.7751), (50.0000, 0.0000, -82.7485), 2.0425),   # pair 1
    ((50.0000, 3.1571, -77.2803), (50.0000, 0.0000, -82.7485), 2.8615),   # pair 2
    ((50.0000, 0.0000, 0.0000), (50.0000, -1.0000, 2.0000), 2.3669),      # pair 7: a grey
    ((50.0000, 2.4900, -0.0010), (50.0000, -2.4900, 0.0009), 7.1792),     # pair 13: hues 180° apart
    ((50.0000, 2.4900, -0.0010), (50.0000, -2.4900, 0.0011), 7.2195),     # pair 15: just past 180°
    ((50.0000, -0.0010, 2.4900), (50.0000, 0.0011, -2.4900), 4.7461),     # pair 19
    ((50.0000, 2.5000, 0.0000), (73.0000, 25.0000, -18.0000), 27.1492),   # pair 22: large difference
    ((22.7233, 20.0904, -46.6940), (23.0331, 14.9730, -42.5619), 2.0373), # pair 34
]


@pytest.mark.parametrize("first, second, expected", SHARMA)
def test_ciede2000_gives_sharmas_published_differences(first, second, expected):
    assert ciede2000(first, second) == pytest.approx(expected, abs=5e-5)
    assert ciede2000(second, first) == pytest.approx(expected, abs=5e-5)  # symmetric


def test_ciede2000_agrees_with_scikit_image_everywhere():
    rng = np.random.default_rng(2005)
    first = np.column_stack([rng.uniform(0, 100, 5000), rng.uniform(-100, 100, (5000, 2))])
    near, far = first + rng.normal(0, 3, first.shape), np.roll(first, 1, axis=0)
    for second in (near, far):
        assert np.allclose(ciede2000(first, second), deltaE_ciede2000(first, second), atol=1e-9)
    assert ciede2000(first, first).max() == 0.0
    assert ciede2000(first, near).min() > 0  # not a trivial answer


def test_cielab_is_d65_and_matches_scikit_image():
    # White is L* 100 a* b* 0; sRGB red is L* 53.24, a* 80.09, b* 67.20 (D65).
    assert np.allclose(srgb_to_cielab(np.array([[1.0, 1.0, 1.0], [1.0, 0.0, 0.0]])),
                       [[100, 0, 0], [53.24, 80.09, 67.20]], atol=0.01)
    rgb = np.random.default_rng(7).uniform(0, 1, (500, 3))
    # scikit-image rounds the sRGB matrix to 6 decimals; IEC 61966-2-1's is given to 7.
    assert np.allclose(srgb_to_cielab(rgb), rgb2lab(rgb), atol=0.01)
