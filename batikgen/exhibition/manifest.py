"""exhibition.toml: the exhibition's title, its default style and its pieces.

::

    [exhibition]
    title = "Seeing the unseen"
    intro = "Each cloth is one visitor's brainwaves."

    [defaults]                       # any option of `batikgen render`
    motif = "kawung"
    dpi = 150

    [[piece]]
    id = "rest"                      # a slug: names the piece's folder and files
    title = "Eyes closed, at rest"   # what visitors read
    note = "I felt the room go quiet."
    recording = "recordings/p01.edf" # absolute, or relative to this file
    palette = "indigo-soga"          # overrides [defaults]

Every problem is reported as one :class:`~batikgen.errors.ManifestError` naming the piece and the
key, with the allowed values.
"""

from __future__ import annotations

import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import BatikgenError, ManifestError
from ..files import write_bytes_atomic

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

#: The manifest's file name in an exhibition folder.
MANIFEST_NAME = "exhibition.toml"

_TABLES = ("exhibition", "defaults", "piece")
_EXHIBITION_KEYS = ("title", "intro")
#: A piece id: lower-case letters and digits, joined by single - or _; it names a folder and files.
_ID = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
MAX_ID = 64
DEFAULT_TITLE = "Exhibition"


@dataclass(frozen=True)
class PieceSpec:
    """One piece as the manifest describes it.

    Attributes
    ----------
    id : str
        The slug naming ``pieces/<id>/`` and the files in it.
    title : str
        The title visitors see.
    note : str or None
        The participant's own words, if staff have them.
    recording : pathlib.Path
        The recording, absolute (multi-file formats by their main file).
    settings : dict
        Every render option (:data:`~batikgen.exhibition.styles.STYLE_KEYS`), defaults filled in:
        formats as a list, mapping as an absolute path or None.
    """

    id: str
    title: str
    note: str | None
    recording: Path
    settings: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Manifest:
    """A loaded exhibition.toml.

    Attributes
    ----------
    path : pathlib.Path
        The manifest file, absolute.
    title, intro : str
        For visitors (intro may be empty).
    defaults : dict
        The ``[defaults]`` table, checked and normalised (only the keys it sets).
    pieces : list of PieceSpec
        In manifest order.
    """

    path: Path
    title: str
    intro: str
    defaults: dict
    pieces: list[PieceSpec]

    @property
    def folder(self) -> Path:
        """The manifest's folder: the default exhibition folder."""
        return self.path.parent

    def piece(self, piece_id: str) -> PieceSpec | None:
        """The piece called ``piece_id``, or None."""
        return next((p for p in self.pieces if p.id == piece_id), None)


def _where(index: int | None, piece_id: str | None) -> str:
    if index is None:
        return ""
    return f"piece {piece_id!r}" if piece_id else f"piece #{index + 1}"


def _fail(path: Path, where: str, key: str, message: str) -> ManifestError:
    place = f"{where}, key {key!r}" if where else f"key {key!r}"
    return ManifestError(f"{path}: {place}: {message}")


def _styles_module():
    # The style checks need the motif, cloth and mapping stages: loaded when a manifest is read,
    # not when this module is imported (the gallery imports the package only to read a catalogue).
    from . import styles

    return styles


def _check_keys(path: Path, where: str, table: dict, allowed: tuple[str, ...], prefix: str = "") -> None:
    for key in table:
        if key not in allowed:
            raise _fail(path, where, f"{prefix}{key}", f"unknown key; allowed keys are {', '.join(allowed)}")


def _text(path: Path, where: str, key: str, value, required: bool = False) -> str | None:
    if value is None:
        if required:
            raise _fail(path, where, key, "missing; it is required")
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise _fail(path, where, key, f"must be a non-empty string; got {value!r}")
    return value


def _styles(path: Path, where: str, table: dict, prefix: str = "") -> dict:
    styles = _styles_module()
    checked = {}
    for key in styles.STYLE_KEYS:
        if key in table:
            try:
                checked[key] = styles.check_style(key, table[key], path.parent)
            except styles.StyleProblem as exc:
                raise _fail(path, where, f"{prefix}{key}", str(exc)) from None
    return checked


def check_piece_id(value) -> str:
    """Return ``value`` if it is a valid piece id, else raise ManifestError saying what is allowed.

    A piece id is 1 to 64 lower-case letters and digits, joined by single ``-`` or ``_``
    (``rest-01``, ``p_07``): it names the piece's folder and files on every file system.
    """
    if not isinstance(value, str) or len(value) > MAX_ID or not _ID.match(value):
        raise ManifestError(f"piece id must be 1-{MAX_ID} lower-case letters and digits joined by single - or _ "
                            f"(e.g. rest-01); got {value!r}")
    return value


