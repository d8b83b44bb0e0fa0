"""The palette proof strip: one swatch per colour of the piece, labelled with its role and hex.

A dyer or print shop holds it against the cloth to check the colours; it is a small PNG.
"""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont

from ..cloth.composition import Composition

SWATCH_PX = 240
LABEL_PX = 64
_INK_DARK, _INK_LIGHT = (20, 20, 20), (250, 250, 250)


def proof_colours(composition: Composition) -> list[tuple[str, tuple[int, int, int]]]:
    """(name, colour) of the ground and each layer, in paint order, one entry per distinct colour."""
    entries = [("ground", tuple(composition.background))]
    for layer in composition.layers:
        colour = tuple(int(c) for c in layer.colour)
        if all(colour != seen for _, seen in entries):
            entries.append((layer.name, colour))
        else:  # several layers share a dye: name them all on one swatch
            index = next(i for i, (_, seen) in enumerate(entries) if seen == colour)
            name = entries[index][0]
            if layer.name not in name.split(" + "):
                entries[index] = (f"{name} + {layer.name}", colour)
    return entries


def hex_colour(rgb: tuple[int, int, int]) -> str:
    """``#rrggbb``."""
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def proof_image(composition: Composition, palette_name: str = "", roles: dict[str, str] | None = None) -> Image.Image:
    """The proof strip as an RGB image: swatches side by side, each with its name and hex below.

    Parameters
    ----------
    composition : Composition
        The colours come from its ground and layers.
    palette_name : str
        Written in the strip's title row.
    roles : dict of str to str, optional
        The palette's role -> ``#rrggbb``; a swatch of a role's colour is labelled with the role
        (``motif: petal``) as well as the layers painted with it.
    """
    by_colour = {value.lower(): role for role, value in (roles or {}).items()}
    entries = []
    for name, colour in proof_colours(composition):
        role = by_colour.get(hex_colour(colour))
        entries.append((f"{role}: {name}" if role and role != name else name, colour))
    title_px = 40
    font = ImageFont.load_default(size=18)
    small = ImageFont.load_default(size=15)
    labels = [_wrapped(name, small, SWATCH_PX - 20) for name, _ in entries]
    label_px = max([LABEL_PX] + [34 + 18 * len(lines) + 8 for lines in labels])
    image = Image.new("RGB", (SWATCH_PX * len(entries), title_px + SWATCH_PX + label_px), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    draw.text((10, 10), f"palette: {palette_name}" if palette_name else "palette", fill=_INK_DARK, font=font)
    for i, ((_, colour), lines) in enumerate(zip(entries, labels)):
        x = i * SWATCH_PX
        draw.rectangle([x, title_px, x + SWATCH_PX - 1, title_px + SWATCH_PX - 1], fill=colour)
        luminance = 0.2126 * colour[0] + 0.7152 * colour[1] + 0.0722 * colour[2]
        draw.text((x + 10, title_px + 10), hex_colour(colour), fill=_INK_DARK if luminance > 128 else _INK_LIGHT,
                  font=font)
        draw.text((x + 10, title_px + SWATCH_PX + 8), hex_colour(colour), fill=_INK_DARK, font=font)
        for row, line in enumerate(lines):
            draw.text((x + 10, title_px + SWATCH_PX + 34 + 18 * row), line, fill=_INK_DARK, font=small)
    return image


def _wrapped(label: str, font, width_px: int) -> list[str]:
    """``label`` in lines no wider than ``width_px``, broken after the ``+`` between layer names
    (or anywhere, for one name that is too long by itself)."""
    lines: list[str] = []
    for word in label.replace(" + ", " +\n").split("\n"):
        if lines and font.getlength(f"{lines[-1]} {word}") <= width_px:
            lines[-1] = f"{lines[-1]} {word}"
            continue
        while font.getlength(word) > width_px:  # one name wider than the swatch: cut it where it must
            cut = max((n for n in range(1, len(word) + 1) if font.getlength(word[:n]) <= width_px), default=1)
            lines.append(word[:cut])
            word = word[cut:]
        lines.append(word)
    return lines


def proof_png_bytes(composition: Composition, palette_name: str = "", roles: dict[str, str] | None = None) -> bytes:
    """The proof strip as PNG bytes (no date or other varying chunk); see :func:`proof_image`."""
    buffer = io.BytesIO()
    proof_image(composition, palette_name, roles).save(buffer, format="PNG", optimize=False)
    return buffer.getvalue()
