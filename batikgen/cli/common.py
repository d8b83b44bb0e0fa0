"""The command group, and what every command shares: clean errors and progress on stderr."""

from __future__ import annotations

import functools
import importlib
import logging
import signal
import sys
from pathlib import Path

import click
from tqdm import tqdm

from .. import __version__
from ..errors import BatikgenError, OutputExistsError, ParameterError
from ..signal.isolation import isolate_risky_readers
from ._startup import _stop as _stop_while_starting

#: Exit status of a command stopped by Ctrl-C: 128 + SIGINT, as shells report it.
EXIT_INTERRUPTED = 130
#: Click 8.2+ shows a bare command's help through this usage error (8.1 has none: nothing to catch).
_NO_ARGS_IS_HELP = getattr(click.exceptions, "NoArgsIsHelpError", ())


def fail_cleanly(func):
    """Print BatikgenErrors as one line on stderr and exit 1; Ctrl-C as one line and exit 130.

    The library has already removed its temporary files by the time an error or the interrupt
    arrives here (outputs appear whole or not at all), so nothing is left to clean.
    """

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            # From here Ctrl-C unwinds (removing temporary files) and ends below; see cli/_startup.py.
            if signal.getsignal(signal.SIGINT) is _stop_while_starting:
                signal.signal(signal.SIGINT, signal.default_int_handler)
            # A reader crashing in native code must end as one line, not kill the command.
            isolate_risky_readers()
            return func(*args, **kwargs)
        except BatikgenError as exc:
            click.echo(f"batikgen: error: {exc}{cli_hint(exc)}", err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not print a traceback
            click.echo("batikgen: interrupted", err=True)
            sys.exit(EXIT_INTERRUPTED)

    return wrapper


def checked_by(check):
    """A click option callback: ``check(value)``, with a :class:`ParameterError` it raises turned into
    a usage error (exit 2, naming the option, like click's own checks); None passes unchecked."""

    def callback(ctx, param, value):
        if value is None:
            return None
        try:
            return check(value)
        except ParameterError as exc:
            raise click.BadParameter(str(exc)) from None

    return callback


def shown(path: Path) -> str:
    """``path`` as printed for the user: relative to the working directory when it lies inside it
    (as ``render`` prints the folder it was given), else as it is."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):  # outside the working directory, or no working directory left
        return str(path)


def progress_printer(enabled: bool):
    """Progress on stderr: on a terminal a bar per stage with its rate and time left (tqdm); in a
    log (stderr not a terminal) a plain line per tenth of each stage.

    Parameters
    ----------
    enabled : bool
        Show anything at all.

    Returns
    -------
    callable
        A :data:`batikgen.progress.Progress`.
    """
    interactive = sys.stderr.isatty()
    bars: dict[str, tqdm] = {}

    def progress(stage: str, done: int, total: int) -> None:
        if not enabled or total <= 0:
            return
        if interactive:
            bar = bars.get(stage)
            if bar is None or bar.disable:
                bar = bars[stage] = tqdm(total=total, desc=stage, file=sys.stderr, dynamic_ncols=True, leave=True)
            bar.total = total
            bar.update(done - bar.n)
            if done >= total:
                bar.close()
        elif done == total or done * 10 // total != (done - 1) * 10 // total:
            click.echo(f"{stage}: {done}/{total}", err=True)

    return progress


class _LogFormatter(logging.Formatter):
    """``batikgen: warning: ...`` for warnings, so they do not read as errors or as plain news."""

    def format(self, record: logging.LogRecord) -> str:
        kind = "warning: " if record.levelno == logging.WARNING else ""
        return f"batikgen: {kind}{record.getMessage()}"


class LazyGroup(click.Group):
    """A group whose commands are imported when first asked for.

    Each command lives in its own module (``batikgen/cli/<module>.py``) and registers itself on
    :func:`main` when imported. Importing them all up front costs seconds (MNE, scipy, skia, the
    exhibition runner), which ``batikgen batch`` paid on every no-op re-run and ``--version`` on
    every call; now a command pays only for what it uses.
    """

    #: The commands; each is defined in the module of this package with its name.
    lazy_commands = ("batch", "catalogue", "features", "gallery", "inspect", "motifs", "palettes", "render", "serve")

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.lazy_commands) | set(self.commands))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.commands and name in self.lazy_commands:
            importlib.import_module(f"{__package__}.{name}")  # registers itself on main
        return self.commands.get(name)

    def main(self, *args, standalone_mode: bool = True, **kwargs):
        """Click's main, with a usage error as one line on stderr (exit 2) like every other error,
        instead of click's usage, hint and message over four lines."""
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        try:
            result = super().main(*args, standalone_mode=False, **kwargs)
        except _NO_ARGS_IS_HELP as exc:  # a bare command: its help, as click shows it
            exc.show()
            sys.exit(exc.exit_code)
        except click.UsageError as exc:
            where = exc.ctx.command_path if exc.ctx is not None else "batikgen"
            click.echo(f"batikgen: error: {exc.format_message()} (see '{where} --help')", err=True)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except click.Abort:  # Ctrl-C or end of input while click itself was reading the command line
            click.echo("batikgen: interrupted", err=True)
            sys.exit(EXIT_INTERRUPTED)
        sys.exit(result if isinstance(result, int) else 0)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="batikgen")
@click.option("-v", "--verbose", count=True, help="More logging (-v info, -vv debug).")
@click.pass_context
def main(ctx: click.Context, verbose: int) -> None:
    """batikgen turns EEG recordings into batik cloth.

    Each recording becomes a cloth whose rows follow the recording in time, top to bottom: the brain
    rhythms of each stretch set the motif's traits within the rules (pakem) of the tradition.
    """
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_LogFormatter())
    logging.basicConfig(level=level, handlers=[handler])
    ctx.obj = {"verbose": verbose}


def cli_hint(exc: BatikgenError) -> str:
    """What the command line adds to a library error: the flag that answers it (the library's
    messages never name flags)."""
    return "; pass --overwrite to replace it" if isinstance(exc, OutputExistsError) else ""
