"""Minimal valid files of formats with no real example in ../shared/eeg, written from their specs.

- XDF: the chunk layout of the XDF 1.0 specification (magic, FileHeader, StreamHeader, Samples,
  StreamFooter chunks with variable-length sizes).
- Neuroscan CNT: the 900-byte SETUP header, 75-byte ELECTLOC records, multiplexed integer samples
  and an empty event table (the offsets MNE's reader uses, from P. Bourke's description).
- GDF 1.25, EGI simple binary and Nihon Kohden .EEG, from the layouts MNE's readers walk.
- OpenBCI GUI v5 and v4 text layouts.
- EDF (one-second records of int16), for signals longer or faster than the real examples.
"""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np


def _varlen(n: int) -> bytes:
    if n < 256:
        return bytes([1, n])
    if n < 2**32:
        return bytes([4]) + struct.pack("<I", n)
    return bytes([8]) + struct.pack("<Q", n)


def _chunk(tag: int, content: bytes) -> bytes:
    body = struct.pack("<H", tag) + content
    return _varlen(len(body)) + body


def write_xdf(path: Path, data_uv: np.ndarray, sfreq: float, labels: list[str], unit: str = "microvolts",
              stream_type: str = "EEG", extra_header_xml: str = "", t0: float = 1000.0,
              timestamps: np.ndarray | None = None,
              clock_offsets: tuple[tuple[float, float], ...] = ()) -> Path:
    """Write one float32 stream (channels x samples, in ``unit``) and a marker-free XDF file.

    Every sample carries its timestamp: ``timestamps`` (seconds) when given, else regular from ``t0``.
    ``clock_offsets`` are ClockOffset chunks, (collection time on the sender's clock, receiver's
    clock minus the sender's), as LabRecorder writes them every few seconds.
    """
    n_ch, n = data_uv.shape
    stamps = t0 + np.arange(n) / sfreq if timestamps is None else np.asarray(timestamps, dtype=float)
    channels = "".join(f"<channel><label>{lab}</label><unit>{unit}</unit><type>EEG</type></channel>"
                       for lab in labels)
    header = (f'<?xml version="1.0"?><info><name>TestAmp</name><type>{stream_type}</type>'
              f"<channel_count>{n_ch}</channel_count><nominal_srate>{sfreq}</nominal_srate>"
              f"<channel_format>float32</channel_format><source_id>test</source_id>"
              f"<created_at>{t0}</created_at><desc><channels>{channels}</channels>{extra_header_xml}</desc></info>")
    out = bytearray(b"XDF:")
    out += _chunk(1, b'<?xml version="1.0"?><info><version>1.0</version></info>')
    out += _chunk(2, struct.pack("<I", 1) + header.encode())
    for start in range(0, n, 500):
        block = data_uv[:, start : start + 500]
        samples = bytearray(_varlen(block.shape[1]))
        for i in range(block.shape[1]):
            samples += b"\x08" + struct.pack("<d", stamps[start + i])
            samples += block[:, i].astype("<f4").tobytes()
        out += _chunk(3, struct.pack("<I", 1) + bytes(samples))
    for collected, offset in clock_offsets:
        out += _chunk(4, struct.pack("<I", 1) + struct.pack("<dd", collected, offset))
    footer = (f'<?xml version="1.0"?><info><first_timestamp>{stamps[0]}</first_timestamp>'
              f"<last_timestamp>{stamps[-1]}</last_timestamp><sample_count>{n}</sample_count></info>")
    out += _chunk(6, struct.pack("<I", 1) + footer.encode())
    path.write_bytes(bytes(out))
    return path


