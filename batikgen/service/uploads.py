"""Store an upload: the files of one recording in a private folder, under names the service chooses.

The client's file names never reach the file system: each file is named ``<bundle hash>.<ext>``,
where the extension (lower-cased, from a fixed list) is the only thing taken from the client's
name, and the bundle hash is the SHA-256 of the files' own hashes. Multi-file formats name their
companions inside the header: BrainVision's ``.vhdr`` has ``DataFile=`` and ``MarkerFile=`` lines,
which are rewritten to the new names; EEGLAB and Nihon Kohden find their companions by the header's
own stem, which the common stem keeps.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..errors import ParameterError
from ..signal.readers import supported_extensions

#: Formats of several files: the header's extension, then the companions it may come with.
MULTI_FILE = {
    ".vhdr": (".vmrk", ".eeg", ".dat"),  # BrainVision: header, markers, binary data (.eeg or .dat)
    ".set": (".fdt",),  # EEGLAB: the data may sit in the .set or in an .fdt beside it
    ".eeg": (".pnt", ".log", ".21e"),  # Nihon Kohden
}
#: Extensions taken from single files: every reader's, but folders (.mff) cannot be uploaded.
SINGLE_FILE = tuple(dict.fromkeys(ext for ext in supported_extensions() if ext != ".mff"))
_COPY_CHUNK = 1 << 20


@dataclass(frozen=True)
class StoredRecording:
    """A recording as stored for its piece.

    Attributes
    ----------
    folder : Path
        The piece's private upload folder.
    primary : Path
        The file to read (the header of a multi-file format).
    bundle_hash : str
        SHA-256 (hex) over the SHA-256 of each file as uploaded, in extension order.
    size : int
        Bytes stored.
    """

    folder: Path
    primary: Path
    bundle_hash: str
    size: int


def extension(client_name: str | None) -> str:
    """The lower-cased extension of a client's file name (``.fif.gz`` kept whole); '' if none."""
    name = (client_name or "").replace("\\", "/").rsplit("/", 1)[-1].lower()
    for compound in (".fif.gz",):
        if name.endswith(compound) and len(name) > len(compound):
            return compound
    stem, dot, ext = name.rpartition(".")
    return f".{ext}" if dot and stem.strip(".") else ""


def plan_bundle(extensions: list[str]) -> str:
    """The primary (header) extension of an upload's files, or why they do not make one recording.

    Parameters
    ----------
    extensions : list of str
        One extension per uploaded file, from :func:`extension`.

    Returns
    -------
    str
        The extension of the file to read.

    Raises
    ------
    ParameterError
        No file, an extension no reader knows, the same extension twice, or files that do not
        belong together; the message lists what is accepted.
    """
    if not extensions:
        raise ParameterError("files: upload at least one recording file")
    if len(set(extensions)) != len(extensions):
        raise ParameterError(f"files: each file of one recording needs its own extension; got {sorted(extensions)}")
    if len(extensions) == 1:
        (ext,) = extensions
        if ext == ".vhdr":
            raise ParameterError("files: a BrainVision header (.vhdr) needs its data file (.eeg or .dat) in the same "
                                 "upload, and its marker file (.vmrk) if there is one")
        if ext in SINGLE_FILE:
            return ext
        raise ParameterError(f"files: {ext or 'a file without extension'} is not a recording batikgen reads; "
                             f"accepted: {', '.join(SINGLE_FILE)} (or several files of one BrainVision, "
                             "EEGLAB or Nihon Kohden recording)")
    for header, companions in MULTI_FILE.items():
        rest = [ext for ext in extensions if ext != header]
        if header in extensions and all(ext in companions for ext in rest):
            if header == ".vhdr" and len({".eeg", ".dat"} & set(rest)) != 1:
                break  # exactly one data file
            return header
    raise ParameterError(f"files: {', '.join(sorted(extensions))} are not the files of one recording; several "
                         "files are accepted for BrainVision (.vhdr with .vmrk and .eeg or .dat), "
                         "EEGLAB (.set with .fdt) and Nihon Kohden (.eeg with .pnt, .log, .21e)")


def _rewrite_brainvision(header: Path, stem: str, present: set[str]) -> None:
    """Point the header's DataFile= and MarkerFile= lines at the stored names (bytes kept otherwise)."""
    data = header.read_bytes()
    data_ext = ".eeg" if ".eeg" in present else ".dat"
    data = re.sub(rb"(?im)^(DataFile\s*=)[^\r\n]*", lambda m: m.group(1) + f"{stem}{data_ext}".encode(), data)
    if ".vmrk" in present:
        data = re.sub(rb"(?im)^(MarkerFile\s*=)[^\r\n]*", lambda m: m.group(1) + f"{stem}.vmrk".encode(), data)
    else:  # no marker file uploaded: read without markers rather than look for a name we never stored
        data = re.sub(rb"(?im)^MarkerFile\s*=[^\r\n]*(\r?\n)?", b"", data)
    header.write_bytes(data)


def store_recording(files: list[tuple[str | None, BinaryIO]], folder: Path) -> StoredRecording:
    """Copy an upload's files into ``folder`` (created; must not exist), durably.

    Parameters
    ----------
    files : list of (client file name, readable binary file)
        The uploaded files; only each name's extension is used.
    folder : Path
        The piece's private folder. Written as ``folder.part`` and renamed when complete.

    Returns
    -------
    StoredRecording

    Raises
    ------
    ParameterError
        If the files do not make one recording batikgen reads (see :func:`plan_bundle`).
    """
    extensions = [extension(name) for name, _ in files]
    primary_ext = plan_bundle(extensions)
    partial = folder.with_name(folder.name + ".part")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(mode=0o700, parents=True)
    try:
        digests, size = {}, 0
        for ext, (_, handle) in zip(extensions, files):
            digest = hashlib.sha256()
            with open(partial / f"upload{ext}", "wb") as out:
                while chunk := handle.read(_COPY_CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
                    size += len(chunk)
                out.flush()
                os.fsync(out.fileno())
            digests[ext] = digest.hexdigest()
        bundle = hashlib.sha256("".join(f"{ext}:{digests[ext]}\n" for ext in sorted(digests)).encode()).hexdigest()
        for ext in extensions:
            os.replace(partial / f"upload{ext}", partial / f"{bundle}{ext}")
        if primary_ext == ".vhdr":
            _rewrite_brainvision(partial / f"{bundle}.vhdr", bundle, set(extensions))
            if ".vmrk" in extensions:
                _rewrite_brainvision(partial / f"{bundle}.vmrk", bundle, set(extensions))
        os.replace(partial, folder)
        _fsync_dir(folder.parent)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return StoredRecording(folder, folder / f"{bundle}{primary_ext}", bundle, size)


def _fsync_dir(path: Path) -> None:
    """Make a rename in ``path`` durable (a crash after the answer must not lose the upload)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
