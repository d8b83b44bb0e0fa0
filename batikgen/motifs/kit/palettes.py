"""Named palettes from the natural-dye traditions of Javanese batik.

Each palette gives colours for the roles a batik is made of: the ground (*tanahan*), the motif
(the areas kept under wax, usually the lightest), the outline (*klowongan*), and an accent for
the fillers (*isen-isen*) and second dye.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..._validate import check_choice, check_in_range
from .colour_difference import ciede2000, srgb_to_cielab
from .oklab import oklch_mix

#: The colour roles every palette defines.
ROLES = ("ground", "motif", "outline", "accent")


def dye_overlap(first: str, second: str) -> str:
    """The colour where two dyes overlap on white cloth, as ``#rrggbb``.

    Batik dyes are transparent: cloth dyed in one bath then another passes only the light both
    let through, so their transmittances multiply (a subtractive mix). Indigo under soga brown
    gives the near-black of the indigo-with-soga (sogan-biron) cloths.

    Parameters
    ----------
    first, second : str
        ``#rrggbb`` colours of each dye alone on white.

    Returns
    -------
    str
    """
    a, b = ([int(c.lstrip("#")[i : i + 2], 16) / 255.0 for i in (0, 2, 4)] for c in (first, second))
    return "#" + "".join(f"{int(round(x * y * 255)):02x}" for x, y in zip(a, b))


_INDIGO, _SOGA = "#1d2a4d", "#8b5a2b"


@dataclass(frozen=True)
class Palette:
    """A named set of colours, one per role, as ``#rrggbb``.

    Attributes
    ----------
    name : str
        Identifier used on the command line.
    description : str
        One line for listings.
    origin : str
        Where the tradition comes from.
    colours : dict of str to str
        Role to hex colour; the roles are :data:`ROLES`.
    """

    name: str
    description: str
    origin: str
    colours: dict[str, str]

    def rgb(self, role: str, perceptual: bool = False) -> tuple[int, int, int]:
        """The colour of ``role`` as an (r, g, b) tuple of 0-255 integers.

        ``role`` is one of :data:`ROLES`, or a blend ``"a>b:t"`` of two roles: the colour a
        fraction ``t`` (0 to 1) of the way from role ``a`` to role ``b`` (e.g. the gradations of
        mega mendung, ``"motif>outline:0.5"``). Mixed in sRGB (the crisp finish, as every cloth
        was before the finish existed) or, with ``perceptual``, in OKLCh (cap and tulis): even
        steps of lightness, and no dip through grey between two dyes.
        """
        if ">" in role:
            return blend_role(self, role, perceptual)
        value = self.colours[check_choice("colour role", role, ROLES)].lstrip("#")
        return tuple(int(value[i : i + 2], 16) for i in (0, 2, 4))  # type: ignore[return-value]


def blend(first: str, second: str, fraction: float) -> str:
    """The role name of the colour ``fraction`` of the way from role ``first`` to role ``second``."""
    return f"{first}>{second}:{fraction:.4g}"


def blend_role(palette: Palette, role: str, perceptual: bool = False) -> tuple[int, int, int]:
    """Resolve a blended role ``"a>b:t"`` of ``palette`` (see :meth:`Palette.rgb`)."""
    pair, _, amount = role.partition(":")
    first, _, second = pair.partition(">")
    fraction = check_in_range(f"blend fraction in colour role {role!r}", amount, 0.0, 1.0)
    a, b = np.array(palette.rgb(first), float), np.array(palette.rgb(second), float)
    if perceptual:
        mixed = oklch_mix(a / 255.0, b / 255.0, fraction) * 255.0
        return tuple(int(round(v)) for v in mixed)  # type: ignore[return-value]
    return tuple(int(round(v)) for v in a + (b - a) * fraction)  # type: ignore[return-value]


#: CIEDE2000 between consecutive steps of a dye ramp (:func:`dye_ramp`): one more dip in the bath.
#: Steps of 1-5 read as shades of one gradation. On rendered cap and tulis cloth the seep under
#: each wax edge and the mottle of the dye move a ring's median colour, so measured steps come out
#: within about ±1 of this (2.5-4.2 over 108 small cloths: every palette, three seeds, cells of
#: 20-60 mm, 2, 7 and 9 gradations); 3.5 keeps them inside 1-5 with 0.8 to spare, and eight
#: steps still span 28 of the 58-80 CIEDE2000 from a palette's outline to its motif.
DYE_STEP = 3.5


def dye_ramp(palette: Palette, start: str, toward: str, steps: int, step: float = DYE_STEP) -> tuple[tuple[int, int, int], ...]:
    """Consecutive dips of a dye: the colour of role ``start``, then ``steps`` colours, each ``step``
    CIEDE2000 from the one before, along the OKLCh mix toward ``toward``.

    Each step is one more (or one fewer) dip in the dye bath, so the steps are equal as the eye
    sees them. If the whole way from ``start`` to ``toward`` is too short for ``steps`` such steps,
    the step shrinks to fit it (never below 1, where the ramp may stop at ``toward``).

    Parameters
    ----------
    palette : Palette
    start, toward : str
        Plain roles (:data:`ROLES`): where the ramp starts and the way it goes (mega mendung: from
        the light ``motif`` toward the ``outline`` dye).
    steps : int
        Steps after the first colour.
    step : float
        CIEDE2000 between neighbours (Sharma, Wu and Dalal 2005; see
        :func:`batikgen.motifs.kit.colour_difference.ciede2000`), between the 8-bit colours (each
        step is the painted colour on the way nearest to it, about ±0.1).

    Returns
    -------
    tuple of (r, g, b)
        ``steps + 1`` colours, 0-255 integers, the first exactly ``start``'s. Computed once per
        pair of colours (cached), deterministic.
    """
    return _dye_ramp(palette.rgb(start), palette.rgb(toward), int(steps), float(step))


@lru_cache(maxsize=64)
def _dye_ramp(first: tuple[int, int, int], toward: tuple[int, int, int], steps: int, step: float):
    start, end = np.array(first) / 255.0, np.array(toward) / 255.0
    grid = np.linspace(0.0, 1.0, 4097)  # about 0.02 CIEDE2000 apart: finer than an 8-bit level
    way = oklch_mix(start, end, grid)
    exact = srgb_to_cielab(way)
    # The way's length, in small steps (CIEDE2000 is not additive over large ones).
    length = float(ciede2000(exact[:-1], exact[1:]).sum())
    step = max(1.0, min(step, length / steps))
    # Walk in the colours as they will be painted (8 bits): each step is measured from the last
    # painted colour, so rounding does not add up along the ramp or widen a step by half a level.
    painted = np.rint(way * 255.0).astype(int)
    painted[0] = first
    lab = srgb_to_cielab(painted / 255.0)
    out, here = [0], 0
    for _ in range(steps):
        distance = ciede2000(lab[here], lab[here + 1:])
        past = np.flatnonzero(distance >= step)
        if not len(past):  # the ramp has reached ``toward``
            here = len(grid) - 1
        else:  # of the painted colours up to just past the step, the one nearest it
            reach = past[0] + 1
            here = here + 1 + int(np.argmin(np.abs(distance[:reach + 1] - step)))
        out.append(here)
    return tuple(tuple(int(v) for v in painted[i]) for i in out)


PALETTES: dict[str, Palette] = {
    p.name: p
    for p in [
        Palette(
            "sogan-yogya",
            "Dark soga brown and near-black on white",
            "Yogyakarta kraton batik: soga bark brown over indigo, on an unbleached white ground",
            {"ground": "#2b1a12", "motif": "#f3ede1", "outline": "#4a2e1d", "accent": "#8a5a36"},
        ),
        Palette(
            "sogan-solo",
            "Warm orange-brown soga on cream",
            "Surakarta (Solo) kraton batik: a yellower soga on a cream (ivory) ground",
            {"ground": "#7b4a22", "motif": "#eedcb3", "outline": "#3b2212", "accent": "#c0823c"},
        ),
        Palette(
            "indigo-soga",
            "Navy indigo and soga brown on white; black where the two dyes overlap",
            "Central Javanese two-dye batik (sogan-biron): indigo first, soga over it gives black",
            # The outline is not chosen: it is what indigo and soga make together.
            {"ground": _INDIGO, "motif": "#f2efe6", "outline": dye_overlap(_INDIGO, _SOGA), "accent": _SOGA},
        ),
        Palette(
            "lasem",
            "Lasem red (bang-bangan) on ivory",
            "Lasem, north coast: the Chinese-Javanese mengkudu red famed as 'blood of the chicken'",
            {"ground": "#9b1c1f", "motif": "#f4ead5", "outline": "#5a0f12", "accent": "#d9822b"},
        ),
        Palette(
            "cirebon",
            "Cirebon blues on deep red",
            "Cirebon, north coast: the blues of mega mendung over a deep red ground",
            {"ground": "#7d1420", "motif": "#d7e3f0", "outline": "#0f2d5c", "accent": "#3c6ea6"},
        ),
        Palette(
            "tiga-negeri",
            "Red, blue and brown together",
            "Tiga negeri ('three lands'): red dyed in Lasem, blue in Pekalongan, soga in Solo",
            {"ground": "#6e3b1f", "motif": "#efe4cc", "outline": "#1f3564", "accent": "#a8232a"},
        ),
        Palette(
            "proof",
            "Plain black, white and greys for checking geometry",
            "Not a tradition: a neutral palette for proofs and tests",
            {"ground": "#000000", "motif": "#ffffff", "outline": "#404040", "accent": "#9a9a9a"},
        ),
    ]
}


def get_palette(name: str) -> Palette:
    """Return the palette called ``name``; the error lists the ones that exist."""
    return PALETTES[check_choice("palette", name, PALETTES)]
