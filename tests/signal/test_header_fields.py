"""Finds of the field check (issue #13's unlisted cases): header fields that size, scale or time the
samples are checked by each reader and named when wrong; a file cut short in its header or its data is
refused in one line (never read as a shorter recording, never with a library's advice or warning)."""

import shutil
import warnings

import numpy as np
import pytest
import scipy.io

from batikgen.errors import RecordingError
from batikgen.signal.readers import read_recording
from tests.conftest import shared_file
from tests.signal.test_fuzz import API_ADVICE


def _copy(tmp_path, relative, *companions):
    source = shared_file(relative)
    for suffix in (source.suffix, *companions):
        shutil.copy(source.with_suffix(suffix), tmp_path / f"{source.stem}{suffix}")
    return tmp_path / source.name


def _refusal(path) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a numpy or MNE warning on the way is a failure too
        with pytest.raises(RecordingError) as caught:
            read_recording(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and "\n" not in message
    assert not any(words in message.lower() for words in API_ADVICE), message
    return message


@pytest.mark.parametrize(("relative", "cut", "words"), [
    # Found: a BDF cut in half was read as 4 s of the 10 s its header counts, an EDF missing its last
    # 7 bytes lost its last record; both analysed without a word.
    ("bdf/mnetd_test_bdf_stim_channel.bdf", 0.5, r"'number of data records' is 10 \(10 s\) but the file holds 4 whole"),
    ("edf/mnetd_chtypes_edf.edf", -7, r"'number of data records' is 5 \(5 s\) but the file holds 4 whole"),
])
def test_an_edf_or_bdf_cut_short_in_its_data_is_refused_naming_the_record_count(tmp_path, relative, cut, words):
    path = _copy(tmp_path, relative)
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * cut) if cut > 0 else len(data) + cut])
    assert f"{path}: file cut short: EDF header field" in _refusal(path)
    with pytest.raises(RecordingError, match=words):
        read_recording(path)


def test_an_openbci_export_cut_in_its_header_is_refused_without_a_numpy_warning(tmp_path):
    # Found: numpy's "loadtxt: input contained no data" UserWarning printed before the refusal.
    path = _copy(tmp_path, "csv/OpenBCI_GUI-v6-blinks-jawClench-alpha.txt")
    path.write_bytes(path.read_bytes()[:100])
    assert "OpenBCI export with no sample rows after its header" in _refusal(path)


def _brainvision(tmp_path, edit=lambda text: text):
    header = _copy(tmp_path, "brainvision/testbva.vhdr", ".vmrk", ".dat")
    header.write_text(edit(header.read_text(encoding="latin-1")), encoding="latin-1")
    return header


@pytest.mark.parametrize(("edit", "words"), [
    # Found: MNE's "Pass overrides={'sfreq': <value>} to read_raw_brainvision".
    (lambda t: t.split("[Common Infos]")[0], "without its [Common Infos] section"),
    (lambda t: t.replace("SamplingInterval=5000\n", ""), "has no SamplingInterval field in its [Common Infos]"),
    (lambda t: t.replace("SamplingInterval=5000", "SamplingInterval=-5000"), "field SamplingInterval is -5000 µs"),
    (lambda t: t.replace("SamplingInterval=5000", "SamplingInterval=fast"), "field SamplingInterval is 'fast', not"),
    # Found: a wrong NumberOfChannels or BinaryFormat read the samples at the wrong width.
    (lambda t: t.replace("NumberOfChannels=32", "NumberOfChannels=31"), r"not a whole number of samples of "
                                                                         r"NumberOfChannels=31 x BinaryFormat"),
    (lambda t: t.replace("NumberOfChannels=32", "NumberOfChannels=33"), "NumberOfChannels is 33 but [Channel Infos] "
                                                                         "has no entry Ch33"),
    (lambda t: t.replace("NumberOfChannels=32", "NumberOfChannels=0"), "NumberOfChannels is 0, expected 1-4096"),
    (lambda t: t.replace("IEEE_FLOAT_32", "IEEE_FLOAT_64"), "BinaryFormat is 'IEEE_FLOAT_64', expected one of"),
    (lambda t: t.replace("DataPoints=2112", "DataPoints=4224"), "data file cut short: BrainVision header field "
                                                                 "DataPoints is 4224 but the data file holds 2112"),
    (lambda t: t.replace("Ch1=Fp1,,", "Ch1=Fp1,,0"), "Ch1 ('Fp1') has resolution '0', expected the size of one step"),
    (lambda t: t.replace("Ch1=Fp1,,", "Ch1=Fp1,,1e30"), "Ch1 ('Fp1') has resolution '1e30'"),
])
def test_brainvision_header_fields_that_cannot_be_right_are_named(tmp_path, edit, words):
    assert words in _refusal(_brainvision(tmp_path, edit))


