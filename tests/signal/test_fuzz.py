"""Fuzzing every reader with mutants of real files: each is read right or refused in one line.

Seeds are the real recordings in ../shared/eeg (one or two per format) and, for formats with no
real example there, the files tests/signal/filewriters.py writes. Mutants: truncations, bytes
flipped in the header or in the data, and absurd numbers written over the header's numbers. The
property: ``features_from_path`` returns finite features or raises a BatikgenError whose message
is one line starting with the file's path, free of a library's API advice, with no numpy or library
warning on the way, and ``inspect_file`` agrees (plausible exactly when features were made); anything
else (a traceback, a native crash) fails and leaves the mutant in the test's tmp folder.

Each example runs in a forked child, as the command line reads risky formats, so a native crash
of any reader is seen as a failure rather than the end of pytest. ``make test`` gives the whole
fuzz 45 s of examples (about a minute with its set-up; the examples are the same every run), and
BATIKGEN_FUZZ_SECONDS=600 runs longer with fresh random examples. What it found became regular tests (test_boundary.py, test_isolation.py).
"""

from __future__ import annotations

import os
import re
import shutil
import time
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from batikgen.errors import BatikgenError
from tests.conftest import shared_file
from tests.signal.filewriters import write_cnt, write_egi_raw, write_gdf1, write_nihon, write_xdf

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="each example runs in a forked child")

#: Total seconds for the whole fuzz (split between the seeds); longer runs explore fresh examples.
BUDGET_S = float(os.environ.get("BATIKGEN_FUZZ_SECONDS", "45"))
LONG = "BATIKGEN_FUZZ_SECONDS" in os.environ

#: Real seeds: (file passed to the reader, the member mutated, how many leading bytes are header).
REAL_SEEDS = {
    "edf": ("edf/mnetd_chtypes_edf.edf", None, 256 * 43),
    "edf+d": ("field/edfplus_d_gap300s.edf", None, 256 * 10),
    "bdf": ("bdf/mnetd_test_bdf_stim_channel.bdf", None, 256 * 5),
    "brainvision-header": ("field/test_old_layout_latin1_software_filter.vhdr", ".vhdr", 10**9),
    "brainvision-data": ("brainvision/testbva.vhdr", ".dat", 0),
    "eeglab": ("eeglab/eeglab_data.set", ".set", 4096),
    "fif": ("fif/mnetd_bv_dig_raw.fif", None, 20_000),
    "muse": ("field/muse_ms_timestamps_10s.csv", None, 200),
    "openbci": ("csv/OpenBCI_GUI-v6-blinks-jawClench-alpha.txt", None, 2000),
    "mindmonitor": ("csv/museS_monitor1.csv", None, 800),
}
SYNTHETIC_SEEDS = ("xdf", "cnt", "gdf", "egi", "nihon")
SEEDS = [*REAL_SEEDS, *SYNTHETIC_SEEDS]

#: Numbers no header should hold, written over a run of digits.
ABSURD = [b"-32768", b"1e12", b"0", b"-1", b"99999999", b"1e308", b"nan", b"0.0000001", b"2147483647"]


def _signal(sfreq: float, seconds: float = 10, channels: int = 4) -> np.ndarray:
    rng = np.random.default_rng(7)
    t = np.arange(int(sfreq * seconds)) / sfreq
    return 20 * np.sin(2 * np.pi * 10 * t) + 8 * rng.standard_normal((channels, t.size))


def _synthetic(kind: str, folder: Path) -> tuple[Path, Path, int]:
    labels = ["Fz", "Cz", "Pz", "Oz"]
    if kind == "xdf":
        path = write_xdf(folder / "rec.xdf", _signal(256), 256, labels)
        return path, path, 600
    if kind == "cnt":
        path = write_cnt(folder / "rec.cnt", _signal(256), 256, labels)
        return path, path, 900 + 75 * 4
    if kind == "gdf":
        path = write_gdf1(folder / "rec.gdf", _signal(256), 256, labels)
        return path, path, 256 * 5
    if kind == "egi":
        path = write_egi_raw(folder / "rec.raw", _signal(250, channels=8), 250)
        return path, path, 40
    path = write_nihon(folder / "rec.EEG", _signal(200, channels=8), 200)
    return path, path, 2000


def _seed(kind: str, folder: Path) -> tuple[Path, Path, int]:
    """Copy the seed (and its companions) into ``folder``: (file to read, file to mutate, header bytes)."""
    if kind in SYNTHETIC_SEEDS:
        return _synthetic(kind, folder)
    relative, member, header = REAL_SEEDS[kind]
    source = shared_file(relative)
    for companion in source.parent.glob(source.stem + ".*"):
        shutil.copy(companion, folder / companion.name)
    target = folder / source.name
    return target, target.with_suffix(member) if member else target, header


@st.composite
def mutations(draw, size: int, header: int):
    """A list of edits: ("truncate", n), ("byte", position, value) or ("number", run index, text)."""
    kind = draw(st.sampled_from(["truncate", "header", "data", "number", "mixed"]))
    if kind == "truncate":
        return [("truncate", draw(st.integers(0, size - 1)))]
    edits = []
    for _ in range(draw(st.integers(1, 6))):
        where = kind if kind != "mixed" else draw(st.sampled_from(["header", "data", "number"]))
        if where == "number":
            edits.append(("number", draw(st.integers(0, 10_000)), draw(st.sampled_from(ABSURD))))
            continue
        low, high = (0, min(header, size) - 1) if where == "header" and header else (min(header, size - 1), size - 1)
        edits.append(("byte", draw(st.integers(low, max(low, high))), draw(st.integers(0, 255))))
    return edits


