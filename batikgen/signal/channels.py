"""Recognise what a channel is from its label, and clean labels so standard montages apply.

Readers often type every channel as EEG; the labels usually say better (``EOG1``, ``EKG``,
``Status``, ``EEG Fp1-Ref``, ``Fc5.``).
"""

from __future__ import annotations

import logging
import re

import mne

log = logging.getLogger(__name__)

# Order matters: the first pattern that matches names the kind.
_NON_EEG_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("eog", re.compile(r"(^|[^a-z])(h|v|l|r)?eog|^(heog|veog)|^(loc|roc)$", re.I)),  # outer canthi
    ("ecg", re.compile(r"(^|[^a-z])(ecg|ekg)", re.I)),
    ("emg", re.compile(r"(^|[^a-z])emg", re.I)),
    ("respiration", re.compile(r"resp|breath|thor|abdo", re.I)),
    ("stim", re.compile(r"^(status|sti\s*\d*|stim\w*|trig\w*|markers?(\s+channel)?|marker\w*|event\w*"
                        r"|mark\w*|digital\b.*)$", re.I)),
    ("dc", re.compile(r"(^|[^a-z])dc\s*\d*$", re.I)),
    ("accelerometer", re.compile(r"^(acc|accel)\w*|^a[xyz]$|gyro", re.I)),
    ("aux", re.compile(r"(^|[^a-z])aux", re.I)),
    ("photic", re.compile(r"photic|light", re.I)),
    ("misc", re.compile(r"^(time\s*stamp\w*|timestamp.*|sample\s*index|counter|battery|packet\w*)$|^(spo2|pulse|pleth|temp|bp|hr|sound|snore|pos\w*)$|sao2|spo2|\$", re.I)),
]

_PREFIXES = re.compile(r"^(eeg|pol)\s+", re.I)
_REFERENCE_SUFFIX = re.compile(r"[-_ ]?(ref|le|ar|avg|a1|a2|m1|m2|cz)$", re.I)


def classify_label(label: str) -> str:
    """Return the channel kind a label names: ``"eeg"`` unless it matches a non-EEG pattern.

    Parameters
    ----------
    label : str
        The raw channel label.

    Returns
    -------
    str
        One of ``eeg``, ``eog``, ``ecg``, ``emg``, ``respiration``, ``stim``, ``dc``,
        ``accelerometer``, ``aux``, ``photic``, ``misc``.
    """
    text = label.strip()
    for kind, pattern in _NON_EEG_PATTERNS:
        if pattern.search(text):
            return kind
    return "eeg"


def clean_label(label: str) -> str:
    """Strip reader decoration so a label matches the standard 10-20/10-10 names.

    ``"EEG Fp1-Ref"`` -> ``"Fp1"``, ``"Fc5."`` -> ``"FC5"``, ``"POL O2"`` -> ``"O2"``.
    Labels that are not standard names come back stripped but otherwise unchanged.
    """
    text = _PREFIXES.sub("", label.strip()).strip(" .")
    standard = _standard_names()
    for candidate in (text, _REFERENCE_SUFFIX.sub("", text)):
        key = candidate.lower().rstrip(".")
        if key in standard:
            return standard[key]
    return text


def unique_labels(labels: list[str], path: object = "recording") -> list[str]:
    """Make cleaned labels unique: the second ``F1`` becomes ``F1 (2)``, with a warning naming it.

    Parameters
    ----------
    labels : list of str
        Cleaned labels, in channel order.
    path : path-like or str
        Named in the warning.

    Returns
    -------
    list of str
        The labels, each repeat marked with its occurrence number (never colliding with another label).
    """
    seen: dict[str, int] = {}
    taken = set(labels)
    result = []
    for label in labels:
        count = seen.get(label, 0) + 1
        seen[label] = count
        if count == 1:
            result.append(label)
            continue
        new = f"{label} ({count})"
        while new in taken:
            count += 1
            new = f"{label} ({count})"
        taken.add(new)
        result.append(new)
    repeated = sorted(label for label, count in seen.items() if count > 1)
    if repeated:
        log.warning("%s: channel label(s) %s appear more than once; repeats are named %s", path,
                    ", ".join(repeated), ", ".join(new for old, new in zip(labels, result) if old != new))
    return result


_STANDARD: dict[str, str] | None = None


def _standard_names() -> dict[str, str]:
    """Lower-case -> canonical spelling of the extended 10-20 channel names."""
    global _STANDARD  # a lazily built constant, not random state
    if _STANDARD is None:
        builtin = mne.channels.get_builtin_montages()
        # MNE 1.13 renamed standard_1005 to colin27_1005; accept either.
        name = "colin27_1005" if "colin27_1005" in builtin else "standard_1005"
        montage = mne.channels.make_standard_montage(name)
        _STANDARD = {name.lower(): name for name in montage.ch_names}
    return _STANDARD


def eeg_info(names: list[str], sfreq: float) -> mne.Info:
    """``mne.create_info`` for channels typed EEG, quiet about duplicate labels.

    MNE renames duplicates ``X-0``, ``X-1`` with a RuntimeWarning printed on the terminal; the
    reader's caller cleans the labels and names the duplicates in one warning of its own
    (:func:`unique_labels`), so MNE's is not shown.

    Parameters
    ----------
    names : list of str
        Channel labels as the file gives them.
    sfreq : float
        Sample rate in Hz.

    Returns
    -------
    mne.Info
    """
    import warnings

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Channel names are not unique", category=RuntimeWarning)
        return mne.create_info(list(names), sfreq, ch_types="eeg")
