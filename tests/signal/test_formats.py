"""Formats beyond the lab five: consumer CSV/text exports (real files), and XDF, CNT, GDF, EGI simple
binary, Nihon Kohden, OpenBCI v4/v5 and EGI MFF (files written here from the formats' specs or with mffpy's writer)."""

import datetime as dt
import logging

import mne
import numpy as np
import pytest

from batikgen.errors import FeatureError, RecordingError
from batikgen.pipeline import features_from_file
from batikgen.signal.features import BandFeatures
from batikgen.signal.mindmonitor import MIND_MONITOR_BANDS
from batikgen.signal.plausibility import check_plausible
from batikgen.signal.readers import read_precomputed_features, read_recording
from batikgen.signal.textformats import estimate_sfreq
from tests.conftest import shared_file
from tests.signal.filewriters import write_cnt, write_egi_raw, write_gdf1, write_nihon, write_openbci, write_xdf

MUSE = "csv/biopsykit_eeg_muse_example.csv"
OPENBCI = "csv/OpenBCI_GUI-v6-blinks-jawClench-alpha.txt"
MIND_MONITOR = "csv/museS_monitor1.csv"
LABELS = ["Fz", "Cz", "Pz", "Oz"]


def _signal(sfreq=256, seconds=12, seed=1):
    rng = np.random.default_rng(seed)
    t = np.arange(int(sfreq * seconds)) / sfreq
    return 20 * np.sin(2 * np.pi * 10 * t) + 8 * rng.standard_normal((len(LABELS), t.size))


def test_muse_csv_reads_at_256_hz_without_aux():
    recording = read_recording(shared_file(MUSE))
    assert recording.format == "muse"
    assert recording.sfreq == 256.0  # the median step of the ms-rounded stamps would say 250
    assert recording.ch_names == ["TP9", "AF7", "AF8", "TP10"]
    assert "aux" in recording.dropped["Right AUX"]
    assert 2 < check_plausible(recording).median_sd_uv < 100


def test_sample_rate_estimate_survives_rounding_and_dropouts():
    rng = np.random.default_rng(5)
    times = 1606398309.68 + np.arange(20000) / 256 + rng.uniform(0, 0.002, 20000)
    times[7000:] += 0.5  # a half-second dropout
    rounded = np.round(times, 3)
    assert 1 / np.median(np.diff(rounded)) == pytest.approx(250, abs=1)  # the naive answer is wrong
    assert estimate_sfreq(rounded) == 256.0
    odd = np.round(1000 + np.arange(5000) / 173.0, 3)  # not a nominal rate: not snapped
    assert estimate_sfreq(odd) == pytest.approx(173.0, rel=1e-3)
    with pytest.raises(RecordingError, match="timestamps do not advance"):
        estimate_sfreq(np.zeros(100), "flat.csv")


def test_openbci_v6_export_reads_with_dc_offsets_removed_by_the_high_pass():
    recording = read_recording(shared_file(OPENBCI))
    assert recording.format == "openbci" and recording.sfreq == 250.0
    assert len(recording.ch_names) == 8 and recording.duration == pytest.approx(90, abs=1)
    assert np.abs(recording.raw.get_data()).max() > 10e-3  # raw DC offsets of tens of mV
    verdict = check_plausible(recording)
    assert 2 < verdict.median_sd_uv < 300


@pytest.mark.parametrize("version", [4, 5])
def test_openbci_v4_and_v5_layouts(tmp_path, version):
    data = _signal(250)
    recording = read_recording(write_openbci(tmp_path / f"OpenBCI-RAW-v{version}.txt", data, 250, version))
    assert recording.format == "openbci" and recording.sfreq == 250
    assert recording.ch_names == [f"EXG Channel {i}" for i in range(4)]
    np.testing.assert_allclose(recording.raw.get_data() * 1e6, data, atol=0.006)


