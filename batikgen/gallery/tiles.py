"""Images for the gallery, made with libvips: the deep-zoom pyramid, thumbnails and the legend crop.

libvips (through pyvips, whose ``pyvips-binary`` wheel ships the library) streams the cloth's PNG
top to bottom, so a whole kain panjang at 300 dpi (366 Mpx) is cut into tiles in bounded memory.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from ..errors import GalleryError

#: Deep-zoom tiles: libvips' defaults (254 px + 1 px overlap, the Deep Zoom convention), JPEG.
TILE_SIZE = 254
TILE_OVERLAP = 1
TILE_FORMAT = "jpg"
TILE_QUALITY = 82
#: Thumbnails on the index: this many pixels wide (the grid shows them at about half, for sharp
#: thumbnails on high-density screens).
THUMB_WIDTH = 360
#: The legend strip shown beside the chart is at most this tall.
LEGEND_HEIGHT = 1600


def _vips():
    """pyvips, imported on first use (importing it loads libvips), with a clear error if missing."""
    try:
        import pyvips
    except (ImportError, OSError) as exc:  # OSError: the wheel is there but libvips failed to load
        raise GalleryError(f"gallery: libvips is not available through pyvips ({exc}); "
                           "install batikgen with its dependencies (pyvips[binary])") from None
    return pyvips


def _reason(exc) -> str:
    """libvips' own words for an error (its detail line, e.g. "libpng read error"), else pyvips'."""
    lines = [line.strip() for line in f"{getattr(exc, 'detail', '')}\n{exc}".splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__


@dataclass(frozen=True)
class TileSource:
    """What OpenSeadragon needs to show a pyramid without fetching a ``.dzi`` file.

    Attributes
    ----------
    width, height : int
        The full-resolution image, in pixels.
    tile_size, overlap : int
        Tile side and overlap, in pixels.
    format : str
        Tile file extension.
    """

    width: int
    height: int
    tile_size: int = TILE_SIZE
    overlap: int = TILE_OVERLAP
    format: str = TILE_FORMAT

    def to_osd(self, url: str) -> dict:
        """The inline tile source (Deep Zoom's ``Image`` element as JSON) for tiles under ``url``."""
        return {"Image": {"xmlns": "http://schemas.microsoft.com/deepzoom/2008", "Url": url,
                          "Format": self.format, "Overlap": str(self.overlap), "TileSize": str(self.tile_size),
                          "Size": {"Width": str(self.width), "Height": str(self.height)}}}


def _open(path: Path, sequential: bool = True):
    pyvips = _vips()
    try:
        # fail_on="error": a truncated or damaged file is an error, not a picture with grey rows.
        return pyvips.Image.new_from_file(str(path), access="sequential" if sequential else "random",
                                          fail_on="error")
    except pyvips.Error as exc:
        raise GalleryError(f"{path.name}: cannot read the image ({_reason(exc)})") from None


def build_tiles(png: Path, folder: Path, name: str = "cloth") -> TileSource:
    """Cut ``png`` into a Deep Zoom pyramid at ``folder/name_files/`` (and ``name.dzi``).

    Parameters
    ----------
    png : pathlib.Path
        The full-resolution cloth.
    folder : pathlib.Path
        An existing folder (the caller's temporary piece folder: it is renamed into place whole).
    name : str
        Base name of the pyramid.

    Returns
    -------
    TileSource

    Raises
    ------
    GalleryError
        The image cannot be read or the tiles cannot be written.
    """
    pyvips = _vips()
    image = _open(png)
    try:
        image.dzsave(str(folder / name), tile_size=TILE_SIZE, overlap=TILE_OVERLAP,
                     suffix=f".{TILE_FORMAT}[Q={TILE_QUALITY},keep=none]", layout="dz", depth="onepixel")
    except pyvips.Error as exc:
        raise GalleryError(f"{png.name}: cannot cut deep-zoom tiles ({_reason(exc)})") from None
    # The page carries the tile source inline; libvips' property dump is not for visitors.
    for extra in (folder / f"{name}.dzi", folder / f"{name}_files" / "vips-properties.xml"):
        extra.unlink(missing_ok=True)
    return TileSource(width=image.width, height=image.height)


def build_thumbnail(source: Path, target: Path, width: int = THUMB_WIDTH) -> tuple[int, int]:
    """A JPEG thumbnail ``width`` px wide of ``source`` (the piece's preview); returns its size."""
    pyvips = _vips()
    try:
        thumb = pyvips.Image.thumbnail(str(source), width, height=10 * width, size="down")
        thumb.jpegsave(str(target), Q=80, keep="none", optimize_coding=True)
    except pyvips.Error as exc:
        raise GalleryError(f"{source.name}: cannot make a thumbnail ({_reason(exc)})") from None
    return thumb.width, thumb.height


def crop_legend(png: Path, target: Path, left_px: int, max_height: int = LEGEND_HEIGHT) -> tuple[int, int] | None:
    """Save the legend strip of a cloth (the columns from ``left_px`` on) as a PNG at most ``max_height`` tall.

    Returns its size, or None when the image has no columns right of ``left_px``.
    """
    pyvips = _vips()
    image = _open(png)
    if left_px >= image.width - 1:
        return None
    try:
        strip = image.crop(left_px, 0, image.width - left_px, image.height)
        if strip.height > max_height:
            strip = strip.resize(max_height / strip.height)
        strip.pngsave(str(target), compression=6, keep="none")
    except pyvips.Error as exc:
        raise GalleryError(f"{png.name}: cannot crop the legend ({_reason(exc)})") from None
    return strip.width, strip.height


def image_size(path: Path) -> tuple[int, int]:
    """Width and height of an image file, read from its header."""
    image = _open(path)
    return image.width, image.height


def link_or_copy(source: Path, target: Path) -> None:
    """Put ``source`` at ``target``: a hard link when on the same disk (a print TIFF can be 1 GB), else a copy.

    Outputs are replaced by rename, never rewritten in place, so a link never changes under the site.
    """
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)
