"""Named palettes from the natural-dye traditions of Javanese batik.

Each palette gives colours for the roles a batik is made of: the ground (*tanahan*), the motif
(the areas kept under wax, usually the lightest), the outline (*klowongan*), and an accent for
the fillers (*isen-isen*) and second dye.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..._validate import check_choice, check_in_range
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