_DIGITS = re.compile(rb"[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


def _apply(data: bytes, edits, header: int) -> bytes:
    out = bytearray(data)
    for edit in edits:
        if edit[0] == "truncate":
            del out[edit[1]:]
        elif edit[0] == "byte":
            if edit[1] < len(out):
                out[edit[1]] = edit[2]
        else:  # an absurd number over one of the header's numbers, keeping the field's width
            runs = list(_DIGITS.finditer(bytes(out[: max(header, 256)])))
            if runs:
                run = runs[edit[1] % len(runs)]
                width = run.end() - run.start()
                text = edit[2][:width].ljust(width) if data[:1] in (b"0", b" ") else edit[2]
                out[run.start() : run.end()] = text
    return bytes(out)


#: Words of a library's API (MNE, numpy, pyxdf) that must never reach the user of batikgen.
API_ADVICE = ("overrides=", "read_raw", "read_epochs", "preload", "usecols", "please report", "mne-python",
              "sfreq must", "tmin", "cannot reshape", "consider passing", "picks explicitly", "mne.io",
              "please use", "h5py")


def _agrees_with_inspect(path: Path, result: tuple[str, str], inspect_file) -> tuple[str, str]:
    """`inspect` must give the verdict `features` (and so `render`) gave: plausible exactly when it read."""
    try:
        verdict = inspect_file(path).plausible
    except BatikgenError:
        verdict = False
    if verdict != (result[0] == "ok"):
        return "bug", f"inspect says plausible={verdict} but features gave {result[0]}: {result[1]}"
    return result


def _outcome(path: Path) -> tuple[str, str]:
    """Run the pipeline's reading and analysis on ``path`` in a forked child; say how it ended."""
    receiver, sender = os.pipe()
    pid = os.fork()
    if pid == 0:
        result = ("bug", "the child did not report")
        try:
            os.close(receiver)
            import faulthandler

            faulthandler.disable()
            from batikgen.signal.analyse import features_from_path, inspect_file
            from batikgen.signal.isolation import isolate_risky_readers

            isolate_risky_readers(True)  # as on the command line: EEGLAB in a grandchild
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                try:
                    features = features_from_path(path)
                    finite = np.isfinite(features.relative).all() and np.isfinite(features.absolute).all()
                    result = ("ok", "") if finite else ("bug", "non-finite features")
                except BatikgenError as exc:
                    result = ("error", str(exc))
                except BaseException as exc:  # noqa: BLE001 - the bug being looked for
                    result = ("bug", f"{type(exc).__name__}: {exc}")
                if result[0] != "bug":
                    result = _agrees_with_inspect(path, result, inspect_file)
            # numpy's RuntimeWarnings and libraries' UserWarnings print before the outcome.
            noisy = [w for w in caught if issubclass(w.category, (RuntimeWarning, UserWarning))]
            if noisy and result[0] != "bug":
                result = ("bug", f"{noisy[0].category.__name__} before the outcome: {noisy[0].message}")
            if result[0] == "error" and any(words in result[1].lower() for words in API_ADVICE):
                result = ("bug", f"a library's API advice in the message: {result[1]}")
        finally:
            os.write(sender, repr(result).encode())
            os._exit(0)
    os.close(sender)
    chunks = []
    while chunk := os.read(receiver, 65536):
        chunks.append(chunk)
    os.close(receiver)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        return "crash", f"killed by signal {os.WTERMSIG(status)}"
    import ast

    return ast.literal_eval(b"".join(chunks).decode())


@pytest.mark.parametrize("kind", SEEDS)
def test_mutants_of_every_reader_are_read_or_refused_in_one_line(kind, tmp_path_factory):
    folder = tmp_path_factory.mktemp(f"fuzz-{kind}")
    target, member, header = _seed(kind, folder)
    original = member.read_bytes()
    share = BUDGET_S / len(SEEDS)
    started = time.monotonic()
    _outcome(target)  # the seed itself: how long one example takes here
    examples = max(3, int(share / max(time.monotonic() - started, 0.05)) - 1)
    deadline = started + share

    failures = []

    @settings(max_examples=examples, deadline=None, derandomize=not LONG, database=None,
              suppress_health_check=list(HealthCheck))
    @given(edits=mutations(len(original), header))
    def check(edits):
        if time.monotonic() > deadline and not failures:
            return  # this seed's share of the time is spent (but a failure is always replayed and shrunk)
        member.write_bytes(_apply(original, edits, header))
        try:
            kind_, message = _outcome(target)
        finally:
            member.write_bytes(original)
        if kind_ in ("bug", "crash"):
            failures.append(edits)
            shutil.copy(target, folder / f"failing{target.suffix}")
            member.write_bytes(_apply(original, edits, header))
            pytest.fail(f"{kind}: {edits}: {message}")
        if kind_ == "error":
            assert message.startswith(f"{target}: ") and "\n" not in message, f"{kind}: {edits}: {message!r}"

    check()


def test_the_seeds_themselves_read():
    """The fuzz starts from good files: every real seed gives features or a one-line refusal."""
    from batikgen.signal.analyse import features_from_path

    for relative, _, _ in REAL_SEEDS.values():
        path = shared_file(relative)
        try:
            features = features_from_path(path)
        except BatikgenError as exc:
            assert str(exc).startswith(f"{path}: ") and "\n" not in str(exc), relative
        else:
            assert len(features.times) > 0, relative
