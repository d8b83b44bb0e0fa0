"""Write docs/palettes.png: a small proof strip of every palette (name, then its four role colours).

Usage: .venv/bin/python scripts/make_palette_proof.py [OUTPUT]   (default docs/palettes.png)
Run it again after changing a palette, and commit the image with the change.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from batikgen.files import write_bytes_atomic
from batikgen.motifs.kit.palettes import PALETTES, ROLES

ROW, SWATCH, LABEL = 22, 56, 110


def main(output: Path) -> None:
    width = LABEL + SWATCH * len(ROLES)
    image = Image.new("RGB", (width, ROW * (len(PALETTES) + 1)), (250, 248, 242))
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=12)
    for column, role in enumerate(ROLES):
        draw.text((LABEL + column * SWATCH + 4, 5), role, fill=(60, 50, 40), font=font)
    for row, palette in enumerate(PALETTES.values(), start=1):
        draw.text((4, row * ROW + 5), palette.name, fill=(30, 24, 20), font=font)
        for column, role in enumerate(ROLES):
            x = LABEL + column * SWATCH
            draw.rectangle([x, row * ROW + 1, x + SWATCH - 3, row * ROW + ROW - 2], fill=palette.rgb(role))
    buffer = io.BytesIO()
    image.quantize(64).save(buffer, format="PNG", optimize=True)
    write_bytes_atomic(output, buffer.getvalue(), overwrite=True)
    print(output)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "docs" / "palettes.png")
