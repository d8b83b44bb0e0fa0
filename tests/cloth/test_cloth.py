"""Cloth formats, custom sizes with units, borders, the sarong head panel and the legend strip."""

import numpy as np
import pytest
import shapely

from batikgen.cloth.build import build_composition
from batikgen.cloth.formats import CLOTHS, HEAD_PANEL_FAMILY, cloth_layout, get_cloth
from batikgen.cloth.legend import legend_width, text_polygons, time_labels
from batikgen.errors import ParameterError
from batikgen.motifs.registry import MOTIFS
from batikgen.pipeline import plan_from_features
from tests.mapping.test_mapping import _features


def _layer(composition, name):
    matches = [layer for layer in composition.layers if layer.name == name]
    assert matches, f"no layer {name!r} in {[layer.name for layer in composition.layers]}"
    return matches[0]


def _union_bounds(layers):
    bounds = np.array([g.bounds for layer in layers for g in layer.geometries])
    return bounds[:, 0].min(), bounds[:, 1].min(), bounds[:, 2].max(), bounds[:, 3].max()


@pytest.mark.parametrize("spec, size", [
    ("kain-panjang", (1050, 2500)), ("Kain Panjang", (1050, 2500)), ("kain_panjang", (1050, 2500)),
    ("sarong", (1050, 2000)), ("selendang", (500, 2300)), ("iket", (1000, 1000)),
    ("A0", (841, 1189)), ("a4", (210, 297)),
    ("60cmx90cm", (600, 900)), ("24inx36in", (609.6, 914.4)), ("600mmx900mm", (600, 900)),
    ("60x90cm", (600, 900)), ("1.2m x 2m", (1200, 2000)), ("50cm×70cm", (500, 700)),
])
def test_named_and_custom_sizes(spec, size):
    cloth = get_cloth(spec)
    assert (cloth.width_mm, cloth.height_mm) == pytest.approx(size)


@pytest.mark.parametrize("spec, words", [
    ("kain", ["kain-panjang, sarong", "60cmx90cm", "'kain'"]),
    ("60x90", ["WIDTHxLENGTH", "24inx36in", "'60x90'"]),
    ("60ftx90ft", ["unit", "mm, cm, m, in", "'ft'"]),
    ("1cmx90cm", ["between 5 cm and 10 m", "1 cm"]),
    ("60cmx20m", ["between 5 cm and 10 m", "2000 cm"]),
])
def test_bad_cloth_strings_show_names_and_examples(spec, words):
    with pytest.raises(ParameterError) as info:
        get_cloth(spec)
    for word in words:
        assert word in str(info.value), str(info.value)


def test_a_series_keeps_its_proportion_and_halves():
    for big, small in zip("01234", "1234"):
        a, b = CLOTHS[f"A{big}"], CLOTHS[f"A{small}"]
        assert a.height_mm / a.width_mm == pytest.approx(np.sqrt(2), rel=0.01)
        assert b.height_mm == pytest.approx(a.width_mm, abs=1)


def test_border_shrinks_the_field_and_lines_stay_in_the_band():
    features = _features(np.linspace(0.1, 0.5, 60))
    plan = plan_from_features(features, cloth="A3", border="line")
    x0, y0, x1, y1 = plan.layout["field"]
    band = plan.layout["border"]["width_mm"]
    assert (x0, y0) == pytest.approx((band, band)) and (x1, y1) == pytest.approx((297 - band, 420 - band))
    assert plan.columns * plan.cell_mm == pytest.approx(x1 - x0)
    composition = build_composition(plan)
    field_layers = [layer for layer in composition.layers if not layer.name.startswith("border-")]
    bounds = _union_bounds(field_layers)
    # Inside the field, and filling it (kawung petals stop just short of the cell corners).
    assert bounds[0] >= x0 - 1e-6 and bounds[1] >= y0 - 1e-6 and bounds[2] <= x1 + 1e-6 and bounds[3] <= y1 + 1e-6
    assert bounds == pytest.approx((x0, y0, x1, y1), abs=0.05 * plan.cell_mm)
    lines = _layer(composition, "border-line").geometries
    field = shapely.box(x0, y0, x1, y1)
    assert not any(shapely.intersects(lines, field.buffer(-1e-6)))  # the frame never covers the field
    assert shapely.union_all(lines).area > 0.2 * band * 2 * (297 + 420)  # a real band of line, all round
    assert composition.all_valid()


def test_no_border_fills_the_whole_cloth():
    plan = plan_from_features(_features(np.linspace(0.1, 0.5, 60)), cloth="A3", border="none")
    assert plan.layout["field"] == [0.0, 0.0, 297.0, 420.0]
    assert not [layer for layer in build_composition(plan).layers if layer.name.startswith("border")]


