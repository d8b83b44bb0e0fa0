"""build_site(): an exhibition folder in, a static web site out (works from a USB stick: file://).

The site::

    SITE/index.html            the exhibition: title, intro, a grid of finished pieces, filters
    SITE/about.html            what batikgen does, and the #SeeingTheUnseen inspiration
    SITE/static/               stylesheet, script, the vendored OpenSeadragon viewer
    SITE/pieces/<id>/          one piece: index.html, deep-zoom tiles, thumbnail, chart, legend, downloads
    SITE/.batikgen-site.json   what each piece's files were made from, so a rebuild redoes only changes

What reaches the site is chosen field by field: titles and notes the staff gave, the style names,
the recording's length, images and the band powers drawn as a chart. A recording's file name,
folder or header, and a render's command line (metadata.json's ``command``), never do.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import jinja2

from .. import __version__
from ..errors import BatikgenError, GalleryError
from ..files import write_bytes_atomic
from ..progress import Progress
from ..signal.features import BandFeatures
from . import chart, tiles
from .exhibition import ExhibitionView, PieceView, read_exhibition
from .plan_view import legend_left_px, mapping_lines, plan_facts, plan_from_metadata, row_geometry

log = logging.getLogger(__name__)

#: Bump when the files made for a piece change, so every piece is remade once.
ASSETS_VERSION = 1
STATE_FILE = ".batikgen-site.json"
#: Builds of one site wait for each other (the service rebuilds after every piece).
LOCK_FILE = ".batikgen-site.lock"


@dataclass
class SiteReport:
    """What a build did.

    Attributes
    ----------
    site_dir : pathlib.Path
    built : list of str
        Pieces whose files were made (new or changed).
    kept : list of str
        Finished pieces whose files were already up to date.
    removed : list of str
        Pieces no longer shown whose files were deleted.
    left_out : list of (str, str)
        ``(id, why)`` of pieces not shown: their status when not finished ('pending', 'running',
        'failed'), 'missing outputs', or 'unreadable outputs: <reason>'.
    """

    site_dir: Path
    built: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    left_out: list[tuple[str, str]] = field(default_factory=list)

    @property
    def index(self) -> Path:
        """The site's front page."""
        return self.site_dir / "index.html"


def _words(name: str) -> str:
    """A registry name for visitors: ``mega-mendung`` -> ``mega mendung``."""
    return str(name).replace("-", " ").replace("_", " ")


def _length(seconds: float | None) -> str:
    if seconds is None:
        return "unknown length"
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, rest = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {rest} s" if rest else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"


def _size(n: float) -> str:
    """A file size for visitors: ``432.7 kB``."""
    if n < 1000:
        return f"{n:.0f} bytes"
    for unit in ("kB", "MB", "GB"):
        n /= 1000
        if n < 1000 or unit == "GB":
            return f"{n:.1f} {unit}"


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in str(text or "").split("\n\n") if p.strip()]


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("batikgen.gallery", "templates"),
        autoescape=True,  # every manifest text is data, never markup
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
    )
    env.filters["words"] = _words
    return env


def _write_if_changed(path: Path, data: bytes) -> bool:
    """Write ``data`` atomically unless ``path`` already holds it (so unchanged pages keep their time)."""
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    write_bytes_atomic(path, data, overwrite=True)
    return True


def _copy_static(site: Path) -> None:
    root = resources.files("batikgen.gallery") / "static"

    def walk(node, target: Path) -> None:
        for child in node.iterdir():
            if child.is_dir():
                walk(child, target / child.name)
            elif not child.name.endswith(".md"):
                target.mkdir(parents=True, exist_ok=True)
                _write_if_changed(target / child.name, child.read_bytes())

    walk(root, site / "static")


def _fingerprint(piece: PieceView) -> str:
    """What a piece's made files depend on: the outputs' hashes and this module's asset version."""
    used = {"assets": ASSETS_VERSION, "outputs": {k: o.sha256 for k, o in sorted(piece.outputs.items())}}
    return hashlib.sha256(json.dumps(used, sort_keys=True).encode()).hexdigest()


