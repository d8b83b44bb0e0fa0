"""Time bases and discontinuities: timestamps that jump (a gap or a clock reset) in XDF, muse-lsl,
OpenBCI and Mind Monitor files are refused by name, jitter is not a jump; a stated rate the timestamps
contradict is refused; breaks MNE fills with zeros (EGI MFF epochs, FIF skips) are refused."""

import re

import numpy as np
import pytest

from batikgen.errors import RecordingError
from batikgen.signal.readers import read_recording
from batikgen.signal.timebase import check_continuous
from tests.conftest import shared_file
from tests.signal.filewriters import write_xdf

LABELS = ["Fz", "Cz", "Pz", "Oz"]
SFREQ = 256


def _signal(seconds=20, seed=3):
    rng = np.random.default_rng(seed)
    t = np.arange(int(SFREQ * seconds)) / SFREQ
    return 20 * np.sin(2 * np.pi * 10 * t) + 8 * rng.standard_normal((len(LABELS), t.size))


def _stamps(n, t0=1000.0):
    return t0 + np.arange(n) / SFREQ


def _chunk_stamped(stamps, chunk=12):
    # Chunks stamped on arrival: every sample of a chunk carries the time of its last one.
    last = np.minimum((np.arange(stamps.size) // chunk) * chunk + chunk - 1, stamps.size - 1)
    return stamps[last]


def test_an_xdf_gap_is_refused_naming_where_and_how_long(tmp_path):
    data = _signal()
    stamps = _stamps(data.shape[1])
    stamps[SFREQ * 8 :] += 2.5  # the connection dropped for 2.5 s after 8 s of samples
    path = write_xdf(tmp_path / "gap.xdf", data, SFREQ, LABELS, timestamps=stamps)
    with pytest.raises(RecordingError) as err:
        read_recording(path)
    message = str(err.value)
    assert message.startswith(f"{path}: discontinuous recording: the XDF stream 'TestAmp' timestamps jump forward "
                              f"2.5 s (a gap")
    assert "after 8.000 s of samples;" in message and "\n" not in message


def test_an_xdf_clock_reset_is_refused_naming_how_far_back(tmp_path):
    data = _signal()
    stamps = _stamps(data.shape[1])
    stamps[SFREQ * 5 :] -= 3600  # the sender's clock went back an hour
    path = write_xdf(tmp_path / "reset.xdf", data, SFREQ, LABELS, timestamps=stamps)
    with pytest.raises(RecordingError, match=r"reset.xdf: discontinuous recording: .* jump back 3600 s "
                                             r"\(a clock reset\) after 5.000 s of samples"):
        read_recording(path)


def test_a_gap_shorter_than_pyxdfs_break_threshold_is_still_refused(tmp_path):
    # pyxdf's dejittering splits a stream only at gaps over max(1 s, 500 samples): these 0.5 s would be
    # smoothed into a slightly slower clock if the dejittered timestamps were used.
    data = _signal()
    stamps = _chunk_stamped(_stamps(data.shape[1]))
    stamps[SFREQ * 12 :] += 0.5
    path = write_xdf(tmp_path / "short.xdf", data, SFREQ, LABELS, timestamps=stamps)
    with pytest.raises(RecordingError, match=r"jump forward 0.5\d* s .* after 12.000 s of samples;"):
        read_recording(path)


def test_jittered_and_chunk_stamped_xdf_timestamps_read(tmp_path):
    data = _signal()
    rng = np.random.default_rng(0)
    jittered = _stamps(data.shape[1]) + rng.uniform(0, 0.015, data.shape[1])  # up to 4 samples late
    for name, stamps in (("jitter.xdf", jittered), ("chunks.xdf", _chunk_stamped(_stamps(data.shape[1])))):
        recording = read_recording(write_xdf(tmp_path / name, data, SFREQ, LABELS, timestamps=stamps))
        assert recording.sfreq == SFREQ and recording.raw.n_times == data.shape[1], name


def test_an_xdf_nominal_rate_its_timestamps_contradict_is_refused(tmp_path):
    data = _signal()
    path = write_xdf(tmp_path / "rate.xdf", data, SFREQ, LABELS, timestamps=1000 + np.arange(data.shape[1]) / 512)
    with pytest.raises(RecordingError, match=r"rate.xdf: XDF stream 'TestAmp' header field 'nominal_srate' says "
                                             r"256 Hz but the timestamps advance at 512 Hz"):
        read_recording(path)


@pytest.mark.parametrize("rate", ["-25", "nan", "inf", "abc"])  # the width of "256": chunk sizes stay
def test_an_xdf_nominal_rate_that_is_no_rate_is_refused_naming_the_field(tmp_path, rate):
    path = write_xdf(tmp_path / "odd.xdf", _signal(2), SFREQ, LABELS)
    path.write_bytes(path.read_bytes().replace(b"<nominal_srate>256</nominal_srate>",
                                               f"<nominal_srate>{rate}</nominal_srate>".encode()))
    with pytest.raises(RecordingError, match=rf"odd.xdf: XDF stream (.TestAmp. )?header field 'nominal_srate' is "
                                             rf"'{rate}', not a sample rate"):
        read_recording(path)


def test_a_muse_csv_with_a_dropout_is_refused_naming_the_gap(tmp_path):
    source = shared_file("csv/biopsykit_eeg_muse_example.csv")
    lines = source.read_text().splitlines()
    del lines[1 + 256 * 30 : 1 + 256 * 30 + 256]  # one second of rows lost after 30 s
    path = tmp_path / "dropout.csv"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(RecordingError, match=r"dropout.csv: discontinuous recording: the timestamps jump forward "
                                             r"1 s \(a gap.* after 30.000 s of samples;"):
        read_recording(path)


def test_rounding_of_millisecond_timestamps_is_no_jump():
    stamps = np.round(_stamps(SFREQ * 60) * 1000)  # BlueMuse: milliseconds, rounded
    check_continuous("rounded.csv", stamps, SFREQ)
    stamps[SFREQ * 50 :] -= 40  # but 40 ms back is a reset
    with pytest.raises(RecordingError, match=r"rounded.csv: .* jump back 0.04\d* s \(a clock reset\) after 50.000 s"):
        check_continuous("rounded.csv", stamps, SFREQ)


def test_an_xdf_header_that_is_not_xml_is_refused_as_damaged(tmp_path):
    path = write_xdf(tmp_path / "broken.xdf", _signal(2), SFREQ, LABELS)
    path.write_bytes(path.read_bytes().replace(b"<nominal_srate>", b"<nominal_srate<", 1))
    with pytest.raises(RecordingError, match=r"broken.xdf: an XDF chunk's XML header is damaged \(not well-formed"):
        read_recording(path)


@pytest.mark.parametrize(("old", "new", "message"), [
    (b"<channel_count>4<", b"<channel_count>9<", r"header field 'channel_count' is 9 but its description lists 4"),
    (b"<channel_count>4<", b"<channel_count>2<", r"header field 'channel_count' is 2 but its description lists 4"),
    (b"<channel_count>4<", b"<channel_count>0<", r"header field 'channel_count' is '0', not a number of channels"),
    (b"<channel_count>4<", b"<channel_count>x<", r"header field 'channel_count' is 'x', not a number of channels"),
    (b">float32<", b">float64<", r"header field 'channel_format' is 'float64', expected one of int8"),
])
def test_xdf_channel_count_or_format_that_do_not_fit_the_samples_are_refused_by_name(tmp_path, capfd, old, new,
                                                                                  message):
    # Found by hand: pyxdf cut the samples at the wrong width and logged tracebacks; the garbage
    # timestamps were then blamed on a clock reset of 1e270 s.
    path = write_xdf(tmp_path / "count.xdf", _signal(4), SFREQ, LABELS)
    path.write_bytes(path.read_bytes().replace(old, new))
    with pytest.raises(RecordingError, match=rf"count.xdf: XDF stream .*{message}"):
        read_recording(path)
    assert capfd.readouterr().err == ""  # no traceback logged on the way


def _mff(path, offset_us=None):
    import datetime as dt

    mffpy = pytest.importorskip("mffpy")
    from mffpy.bin_writer import BinWriter

    rng = np.random.default_rng(2)
    binary = BinWriter(sampling_rate=250, data_type="EEG")
    binary.add_block((15 * rng.standard_normal((33, 250 * 10))).astype(np.float32))  # µV, 32 EEG + reference
    binary.add_block((15 * rng.standard_normal((33, 250 * 10))).astype(np.float32), offset_us=offset_us)
    writer = mffpy.Writer(str(path))
    writer.addxml("fileInfo", recordTime=dt.datetime(2022, 10, 10, tzinfo=dt.timezone.utc))
    writer.add_coordinates_and_sensor_layout("HydroCel GSN 32 1.0")
    writer.addbin(binary)
    writer.write()
    return path


def test_an_mff_with_a_break_between_its_epochs_is_refused_naming_the_break(tmp_path, capfd):
    # Found: MNE fills the 300 s between two MFF epochs with zeros (a 'BAD_ACQ_SKIP' annotation) and it
    # was read as a 320 s recording; and mffpy printed a note on standard output, where `inspect --json` writes.
    with pytest.raises(RecordingError, match=r"paused.mff: discontinuous recording: a break in acquisition \(filled "
                                             r"with zeros by the reader\) lasting 300 s at 9.99\d s"):
        read_recording(_mff(tmp_path / "paused.mff", offset_us=300_000_000))
    recording = read_recording(_mff(tmp_path / "whole.mff"))
    assert recording.duration == pytest.approx(20, abs=0.01)
    assert capfd.readouterr().out == ""


def test_a_fif_with_an_acquisition_skip_is_refused(tmp_path):
    import mne

    info = mne.create_info(LABELS, 256.0, "eeg")
    raw = mne.io.RawArray(1e-5 * np.random.default_rng(1).standard_normal((4, 256 * 30)), info, verbose="error")
    raw.set_annotations(mne.Annotations([10], [5], ["BAD_ACQ_SKIP"]))
    raw.save(tmp_path / "skip_raw.fif", verbose="error")
    with pytest.raises(RecordingError, match=r"skip_raw.fif: discontinuous recording: a break in acquisition .* "
                                             r"lasting 5 s at 10.000 s"):
        read_recording(tmp_path / "skip_raw.fif")


@pytest.mark.parametrize(("edit", "words"), [
    # Found: a Mind Monitor export paused for an hour, or whose phone clock went back an hour, was joined into
    # one 59-row timeline; rows that all carry one TimeStamp ended in "float division by zero".
    (lambda i, stamp: stamp.replace(" 10:", " 11:") if i >= 30 else stamp,
     "the Mind Monitor TimeStamps jump forward 3600 s (a gap"),
    (lambda i, stamp: stamp.replace(" 10:", " 09:") if i >= 30 else stamp,
     "the Mind Monitor TimeStamps jump back 3600 s (a clock reset) after 30.000 s"),
    (lambda i, stamp: "2020-06-14 10:19:29.289", "Mind Monitor TimeStamps do not advance"),
])
def test_mind_monitor_timestamps_that_jump_or_stand_still_are_refused(tmp_path, edit, words):
    from batikgen.signal.readers import read_precomputed_features

    lines = shared_file("csv/museS_monitor1.csv").read_text().splitlines()
    rows = [line.split(",", 1) for line in lines[1:]]
    path = tmp_path / "monitor.csv"
    path.write_text("\n".join([lines[0], *(f"{edit(i, stamp)},{rest}" for i, (stamp, rest) in enumerate(rows))]) + "\n")
    with pytest.raises(RecordingError, match=rf"monitor.csv: .*{re.escape(words)}"):
        read_precomputed_features(path)


def _openbci(tmp_path, edit):
    lines = shared_file("csv/OpenBCI_GUI-v6-blinks-jawClench-alpha.txt").read_text().splitlines()
    path = tmp_path / "openbci.txt"
    path.write_text("\n".join(edit(lines)) + "\n")
    return path


def test_an_openbci_export_with_lost_packets_is_refused_naming_the_gap(tmp_path):
    # Found: a second of rows lost (a Bluetooth dropout) was read as continuous; the Timestamp column shows it.
    path = _openbci(tmp_path, lambda lines: lines[: 5 + 250 * 40] + lines[5 + 250 * 41 :])
    with pytest.raises(RecordingError, match=r"openbci.txt: discontinuous recording: the Timestamp column's stamps "
                                             r"jump forward 0.99\d* s \(a gap.* after 40.000 s of samples"):
        read_recording(path)


def test_an_openbci_sample_rate_its_timestamps_contradict_is_refused(tmp_path):
    # Found: '%Sample Rate = 1000 Hz' over samples stamped 250 a second was read at 1 kHz.
    path = _openbci(tmp_path, lambda lines: [line.replace("250 Hz", "1000 Hz") for line in lines])
    with pytest.raises(RecordingError, match=r"openbci.txt: header line '%Sample Rate' says 1000 Hz but the Timestamp "
                                             r"column's stamps advance at 250.\d* Hz"):
        read_recording(path)


def test_a_gdf_new_segment_event_is_refused_naming_the_break(tmp_path):
    # Found: GDF's event 0x7FFE (start of a new segment after a break) was read through as continuous.
    from tests.signal.filewriters import write_gdf1

    rng = np.random.default_rng(4)
    data = 20 * rng.standard_normal((4, 256 * 20))
    plain = read_recording(write_gdf1(tmp_path / "plain.gdf", data, 256, LABELS, events=((256 * 3, 0x0300),)))
    assert plain.duration == pytest.approx(20)
    with pytest.raises(RecordingError, match=r"cut.gdf: discontinuous recording: a GDF new-segment event \(0x7FFE, "
                                             r"after a break\) at 12.000 s"):
        read_recording(write_gdf1(tmp_path / "cut.gdf", data, 256, LABELS, events=((256 * 12, 0x7FFE),)))


def test_nihon_kohden_blocks_recorded_separately_are_refused_as_a_join(tmp_path):
    # Found: a Nihon Kohden file of two data blocks (recording paused and resumed) was read as one
    # recording; MNE marks the join 'BAD boundary' (as it does for concatenated recordings).
    from tests.signal.filewriters import write_nihon

    data = 20 * np.random.default_rng(6).standard_normal((8, 2000))
    assert read_recording(write_nihon(tmp_path / "one.EEG", data, 200)).duration == pytest.approx(10)
    with pytest.raises(RecordingError, match=r"two.EEG: discontinuous recording: a join of separately recorded blocks "
                                             r"\('BAD boundary'\) at 9.99\d s"):
        read_recording(write_nihon(tmp_path / "two.EEG", data, 200, blocks=2))


@pytest.mark.parametrize("lost_s", [0.0, 3.0])
def test_an_xdf_sender_clock_reset_is_judged_on_the_synchronised_clock(tmp_path, lost_s):
    # The sender's clock restarts at 10 s halfway (a reboot); LabRecorder's clock offsets record it. On the
    # recorder's clock (pyxdf's synchronisation) the samples are continuous, or 3 s are missing.
    n, half = SFREQ * 60, SFREQ * 30
    i = np.arange(n)
    sender = np.where(i < half, 5000 + i / SFREQ, 10 + (i - half) / SFREQ)
    receiver = 1000 + i / SFREQ + np.where(i < half, 0.0, lost_s)
    offsets = tuple((sender[j], receiver[j] - sender[j]) for j in range(0, n, 2 * SFREQ))
    path = write_xdf(tmp_path / "reboot.xdf", _signal(60), SFREQ, LABELS, timestamps=sender, clock_offsets=offsets)
    if lost_s == 0:
        assert read_recording(path).duration == pytest.approx(60)
    else:
        with pytest.raises(RecordingError, match=r"reboot.xdf: discontinuous recording: .* jump forward 3 s \(a gap.* "
                                                 r"after 30.000 s of samples"):
            read_recording(path)


def test_an_xdf_eeg_stream_with_no_nominal_rate_is_called_irregular(tmp_path):
    path = write_xdf(tmp_path / "irregular.xdf", _signal(4), SFREQ, LABELS)
    path.write_bytes(path.read_bytes().replace(b"<nominal_srate>256</nominal_srate>",
                                               b"<nominal_srate>0.0</nominal_srate>"))  # the same width
    with pytest.raises(RecordingError, match=r"irregular.xdf: XDF file without a regularly sampled EEG stream; its "
                                             r"streams: 'TestAmp' \(EEG, nominal_srate 0: irregular\)"):
        read_recording(path)
