"""Write the bundled simulated recordings as EDF: the demo sample, and the example exhibition's.

Deterministic: every seed is fixed, so running it again gives the same files. See
samples/eeg/README.md and gallery/README.md for what the signals contain.

Usage:
    python scripts/make_sample_eeg.py samples/eeg/simulated_eyes_closed.edf
    python scripts/make_sample_eeg.py --exhibition gallery/recordings
"""

import sys
from pathlib import Path

import mne

from batikgen.signal.simulate import simulate_eeg

#: The example exhibition's four sitters: file name -> settings of simulate_eeg (19 channels,
#: 128 Hz, 90 s: about 440 kB of EDF each). Each has its own seed (World Mental Health Day + n).
EXHIBITION = {
    # Eyes closed throughout: strong posterior alpha, no blinks.
    "rest.edf": dict(seed=20221011, eyes_closed=(0.0, 90.0), alpha_closed_uv=26.0, background_uv=9.0),
    # Eyes close after a few seconds; moderate alpha with frontal-midline theta.
    "meditation.edf": dict(seed=20221012, eyes_closed=(6.0, 90.0), alpha_closed_uv=15.0, theta_uv=12.0,
                           background_uv=8.0),
    # Eyes open on a task: little alpha, fronto-central beta, regular blinks.
    "attention.edf": dict(seed=20221013, eyes_closed=None, alpha_open_uv=3.0, beta_uv=7.0, blink_interval_s=3.0),
    # Fidgeting: frequent large blinks, bursts of jaw and forehead muscle, a brief rest.
    "restless.edf": dict(seed=20221014, eyes_closed=(40.0, 52.0), alpha_open_uv=5.0, blink_interval_s=1.2,
                         blink_uv=160.0, emg_uv=25.0, background_uv=14.0),
}


def write_edf(path: Path, raw: mne.io.BaseRaw) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    mne.export.export_raw(path, raw, fmt="edf", physical_range="auto", overwrite=True, verbose="error")
    print(path)


def main(args: list[str]) -> None:
    if len(args) == 2 and args[0] == "--exhibition":
        for name, settings in EXHIBITION.items():
            write_edf(Path(args[1]) / name, simulate_eeg(duration_s=90.0, sfreq=128.0, **settings))
    elif len(args) == 1:
        write_edf(Path(args[0]), simulate_eeg(duration_s=180.0, sfreq=256.0, seed=20221010,
                                              eyes_closed=(70.0, 140.0)))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
