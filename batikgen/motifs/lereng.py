"""Lereng: the diagonal bands of parang without the mlinjon strip.

Where it comes from: lereng ("slope") is the parang family's plainer sibling in the Central
Javanese garis miring (slanting-line) group; batik scholarship defines it as parang without the
small rhombi (mlinjon) between the bands. Its rules (pakem):

- Parallel bands at 45 degrees, each a row of S-shaped blades, as in parang.
- The bands are parted only by a pair of fine lines (no mlinjon), so they sit closer together.
- Symmetry p2: a half turn about any blade's centre maps the pattern onto itself.

Construction here: exactly parang's band geometry (see :mod:`batikgen.motifs.parang`), drawn from
global cloth coordinates so bands run unbroken across rows, with a narrower strip that holds no
rhombi. Layers (paint order): ``blade_outline``, ``blade``, ``spine``, ``strip_line``, ``mlinjon``
(always empty, kept so parang and lereng share one layer list).
"""

from __future__ import annotations

from .parang import LAYER_ROLES, _parameters, draw_bands, repeat
from .registry import MotifFamily

PARAMETERS = _parameters(0.07, 0.03)



def draw_row(y0: float, cell_mm: float, n_columns: int, params: dict[str, float], seeds=None) -> dict[str, list]:
    """Geometry of one row of lereng, top edge at ``y0`` mm (``seeds`` unused: lereng is exact)."""
    return draw_bands(y0, cell_mm, n_columns, params, mlinjon=False)


#: The family, found by the registry.
FAMILY = MotifFamily(
    name="lereng",
    description="Diagonal bands of S-shaped blades parted only by fine lines (parang without mlinjon), p2",
    parameters=PARAMETERS,
    draw_row=draw_row,
    layer_roles=LAYER_ROLES,
    repeat=repeat,
)
