"""The one error hierarchy of batikgen.

Every error a user can cause (a bad file, a bad parameter) is a :class:`BatikgenError`. Messages
name the file or parameter, what is allowed and what was given; the CLI prints them on one line
and exits with status 1. Anything else escaping the library is a bug.
"""


class BatikgenError(Exception):
    """Base class of every error a user can cause."""


class ParameterError(BatikgenError, ValueError):
    """A parameter is outside what is allowed."""


class RecordingError(BatikgenError):
    """A recording cannot be read or is not plausible EEG."""


class FeatureError(BatikgenError):
    """Features cannot be computed, saved or loaded."""


class PatternError(BatikgenError):
    """A motif, palette or plan is invalid."""


class MappingError(PatternError):
    """A mapping table is malformed: the message names the file, the key and what is allowed."""


class RenderError(BatikgenError):
    """An output cannot be rendered or written."""


class OutputExistsError(RenderError):
    """An output file exists and replacing it was not asked for (the CLI says how to ask)."""