def write_cnt(path: Path, data_uv: np.ndarray, sfreq: int, labels: list[str], width: int = 2,
              header_samples: int | None = None, patient: str = "Doe Jane") -> Path:
    """Write a Neuroscan CNT file; ``header_samples`` overrides the (possibly wrong) sample count.

    Samples are stored as integers in units of 1/204.8 µV × ... : with sensitivity 204.8 and
    calibration 1, one integer step is 1 µV (MNE scales by cal * sensitivity / 204.8 µV).
    """
    n_ch, n = data_uv.shape
    setup = bytearray(900)
    setup[0:12] = b"Version 3.0\x00"
    setup[21:26] = b"12345"
    setup[121 : 121 + len(patient)] = patient.encode()
    setup[225:235] = b"10/10/22\x00\x00"
    setup[235:247] = b"10:00:00\x00\x00\x00\x00"
    struct.pack_into("<H", setup, 370, n_ch)
    struct.pack_into("<H", setup, 376, sfreq)
    struct.pack_into("<i", setup, 864, n if header_samples is None else header_samples)
    data_offset = 900 + 75 * n_ch
    event_offset = data_offset + n * n_ch * width
    struct.pack_into("<i", setup, 886, event_offset)
    struct.pack_into("<f", setup, 890, 10.0)
    struct.pack_into("<i", setup, 894, 0)  # channel offset: multiplexed, one sample at a time
    electrodes = bytearray()
    for i, label in enumerate(labels):
        record = bytearray(75)
        record[0 : len(label)] = label.encode()
        struct.pack_into("<ff", record, 19, float(i % 5), float(i // 5))
        struct.pack_into("<h", record, 47, 0)
        struct.pack_into("<f", record, 59, 204.8)
        struct.pack_into("<f", record, 71, 1.0)
        electrodes += record
    dtype = "<i2" if width == 2 else "<i4"
    samples = np.rint(data_uv).astype(dtype).T.tobytes()  # sample-major: multiplexed
    teeg = struct.pack("<Bll", 2, 0, 0)
    path.write_bytes(bytes(setup) + bytes(electrodes) + samples + teeg)
    return path


def write_openbci(path: Path, data_uv: np.ndarray, sfreq: float, version: int = 5) -> Path:
    """Write an OpenBCI GUI export in the v5 layout (column row) or the v4 layout (none)."""
    n_ch, n = data_uv.shape
    lines = ["%OpenBCI Raw EEG Data", f"%Number of channels = {n_ch}", f"%Sample Rate = {sfreq:g} Hz"]
    if version == 5:
        lines.append("%Board = OpenBCI_GUI$BoardCytonSerial")
        columns = ["Sample Index", *(f"EXG Channel {i}" for i in range(n_ch)), "Accel Channel 0",
                   "Accel Channel 1", "Accel Channel 2", "Other", "Analog Channel 0", "Timestamp",
                   "Timestamp (Formatted)"]
        lines.append(", ".join(columns))
    else:
        lines += ["%First Column = SampleIndex", "%Last Column = Timestamp",
                  "%Other Columns = EEG data in microVolts followed by Accel Data (in G) interleaved with Aux Data"]
    for i in range(n):
        values = ", ".join(f"{v:.2f}" for v in data_uv[:, i])
        stamp = 1600000000 + i / sfreq
        tail = f", 0.0, 0.0, 0.0, 0, 0, {stamp:.3f}, 2020-09-13 12:26:{40 + i / sfreq:06.3f}"
        lines.append(f"{i % 256}, {values}{tail}")
    path.write_text("\n".join(lines) + "\n")
    return path


def write_gdf1(path: Path, data_uv: np.ndarray, sfreq: int, labels: list[str], patient: str = "P01 Jane_Doe",
               events: tuple[tuple[int, int], ...] = ()) -> Path:
    """Write a GDF 1.25 file: 256-byte fixed header, 256 bytes per channel, 1 s records of int16 µV.

    ``events`` are (sample, GDF event type) pairs for the event table (mode 1, positions 1-based).
    """
    n_ch, n = data_uv.shape
    n_records = n // sfreq
    fixed = bytearray()
    fixed += b"GDF 1.25"
    fixed += patient.encode().ljust(80)
    fixed += b"batikgen test".ljust(80)
    fixed += b"2022101010000000"
    fixed += struct.pack("<q", 256 + 256 * n_ch)
    fixed += bytes(24) + bytes(20)
    fixed += struct.pack("<q", n_records) + struct.pack("<II", 1, 1) + struct.pack("<I", n_ch)
    assert len(fixed) == 256
    variable = b"".join(label.encode().ljust(16) for label in labels)
    variable += b" " * 80 * n_ch + b"uV".ljust(8) * n_ch
    variable += struct.pack(f"<{n_ch}d", *[-32768.0] * n_ch) + struct.pack(f"<{n_ch}d", *[32767.0] * n_ch)
    variable += struct.pack(f"<{n_ch}q", *[-32768] * n_ch) + struct.pack(f"<{n_ch}q", *[32767] * n_ch)
    variable += b"HP: 0.1Hz LP: 100Hz".ljust(80) * n_ch
    variable += struct.pack(f"<{n_ch}i", *[sfreq] * n_ch) + struct.pack(f"<{n_ch}i", *[3] * n_ch)  # 3: int16
    variable += bytes(32 * n_ch)
    samples = np.rint(data_uv[:, : n_records * sfreq]).astype("<i2")
    records = samples.reshape(n_ch, n_records, sfreq).transpose(1, 0, 2).tobytes()
    table = bytes([1]) + struct.pack("<I", sfreq)[:3] + struct.pack("<I", len(events))
    table += b"".join(struct.pack("<I", at + 1) for at, _ in events) + b"".join(struct.pack("<H", t) for _, t in events)
    path.write_bytes(bytes(fixed) + variable + records + table)
    return path


def write_egi_raw(path: Path, data_uv: np.ndarray, sfreq: int) -> Path:
    """Write an EGI simple binary file: version 4 (continuous, float32), big-endian, no events."""
    n_ch, n = data_uv.shape
    header = struct.pack(">i6hi", 4, 2022, 10, 10, 10, 0, 0, 0)
    header += struct.pack(">5h", sfreq, n_ch, 1, 0, 0) + struct.pack(">ih", n, 0)  # bits, range 0: µV
    path.write_bytes(header + data_uv.T.astype(">f4").tobytes())
    return path


def write_nihon(path: Path, data_uv: np.ndarray, sfreq: int, device: bytes = b"EEG-1200A V01.00",
                blocks: int = 1) -> Path:
    """Write a Nihon Kohden .EEG file with one control block and one data block (no .PNT/.LOG/.21E).

    Layout as MNE's reader walks it: device string at 0 and at 0x81, the number of control blocks
    at 0x91 and their addresses from 0x92, a waveform mark 1 at 0x17FE; a control block holds its
    data blocks' addresses from +18; a data block has the rate at +0x1A, the duration in tenths of
    a second at +0x1C, the channel count at +0x26, 10-byte channel records from +0x27, then samples
    as offset-binary uint16, sample-major, with one extra (mark) channel. Channels take the default
    labels (FP1, FP2, F3, ...) by index; EEG spans -3200..3199.9 µV over 16 bits. ``blocks`` > 1
    writes the samples again as further data blocks (separately recorded stretches).
    """
    n_ch, n = data_uv.shape
    control, block = 0x1800, 0x1900
    out = bytearray(block + 0x27 + 10 * n_ch)
    out[0:16] = device
    out[0x81 : 0x81 + 16] = device
    out[0x91] = 1
    struct.pack_into("<I", out, 0x92, control)
    out[0x17FE] = 1
    out[control + 17] = 1
    struct.pack_into("<I", out, control + 18, block)
    struct.pack_into("<H", out, block + 0x1A, sfreq)
    struct.pack_into("<I", out, block + 0x1C, n * 10 // sfreq)
    out[block + 0x26] = n_ch
    for i in range(n_ch):
        out[block + 0x27 + 10 * i] = i
    cal = (3199.902 + 3200) / 65535
    digital = np.rint((data_uv - (-3200 + 32768 * cal)) / cal).astype(np.int64)
    stored = (np.vstack([digital, np.zeros((1, n), dtype=np.int64)]) - 0x8000) % 0x10000  # offset binary
    samples = stored.astype("<u2").T.tobytes()
    header = bytes(out[block:])  # the data block's header: rate, duration, channels
    out[control + 17] = blocks
    body = bytes(out) + samples
    for i in range(1, blocks):
        struct.pack_into("<I", out, control + 18 + 20 * i, len(body))
        body += header + samples
    path.write_bytes(bytes(out[:block]) + body[block:])
    return path


def write_edf(path: Path, data_uv: np.ndarray, sfreq: int, labels: list[str], range_uv: float = 3276.7) -> Path:
    """Write an EDF file: 1 s records of int16 samples spanning +-``range_uv`` µV (0.1 µV steps by default)."""
    n_ch, n = data_uv.shape
    records = n // sfreq
    header = (b"0".ljust(8) + b"X X X X".ljust(80) + b"Startdate X X X X".ljust(80) + b"01.01.20" + b"00.00.00"
              + str(256 * (n_ch + 1)).encode().ljust(8) + b"".ljust(44) + str(records).encode().ljust(8)
              + b"1".ljust(8) + str(n_ch).encode().ljust(4))
    fields = [[label.encode().ljust(16) for label in labels], [b"".ljust(80)] * n_ch, [b"uV".ljust(8)] * n_ch,
              [f"{-range_uv:g}".encode().ljust(8)] * n_ch, [f"{range_uv:g}".encode().ljust(8)] * n_ch,
              [b"-32767".ljust(8)] * n_ch, [b"32767".ljust(8)] * n_ch, [b"".ljust(80)] * n_ch,
              [str(sfreq).encode().ljust(8)] * n_ch, [b"".ljust(32)] * n_ch]
    header += b"".join(b"".join(field) for field in fields)
    digital = np.clip(np.rint(data_uv[:, : records * sfreq] * 32767 / range_uv), -32767, 32767).astype("<i2")
    path.write_bytes(header + digital.reshape(n_ch, records, sfreq).transpose(1, 0, 2).tobytes())
    return path
