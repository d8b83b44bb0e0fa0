"""One boundary around reading: surprises become one RecordingError naming the file and the step;
header values are checked where they are read, naming the header field; no numpy warnings."""

import shutil
import struct
import subprocess
import sys
import warnings
import zlib

import mne
import numpy as np
import pytest
import scipy.io

from batikgen.errors import BatikgenError, FeatureError, RecordingError
from batikgen.signal.boundary import stage
from batikgen.signal.readers import read_recording
from batikgen.signal.recording import content_hash
from tests.conftest import SAMPLE, shared_file

#: Every exception type the readers raised on mutants of the real files (tests/signal/test_fuzz.py)
#: and those the issue names; the boundary turns each into one line.
FOUND = [KeyError("EEG Fp1"), ValueError("No appropriate channels found for the given picks"),
         IndexError("index 7 is out of bounds"), struct.error("unpack requires a buffer of 4 bytes"),
         OverflowError("cannot convert float infinity to integer"), ZeroDivisionError("division by zero"),
         UnicodeDecodeError("utf-8", b"\xb5", 0, 1, "invalid start byte"), TypeError("'NoneType' object"),
         AttributeError("'dict' object has no attribute 'data'"), EOFError(), RuntimeError("bad"),
         OSError("read error"), AssertionError(), np.linalg.LinAlgError("singular"),
         zlib.error("Error -3 while decompressing data"), NotImplementedError("format 7")]


@pytest.mark.parametrize("exc", FOUND, ids=lambda e: type(e).__name__)
def test_every_exception_type_becomes_one_line_naming_the_file_and_the_step(exc):
    with pytest.raises(RecordingError) as caught:
        with stage("rec.edf", "sorting out its EEG channels"):
            raise exc
    message = str(caught.value)
    assert message.startswith("rec.edf: failed while sorting out its EEG channels: the file looks damaged (")
    assert "\n" not in message and type(exc).__name__ in message or str(exc).splitlines()[0] in message


def test_the_boundary_passes_batikgen_errors_and_interrupts_through_and_names_memory():
    original = FeatureError("rec.edf: too short")
    with pytest.raises(FeatureError) as caught, stage("rec.edf", "x"):
        raise original
    assert caught.value is original
    with pytest.raises(KeyboardInterrupt), stage("rec.edf", "x"):
        raise KeyboardInterrupt
    with pytest.raises(RecordingError, match=r"^rec.edf: not enough memory while hashing it$"), \
            stage("rec.edf", "hashing it"):
        raise MemoryError


def _edf_copy(tmp_path, offset, text, name="rec.edf"):
    """The bundled sample (a real EDF written by edfio) with one header field overwritten."""
    target = tmp_path / name
    shutil.copy(SAMPLE, target)
    data = bytearray(target.read_bytes())
    width = {236: 8, 244: 8, 252: 4}.get(offset, 8)
    data[offset : offset + width] = text.ljust(width).encode("ascii")
    target.write_bytes(bytes(data))
    return target


def _signal_field_offset(path, field_index, signal):
    """Byte offset of one per-signal header field (0 label ... 8 samples per record)."""
    ns = int(path.read_bytes()[252:256])
    widths = [16, 80, 8, 8, 8, 8, 8, 80, 8, 32]
    return 256 + ns * sum(widths[:field_index]) + widths[field_index] * signal


@pytest.mark.parametrize("offset, value, message", [
    (244, "-32768", r"EDF header field 'duration of a data record' is -32768 s, expected a positive duration"),
    (244, "1e12", r"EDF header field 'duration of a data record' is 1e\+12 s"),
    (244, "0.0001", r"EDF header fields 'number of samples in each data record' \(256\) and 'duration of a data "
                    r"record' \(0.0001 s\) give 2.56e\+06 Hz, outside EEG rates \(64 Hz-20 kHz\)"),
    (244, "abc", r"EDF header field 'duration of a data record' is 'abc', not a number"),
    (252, "0", r"EDF header field 'number of signals' is 0, expected 1-4096"),
    (236, "-5", r"EDF header field 'number of data records' is -5"),
])
def test_absurd_edf_header_values_are_refused_naming_the_field(tmp_path, offset, value, message):
    with pytest.raises(RecordingError, match=rf"rec.edf: {message}"):
        read_recording(_edf_copy(tmp_path, offset, value))


