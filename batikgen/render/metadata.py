"""metadata.json: what a piece is made of and how to make it again."""

from __future__ import annotations

import json
import platform
import shlex
from importlib import metadata as importlib_metadata
from pathlib import Path

from ..files import file_sha256, write_bytes_atomic

_VERSIONED = ("batikgen", "numpy", "scipy", "mne", "shapely", "skia-python", "pillow", "click", "isal", "tifffile")


def package_versions() -> dict[str, str]:
    """Installed versions of batikgen and the libraries that shape its output."""
    versions = {"python": platform.python_version()}
    for name in _VERSIONED:
        try:
            versions[name] = importlib_metadata.version(name)
        except importlib_metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def build_metadata(plan_dict: dict, plan_digest: str, settings: dict, outputs: list[Path], command: list[str] | None,
                   recipe: dict | None = None) -> dict:
    """Everything needed to identify and reproduce a render.

    Parameters
    ----------
    plan_dict : dict
        The MotifPlan as plain data.
    plan_digest : str
        Its SHA-256.
    settings : dict
        Render settings (dpi, formats, ...).
    outputs : list of pathlib.Path
        Files written, hashed here.
    command : list of str or None
        The command line that reproduces the piece (None: none recorded).
    recipe : dict, optional
        The settings and recording (by file name and content hash) that make the piece again.

    Returns
    -------
    dict
    """
    return {
        "batikgen_metadata_version": 1,
        "versions": package_versions(),
        "command": None if command is None else shlex.join(command),
        "recipe": recipe,
        "settings": settings,
        "plan_sha256": plan_digest,
        "plan": plan_dict,
        "outputs": {path.name: {"sha256": file_sha256(path), "bytes": path.stat().st_size} for path in outputs},
    }


def write_metadata(path: Path, metadata: dict, overwrite: bool = False) -> Path:
    """Write metadata as canonical JSON (sorted keys, no timestamps), atomically."""
    text = json.dumps(metadata, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    return write_bytes_atomic(path, text.encode("utf-8"), overwrite)