def test_mind_monitor_band_powers_become_features():
    path = shared_file(MIND_MONITOR)
    features = read_precomputed_features(path)
    assert isinstance(features, BandFeatures) and features.source["format"] == "mindmonitor"
    assert features.n_windows == 59 and features.params["step_s"] == pytest.approx(1.0, abs=0.01)
    assert features.band_names == list(MIND_MONITOR_BANDS) and features.ch_names == ["TP9", "AF7", "AF8", "TP10"]
    # Independently: the first row's Alpha_AF7 as written, un-logged, relative to its five bands.
    header, first = (line.split(",") for line in path.read_text().splitlines()[:2])
    row = dict(zip(header, first))
    powers = {band: 10 ** float(row[f"{band.title()}_AF7"]) for band in MIND_MONITOR_BANDS}
    assert features.absolute[0, 1, 2] == pytest.approx(powers["alpha"] * 1e-12, rel=1e-9)
    assert features.relative[0, 1, 2] == pytest.approx(powers["alpha"] / sum(powers.values()), rel=1e-9)
    np.testing.assert_allclose(features.relative.sum(axis=2), 1.0)
    assert "spectral_entropy" not in features.indices  # no spectrum behind these rows
    assert "frontal_alpha_asymmetry" in features.indices  # AF7/AF8
    assert features_from_file(path).source["content_hash"] == features.source["content_hash"]


def test_mind_monitor_is_not_passed_off_as_raw_eeg():
    with pytest.raises(RecordingError, match="holds precomputed band powers, not raw EEG"):
        read_recording(shared_file(MIND_MONITOR))
    with pytest.raises(RecordingError, match="holds raw EEG, not precomputed band powers"):
        read_precomputed_features(shared_file(MUSE))


def test_xdf_eeg_stream_reads_in_volts_without_leaking_subject(tmp_path):
    data = _signal(256)
    subject = "<subject><name>Siti Rahayu</name><birthday>1990-05-17</birthday></subject>"
    path = write_xdf(tmp_path / "session.xdf", data, 256, LABELS, extra_header_xml=subject)
    recording = read_recording(path)
    assert recording.format == "xdf" and recording.sfreq == 256 and recording.ch_names == LABELS
    np.testing.assert_allclose(recording.raw.get_data() * 1e6, data, atol=1e-4)  # float32 in the file
    assert "Rahayu" not in str(recording.raw.info) and "Rahayu" not in str(recording.provenance())
    millivolts = read_recording(write_xdf(tmp_path / "mv.xdf", data / 1000, 256, LABELS, unit="millivolts"))
    np.testing.assert_allclose(millivolts.raw.get_data(), recording.raw.get_data(), rtol=1e-5, atol=1e-12)


def test_xdf_without_eeg_stream_is_refused(tmp_path):
    path = write_xdf(tmp_path / "motion.xdf", _signal(100), 100, LABELS, stream_type="Mocap")
    with pytest.raises(RecordingError, match=r"motion.xdf: XDF file without a regularly sampled EEG stream; "
                                             r"its streams: 'TestAmp' \(Mocap\)"):
        read_recording(path)


