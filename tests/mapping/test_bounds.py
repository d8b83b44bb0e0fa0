"""Every value a mapping file can hold is bounded: the cases that crashed or ran away, and the edges."""

import numpy as np
import pytest

from batikgen.cloth.formats import get_cloth
from batikgen.errors import MappingError
from batikgen.mapping.bounds import MAX_DEPTH, MAX_FILE_BYTES, MAX_ITEMS, MAX_TEXT_CHARS
from batikgen.mapping.table import DEFAULT_MAPPING_PATH, load_mapping, map_features, smooth
from batikgen.seeding import SeedTree
from tests.mapping.test_mapping import _features

DEFAULT = DEFAULT_MAPPING_PATH.read_text()


def _table(tmp_path, old, new, name="m.toml"):
    """The default table with ``old`` replaced; ``old`` ending in "= " replaces that whole line."""
    assert old in DEFAULT
    path = tmp_path / name
    if old.endswith("= "):
        lines = [new if line.startswith(old) else line for line in DEFAULT.splitlines()]
        path.write_text("\n".join(lines) + "\n")
    else:
        path.write_text(DEFAULT.replace(old, new, 1))
    return path


def test_smoothing_longer_than_the_recording_averages_it_all_instead_of_crashing():
    values = np.array([1.0, 2.0, 6.0])
    np.testing.assert_allclose(smooth(values, 101), smooth(values, 3))
    assert smooth(values, 101).shape == (3,)


def test_a_table_smoothing_over_more_windows_than_there_are_maps(tmp_path):
    table = load_mapping(_table(tmp_path, "smoothing_windows = 3", "smoothing_windows = 101"))
    alpha = np.linspace(0.1, 0.5, 5)  # five windows, smoothed over 101
    plan = map_features(_features(alpha), "kawung", "sogan-yogya", get_cloth("iket"), SeedTree("x"), table=table)
    fullness = np.array([row["params"]["fullness"] for row in plan.rows])
    assert fullness.size and np.isfinite(fullness).all()
    assert (np.diff(fullness) >= -1e-12).all()  # still rising with alpha


@pytest.mark.parametrize("old, new, message", [
    ('"relative.alpha" = [0.05, 0.60]', '"relative.alpha" = [-1.7e308, 1.7e308]',
     r'reference."relative.alpha"\[0\]: must be at most 1e\+12 in size, got -1.7e\+308'),
    ('"relative.alpha" = [0.05, 0.60]', '"relative.alpha" = [0.05, 1.5]',
     r'reference."relative.alpha": must lie within \[0, 1\] for a relative feature'),
    ('"absolute.alpha" = [2.0, 500.0]', '"absolute.alpha" = [1e-9, 500.0]',
     r'reference."absolute.alpha": must lie within \[1e-06, 1e\+09\]'),
    ('"index.relaxation" = [0.2, 6.0]', '"index.relaxation" = [0.2, 6e5]',
     r'reference."index.relaxation": must lie within \[-1000, 1000\]'),
    ("version = 5", "version = 9223372036854775807", r"version: must be at most 1e\+12 in size"),
    ("version = 5", "version = 2000000", r"version: must be at most 1,000,000"),
    ('description = "', f'description = "{"x" * MAX_TEXT_CHARS}',
     rf"description: text of 2,\d\d\d characters; at most {MAX_TEXT_CHARS:,}"),
    ("description = ", f"description = [{', '.join(['1'] * (MAX_ITEMS + 1))}]",
     rf"description: an array of {MAX_ITEMS + 1:,} items"),
])
def test_values_beyond_their_bounds_are_refused_naming_the_key(tmp_path, old, new, message):
    with pytest.raises(MappingError, match=rf"^mapping .*m.toml: {message}"):
        load_mapping(_table(tmp_path, old, new))


def test_a_1_mb_why_and_5000_nested_arrays_are_refused_in_one_line(tmp_path):
    big = _table(tmp_path, 'why = "', f'why = "{"x" * 1_000_000}', "big.toml")
    with pytest.raises(MappingError, match=rf"big.toml: the file is 1,0\d\d,\d\d\d bytes; a mapping table is at "
                                           rf"most {MAX_FILE_BYTES:,}$"):
        load_mapping(big)
    nested = _table(tmp_path, "description = ", f"description = {'[' * 5000}{']' * 5000}", "nested.toml")
    with pytest.raises(MappingError, match=rf"nested.toml: arrays or tables are nested too deeply \(at most "
                                           rf"{MAX_DEPTH} levels\)$"):
        load_mapping(nested)
    deep_but_small = _table(tmp_path, "description = ", f"description = {'[' * 20}{']' * 20}", "d.toml")
    with pytest.raises(MappingError, match=r"d.toml: description(\[0\])+: arrays or tables are nested too deeply"):
        load_mapping(deep_but_small)


def test_the_largest_values_within_bounds_still_load(tmp_path):
    edge = DEFAULT.replace('"relative.alpha" = [0.05, 0.60]', '"relative.alpha" = [0.0, 1.0]')
    edge = edge.replace('"absolute.alpha" = [2.0, 500.0]', '"absolute.alpha" = [1e-6, 1e9]')
    edge = edge.replace('description = "', f'description = "{"x" * (MAX_TEXT_CHARS - 200)}')
    path = tmp_path / "edge.toml"
    path.write_text(edge)
    table = load_mapping(path)
    assert table.references["relative.alpha"] == (0.0, 1.0) and table.references["absolute.alpha"] == (1e-6, 1e9)