def test_absurd_edf_signal_fields_are_refused_naming_the_field_and_signal(tmp_path):
    path = _edf_copy(tmp_path, 0, "0")
    data = bytearray(path.read_bytes())
    spr = _signal_field_offset(path, 8, 1)
    data[spr : spr + 8] = b"0       "
    path.write_bytes(bytes(data))
    with pytest.raises(RecordingError, match=r"'number of samples in each data record' of signal 2 \('.+'\) is 0"):
        read_recording(path)
    path = _edf_copy(tmp_path, 0, "0", "range.edf")
    data = bytearray(path.read_bytes())
    for field in (3, 4):  # physical minimum and maximum of signal 1 both 0
        at = _signal_field_offset(path, field, 0)
        data[at : at + 8] = b"0       "
    path.write_bytes(bytes(data))
    with pytest.raises(RecordingError, match=r"'physical minimum' and 'physical maximum' of signal 1 .* are both 0"):
        read_recording(path)
    data = bytearray(path.read_bytes())
    at = _signal_field_offset(path, 4, 0)
    data[at : at + 8] = b"1.7e308 "
    path.write_bytes(bytes(data))
    with pytest.raises(RecordingError, match=r"'physical maximum' of signal 1 .* is 1.7e\+308, beyond any amplifier"):
        read_recording(path)


def _brainvision_copy(tmp_path, edit):
    source = shared_file("brainvision/testbva.vhdr")
    for suffix in (".vhdr", ".vmrk", ".dat"):
        shutil.copy(source.with_suffix(suffix), tmp_path / f"testbva{suffix}")
    header = tmp_path / "testbva.vhdr"
    header.write_text(edit(header.read_text(encoding="latin-1")), encoding="latin-1")
    return header


def test_brainvision_sampling_interval_of_1e12_us_is_refused_naming_the_field(tmp_path):
    path = _brainvision_copy(tmp_path, lambda text: text.replace("SamplingInterval=5000", "SamplingInterval=1e12"))
    with pytest.raises(RecordingError, match=r"testbva.vhdr: sample rate 1e-06 Hz \(from the .vhdr field "
                                             r"'SamplingInterval'\) is outside what EEG devices record"):
        read_recording(path)


def test_brainvision_new_segment_in_the_middle_is_refused_naming_the_cut(tmp_path):
    header = _brainvision_copy(tmp_path, lambda text: text)
    markers = tmp_path / "testbva.vmrk"
    text = markers.read_text(encoding="latin-1")
    markers.write_text(text.rstrip("\n") + "\nMk99=New Segment,,1001,1,0\n", encoding="latin-1")
    with pytest.raises(RecordingError, match=r"testbva.vhdr: discontinuous recording: a BrainVision 'New Segment' "
                                             r"marker at 5.000 s"):
        read_recording(header)


def _write_set(path, trials, events=()):
    """A minimal EEGLAB dataset (the fields MNE's reader uses), data stored in the .set."""
    n_ch, pnts, srate = 4, 512, 128
    rng = np.random.default_rng(3)
    data = 20 * rng.standard_normal((n_ch, pnts, trials) if trials > 1 else (n_ch, pnts))
    chanlocs = np.array([(name,) for name in ("Fz", "Cz", "Pz", "Oz")], dtype=[("labels", object)])
    event = np.array([(kind, float(at)) for kind, at in events], dtype=[("type", object), ("latency", object)])
    eeg = {"setname": "t", "nbchan": n_ch, "trials": trials, "pnts": pnts, "srate": srate, "xmin": 0.0,
           "xmax": (pnts - 1) / srate, "data": data.astype(np.float32), "chanlocs": chanlocs, "event": event,
           "icawinv": np.array([]), "icasphere": np.array([]), "icaweights": np.array([]), "ref": "common"}
    scipy.io.savemat(str(path), {"EEG": eeg}, appendmat=False)
    return path


def test_epoched_eeglab_is_refused_in_batikgens_terms(tmp_path):
    with pytest.raises(RecordingError) as caught:
        read_recording(_write_set(tmp_path / "epochs.set", trials=3))
    message = str(caught.value)
    assert message.startswith(f"{tmp_path / 'epochs.set'}: an epoched EEGLAB dataset (3 epochs")
    assert "continuous dataset" in message and "read_epochs_eeglab" not in message and "mne" not in message.lower()


