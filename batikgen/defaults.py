"""The settings a piece gets when nobody says otherwise, shared by the CLI, the batch and the service.

A module of plain constants, so that reading a manifest or a catalogue does not import the
pipeline (MNE, scipy, skia) just to learn what the defaults are.
"""

DEFAULT_DPI = 150
DEFAULT_MOTIF = "kawung"
DEFAULT_PALETTE = "sogan-yogya"
DEFAULT_CLOTH = "kain-panjang"
DEFAULT_BORDER = "line"
#: Resolution of a preview render: a quick look while iterating, PNG and the JPEG preview only.
PREVIEW_DPI = 40
#: A new render is drawn by hand (tulis); see docs/finish.md.
DEFAULT_FINISH = "tulis"