def test_motif_border_draws_small_cells_all_round_inside_the_band():
    plan = plan_from_features(_features(np.linspace(0.1, 0.5, 60)), cloth="A3", border="motif")
    composition = build_composition(plan)
    band = plan.layout["border"]["width_mm"]
    motif_layers = [layer for layer in composition.layers if layer.name.startswith("border-") and layer.name != "border-line"]
    assert {layer.name for layer in motif_layers} == {f"border-{name}" for name, _ in MOTIFS["kawung"].layer_roles}
    shapes = np.concatenate([layer.geometries for layer in motif_layers])
    ring = shapely.box(0, 0, 297, 420).difference(shapely.box(band, band, 297 - band, 420 - band))
    assert shapely.within(shapes, ring.buffer(1e-6)).all()
    # Cells along all four sides: shapes near each edge.
    centres = shapely.get_coordinates(shapely.centroid(shapes))
    for near in (centres[:, 0] < band, centres[:, 0] > 297 - band, centres[:, 1] < band, centres[:, 1] > 420 - band):
        assert near.sum() > 20
    assert composition.all_valid()


def _head_panel_plan(motif_for_head: str):
    features = _features(np.linspace(0.1, 0.5, 60))
    plan = plan_from_features(features, cloth="sarong", finish="crisp")  # exact: the halves mirror exactly
    head = plan.layout["head_panel"]
    assert head is not None and head["family"] == motif_for_head
    return plan, head


def test_sarong_head_panel_takes_a_fifth_and_the_timeline_runs_below():
    family = HEAD_PANEL_FAMILY if HEAD_PANEL_FAMILY in MOTIFS else "kawung"
    plan, head = _head_panel_plan(family)
    hx0, hy0, hx1, hy1 = head["rect"]
    x0, y0, x1, y1 = plan.layout["field"]
    assert hy1 - hy0 == pytest.approx(0.2 * 2000) and y0 == pytest.approx(hy1) and (hx0, hx1) == (x0, x1)
    assert plan.columns * plan.cell_mm == pytest.approx(x1 - x0)
    assert len(plan.rows) == int(np.ceil((y1 - y0) / plan.cell_mm - 1e-9))
    composition = build_composition(plan)
    head_layers = [layer for layer in composition.layers if layer.name.startswith("head-")]
    assert {layer.name for layer in head_layers} == {f"head-{name}" for name, _ in MOTIFS[family].layer_roles}
    assert _union_bounds(head_layers)[1] >= hy0 - 1e-6 and _union_bounds(head_layers)[3] <= hy1 + 1e-6
    # Two rows facing each other: the panel is its own mirror image across its middle.
    shapes = shapely.union_all(np.concatenate([layer.geometries for layer in head_layers]))
    mirrored = shapely.transform(shapes, lambda xy: xy * [1, -1] + [0, hy0 + hy1])
    assert shapes.symmetric_difference(mirrored).area < 1e-6 * shapes.area
    field = [layer for layer in composition.layers if layer.name in dict(MOTIFS["kawung"].layer_roles)]
    assert _union_bounds(field)[1] >= y0 - 1e-6
    assert composition.all_valid()


def test_sarong_head_panel_is_drawn_with_tumpal():
    if HEAD_PANEL_FAMILY not in MOTIFS:
        pytest.skip(f"no {HEAD_PANEL_FAMILY!r} family registered in this branch (the motif families branch adds it)")
    plan, head = _head_panel_plan(HEAD_PANEL_FAMILY)
    composition = build_composition(plan)
    assert any(layer.name.startswith("head-") and len(layer.geometries) for layer in composition.layers)


def test_other_cloths_have_no_head_panel():
    for name in ("kain-panjang", "selendang", "iket", "A2", "60cmx90cm"):
        assert cloth_layout(get_cloth(name), "line", "kawung")["head_panel"] is None


def test_text_polygons_spell_readable_glyphs():
    word = text_polygons("batik", 0.0, 10.0, 10.0)
    assert 5 <= len(word) <= 8 and all(shapely.is_valid(word))
    minx, miny, maxx, maxy = shapely.union_all(word).bounds
    assert 0 <= minx < 1 and 20 < maxx < 35 and maxy == pytest.approx(10.0, abs=0.3) and 2 < miny < 4
    # "o" has a counter: a polygon with a hole.
    (o,) = text_polygons("o", 0, 0, 10)
    assert len(o.interiors) == 1
    down = shapely.union_all(text_polygons("batik", 50.0, 0.0, 10.0, vertical=True))
    assert down.bounds[3] - down.bounds[1] == pytest.approx(maxx - minx, abs=0.5)  # runs downwards


