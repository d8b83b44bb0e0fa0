"""A reader that crashes the process (scipy's MAT reader on a damaged EEGLAB file) ends as one line
when risky formats are read in a child process, as the command line does."""

import io
import os
import re
import struct
import subprocess
import sys

import numpy as np
import pytest
import scipy.io

from batikgen.errors import FeatureError, RecordingError
from batikgen.signal.analyse import features_from_path
from batikgen.signal.isolation import in_child, isolate_risky_readers, isolating
from tests.conftest import shared_file

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="isolation forks")


def crashing_mat_file(path):
    """The minimal file of the upstream report: a MAT v5 file holding x = 1.0 whose data element
    says it is of type 1000 (types end at 18); scipy's loadmat reads far out of its type table and the
    process dies with SIGSEGV (scipy 1.17.1)."""
    buf = io.BytesIO()
    scipy.io.savemat(buf, {"x": np.array([[1.0]])})
    data = bytearray(buf.getvalue())
    struct.pack_into("<I", data, len(data) - 16, 1000)  # the tag of the last element: x's doubles
    path.write_bytes(bytes(data))
    return path


@pytest.fixture
def isolated():
    before = isolating()
    isolate_risky_readers(True)
    yield
    isolate_risky_readers(before)


def test_the_crash_is_real_without_isolation(tmp_path):
    path = crashing_mat_file(tmp_path / "crash.set")
    result = subprocess.run([sys.executable, "-c", f"import scipy.io; scipy.io.loadmat({str(path)!r})"],
                            capture_output=True)
    assert result.returncode < 0  # killed by a signal: nothing in Python can catch it


def _in_fresh_process(code: str) -> subprocess.CompletedProcess:
    # The damaged file crashes scipy by reading past a table: undefined behaviour that is reliable
    # in a fresh process but not inside a long test session, whose memory looks different.
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)


def test_a_native_crash_in_a_risky_reader_is_one_recording_error(tmp_path):
    path = crashing_mat_file(tmp_path / "crash.set")
    result = _in_fresh_process(
        "import re, sys\n"
        "from batikgen.signal.analyse import features_from_path, inspect_file\n"
        "from batikgen.signal.isolation import isolate_risky_readers\n"
        "isolate_risky_readers(True)\n"
        "for read in (features_from_path, inspect_file):\n"
        "    try:\n"
        f"        read({str(path)!r})\n"
        "    except Exception as exc:\n"
        "        print(type(exc).__name__, exc)\n")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert re.match(rf"^RecordingError {re.escape(str(path))}: the reader crashed \(signal SIG(SEGV|BUS)\) while "
                    r"reading and analysing it: the file is damaged", lines[0]), lines
    assert re.match(r"^RecordingError .*the reader crashed .* while reading and checking it", lines[1]), lines


def test_a_child_killed_by_a_signal_is_one_recording_error():
    import signal

    with pytest.raises(RecordingError, match=r"^rec.set: the reader crashed \(signal SIGSEGV\) while reading it"):
        in_child("rec.set", "reading it", lambda: os.kill(os.getpid(), signal.SIGSEGV))  # pid of the child


def test_isolated_reading_gives_the_same_features_and_errors(isolated):
    path = shared_file("eeglab/eeglab_data.set")
    inside = features_from_path(path)
    isolate_risky_readers(False)
    direct = features_from_path(path)
    np.testing.assert_array_equal(inside.relative, direct.relative)
    assert inside.source == direct.source
    isolate_risky_readers(True)
    with pytest.raises(FeatureError, match="shorter than the 500 s analysis window"):  # errors come back as they were
        features_from_path(path, window_s=500, step_s=250)


def test_in_child_turns_other_exceptions_into_one_line():
    def broken():
        raise KeyError("EEG")

    with pytest.raises(RecordingError, match=r"^rec.set: failed while reading it: KeyError 'EEG'$"):
        in_child("rec.set", "reading it", broken)
    assert in_child("rec.set", "adding", lambda a, b: a + b, 2, b=3) == 5


def test_the_command_line_isolates_a_crashing_eeglab_file(tmp_path):
    path = crashing_mat_file(tmp_path / "crash.set")
    result = subprocess.run([sys.executable, "-m", "batikgen.cli", "inspect", str(path)], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 1
    assert result.stderr.startswith(f"batikgen: error: {path}: the reader crashed") and result.stderr.count("\n") == 1