def test_a_brainvision_data_file_cut_short_is_refused(tmp_path):
    header = _brainvision(tmp_path)
    data = tmp_path / "testbva.dat"
    data.write_bytes(data.read_bytes()[:-7])
    assert "the data file holds 270329 bytes, not a whole number of samples" in _refusal(header)


def _eeglab(tmp_path, field=None, value=None):
    path = _copy(tmp_path, "eeglab/eeglab_data.set", ".fdt")
    if field:
        eeg = scipy.io.loadmat(path, appendmat=False)["EEG"]
        eeg[field][0, 0] = np.array([[value]])
        scipy.io.savemat(path, {"EEG": eeg}, appendmat=False)
    return path


@pytest.mark.parametrize(("field", "value", "words"), [
    # Found: MNE's "sfreq must be positive", "cannot convert float NaN to integer", "No data in this range",
    # "tmax should be greater than or equal to tmin", and a 'trials' of 0 called an epoched dataset.
    ("srate", 0, "EEGLAB .set field 'srate' is 0, expected a positive sample rate"),
    ("srate", np.nan, "EEGLAB .set field 'srate' is nan"),
    ("pnts", -5, "EEGLAB .set field 'pnts' is -5, expected a whole number"),
    ("trials", 0, "EEGLAB .set field 'trials' is 0"),
    # Found: a pnts of 1e12 was refused as a recording of 256,000 GB, one too few read silently.
    ("pnts", 1e12, "'pnts' (1,000,000,000,000) need 128,000,000,000,000 bytes of data, but its data file holds "
                   "30,504 points"),
    ("pnts", 30503, "'pnts' (30,503) need 3,904,384 bytes"),
])
def test_eeglab_fields_that_cannot_be_right_are_named(tmp_path, field, value, words):
    assert words in _refusal(_eeglab(tmp_path, field, value))


def test_an_eeglab_data_file_or_set_cut_short_is_refused(tmp_path):
    # Found: MNE's "Incorrect number of samples (...), please report this error to MNE-Python developers",
    # and scipy's "index out of range" for a .set cut short.
    path = _eeglab(tmp_path)
    data = path.with_suffix(".fdt")
    data.write_bytes(data.read_bytes()[: 32 * 4 * 1000])
    assert "its data file holds 1,000 points: the data file was cut short" in _refusal(path)
    path.write_bytes(path.read_bytes()[:100])
    assert "the .set (a MATLAB file) is damaged or cut short" in _refusal(path)


def _noise(sfreq, channels=4, seconds=10):
    return 10 * np.random.default_rng(5).standard_normal((channels, int(sfreq * seconds)))


def test_a_binary_header_rate_of_zero_is_named_not_divided_by(tmp_path):
    # Found: "float division by zero" from MNE's CNT and EGI readers.
    from tests.signal.filewriters import write_cnt, write_egi_raw

    cnt = write_cnt(tmp_path / "zero.cnt", _noise(256), 0, ["Fz", "Cz", "Pz", "Oz"])
    assert "sample rate 0 Hz (from the header field 'rate')" in _refusal(cnt)
    egi = write_egi_raw(tmp_path / "zero.raw", _noise(250, 8), 0)
    assert "sample rate 0 Hz (from the header field 'sampling rate')" in _refusal(egi)


@pytest.mark.parametrize(("rate", "words"), [
    # Found: '1e9' was read as 1 Hz; '0', '-250' and 'nan' were called a missing line.
    ("1e9", "sample rate 1e+09 Hz (from the header line '%Sample Rate')"),
    ("0", "OpenBCI header line '%Sample Rate' is '0 Hz', not a sample rate"),
    ("-250", "is '-250 Hz', not a sample rate"),
    ("nan", "is 'nan Hz', not a sample rate"),
])
def test_an_openbci_sample_rate_line_is_read_whole_and_named(tmp_path, rate, words):
    from tests.signal.filewriters import write_openbci

    path = write_openbci(tmp_path / "rate.txt", _noise(250), 250)
    path.write_text(path.read_text().replace("%Sample Rate = 250 Hz", f"%Sample Rate = {rate} Hz"))
    assert words in _refusal(path)


