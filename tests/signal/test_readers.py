"""Reading real recordings, refusing what is not a recording, and anonymising headers."""

import datetime as dt

import mne
import numpy as np
import pytest

from batikgen.errors import RecordingError
from batikgen.signal.channels import classify_label, clean_label
from batikgen.signal.plausibility import check_plausible
from batikgen.signal.readers import read_recording
from batikgen.signal.simulate import simulate_eeg
from tests.conftest import CORRUPT, READABLE, shared_file


@pytest.mark.parametrize("relative", sorted(READABLE))
def test_real_recordings_load_with_plausible_amplitudes(relative):
    recording = read_recording(shared_file(relative))
    assert recording.format == READABLE[relative]
    assert len(recording.ch_names) >= 3
    assert set(recording.raw.get_channel_types()) == {"eeg"}
    verdict = check_plausible(recording)
    # Real scalp EEG after a 1 Hz high-pass: a few to a few tens of µV (bp-std in the MANIFEST).
    assert 2 < verdict.median_sd_uv < 150
    assert len(recording.content_hash) == 64


def test_non_eeg_channels_are_dropped_with_reasons():
    recording = read_recording(shared_file("eeglab/eeglab_data.set"))
    assert "EOG1" in recording.dropped and "EOG2" in recording.dropped
    assert len(recording.ch_names) == 30
    clinical = read_recording(shared_file("edf/mnetd_chtypes_edf.edf"))
    assert "Fp1" in clinical.ch_names  # "EEG Fp1-Ref" cleaned to the standard name
    assert any("ecg" in reason for reason in clinical.dropped.values())
    assert "POL $A1" in clinical.dropped


def test_labels_are_cleaned_and_classified():
    assert clean_label("EEG Fp1-Ref") == "Fp1"
    assert clean_label("Fc5.") == "FC5"
    assert clean_label("POL O2") == "O2"
    assert classify_label("EOG1") == "eog"
    assert classify_label("Status") == "stim"
    assert classify_label("ECG ECG1") == "ecg"
    assert classify_label("Pz") == "eeg"


def test_corrupt_recording_is_refused_as_implausible():
    recording = read_recording(shared_file(CORRUPT))
    with pytest.raises(RecordingError, match=r"quixotte_S001R01_crlf.edf: implausible amplitudes .* median channel SD \d+ µV"):
        check_plausible(recording)


def test_missing_file_and_directory_are_refused(tmp_path):
    with pytest.raises(RecordingError, match=r"nope.edf: no such file"):
        read_recording(tmp_path / "nope.edf")
    with pytest.raises(RecordingError, match="is a directory"):
        read_recording(tmp_path)


def test_text_renamed_to_edf_is_refused(tmp_path):
    fake = tmp_path / "notes.edf"
    fake.write_text("this is a shopping list, not a recording\n" * 20)
    with pytest.raises(RecordingError, match=r"notes.edf: not a valid European Data Format"):
        read_recording(fake)


def test_empty_and_unknown_files_are_refused(tmp_path):
    empty = tmp_path / "empty.bdf"
    empty.write_bytes(b"")
    with pytest.raises(RecordingError, match="empty.bdf: the file is empty"):
        read_recording(empty)
    unknown = tmp_path / "data.xyz"
    unknown.write_bytes(b"\x01\x02\x03" * 100)
    with pytest.raises(RecordingError, match="unrecognised recording format; supported extensions: .edf") as refused:
        read_recording(unknown)
    listed = str(refused.value).split("supported extensions: ")[1].split(", ")
    assert ".csv" in listed and len(listed) == len(set(listed))  # several text formats claim .csv: named once


def test_content_sniffing_names_the_real_format(tmp_path, sample_path):
    renamed = tmp_path / "really_edf.bdf"
    renamed.write_bytes(sample_path.read_bytes())
    with pytest.raises(RecordingError, match="its content looks like European Data Format"):
        read_recording(renamed)


