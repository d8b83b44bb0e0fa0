"""Hashed value noise: the lattice-table shortcut gives the per-point hash's values, bit for bit."""

import numpy as np
import pytest

from batikgen.motifs.kit.noise import hash_uniform, value_noise


def _per_point(x, y, period, seed):
    """Value noise hashing every corner of every point (the formula, without the table)."""
    gx, gy = np.asarray(x, float) / period, np.asarray(y, float) / period
    ix, iy = np.floor(gx), np.floor(gy)
    fx, fy = gx - ix, gy - iy
    ux, uy = fx * fx * (3 - 2 * fx), fy * fy * (3 - 2 * fy)
    ix, iy = ix.astype(np.int64), iy.astype(np.int64)
    v00, v10 = hash_uniform(ix, iy, seed), hash_uniform(ix + 1, iy, seed)
    v01, v11 = hash_uniform(ix, iy + 1, seed), hash_uniform(ix + 1, iy + 1, seed)
    top = v00 + (v10 - v00) * ux
    bottom = v01 + (v11 - v01) * ux
    return 2.0 * (top + (bottom - top) * uy) - 1.0


@pytest.mark.parametrize("spread", [50.0, 5000.0])  # many points per node (table), few (per point)
def test_value_noise_equals_hashing_each_point(spread):
    rng = np.random.default_rng(3)
    x, y = rng.uniform(-spread, spread, 20_000), rng.uniform(-spread / 2, spread, 20_000)
    assert np.array_equal(value_noise(x, y, 7.0, 11), _per_point(x, y, 7.0, 11))
    grid_x, grid_y = np.linspace(-40, 40, 300)[None, :], np.linspace(-10, 30, 200)[:, None]  # broadcast
    assert np.array_equal(value_noise(grid_x, grid_y, 3.0, 5), _per_point(grid_x, grid_y, 3.0, 5))
    assert not np.array_equal(value_noise(x, y, 7.0, 11), value_noise(x, y, 7.0, 12))