def test_a_gdf_without_data_records_is_named(tmp_path):
    # Found: MNE's "No data in this range".
    from tests.signal.filewriters import write_gdf1

    path = write_gdf1(tmp_path / "empty.gdf", _noise(256, seconds=0.5), 256, ["Fz", "Cz", "Pz", "Oz"])
    assert "GDF header field 'number of data records' is 0: the file holds no samples" in _refusal(path)


def test_a_fif_cut_short_says_so_in_a_recordings_terms(tmp_path):
    # Found: numpy's "cannot reshape array of size 166173 into shape (5000,67)".
    path = _copy(tmp_path, "fif/mnetd_bv_dig_raw.fif")
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    assert "the file holds fewer samples than its header says: it was cut short" in _refusal(path)


@pytest.mark.parametrize(("offset", "width", "text", "words"), [
    # Found: MNE's bare AssertionError for a header length of 0; a length off by 256 read shifted samples
    # (then blamed on a file cut short), and a wrong signal count was blamed on a signal's sample count.
    (184, 8, "0", "'number of bytes in header record' (0) and 'number of signals' (65) disagree"),
    (184, 8, "17152", "'number of bytes in header record' (17152) and 'number of signals' (65) disagree"),
    (252, 4, "1", "'number of bytes in header record' (16896) and 'number of signals' (1) disagree: 1 signals make "
                  "a header of 512 bytes"),
])
def test_edf_header_length_and_signal_count_must_agree(tmp_path, offset, width, text, words):
    path = _copy(tmp_path, "edf/mnetd_test_edf_overlapping_annotations.edf")
    data = bytearray(path.read_bytes())
    data[offset : offset + width] = text.encode().ljust(width)
    path.write_bytes(bytes(data))
    assert words in _refusal(path)


def test_duplicate_labels_in_xdf_and_muse_give_batikgens_warning_not_mnes(tmp_path, caplog):
    # Found: MNE's "RuntimeWarning: Channel names are not unique ... Applying running numbers" printed with a
    # source line from batikgen/signal/xdf.py (and textformats.py) before batikgen's own warning.
    from tests.signal.filewriters import write_xdf

    xdf = write_xdf(tmp_path / "dup.xdf", _noise(256), 256, ["Fz", "Fz", "Cz", "Pz"])
    lines = shared_file("csv/biopsykit_eeg_muse_example.csv").read_text().splitlines()
    muse = tmp_path / "dup.csv"
    muse.write_text("\n".join(["timestamps,TP9,TP9,AF8,TP10,Right AUX", *lines[1:3000]]) + "\n")
    for path, first in ((xdf, "Fz"), (muse, "TP9")):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            recording = read_recording(path)
        assert recording.ch_names[:2] == [first, f"{first} (2)"]
        assert f"channel label(s) {first} appear more than once" in caplog.text


def _put(path, offset, fmt, value):
    import struct

    data = bytearray(path.read_bytes())
    struct.pack_into(fmt, data, offset, value)
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize(("offset", "fmt", "value", "words"), [
    # Found: a channel count of 0 gave a message that was a traceback of MNE's, ending in its advice to
    # "use mne.io.read_raw_ant"; an event table offset of 0 gave MNE's "No data in this range".
    (370, "<H", 0, "Neuroscan CNT header field 'number of channels' is 0, expected 1-4096"),
    (370, "<H", 65535, "Neuroscan CNT header field 'number of channels' is 65535"),
    (886, "<i", 0, "Neuroscan CNT header field 'event table offset' is 0, outside the file's data"),
])
def test_neuroscan_cnt_header_fields_that_size_the_data_are_named(tmp_path, offset, fmt, value, words):
    from tests.signal.filewriters import write_cnt

    path = write_cnt(tmp_path / "rec.cnt", _noise(256), 256, ["Fz", "Cz", "Pz", "Oz"])
    assert words in _refusal(_put(path, offset, fmt, value))


@pytest.mark.parametrize(("offset", "fmt", "value", "words"), [
    # Found: "integer division or modulo by zero", "No data in this range", "negative dimensions are not allowed".
    (22, ">h", 0, "EGI header field 'number of channels' is 0, expected 1-4096"),
    (30, ">i", 0, "EGI header field 'number of samples' is 0: the file holds no samples"),
    (30, ">i", -5, "EGI header field 'number of samples' is -5"),
])
def test_egi_header_fields_that_size_the_data_are_named(tmp_path, offset, fmt, value, words):
    from tests.signal.filewriters import write_egi_raw

    path = write_egi_raw(tmp_path / "rec.raw", _noise(250, 8), 250)
    assert words in _refusal(_put(path, offset, fmt, value))


