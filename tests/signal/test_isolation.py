"""A reader that crashes the process (scipy's MAT reader on a damaged EEGLAB file) ends as one line
when risky formats are read in a child process, as the command line does."""

import io
import os
import struct
import subprocess
import sys

import numpy as np
import pytest
import scipy.io

from batikgen.errors import FeatureError, RecordingError
from batikgen.signal.analyse import features_from_path, inspect_file
from batikgen.signal.isolation import in_child, isolate_risky_readers, isolating
from tests.conftest import shared_file

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="isolation forks")


def crashing_mat_file(path, mdtype=1000):
    """The minimal file of the upstream report: a MAT v5 file holding x = 1.0 whose data element
    says it is of type 1000 (types end at 18); scipy's loadmat reads far out of its type table and
    the process dies with SIGSEGV (scipy 1.17.1) - or, depending on what lies past the table,
    reads a value that makes it raise instead."""
    buf = io.BytesIO()
    scipy.io.savemat(buf, {"x": np.array([[1.0]])})
    data = bytearray(buf.getvalue())
    struct.pack_into("<I", data, len(data) - 16, mdtype)  # the tag of the last element: x's doubles
    path.write_bytes(bytes(data))
    return path


@pytest.fixture
def isolated():
    before = isolating()
    isolate_risky_readers(True)
    yield
    isolate_risky_readers(before)


def test_the_crash_is_real_without_isolation(tmp_path):
    crashed = []
    for mdtype in (1000, 20, 100000):  # out-of-table reads: at least one kills a fresh process
        path = crashing_mat_file(tmp_path / f"crash{mdtype}.set", mdtype)
        result = subprocess.run([sys.executable, "-c", f"import scipy.io; scipy.io.loadmat({str(path)!r})"],
                                capture_output=True)
        crashed.append(result.returncode < 0)  # killed by a signal: nothing in Python can catch it
        if crashed[-1]:
            break
    assert any(crashed)


def test_a_native_crash_in_the_child_is_one_recording_error():
    import ctypes

    with pytest.raises(RecordingError, match=r"^rec.set: the reader crashed \(signal SIGSEGV\) while reading it: "
                                             r"the file is damaged or not what its extension says$"):
        in_child("rec.set", "reading it", ctypes.string_at, 0)  # reads address 0: SIGSEGV, always


def test_a_crashing_eeglab_file_is_one_recording_error_however_scipy_fails(tmp_path, isolated):
    path = crashing_mat_file(tmp_path / "crash.set")
    for call, doing in ((features_from_path, "reading and analysing it"), (inspect_file, "reading and checking it")):
        with pytest.raises(RecordingError) as caught:
            call(path)
        message = str(caught.value)
        assert message.startswith(f"{path}: ") and "\n" not in message
        assert ("the reader crashed" in message and doing in message) or "could not be read as EEGLAB" in message


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
    from click.testing import CliRunner

    from batikgen.cli import main

    path = crashing_mat_file(tmp_path / "crash.set")
    before = isolating()
    try:
        result = CliRunner().invoke(main, ["inspect", str(path)])  # the commands turn isolation on
    finally:
        isolate_risky_readers(before)
    assert result.exit_code == 1  # the process lives on to say so, whether scipy crashed or raised
    assert result.stderr.startswith(f"batikgen: error: {path}: ") and result.stderr.count("\n") == 1