def _load_state(site: Path) -> dict:
    try:
        state = json.loads((site / STATE_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) and state.get("assets") == ASSETS_VERSION else {}


def _check_site(site: Path, overwrite: bool) -> None:
    if site.exists() and not site.is_dir():
        raise GalleryError(f"{site}: is a file, expected a folder for the site")
    # One listing answers both "is it empty" and "is it ours": a build starting beside this check
    # makes the folder, then its lock file, then the rest, so a listing with anything in it that
    # is ours holds the lock file. (Two looks, the lock file could appear between them.)
    entries = {entry.name for entry in site.iterdir()} if site.is_dir() else set()
    if entries and not entries & {STATE_FILE, LOCK_FILE} and not overwrite:
        raise GalleryError(f"{site}: folder exists and is not a batikgen gallery site; "
                           "choose another folder or ask to overwrite it")


@contextlib.contextmanager
def _site_lock(site: Path) -> Iterator[None]:
    """Hold the site's build lock (an advisory ``flock``, released by the kernel if the holder dies)."""
    site.mkdir(parents=True, exist_ok=True)
    fd = os.open(site / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _make_assets(piece: PieceView, folder: Path) -> dict:
    """Make one piece's files in ``folder``; return what its page needs to know about them."""
    png = piece.file("png")
    metadata_path = piece.file("metadata")
    try:
        metadata = json.loads(metadata_path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise GalleryError(f"piece {piece.id}: cannot read its metadata ({type(exc).__name__})") from None
    plan = plan_from_metadata(metadata, metadata_path)

    source = tiles.build_tiles(png, folder, name="tiles")
    preview = piece.file("preview") if "preview" in piece.outputs else png
    thumb = tiles.build_thumbnail(preview, folder / "thumb.jpg")
    facts = plan_facts(plan)
    assets: dict = {
        "tiles": {"width": source.width, "height": source.height, "tile_size": source.tile_size,
                  "overlap": source.overlap, "format": source.format},
        "thumb": list(thumb), "legend": None, "chart": False, "bands": [], "rows": None,
        "plan": {k: facts[k] for k in ("motif", "mapping_sha256", "mapping_name")},
    }
    left = legend_left_px(plan, source.width)
    if left is not None:
        size = tiles.crop_legend(png, folder / "legend.png", left)
        assets["legend"] = list(size) if size else None

    times, ys = row_geometry(plan)
    t0 = facts["t0"]
    if "features" in piece.outputs:
        features = BandFeatures.load(piece.file("features"))
        (folder / "chart.svg").write_bytes(chart.chart_svg(features, times, ys, facts["height_mm"], t0))
        names = features.band_names
        colours = chart.BAND_COLOURS
        assets["chart"] = True
        assets["bands"] = [{"name": name, "hz": "{:g}-{:g} Hz".format(*features.bands[name]),
                            "colour": colours[k % len(colours)]} for k, name in enumerate(names)]
        shares = chart.row_shares(features, times, t0)
    else:
        names, shares = [], [[] for _ in times[:-1]]
    assets["rows"] = {"times_s": [round(t, 3) for t in times], "ys_mm": [round(y, 3) for y in ys],
                      "bands": names, "shares": shares}
    assets["cloth"] = {"height_mm": facts["height_mm"], "width_mm": facts["width_mm"]}

    downloads = []
    for kind, name, label in (("preview", f"{piece.id}.preview.jpg", "Preview (JPEG)"),
                              ("proof", f"{piece.id}.proof.png", "Palette proof strip (PNG)"),
                              ("tiff", f"{piece.id}.tif", "Print file (TIFF)")):
        if kind in piece.outputs:
            tiles.link_or_copy(piece.file(kind), folder / name)
            downloads.append({"file": name, "label": label, "size": _size((folder / name).stat().st_size)})
    assets["downloads"] = downloads
    assets["preview"] = downloads[0]["file"] if downloads and downloads[0]["file"].endswith(".jpg") else "thumb.jpg"
    assets["preview_size"] = list(tiles.image_size(folder / assets["preview"]))
    return assets


def _replace_folder(new: Path, target: Path) -> None:
    """Move ``new`` to ``target``, replacing it whole (the old one is removed after the rename)."""
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        os.replace(target, old)
    os.replace(new, target)
    shutil.rmtree(old, ignore_errors=True)


def _page_data(assets: dict) -> dict:
    """The JSON the piece page's script reads: the inline tile source, rows and the cloth's size."""
    source = tiles.TileSource(**assets["tiles"])
    return {"tileSource": source.to_osd("tiles_files/"), "image": {"width": source.width, "height": source.height},
            "cloth": assets["cloth"], "rows": assets["rows"]}


def build_site(exhibition_dir: str | os.PathLike, site_dir: str | os.PathLike | None = None, overwrite: bool = False,
               progress: Progress | None = None) -> SiteReport:
    """Build or bring up to date the static gallery site of an exhibition.

    Only finished ('done') pieces are shown. A piece whose outputs are unchanged since the last
    build keeps its files; a new or changed one is remade in a temporary folder and renamed into
    place whole; pieces no longer finished or no longer in the catalogue are removed from the site.

    Parameters
    ----------
    exhibition_dir : path-like
        The exhibition folder (``exhibition.toml``, ``catalogue.sqlite``, ``pieces/``).
    site_dir : path-like, optional
        Where the site goes; default ``exhibition_dir/site``.
    overwrite : bool
        Remake every piece's files, and allow writing into a non-empty folder that is not a
        batikgen site.
    progress : callable, optional
        ``progress(stage, done, total)`` as pieces are made.

    Returns
    -------
    SiteReport

    Raises
    ------
    GalleryError
        The site folder is not usable.
    CatalogueError, ManifestError
        The exhibition cannot be read.

    A piece whose outputs cannot be read (a damaged image, metadata or features file) is left
    out of the site and reported in ``SiteReport.left_out``, not raised: it costs that piece only.
    """
    exhibition = read_exhibition(Path(exhibition_dir))
    site = Path(site_dir) if site_dir is not None else exhibition.folder / "site"
    _check_site(site, overwrite)
    with _site_lock(site):
        # Read again under the lock: a build that waited sees the catalogue as it is now.
        return _build(read_exhibition(exhibition.folder), site, overwrite, progress)


def _build(exhibition: ExhibitionView, site: Path, overwrite: bool, progress: Progress | None) -> SiteReport:
    """build_site's work, under the site's lock."""
    report = SiteReport(site_dir=site)
    old_pieces = _load_state(site).get("pieces", {})
    pieces_dir = site / "pieces"
    pieces_dir.mkdir(parents=True, exist_ok=True)
    env = _environment()
    common = {"exhibition": exhibition, "version": __version__, "lang": exhibition.lang}

    shown: list[tuple[PieceView, dict, tuple]] = []
    new_state: dict = {}
    done = [p for p in exhibition.pieces if p.status == "done"]
    report.left_out = [(p.id, p.status) for p in exhibition.pieces if p.status != "done"]
    for n, piece in enumerate(done):
        if progress:
            progress("gallery pieces", n, len(done))
        missing = [k for k in ("png", "metadata") if k not in piece.outputs or not piece.file(k).is_file()]
        if missing:
            report.left_out.append((piece.id, "missing outputs"))
            continue
        fingerprint = _fingerprint(piece)
        previous = old_pieces.get(piece.id)
        folder = pieces_dir / piece.id
        if not overwrite and previous and previous.get("fingerprint") == fingerprint and folder.is_dir():
            assets = previous["assets"]
            report.kept.append(piece.id)
        else:
            work = pieces_dir / f".{piece.id}.part"
            shutil.rmtree(work, ignore_errors=True)
            work.mkdir()
            try:
                assets = _make_assets(piece, work)
                _replace_folder(work, folder)
            except BatikgenError as exc:  # one unreadable piece costs that piece only
                shutil.rmtree(work, ignore_errors=True)
                log.warning("piece %s left out of the site: %s", piece.id, exc)
                report.left_out.append((piece.id, f"unreadable outputs: {exc}"))
                continue
            except BaseException:
                shutil.rmtree(work, ignore_errors=True)
                raise
            report.built.append(piece.id)
        try:
            mapping = _mapping_for(piece)
        except BatikgenError as exc:
            report.left_out.append((piece.id, f"unreadable outputs: {exc}"))
            continue
        new_state[piece.id] = {"fingerprint": fingerprint, "assets": assets}
        shown.append((piece, assets, mapping))
    if progress and done:
        progress("gallery pieces", len(done), len(done))

    for piece, assets, (lines, description, scale_why) in shown:
        html = env.get_template("piece.html").render(
            **common, root="../../", page="piece", piece=_piece_context(piece, assets), assets=assets,
            mapping={"lines": lines, "description": description, "scale_why": scale_why}, data=_page_data(assets))
        _write_if_changed(pieces_dir / piece.id / "index.html", html.encode("utf-8"))

    # Pieces no longer shown, and leftovers of an interrupted build, go.
    keep = {p.id for p, _, _ in shown}
    for child in sorted(pieces_dir.iterdir()):
        if child.name not in keep:
            if child.name in old_pieces:
                report.removed.append(child.name)
            if child.is_dir():
                shutil.rmtree(child)
            else:
                child.unlink()

    _copy_static(site)
    cards = [_piece_context(p, a) for p, a, _ in shown]
    index = env.get_template("index.html").render(
        **common, root="", page="index", pieces=cards, not_shown=len(report.left_out),
        motifs=sorted({c["motif"] for c in cards}), palettes=sorted({c["palette"] for c in cards}))
    _write_if_changed(site / "index.html", index.encode("utf-8"))
    about = env.get_template("about.html").render(**common, root="", page="about")
    _write_if_changed(site / "about.html", about.encode("utf-8"))
    state_bytes = json.dumps({"assets": ASSETS_VERSION, "pieces": new_state}, sort_keys=True, indent=1).encode()
    _write_if_changed(site / STATE_FILE, state_bytes)
    return report


def _mapping_for(piece: PieceView) -> tuple:
    """The mapping texts for a piece's page, read afresh (see :func:`.plan_view.mapping_lines`)."""
    metadata_path = piece.file("metadata")
    try:
        plan = plan_from_metadata(json.loads(metadata_path.read_text("utf-8")), metadata_path)
    except (OSError, ValueError) as exc:
        raise GalleryError(f"piece {piece.id}: cannot read its metadata ({type(exc).__name__})") from None
    mapping = piece.settings.get("mapping")
    return mapping_lines(plan, mapping if isinstance(mapping, str) else None)


def _piece_context(piece: PieceView, assets: dict) -> dict:
    return {"id": piece.id, "title": piece.title, "note": piece.note, "note_paragraphs": _paragraphs(piece.note),
            "motif": piece.motif or assets["plan"]["motif"], "palette": piece.palette or "", "cloth": piece.cloth or "",
            "length": _length(piece.duration_s), "thumb": assets["thumb"]}