def test_describe_leaves_out_quoted_tracebacks_and_api_advice():
    from batikgen.signal.boundary import describe

    mne_cnt = RuntimeError('\n  File "/x/_utils.py", line 198, in _compute_robust_sizes\n    a = b / c\n        ^^^^^\n\n'
                           "ZeroDivisionError: integer division or modulo by zero\n\nWARNING: mne.io.read_raw_cnt "
                           "supports Neuroscan CNT files only. If this file is an ANT Neuro CNT, please use "
                           "mne.io.read_raw_ant instead.")
    assert describe(mne_cnt) == "ZeroDivisionError: integer division or modulo by zero"
    mne_bv = RuntimeError("Could not parse SamplingInterval from x.vhdr: No section: 'Common infos'. Pass "
                          "overrides={'sfreq': <value>} to read_raw_brainvision to supply it explicitly.")
    assert describe(mne_bv) == "Could not parse SamplingInterval from x.vhdr: No section: 'Common infos'."
    mne_picks = ValueError('picks (None, treated as "all") yielded no channels, consider passing picks explicitly')
    assert describe(mne_picks) == 'picks (None, treated as "all") yielded no channels'
    assert describe(KeyError("EEG Fp1")) == "KeyError 'EEG Fp1'" and describe(EOFError()) == "EOFError"


def test_a_fif_sample_rate_of_zero_is_named_not_divided_by(tmp_path):
    # Found: "float division by zero" from MNE's FIF reader.
    import struct

    import mne

    info = mne.create_info(["Fz", "Cz", "Pz", "Oz"], 256.0, "eeg")
    mne.io.RawArray(_noise(256) * 1e-6, info, verbose="error").save(tmp_path / "zero_raw.fif", verbose="error")
    path = tmp_path / "zero_raw.fif"
    data = path.read_bytes()
    at = data.find(struct.pack(">iii", 201, 4, 4))  # FIFF_SFREQ
    assert at > 0
    assert "sample rate 0 Hz (from the measurement info 'sfreq')" in _refusal(_put(path, at + 16, ">f", 0.0))


@pytest.mark.parametrize(("offset", "fmt", "value", "words"), [
    # Found: MNE's "sfreq must be positive", "No data in this range", "list index out of range", "index 0 is
    # out of bounds", a duration of 1e8 s refused for memory (not as the header it is), and a channel count
    # of 0 answered with MNE's advice to "consider passing picks explicitly".
    (0x1900 + 0x1A, "<H", 0, "sample rate 0 Hz (from the header field 'sampling rate')"),
    (0x1900 + 0x1C, "<I", 0, "Nihon Kohden data block 1: header field 'record duration' is 0"),
    (0x1900 + 0x1C, "<I", 10**9, "file cut short: Nihon Kohden data block 1's header fields 'record duration' (1e+08 s)"),
    (0x1900 + 0x26, "<B", 0, "Nihon Kohden data block 1: header field 'number of channels' is 0"),
    (0x91, "<B", 0, "Nihon Kohden header field 'number of control blocks' is 0"),
    (0x1800 + 17, "<B", 0, "Nihon Kohden header field 'number of data blocks' is 0"),
    (0x92, "<I", 10**9, "Nihon Kohden file cut short: its header points to byte 1000000017"),
])
def test_nihon_kohden_header_fields_that_locate_and_size_the_data_are_named(tmp_path, offset, fmt, value, words):
    from tests.signal.filewriters import write_nihon

    path = write_nihon(tmp_path / "rec.EEG", _noise(200, 8), 200)
    assert words in _refusal(_put(path, offset, fmt, value))


@pytest.mark.parametrize(("edit", "words"), [
    # Found: a DataFile of "../elsewhere.dat" or an absolute path was read from outside the header's folder
    # (the service keeps each upload in a folder of its own; EEGLAB's .fdt already had this rule).
    (lambda t: t.replace("DataFile=testbva.dat", "DataFile=../elsewhere.dat"), "DataFile names a file outside"),
    (lambda t: t.replace("DataFile=testbva.dat", "DataFile=/tmp/elsewhere.dat"), "DataFile names a file outside"),
    (lambda t: t.replace("MarkerFile=testbva.vmrk", "MarkerFile=../x.vmrk"), "MarkerFile names a file outside"),
    # Found: frequency-domain data was analysed as a recording; a missing data file was named by its full path.
    (lambda t: t.replace("DataType=TIMEDOMAIN", "DataType=FREQUENCYDOMAIN"), "DataType is 'FREQUENCYDOMAIN'"),
    (lambda t: t.replace("DataFile=testbva.dat", "DataFile=gone.dat"), "DataFile names 'gone.dat', which is not "
                                                                         "beside the header"),
])
def test_brainvision_header_names_only_files_beside_it_and_time_domain_data(tmp_path, edit, words):
    (tmp_path / "sub").mkdir()
    header = _brainvision(tmp_path / "sub", edit)
    shutil.copy(header.with_suffix(".dat"), tmp_path / "elsewhere.dat")
    assert words in _refusal(header)


