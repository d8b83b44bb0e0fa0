"""Write the bundled sample recording: simulated EEG, 19 channels, 3 minutes, as EDF.

Deterministic: the seed is fixed, so running it again gives the same file. See
samples/eeg/README.md for what the signal contains.

Usage: python scripts/make_sample_eeg.py samples/eeg/simulated_eyes_closed.edf
"""

import sys
from pathlib import Path

import mne

from batikgen.signal.simulate import simulate_eeg


def main(path: str) -> None:
    raw = simulate_eeg(duration_s=180.0, sfreq=256.0, seed=20221010, eyes_closed=(70.0, 140.0))
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    mne.export.export_raw(path, raw, fmt="edf", physical_range="auto", overwrite=True, verbose="error")
    print(path)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