@pytest.mark.parametrize("width", [2, 4])
@pytest.mark.parametrize("header_samples", [None, 0, 7, 99999, "half", "double"])
def test_neuroscan_cnt_reads_even_with_a_wrong_header_sample_count(tmp_path, width, header_samples):
    data = _signal(256)
    # Half or double the true count is the treacherous case: it fits the other sample width exactly.
    header_samples = {"half": data.shape[1] // 2, "double": data.shape[1] * 2}.get(header_samples, header_samples)
    path = write_cnt(tmp_path / "rec.cnt", data, 256, LABELS, width=width, header_samples=header_samples)
    recording = read_recording(path)
    assert recording.format == "cnt" and recording.sfreq == 256 and recording.ch_names == LABELS
    np.testing.assert_allclose(recording.raw.get_data() * 1e6, np.rint(data), atol=1e-3)
    assert "Jane" not in str(recording.raw.info["subject_info"])  # the header's patient name


def test_egi_mff_folder_reads(tmp_path):
    mffpy = pytest.importorskip("mffpy")
    from mffpy.bin_writer import BinWriter

    rng = np.random.default_rng(2)
    data = (15 * rng.standard_normal((33, 250 * 10))).astype(np.float32)  # µV, 32 EEG + reference
    binary = BinWriter(sampling_rate=250, data_type="EEG")
    binary.add_block(data)
    writer = mffpy.Writer(str(tmp_path / "rec.mff"))
    writer.addxml("fileInfo", recordTime=dt.datetime(2022, 10, 10, tzinfo=dt.timezone.utc))
    writer.add_coordinates_and_sensor_layout("HydroCel GSN 32 1.0")
    writer.addbin(binary)
    writer.write()
    recording = read_recording(tmp_path / "rec.mff")
    assert recording.format == "mff" and recording.sfreq == 250 and len(recording.ch_names) >= 32
    assert 10 < check_plausible(recording).median_sd_uv < 20


@pytest.mark.parametrize("name, content, message", [
    ("notes.csv", "date,shopping\n2024-01-01,rice\n", r"notes.csv: not a valid muse-lsl raw CSV .* or Mind Monitor CSV .* or OpenBCI"),
    ("x.xdf", "XDX:" + "0" * 300, r"x.xdf: not a valid XDF"),
    ("x.cnt", "RIFF" + "0" * 600, r"x.cnt: not a valid Neuroscan continuous .* looks like an ANT Neuro CNT"),
    ("log.txt", "just a log\n" * 50, r"log.txt: not a valid OpenBCI GUI text export"),
])
def test_files_that_are_not_recordings_are_refused(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(RecordingError, match=message):
        read_recording(path)


def test_brainvision_binary_passed_instead_of_header_gets_a_hint(tmp_path):
    (tmp_path / "rec.vhdr").write_text("Brain Vision Data Exchange Header File Version 1.0\n")
    (tmp_path / "rec.eeg").write_bytes(b"\x00\x01" * 400)
    with pytest.raises(RecordingError, match="pass the header file rec.vhdr"):
        read_recording(tmp_path / "rec.eeg")


def test_non_eeg_channels_recognised_by_their_values(tmp_path):
    raw = mne.io.RawArray(_signal(256, 20) * 1e-6, mne.create_info(LABELS, 256, "eeg"), verbose="error")
    extra = np.zeros((2, raw.n_times))
    extra[0, ::512] = 5e-6  # a trigger line: two levels, labelled like EEG
    extra[1] = 0.5 + 0.01 * np.sin(np.arange(raw.n_times) / 50)  # a DC channel in volts
    info = mne.create_info(["E1", "E2"], 256, "eeg")
    raw.add_channels([mne.io.RawArray(extra, info, verbose="error")], force_update_info=True)
    raw.save(tmp_path / "mixed_raw.fif", verbose="error")
    recording = read_recording(tmp_path / "mixed_raw.fif")
    check_plausible(recording)
    assert recording.ch_names == LABELS
    assert "marker" in recording.dropped["E1"] and "far beyond EEG" in recording.dropped["E2"]


def test_leading_all_zero_rows_are_dropped_with_a_warning(tmp_path, caplog):
    data = _signal(256, 12)
    data[:, :300] = 0.0
    path = write_xdf(tmp_path / "late_start.xdf", data, 256, LABELS)
    with caplog.at_level(logging.WARNING, logger="batikgen"):
        recording = read_recording(path)
    assert recording.raw.n_times == data.shape[1] - 300
    assert "dropping 300 leading all-zero samples" in caplog.text


def test_recording_with_no_eeg_is_refused(tmp_path):
    info = mne.create_info(["EOG1", "ECG", "Status"], 256, "eeg")
    mne.io.RawArray(_signal(256, 10)[:3] * 1e-6, info, verbose="error").save(tmp_path / "noeeg_raw.fif",
                                                                               verbose="error")
    with pytest.raises(RecordingError, match=r"noeeg_raw.fif: no EEG channel left after dropping 3"):
        read_recording(tmp_path / "noeeg_raw.fif")


def test_gdf_reads_and_drops_the_patient_name(tmp_path):
    data = _signal(256)
    recording = read_recording(write_gdf1(tmp_path / "rec.gdf", data, 256, LABELS, patient="P01 Jane_Doe"))
    assert recording.format == "gdf" and recording.sfreq == 256 and recording.ch_names == LABELS
    np.testing.assert_allclose(recording.raw.get_data() * 1e6, np.rint(data), atol=1e-3)
    assert "Jane" not in str(recording.raw.info["subject_info"])


def test_egi_simple_binary_reads(tmp_path):
    data = _signal(250)
    recording = read_recording(write_egi_raw(tmp_path / "rec.raw", data, 250))
    assert recording.format == "egi" and recording.sfreq == 250 and len(recording.ch_names) == 4
    np.testing.assert_allclose(recording.raw.get_data() * 1e6, data, atol=1e-4)


def test_nihon_kohden_reads_and_a_truncated_one_is_refused(tmp_path):
    data = _signal(200)
    recording = read_recording(write_nihon(tmp_path / "PATIENT.EEG", data, 200))
    assert recording.format == "nihon" and recording.sfreq == 200
    assert recording.ch_names == ["Fp1", "Fp2", "F3", "F4"]  # NK's default labels, cleaned
    np.testing.assert_allclose(recording.raw.get_data() * 1e6, data, atol=0.05)  # 16 bits over ±3200 µV
    truncated = tmp_path / "SHORT.EEG"
    truncated.write_bytes((tmp_path / "PATIENT.EEG").read_bytes()[:0x1000])
    with pytest.raises(RecordingError, match=r"SHORT.EEG: Nihon Kohden file cut short: its header points to byte"):
        read_recording(truncated)


@pytest.mark.parametrize("label, kind", [
    ("Marker Channel", "stim"), ("STI 014", "stim"), ("Digital Channel 0 (D11)", "stim"), ("TRIGGER", "stim"),
    ("Timestamp (Formatted)", "misc"), ("Sample Index", "misc"), ("LOC", "eog"), ("VEOGL", "eog"),
    ("EMG chin", "emg"), ("Resp", "respiration"), ("POL DC01", "dc"), ("Accel Channel 0", "accelerometer"),
    ("Gyro_X", "accelerometer"), ("Right AUX", "aux"), ("EKG", "ecg"),
    ("Fp1", "eeg"), ("TP10", "eeg"), ("EXG Channel 3", "eeg"), ("Iz", "eeg"), ("E17", "eeg"), ("T3", "eeg"),
])
def test_channel_kinds_from_labels(label, kind):
    from batikgen.signal.channels import classify_label

    assert classify_label(label) == kind


#: What MANIFEST.md requires of the shared files that are not simply read and analysed: the
#: exception and message of a refusal, or what the features must show.
FIELD = "field/"
REFUSED = {
    "corrupt/quixotte_S001R01_crlf.edf": (RecordingError, "implausible amplitudes"),
    # EDF+D: records 30-59 are stamped 300 s later; never analysed as one continuous minute.
    "field/edfplus_d_gap300s.edf": (RecordingError, r"discontinuous EDF\+D recording: a gap of 300 s between 30 s "
                                                    r"and 330 s"),
    # 1 s long: too short for the 4 s window, and inspect must say so too (see test_cli_signal).
    "field/test_old_layout_latin1_software_filter.vhdr": (FeatureError, r"1.00 s long, shorter than the 4 s analysis"),
}
ANALYSED = {
    # Millisecond timestamps recognised from their step: 256 Hz, 10 s, not 0.256 Hz for 10,000 s.
    "field/muse_ms_timestamps_10s.csv": dict(sfreq_hz=256.0, duration_s=(9.9, 10.1), channels=["TP9", "AF7", "AF8", "TP10"]),
    # Labels cleaned first, then the repeat marked: not F1-Ref-0, F2, F1-Ref-1.
    "field/duplicate_channel_labels.edf": dict(sfreq_hz=250.0, duration_s=(9.9, 10.1), channels=["F1", "F2", "F1 (2)"]),
}


def _shared_main_files(root):
    """Every file a user would pass: not the companions a header file names (.fdt, .vmrk, .dat, a
    BrainVision .eeg beside its .vhdr) nor the manifest."""
    companions = {".fdt", ".vmrk", ".dat", ".md"}
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() not in companions
                  and not (p.suffix.lower() == ".eeg" and p.with_suffix(".vhdr").exists()))


def test_every_shared_recording_gives_features_or_is_refused_as_the_manifest_says():
    """Whatever lies in ../shared/eeg: each main file yields plausible features, except those the
    manifest says must be refused, each with its own message."""
    from batikgen.signal.analyse import features_from_path

    root = shared_file("MANIFEST.md").parent
    files = _shared_main_files(root)
    relatives = {str(path.relative_to(root)) for path in files}
    assert set(REFUSED) | set(ANALYSED) <= relatives, "a file the manifest describes is missing"
    assert len(files) >= 14
    for path in files:
        relative = str(path.relative_to(root))
        if relative in REFUSED:
            error, message = REFUSED[relative]
            with pytest.raises(error, match=message) as caught:
                features_from_path(path)
            assert str(caught.value).startswith(f"{path}: ") and "\n" not in str(caught.value), relative
            continue
        window = 0.5 if "bv_dig" in relative else 4.0  # the FIF recording lasts 1 s
        features = features_from_path(path, window_s=window, step_s=window / 2)
        assert features.n_windows >= 1 and np.isfinite(features.relative).all(), relative
        np.testing.assert_allclose(features.relative.sum(axis=2) <= 1 + 1e-9, True, err_msg=relative)
        assert features.source["content_hash"], relative
        if relative in ANALYSED:
            want = ANALYSED[relative]
            assert features.source["sfreq_hz"] == want["sfreq_hz"], relative
            low, high = want["duration_s"]
            assert low <= features.source["duration_s"] <= high, relative
            assert features.source["channels"] == want["channels"], relative


def test_duplicate_labels_are_cleaned_then_marked_with_a_warning(caplog):
    path = shared_file("field/duplicate_channel_labels.edf")
    with caplog.at_level(logging.WARNING):
        recording = read_recording(path)
    assert recording.ch_names == ["F1", "F2", "F1 (2)"]
    assert any("F1 appear more than once" in r.getMessage() and "F1 (2)" in r.getMessage() for r in caplog.records)
    # The two F1 channels keep their own samples, in file order.
    raw = mne.io.read_raw_edf(path, preload=True, verbose="error")
    np.testing.assert_array_equal(recording.raw.get_data(), raw.get_data())


def test_muse_timestamps_in_ms_or_us_are_recognised_and_impossible_steps_refused():
    seconds = np.round(1606398309.68 + np.arange(4000) / 256, 3)
    assert estimate_sfreq(seconds) == 256.0
    assert estimate_sfreq(np.round(seconds * 1000)) == 256.0  # BlueMuse: milliseconds
    assert estimate_sfreq(seconds * 1e6) == 256.0  # microseconds
    # 33 Hz in seconds, 33 kHz in milliseconds: no EEG in any unit, refused with the step.
    with pytest.raises(RecordingError, match=r"odd.csv: timestamps advance by 0.03 a sample, which is no EEG sample "
                                             r"rate in any unit \(33.33 Hz in s, 3.333e\+04 Hz in ms"):
        estimate_sfreq(np.arange(100) * 0.03 + 5, "odd.csv")


def test_muse_csv_with_an_extra_marker_column_is_read(tmp_path):
    path = shared_file(MUSE)
    lines = path.read_text().splitlines()
    unnamed = tmp_path / "unnamed.csv"  # an unnamed column, empty except where a marker was set
    unnamed.write_text("\n".join([lines[0] + ","] + [line + ("," if i % 500 else ",1") for i, line in
                                                      enumerate(lines[1:])]) + "\n")
    named = tmp_path / "named.csv"  # muse-lsl's own Marker0 column
    named.write_text("\n".join([lines[0] + ",Marker0"] + [line + ",0" for line in lines[1:]]) + "\n")
    plain = read_recording(path)
    for marked in (unnamed, named):
        recording = read_recording(marked)
        assert recording.ch_names == plain.ch_names and recording.sfreq == 256.0
        np.testing.assert_array_equal(recording.raw.get_data(), plain.raw.get_data())


def test_muse_csv_with_a_bad_value_names_the_line(tmp_path):
    lines = shared_file(MUSE).read_text().splitlines()
    lines[41] = lines[41].replace(",", ",abc", 1)
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(RecordingError, match=r"bad.csv: a muse-lsl CSV whose samples cannot be read: line 42, "
                                             r"column 2: '.*abc.*' is not a number$"):
        read_recording(path)


def test_non_finite_samples_are_refused(tmp_path):
    data = _signal(256, 10)
    data[2, 100:110] = np.nan
    with pytest.raises(RecordingError, match=r"gaps.xdf: 10 samples are NaN or infinite \(in Pz\)"):
        read_recording(write_xdf(tmp_path / "gaps.xdf", data, 256, LABELS))


def test_a_single_leading_zero_sample_is_dropped_without_a_warning(tmp_path, caplog):
    # Found: a sine that starts at 0 in every channel printed "dropping 1 leading all-zero samples (0.00 s)".
    data = _signal(256, 12)
    data[:, 0] = 0.0
    with caplog.at_level(logging.INFO, logger="batikgen"):
        recording = read_recording(write_xdf(tmp_path / "sine.xdf", data, 256, LABELS))
    assert recording.raw.n_times == data.shape[1] - 1
    assert [r.levelno for r in caplog.records if "leading all-zero" in r.getMessage()] == [logging.INFO]