#: GDF 1.25 as tests/signal/filewriters.py writes it, 4 signals: where each per-signal field's block starts.
_GDF_PMIN = 256 + (16 + 80 + 8) * 4
_GDF_DMIN = _GDF_PMIN + 16 * 4
_GDF_SPR = _GDF_DMIN + 16 * 4 + 80 * 4


@pytest.mark.parametrize(("offset", "fmt", "value", "words"), [
    # Found: "float division by zero", "tuple index out of range", "Reading multiple data types not supported",
    # "index 0 is out of bounds"; a signal with no samples or a zero scaling range was dropped as flat.
    (248, "<I", 0, "GDF header field 'duration of a data record' is 1/0 s"),
    (_GDF_SPR, "<i", 0, "GDF header field 'number of samples in each data record' of signal 1 ('Fz') is 0"),
    (_GDF_SPR + 16, "<i", 99, "GDF header field 'channel data type' of signal 1 ('Fz') is 99"),
    (_GDF_PMIN, "<d", 32767.0, "GDF header fields 'physical minimum' (32767) and 'physical maximum' (32767)"),
    (_GDF_DMIN, "<q", 32767, "GDF header fields 'digital minimum' (32767) and 'digital maximum' (32767)"),
    (236, "<q", 10**9, "file cut short: GDF header field 'number of data records' is 1000000000 but the file holds 10"),
])
def test_gdf_signal_fields_that_scale_and_size_the_samples_are_named(tmp_path, offset, fmt, value, words):
    from tests.signal.filewriters import write_gdf1

    path = write_gdf1(tmp_path / "rec.gdf", _noise(256), 256, ["Fz", "Cz", "Pz", "Oz"])
    assert words in _refusal(_put(path, offset, fmt, value))


@pytest.mark.parametrize("rows", [3, 5])
def test_an_eeglab_set_whose_samples_do_not_match_its_channel_list_is_refused(tmp_path, rows):
    # Found: samples stored in the .set with one row more than its channels were read with a row dropped;
    # one row fewer ended in "index 3 is out of bounds for axis 0 with size 3".
    from tests.signal.test_boundary import _write_set

    path = _write_set(tmp_path / "rows.set", trials=1)
    eeg = scipy.io.loadmat(path, appendmat=False)["EEG"]
    data = eeg["data"][0, 0]
    eeg["data"][0, 0] = np.vstack([data, data[:1]]) if rows > 4 else data[:rows]
    scipy.io.savemat(path, {"EEG": eeg}, appendmat=False)
    assert f"EEGLAB dataset whose samples ({rows} rows x 512 points) do not match its channel list (4)" in _refusal(path)


def test_an_eeglab_srate_that_is_text_is_shown_as_written(tmp_path):
    assert "EEGLAB .set field 'srate' is fast, expected a positive sample rate" in _refusal(_eeglab(tmp_path, "srate",
                                                                                                    "fast"))


@pytest.mark.parametrize("relative", ["csv/biopsykit_eeg_muse_example.csv",
                                      "csv/OpenBCI_GUI-v6-blinks-jawClench-alpha.txt"])
def test_a_text_export_cut_mid_line_says_it_was_cut_short(tmp_path, relative):
    path = _copy(tmp_path, relative)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    assert "fewer than the header's columns; it is the last line: the file was cut short" in _refusal(path)


def test_an_eeglab_set_in_matlab_v73_format_is_refused_in_batikgens_terms(tmp_path):
    # Found: scipy's "Please use HDF reader for matlab v7.3 files, e.g. h5py".
    header = b"MATLAB 7.3 MAT-file, Platform: GLNXA64, HDF5 schema 1.00 .".ljust(124) + b"\x00\x02IM"
    path = tmp_path / "v73.set"
    path.write_bytes(header.ljust(512, b"\x00") + b"\x89HDF\r\n\x1a\n" + bytes(1000))
    message = _refusal(path)
    assert "an EEGLAB dataset saved in MATLAB's v7.3 (HDF5) format, which batikgen does not read; save it again" in message
    assert "h5py" not in message