def test_patient_details_never_leave_the_signal_stage(tmp_path):
    raw = simulate_eeg(duration_s=10, seed=1)
    raw.info["subject_info"] = {"his_id": "Siti_Rahayu", "last_name": "Rahayu",
                                "birthday": dt.date(1990, 5, 17), "sex": 2}
    path = tmp_path / "patient.edf"
    mne.export.export_raw(path, raw, fmt="edf", physical_range="auto", verbose="error")
    assert b"Siti_Rahayu" in path.read_bytes()  # the header does hold the name
    recording = read_recording(path)
    info = recording.raw.info
    assert not info.get("subject_info") or "Rahayu" not in str(info["subject_info"])
    assert info["meas_date"] is None
    assert "Rahayu" not in str(recording.provenance())


def test_same_signal_gives_same_content_hash_across_formats(tmp_path):
    raw = simulate_eeg(duration_s=8, seed=3)
    edf, fif = tmp_path / "a.edf", tmp_path / "a_raw.fif"
    mne.export.export_raw(edf, raw, fmt="edf", physical_range="auto", verbose="error")
    from_edf = read_recording(edf)
    from_edf.raw.save(fif, verbose="error")  # FIF of exactly the EDF's samples
    from_fif = read_recording(fif)
    assert from_edf.file_sha256 != from_fif.file_sha256
    assert from_edf.content_hash == from_fif.content_hash
    changed = from_edf.raw.copy()
    changed._data[0, 0] += 1e-6
    from batikgen.signal.recording import content_hash
    assert content_hash(changed) != from_edf.content_hash


def test_flat_channel_is_dropped_not_fatal(tmp_path):
    raw = simulate_eeg(duration_s=20, seed=2)
    raw._data[3] = 0.0
    mne.export.export_raw(tmp_path / "flat.edf", raw, fmt="edf", physical_range="auto", verbose="error")
    recording = read_recording(tmp_path / "flat.edf")
    verdict = check_plausible(recording)
    assert verdict.flat_channels == ["F3"]
    assert "F3" not in recording.ch_names and "flat" in recording.dropped["F3"]


@pytest.mark.parametrize("factor, words", [(1e3, "corrupted samples or wrong units"), (1e-3, "wrong units or flat")])
def test_wrong_units_are_refused(tmp_path, factor, words):
    raw = simulate_eeg(duration_s=20, seed=4)
    raw._data *= factor  # as if the file stored mV as µV, or the other way round
    path = tmp_path / "units.fif"
    raw.save(path, verbose="error")
    with pytest.raises(RecordingError, match=words):
        check_plausible(read_recording(path))
    assert np.isfinite(raw._data).all()


def test_an_eeglab_dataset_cannot_lead_the_reader_out_of_its_folder(tmp_path):
    """EEG.data names the data file and MNE joins it to the .set's folder as it is: a crafted
    "../x.fdt" would read a file elsewhere (the service keeps uploads in folders of their own)."""
    import shutil

    import scipy.io

    source = shared_file("eeglab/eeglab_data.set")
    dataset = scipy.io.loadmat(source, appendmat=False)["EEG"]
    (tmp_path / "upload").mkdir()
    shutil.copy(source.with_suffix(".fdt"), tmp_path / "elsewhere.fdt")
    dataset["data"][0, 0] = "../elsewhere.fdt"
    scipy.io.savemat(tmp_path / "upload" / "rec.set", {"EEG": dataset}, appendmat=False)
    with pytest.raises(RecordingError, match=r"rec.set: the dataset names a data file outside its own folder"):
        read_recording(tmp_path / "upload" / "rec.set")
    # The same dataset naming its data file beside it reads.
    shutil.copy(source.with_suffix(".fdt"), tmp_path / "upload" / "beside.fdt")
    dataset["data"][0, 0] = "beside.fdt"
    scipy.io.savemat(tmp_path / "upload" / "rec.set", {"EEG": dataset}, appendmat=False)
    assert read_recording(tmp_path / "upload" / "rec.set").raw.info["sfreq"] == 128