def test_legend_strip_sits_beside_the_cloth_aligned_with_its_rows():
    alpha = np.concatenate([np.full(30, 0.1), np.full(30, 0.6)])
    plan = plan_from_features(_features(alpha), cloth="A2", legend=True)
    without = build_composition(plan_from_features(_features(alpha), cloth="A2"))
    composition = build_composition(plan)
    assert composition.width_mm == pytest.approx(420 + legend_width(plan)) and without.width_mm == 420
    legend = [layer for layer in composition.layers if layer.name.startswith("legend-")]
    assert [layer.name for layer in legend] == ["legend-panel", "legend-plot", "legend-line", "legend-text"]
    assert _union_bounds(legend)[0] >= 420 and len(_layer(composition, "legend-text").geometries) > 50
    # One plot per trait; the alpha plot is wider (higher) in the rows of the second half.
    plots = _layer(composition, "legend-plot").geometries
    assert len(plots) == len(plan.traits)
    alpha_plot = plots[sorted(plan.traits).index("fullness")]  # columns by trait name
    x0, y0, x1, y1 = plan.layout["field"]
    top_half = alpha_plot.intersection(shapely.box(0, y0, 1e4, (y0 + y1) / 2 - 20)).area
    bottom_half = alpha_plot.intersection(shapely.box(0, (y0 + y1) / 2 + 20, 1e4, y1)).area
    assert bottom_half > 2 * top_half
    assert composition.all_valid()


@pytest.mark.parametrize("cloth, border", [("A4", "none"), ("kain-panjang", "line"), ("2mx2m", "none"), ("selendang", "motif")])
def test_legend_stays_inside_its_strip_on_every_cloth(cloth, border):
    plan = plan_from_features(_features(np.linspace(0.1, 0.5, 60)), cloth=cloth, border=border, legend=True)
    composition = build_composition(plan)
    width, height = plan.cloth["width_mm"], plan.cloth["height_mm"]
    legend = [layer for layer in composition.layers if layer.name.startswith("legend-")]
    x0, y0, x1, y1 = _union_bounds(legend)
    assert x0 >= width and x1 <= composition.width_mm and y0 >= 0 and y1 <= height
    panel = _layer(composition, "legend-panel").geometries[0]
    for name in ("legend-text", "legend-plot", "legend-line"):
        assert shapely.within(_layer(composition, name).geometries, panel.buffer(1e-6)).all(), name
    # The rows of the cloth and the plots share their top and bottom.
    assert _union_bounds([_layer(composition, "legend-plot")])[1] == pytest.approx(plan.layout["field"][1])


def test_plans_saved_before_layouts_still_build_over_the_whole_cloth():
    plan = plan_from_features(_features(np.linspace(0.1, 0.5, 60)), cloth="A3", border="none")
    old = {k: v for k, v in plan.to_dict().items()
           if k in ("mapping_version", "motif", "palette", "cloth", "cell_mm", "columns", "rows", "seed", "source", "traits")}
    from batikgen.mapping.plan import Border, Layout, MotifPlan

    revived = MotifPlan.from_dict(old)
    assert revived.layout == Layout([0.0, 0.0, 297.0, 420.0], Border("none", 0.0)) and revived.legend is False
    composition = build_composition(revived)
    # The family's layers over the whole cloth, then the wax crackle (plans without the field get 0.3).
    assert [layer.name for layer in composition.layers] == [name for name, _ in MOTIFS["kawung"].layer_roles] + ["crackle"]
    assert composition.width_mm == 297 and composition.all_valid()


def test_legend_plots_rows_at_zero_without_stray_lines():
    """Rows at 0 (below an absolute reference range) collapse a step plot onto its axis; it still
    builds, from the rows above 0 only (a selendang of the example exhibition failed here)."""
    alpha = np.concatenate([np.full(30, 0.001), np.full(30, 0.6)])
    plan = plan_from_features(_features(alpha), cloth="A3", legend=True, absolute=True)
    fullness = plan.traits["fullness"].rows
    assert min(fullness) == 0 and max(fullness) > 0
    composition = build_composition(plan)
    plots = _layer(composition, "legend-plot").geometries
    assert len(plots) >= 1 and all(p.geom_type in ("Polygon", "MultiPolygon") and p.area > 0 for p in plots)
    assert composition.all_valid()


def test_time_labels_never_repeat_on_a_short_recording():
    # A long recording: whole seconds, as on every legend so far.
    assert time_labels([0.0, 130.0, 260.4]) == ["0:00", "2:10", "4:20"]
    # 8 s over twelve labels: whole seconds would say 0:02 twice (a newcomer saw 0:02, 0:02, 0:05,
    # 0:05 ...); tenths tell them apart.
    short = list(np.linspace(0.0, 8.0, 12))
    labels = time_labels(short)
    assert len(set(labels)) == len(labels) and labels[0] == "0:00.0" and labels[-1] == "0:08.0"
    assert len(set(time_labels(short[:1] + short[2:3]))) == 2
