"""The mapping table: the shipped TOML, artists' own files, their errors, modes, bad windows, goldens."""

import json
import os
from pathlib import Path

import numpy as np
import pytest
import tomllib

from batikgen.cloth.build import build_composition
from batikgen.cloth.formats import get_cloth
from batikgen.errors import BatikgenError, FeatureError
from batikgen.mapping.plan import PLAN_VERSION, MotifPlan
from batikgen.mapping.table import (
    DEFAULT_MAPPING_PATH,
    MappingError,
    feature_series,
    load_mapping,
    map_features,
    parse_mapping,
    smooth,
)
from batikgen.motifs.registry import MOTIFS, get_motif
from batikgen.pipeline import plan_from_features
from batikgen.seeding import SeedTree
from tests.mapping.test_mapping import _features

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "plan_kawung_a4.json"

MINIMAL = """
name = "mine"
version = 7

[motif.kawung.petals]
feature = "relative.beta"
parameter = "fullness"
low = 0.9
high = 0.35
"""


def load_mapping_text(text):
    return parse_mapping(tomllib.loads(text), "<test>")


def _write(tmp_path, text, name="map.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_default_table_ships_valid_and_drives_kawung_petals_heart_dots_and_line():
    table = load_mapping()
    assert table.source == "default" and table.version >= 2 and len(table.sha256) == 64
    traits = table.traits_for("kawung")
    declared = {p.name: p for p in get_motif("kawung").parameters}
    assert {"fullness", "core", "cecek", "line"} <= {t.parameter for t in traits}
    for trait in traits:
        spec = declared[trait.parameter]
        assert spec.low <= min(trait.low, trait.high) and max(trait.low, trait.high) <= spec.high
        assert trait.why, f"trait {trait.name} has no reason for the legend"
        assert trait.feature in table.references  # absolute mode works with the default table
    assert DEFAULT_MAPPING_PATH.suffix == ".toml"


def test_artist_table_changes_the_plan_and_is_recorded(tmp_path):
    beta = np.linspace(0.05, 0.4, 60)
    features = _features(np.full(60, 0.2), beta=beta)
    own = plan_from_features(features, cloth="A4", mapping=_write(tmp_path, MINIMAL))
    default = plan_from_features(features, cloth="A4")
    assert own.mapping_name == "mine" and own.mapping_version == 7 and own.mapping_sha256 != default.mapping_sha256
    assert list(own.traits) == ["petals"] and own.traits["petals"]["feature"] == "relative.beta"
    fullness = np.array([row["params"]["fullness"] for row in own.rows])
    # high < low: the petals thin as beta rises, monotonically, within the table's range.
    assert np.all(np.diff(fullness) < 0) and 0.35 <= fullness.min() and fullness.max() <= 0.9
    # Parameters the table does not drive stay at the family's defaults.
    assert {row["params"]["core"] for row in own.rows} == {get_motif("kawung").defaults()["core"]}
    assert own.to_json() != default.to_json()


@pytest.mark.parametrize(
    "edit, words",
    [
        (("version = 7", 'version = "seven"'), ["version", "whole number", "'seven'"]),
        (("[motif.kawung.petals]", "[motif.parnag.petals]"), ["[motif.parnag]", "unknown motif", "kawung"]),
        (('parameter = "fullness"', 'parameter = "fulness"'),
         ["[motif.kawung.petals] parameter", "'fulness'", "fullness, core, cecek, line"]),
        (('feature = "relative.beta"', 'feature = "relative.betta"'),
         ["[motif.kawung.petals] feature", "'relative.betta'", "relative.<delta|theta|alpha|beta|gamma>"]),
        (("high = 0.35", "high = 0.1"), ["[motif.kawung.petals] high", "[0.3, 1]", "0.1"]),
        (("low = 0.9", 'low = "full"'), ["[motif.kawung.petals] low", "must be a number", "'full'"]),
        (("low = 0.9", "low = 0.9\ncolour = 1"), ["colour", "unknown key", "feature, parameter, low, high, why"]),
        (("high = 0.35\n", ""), ["missing key 'high'"]),
        (("high = 0.35", "high = 0.35\n[normalisation]\nsmoothing_windows = 0"),
         ["normalisation.smoothing_windows", "[1, 101]", "0"]),
        (("high = 0.35", 'high = 0.35\n[reference]\n"relative.alpha" = [0.5, 0.1]'),
         ['reference."relative.alpha"', "low < high"]),
    ],
)
def test_bad_tables_name_file_key_allowed_and_given(tmp_path, edit, words):
    path = _write(tmp_path, MINIMAL.replace(*edit))
    with pytest.raises(MappingError) as info:
        load_mapping(path)
    message = str(info.value)
    assert str(path) in message
    for word in words:
        assert word in message, message


def test_toml_syntax_error_gives_the_line(tmp_path):
    path = _write(tmp_path, MINIMAL.replace("low = 0.9", "low = = 0.9"))
    with pytest.raises(MappingError, match=r"not valid TOML.*line 8"):
        load_mapping(path)
    with pytest.raises(MappingError, match="cannot read"):
        load_mapping(tmp_path / "absent.toml")


def test_one_parameter_one_feature(tmp_path):
    text = MINIMAL + '\n[motif.kawung.again]\nfeature = "relative.alpha"\nparameter = "fullness"\nlow = 0.4\nhigh = 0.5\n'
    with pytest.raises(MappingError, match="'fullness' is already driven by trait 'petals'"):
        load_mapping(_write(tmp_path, text))


def test_family_without_a_section_is_a_clear_error(tmp_path):
    table = load_mapping(_write(tmp_path, MINIMAL))
    with pytest.raises(MappingError, match=r"no \[motif.parang\] section; this table maps kawung"):
        table.traits_for("parang")


def test_absolute_mode_compares_people_relative_mode_does_not():
    calm, busy = _features(np.full(40, 0.45)), _features(np.full(40, 0.15))
    busy.source = {"content_hash": "abc"}
    relative = [plan_from_features(f, cloth="A4") for f in (calm, busy)]
    absolute = [plan_from_features(f, cloth="A4", absolute=True) for f in (calm, busy)]
    fullness = lambda plan: np.mean([row["params"]["fullness"] for row in plan.rows])  # noqa: E731
    # Per recording, a steady rhythm sits at its own median: the two cloths look alike.
    assert fullness(relative[0]) == pytest.approx(fullness(relative[1]))
    # Against fixed reference ranges, the person with more alpha gets the fuller petals.
    assert fullness(absolute[0]) > fullness(absolute[1]) + 0.1
    assert absolute[0].mapping_mode == "absolute" and relative[0].mapping_mode == "relative"
    # And exactly where the reference range puts them: (0.45 - 0.05) / (0.60 - 0.05) of the way.
    trait = {t.parameter: t for t in load_mapping().traits_for("kawung")}["fullness"]
    expected = trait.low + (0.40 / 0.55) * (trait.high - trait.low)
    assert fullness(absolute[0]) == pytest.approx(expected, abs=1e-6)


def test_absolute_mode_needs_a_reference_for_each_feature(tmp_path):
    table = load_mapping(_write(tmp_path, MINIMAL))
    with pytest.raises(MappingError, match=r'reference."relative.beta"'):
        plan_from_features(_features(np.full(10, 0.2)), mapping=table, absolute=True)


def test_rejected_windows_do_not_drive_the_art():
    alpha = np.full(90, 0.2) + 0.05 * np.sin(np.arange(90) / 5)
    plans = []
    for burst in (0.95, 0.0):  # whatever the rejected windows hold ...
        spiked = alpha.copy()
        spiked[40:46] = burst
        features = _features(spiked)
        features.good[40:46] = False
        plans.append(plan_from_features(features, cloth="iket"))
    assert plans[0].to_json() == plans[1].to_json()  # ... the cloth is the same
    # Had the burst not been rejected, it would have shown.
    spiked = alpha.copy()
    spiked[40:46] = 0.95
    unrejected = plan_from_features(_features(spiked), cloth="iket")
    assert max(row["params"]["fullness"] for row in unrejected.rows) > max(
        row["params"]["fullness"] for row in plans[0].rows) + 0.02


def test_every_window_rejected_is_an_error():
    features = _features(np.full(10, 0.2))
    features.good[:] = False
    with pytest.raises(FeatureError, match="every window"):
        plan_from_features(features)


def test_smoothing_averages_neighbours_without_edge_bias():
    values = np.array([0.0, 0.0, 3.0, 0.0, 0.0])
    assert smooth(values, 3).tolist() == pytest.approx([0, 1, 1, 1, 0])
    assert smooth(np.full(6, 2.0), 5).tolist() == pytest.approx([2.0] * 6)
    assert smooth(values, 1).tolist() == values.tolist()


def test_feature_kinds_read_the_right_arrays():
    features = _features(np.linspace(0.1, 0.5, 8))
    assert feature_series(features, "relative.alpha") == pytest.approx(np.linspace(0.1, 0.5, 8))
    # absolute power: 1e-11 V² * alpha is 1e1 µV² * alpha, on a log10 scale
    assert feature_series(features, "absolute.alpha") == pytest.approx(np.log10(10 * np.linspace(0.1, 0.5, 8)))
    assert feature_series(features, "index.engagement") == pytest.approx(features.indices["engagement"])
    with pytest.raises(FeatureError, match="frontal_alpha_asymmetry.*engagement, relaxation"):
        feature_series(features, "index.frontal_alpha_asymmetry")


def test_every_default_trait_is_monotonic_in_its_feature():
    table = load_mapping()
    n = 80
    ramp = np.linspace(0.05, 0.5, n)
    for trait in table.traits_for("kawung"):
        kind, band = trait.feature.split(".")
        if kind == "index":
            features = _features(np.full(n, 0.2), beta=ramp)  # engagement rises with beta
        else:
            features = _features(**{"alpha": np.full(n, 0.2), band: ramp} if band != "alpha" else {"alpha": ramp})
        plan = map_features(features, "kawung", "proof", get_cloth("A4"), SeedTree("m"), table=table)
        values = np.array([row["params"][trait.parameter] for row in plan.rows])
        step = np.diff(values) * np.sign(trait.high - trait.low)
        assert np.all(step >= 0), trait.name
        assert values[-1] != values[0], trait.name


def test_plan_json_is_deterministic_and_round_trips():
    features = _features(np.linspace(0.1, 0.5, 40), theta=np.linspace(0.3, 0.1, 40))
    a = plan_from_features(features, cloth="sarong", legend=True, border="motif")
    b = plan_from_features(features, cloth="sarong", legend=True, border="motif")
    assert a.to_json() == b.to_json()
    assert MotifPlan.from_dict(json.loads(a.to_json())).to_json() == a.to_json()
    assert plan_from_features(features, cloth="sarong", palette="lasem").seed != a.seed


def test_plan_matches_golden(request):
    """A small plan from fixed synthetic features.

    Regenerate with ``pytest --regen-golden`` (when tests/conftest.py offers it) or
    ``BATIKGEN_REGEN_GOLDEN=1``.
    """
    n = 30
    t = np.arange(n)
    features = _features(0.2 + 0.15 * np.sin(t / 4), theta=0.15 + 0.05 * np.cos(t / 3),
                         beta=0.1 + 0.04 * np.sin(t / 2 + 1))
    features.good[12:14] = False
    plan = plan_from_features(features, cloth="A4", palette="indigo-soga", finish="crisp")  # the golden predates the finish
    text = plan.to_json() + "\n"
    if os.environ.get("BATIKGEN_REGEN_GOLDEN") or request.config.getoption("--regen-golden", default=False):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(text, encoding="utf-8")
    assert GOLDEN.exists(), f"golden missing; run with BATIKGEN_REGEN_GOLDEN=1 to create {GOLDEN}"
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    # The golden was written before plans had a version (a version-1 plan): the mapping's output
    # is the same in every other field, and the old text loads as the same plan.
    made = plan.to_dict()
    assert made.pop("plan_version") == PLAN_VERSION and golden.get("plan_version", 1) in (1, PLAN_VERSION)
    golden.pop("plan_version", None)
    assert json.dumps(made, sort_keys=True) == json.dumps(golden, sort_keys=True), "plan changed: if intended, regenerate"
    assert MotifPlan.from_dict(json.loads(GOLDEN.read_text(encoding="utf-8"))) == plan


def test_mapping_errors_are_batikgen_errors():
    assert issubclass(MappingError, BatikgenError)


def test_default_table_maps_every_registered_family():
    """Adding a family means adding its section to the default table (see docs/mapping.md)."""
    table = load_mapping()
    missing = sorted(set(MOTIFS) - set(table.motifs))
    assert not missing, f"mapping_default.toml has no section for {missing}; see 'Adding a motif family' in docs/mapping.md"


def test_scale_class_follows_the_recordings_alpha_level():
    table = load_mapping()
    scale = table.scale
    assert scale is not None and scale.feature == "relative.alpha" and scale.low_mm < scale.high_mm
    calm, busy = (plan_from_features(_features(np.full(40, level)), cloth="kain-panjang") for level in (0.45, 0.15))
    assert calm.cell_mm > busy.cell_mm  # calm: larger, towards barong; busy: finer, towards klithik
    low, high = table.references["relative.alpha"]
    expected = scale.low_mm + (0.45 - low) / (high - low) * (scale.high_mm - scale.low_mm)
    assert calm.scale["target_mm"] == pytest.approx(expected)
    width = calm.layout["field"][2] - calm.layout["field"][0]
    assert calm.columns == round(width / expected) and calm.cell_mm == pytest.approx(width / calm.columns)
    # A table without [scale] keeps the fixed target size.
    plain = load_mapping_text(MINIMAL)
    assert plan_from_features(_features(np.full(40, 0.45)), mapping=plain).scale is None


@pytest.mark.parametrize("scale, words", [
    ('[scale]\nfeature = "relative.alpha"\nlow_mm = 30\nhigh_mm = 60', ['reference."relative.alpha"', "fixed range"]),
    ('[reference]\n"relative.alpha" = [0.1, 0.5]\n[scale]\nfeature = "relative.alpha"\nlow_mm = 3\nhigh_mm = 60',
     ["[scale] low_mm", "[10, 200] mm", "3"]),
    ('[scale]\nfeature = "relative.alpha"\nlow_mm = 30', ["missing key 'high_mm'"]),
])
def test_bad_scale_sections(tmp_path, scale, words):
    path = _write(tmp_path, MINIMAL.replace('name = "mine"', "").replace("version = 7", "") + "\n")
    path.write_text('version = 1\n' + scale + "\n" + MINIMAL.split("version = 7", 1)[1])
    with pytest.raises(MappingError) as info:
        load_mapping(path)
    for word in words:
        assert word in str(info.value), str(info.value)


def test_an_index_the_features_lack_holds_its_trait_at_the_middle(tmp_path, caplog):
    text = MINIMAL + ('\n[motif.kawung.calm]\nfeature = "index.spectral_entropy"\nparameter = "core"\n'
                      'low = 0.2\nhigh = 0.6\n')
    features = _features(np.linspace(0.1, 0.5, 30))  # synthetic: engagement and relaxation only
    plan = plan_from_features(features, cloth="A4", mapping=_write(tmp_path, text), legend=True)
    assert np.allclose([row["params"]["core"] for row in plan.rows], 0.4)
    assert plan.traits["calm"].missing is True and plan.traits["petals"].missing is False
    assert "missing" not in plan.traits["petals"].to_dict()  # written only where it holds, as version 1 did
    assert "index.spectral_entropy" in caplog.text
    assert build_composition(plan).all_valid()  # the legend and the cloth still build
    # A band the features lack is still an error.
    features.bands = {k: v for k, v in features.bands.items() if k != "beta"}
    with pytest.raises(FeatureError, match="relative.beta"):
        plan_from_features(features, cloth="A4", mapping=_write(tmp_path, text))


def test_docs_list_every_trait_of_the_default_table():
    """docs/mapping.md tells visitors what drives what: it must not fall behind the shipped table."""
    docs = (Path(__file__).resolve().parents[2] / "docs" / "mapping.md").read_text(encoding="utf-8")
    table = load_mapping()
    missing = [f"{family}.{trait.parameter}" for family in table.motifs if family != "kawung"
               for trait in table.traits_for(family) if f"| {family} | {trait.feature} | `{trait.parameter}` |" not in docs]
    assert not missing, f"docs/mapping.md does not list {missing}"


def test_cloth_scope_sets_one_value_from_the_recordings_level():
    text = MINIMAL.replace('high = 0.35', 'high = 0.35\nscope = "cloth"') + '\n[reference]\n"relative.beta" = [0.0, 0.2]\n'
    table = load_mapping_text(text)
    ramp = _features(np.linspace(0.05, 0.6, 60))  # beta is flat at 0.1 in these features, alpha ramps
    plan = plan_from_features(ramp, cloth="iket", mapping=table)
    fullness = {row["params"]["fullness"] for row in plan.rows}
    assert len(fullness) == 1  # one value for every row
    # beta 0.1 sits at 0.5 of [0, 0.2]: fullness half-way from 0.9 down to 0.35
    assert fullness.pop() == pytest.approx(0.9 + 0.5 * (0.35 - 0.9), abs=1e-6)
    assert plan.traits["petals"]["scope"] == "cloth"


def test_cloth_scope_needs_a_reference_and_scope_must_be_known():
    with pytest.raises(MappingError, match=r'scope: "cloth" needs a reference range reference."relative.beta"'):
        load_mapping_text(MINIMAL.replace('high = 0.35', 'high = 0.35\nscope = "cloth"'))
    with pytest.raises(MappingError, match="scope: must be one of row, cloth, got 'bar'"):
        load_mapping_text(MINIMAL.replace('high = 0.35', 'high = 0.35\nscope = "bar"'))


def test_parang_bands_are_not_cut_by_a_changing_scale():
    """Blade scale changing between rows would cut every diagonal band: it is one value per cloth."""
    plan = plan_from_features(_features(np.linspace(0.05, 0.6, 60)), motif="parang", cloth="iket")
    assert len({row["params"]["scale_mm"] for row in plan.rows}) == 1
    assert len({row["params"]["thickness"] for row in plan.rows}) > 1  # the timeline still shows