def test_eeglab_boundary_event_is_refused_and_a_continuous_set_reads(tmp_path):
    plain = read_recording(_write_set(tmp_path / "plain.set", trials=1, events=[("stim", 100)]))
    assert plain.ch_names == ["Fz", "Cz", "Pz", "Oz"] and plain.sfreq == 128
    with pytest.raises(RecordingError, match=r"cut.set: discontinuous recording: a EEGLAB boundary event at 2.000 s"):
        read_recording(_write_set(tmp_path / "cut.set", trials=1, events=[("boundary", 257)]))


def test_content_hash_tells_huge_values_apart_without_warnings():
    info = mne.create_info(["Fz"], 256.0, "eeg")
    base = np.full((1, 1000), 1e-5)
    hashes = set()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for huge in (1e39, 2e39, 1e300, -1e300, 5e9, 6e9):
            data = base.copy()
            data[0, 10] = huge
            hashes.add(content_hash(mne.io.RawArray(data, info, verbose="error")))
        hashes.add(content_hash(mne.io.RawArray(base, info, verbose="error")))
    assert len(hashes) == 7  # float32 rounding made inf of both 1e39 and 2e39: one hash before


def test_overflowing_samples_give_one_line_and_no_numpy_warning(tmp_path):
    """A spike of 1e200 µV in every channel overflowed the hash's float32 cast and the variance's
    squares, and numpy's RuntimeWarnings printed before the error: now the one line only."""
    lines = shared_file("csv/biopsykit_eeg_muse_example.csv").read_text().splitlines()
    fields = lines[100].split(",")
    lines[100] = ",".join(fields[:1] + ["1e200"] * 4 + fields[5:])
    path = tmp_path / "spike.csv"
    path.write_text("\n".join(lines) + "\n")
    result = subprocess.run([sys.executable, "-W", "default", "-m", "batikgen.cli", "features", str(path),
                             "-o", str(tmp_path / "f.npz")], capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr.startswith(f"batikgen: error: {path}: ") and result.stderr.count("\n") == 1, result.stderr
    assert "Warning" not in result.stderr and not (tmp_path / "f.npz").exists()


def test_unreadable_files_are_recording_errors(tmp_path):
    import os
    import socket

    # A socket where a recording should be: open() fails even for root (ENXIO).
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(tmp_path / "socket.edf"))
        with pytest.raises(RecordingError, match=r"socket.edf: cannot be read: No such device or address$"):
            read_recording(tmp_path / "socket.edf")
    if os.geteuid() != 0:  # root reads files whatever their mode
        path = tmp_path / "locked.edf"
        shutil.copy(SAMPLE, path)
        path.chmod(0)
        with pytest.raises(RecordingError, match=r"locked.edf: cannot be read: permission denied$"):
            read_recording(path)


def test_every_batikgen_error_is_one_hierarchy():
    assert issubclass(RecordingError, BatikgenError)


def test_an_absurd_mind_monitor_band_power_is_refused_naming_line_and_column(tmp_path):
    """A find of the fuzz test: a log10 power of 99999999 became inf in the features."""
    from batikgen.signal.readers import read_precomputed_features

    source = shared_file("csv/museS_monitor1.csv")
    lines = source.read_text().splitlines()
    header = lines[0].split(",")
    fields = lines[1].split(",")
    column = header.index("Delta_AF8")
    fields[column] = "99999999"
    lines[1] = ",".join(fields)
    path = tmp_path / "monitor.csv"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(RecordingError, match=r"^.*monitor.csv: line 2: Delta_AF8 is 99999999, not a log10 band power "
                                             r"in µV² .*; the file is damaged$"):
        read_precomputed_features(path)
    assert np.isfinite(read_precomputed_features(source).absolute).all()


def test_a_gdf_header_shifted_by_a_lost_byte_is_refused_not_killed_for_memory(tmp_path):
    """A find of the fuzz test: one byte fewer in the patient field shifted every binary field,
    and MNE allocated for billions of channels until the kernel killed the process."""
    from tests.signal.filewriters import write_gdf1

    rng = np.random.default_rng(2)
    path = write_gdf1(tmp_path / "rec.gdf", 20 * rng.standard_normal((4, 2560)), 256, ["Fz", "Cz", "Pz", "Oz"])
    assert read_recording(path).ch_names == ["Fz", "Cz", "Pz", "Oz"]
    data = path.read_bytes()
    path.write_bytes(data[:9] + data[10:])  # 'P01 Jane_Doe' -> 'P0 Jane_Doe', the rest one byte earlier
    with pytest.raises(RecordingError, match=r"rec.gdf: GDF header field '(number of signals|length of header)' is "):
        read_recording(path)
