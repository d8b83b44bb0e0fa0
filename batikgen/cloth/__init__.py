"""MotifPlan -> Composition: cloth formats and layout (formats), the build of field, head panel
and border (build), the legend strip (legend), wax crackle (crackle), repeat tiles for swatches
(tile) and the packed Composition the renderers read (composition)."""