def load_manifest(path: str | os.PathLike) -> Manifest:
    """Read and check an exhibition manifest.

    Parameters
    ----------
    path : path-like
        An ``exhibition.toml``, or an exhibition folder holding one.

    Returns
    -------
    Manifest

    Raises
    ------
    ManifestError
        If the file is missing or not TOML (with the line), or any table, piece or key is invalid:
        the message names the piece and the key, and lists the allowed values.
    """
    path = Path(path).expanduser()
    if path.is_dir():
        path = path / MANIFEST_NAME
    path = path.resolve()
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise ManifestError(f"{path}: no such manifest") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ManifestError(f"{path}: cannot read the manifest ({getattr(exc, 'strerror', None) or exc})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ManifestError(f"{path}: not valid TOML: {exc}") from None

    styles = _styles_module()
    style_keys = styles.STYLE_KEYS
    _check_keys(path, "", data, _TABLES)
    exhibition = data.get("exhibition", {})
    if not isinstance(exhibition, dict):
        raise _fail(path, "", "exhibition", "must be a table: [exhibition] with title and intro")
    _check_keys(path, "", exhibition, _EXHIBITION_KEYS, "exhibition.")
    title = _text(path, "", "exhibition.title", exhibition.get("title")) or DEFAULT_TITLE
    intro = _text(path, "", "exhibition.intro", exhibition.get("intro")) or ""

    defaults_table = data.get("defaults", {})
    if not isinstance(defaults_table, dict):
        raise _fail(path, "", "defaults", f"must be a table of render options: {', '.join(style_keys)}")
    _check_keys(path, "", defaults_table, style_keys, "defaults.")
    defaults = _styles(path, "", defaults_table, "defaults.")

    entries = data.get("piece", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise _fail(path, "", "piece", "must be [[piece]] tables")
    pieces, seen = [], set()
    for index, entry in enumerate(entries):
        raw_id = entry.get("id")
        where = _where(index, raw_id if isinstance(raw_id, str) else None)
        if raw_id is None:
            raise _fail(path, where, "id", "missing; every piece needs an id (a slug such as rest-01)")
        try:
            piece_id = check_piece_id(raw_id)
        except ManifestError as exc:
            raise _fail(path, where, "id", str(exc).removeprefix("piece id ")) from None
        if piece_id in seen:
            raise _fail(path, where, "id", "used by an earlier piece; ids must be unique")
        seen.add(piece_id)
        _check_keys(path, where, entry, ("id", "title", "note", "recording", *style_keys))
        recording = _text(path, where, "recording", entry.get("recording"), required=True)
        recording_path = Path(recording).expanduser()
        if not recording_path.is_absolute():
            recording_path = path.parent / recording_path
        settings = {**styles.BUILTIN_DEFAULTS, **defaults, **_styles(path, where, entry)}
        pieces.append(PieceSpec(
            id=piece_id,
            title=_text(path, where, "title", entry.get("title")) or piece_id,
            note=_text(path, where, "note", entry.get("note")),
            recording=Path(os.path.normpath(recording_path)),
            settings=settings,
        ))
    return Manifest(path=path, title=title, intro=intro, defaults=defaults, pieces=pieces)


def _toml_string(value: str) -> str:
    # A JSON string is a valid TOML basic string (same escapes), non-ASCII kept readable.
    return json.dumps(value, ensure_ascii=False)


def piece_toml(piece_id: str, title: str, recording: str, note: str | None = None) -> str:
    """A ``[[piece]]`` table as TOML text (for writing manifests staff then edit)."""
    lines = ["[[piece]]", f"id = {_toml_string(check_piece_id(piece_id))}", f"title = {_toml_string(title)}"]
    if note:
        lines.append(f"note = {_toml_string(note)}")
    lines.append(f"recording = {_toml_string(recording)}")
    return "\n".join(lines) + "\n"


def manifest_toml(title: str, intro: str, pieces: list[tuple[str, str, str]], defaults: dict | None = None) -> str:
    """A whole manifest as TOML text.

    Parameters
    ----------
    title, intro : str
        The ``[exhibition]`` table.
    pieces : list of (id, title, recording)
        One ``[[piece]]`` each, in order; recording as it should be written (relative or absolute).
    defaults : dict, optional
        The ``[defaults]`` table (strings, numbers, booleans or lists of strings).
    """
    out = ["# An exhibition for `batikgen batch`: edit the titles and notes, then run it again.",
           "# Keys and allowed values: docs/exhibition.md.", "",
           "[exhibition]", f"title = {_toml_string(title)}", f"intro = {_toml_string(intro)}", "", "[defaults]"]
    for key, value in (defaults or {}).items():
        out.append(f"{key} = {json.dumps(value, ensure_ascii=False)}")
    out.append("")
    for piece_id, piece_title, recording in pieces:
        out.append(piece_toml(piece_id, piece_title, recording))
    return "\n".join(out)


# Files that are part of another recording (named by its main file), never a piece of their own.
_COMPANION_SUFFIXES = (".fdt", ".vmrk", ".dat", ".pnt", ".log", ".21e")


def recordings_in(folder: str | os.PathLike) -> tuple[list[Path], list[str]]:
    """The readable recordings directly in ``folder``, by name, and why each other file is not one.

    A file counts when a reader claims it by extension and content (nothing is parsed here, so a
    file that would crash a reader cannot crash the caller); companion files (``.fdt``, ``.vmrk``,
    ...), hidden files and the manifest are neither counted nor reported.

    Returns
    -------
    (list of pathlib.Path, list of str)
        The recordings, and one line for every other file, naming it and what is wrong with it.
    """
    from ..signal.readers import choose_reader  # reads only the first bytes of each file

    found, passed_over = [], []
    for path in sorted(Path(folder).iterdir()):
        if path.name.startswith(".") or path.suffix.lower() in _COMPANION_SUFFIXES or path.name == MANIFEST_NAME:
            continue
        if path.suffix.lower() == ".eeg" and path.with_suffix(".vhdr").exists():
            continue  # BrainVision data, read through its header
        try:
            choose_reader(path)
        except (BatikgenError, OSError) as exc:
            passed_over.append(str(exc) if str(path) in str(exc) else f"{path}: {exc}")
            continue
        found.append(path)
    return found, passed_over


def _as_listed(recording: Path, exhibition: Path) -> str:
    """A recording as the manifest lists it: relative inside the exhibition folder (which can then be
    moved or copied whole), absolute outside it (``../../data/x.edf`` would break when it moves)."""
    relative = os.path.relpath(recording, exhibition)
    return str(recording) if relative == os.pardir or relative.startswith(os.pardir + os.sep) else relative


def write_folder_manifest(folder: str | os.PathLike,
                          exhibition_dir: str | os.PathLike) -> tuple[Path, list[str], list[str]]:
    """Make (or extend) ``EXHIBITION/exhibition.toml`` with a piece for every recording in ``folder``.

    Pieces are numbered (``piece-01``, ``piece-02``, ... in file-name order) and titled "Piece 1",
    ...: a recording's file name often holds a participant's name, and ids and titles are shown to
    visitors. Staff rename them in the manifest. A manifest that exists is kept as it is and only
    gets pieces for recordings it does not list yet (appended), so the command can be run again
    after more recordings arrive.

    Parameters
    ----------
    folder : path-like
        A folder of recordings.
    exhibition_dir : path-like
        The exhibition folder (created if needed).

    Returns
    -------
    (pathlib.Path, list of str, list of str)
        The manifest, the ids of the pieces added, and a line for each file of ``folder`` that is
        not a readable recording (see :func:`recordings_in`).

    Raises
    ------
    ManifestError
        If the folder holds no readable recording, or an existing manifest is invalid.
    """
    folder = Path(folder).expanduser().resolve()
    exhibition = Path(exhibition_dir).expanduser().resolve()
    recordings, passed_over = recordings_in(folder)
    if not recordings:
        raise ManifestError(f"{folder}: no readable recording in this folder")
    path = exhibition / MANIFEST_NAME
    existing = load_manifest(path) if path.exists() else None
    listed = {p.recording.resolve() for p in existing.pieces} if existing else set()
    ids = {p.id for p in existing.pieces} if existing else set()
    new = [r for r in recordings if r.resolve() not in listed]
    width = max(2, len(str(len(ids) + len(new))))
    number, added = 0, []
    for recording in new:
        number += 1
        while f"piece-{number:0{width}d}" in ids:
            number += 1
        piece_id = f"piece-{number:0{width}d}"
        ids.add(piece_id)
        added.append((piece_id, f"Piece {number}", _as_listed(recording, exhibition)))
    if existing is None:
        text = manifest_toml(exhibition.name, "", added)
    else:
        text = path.read_text(encoding="utf-8").rstrip("\n") + "\n\n" + "\n".join(piece_toml(*a) for a in added)
    if added:
        exhibition.mkdir(parents=True, exist_ok=True)
        write_bytes_atomic(path, text.encode("utf-8"), overwrite=True)
    return path, [a[0] for a in added], passed_over
