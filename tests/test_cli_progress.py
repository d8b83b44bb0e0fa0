"""Progress: a bar with a rate on a terminal, plain lines in a log; render shows the signal stage too."""

import contextlib
import fcntl
import os
import pty
import struct
import termios

from click.testing import CliRunner

from batikgen.cli import main


def test_on_a_terminal_progress_is_a_bar_with_a_rate():
    from batikgen.cli.common import progress_printer

    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # a 100-column terminal
    try:
        with os.fdopen(terminal, "w", closefd=False) as tty, contextlib.redirect_stderr(tty):
            progress = progress_printer(True)  # stderr is a terminal now
            for i in range(1, 41):
                progress("band power", i, 40)
        os.set_blocking(controller, False)
        shown = b""
        with contextlib.suppress(BlockingIOError, OSError):
            while chunk := os.read(controller, 65536):
                shown += chunk
    finally:
        os.close(terminal)
        os.close(controller)
    text = shown.decode("utf-8", "replace")
    assert "band power" in text and "40/40" in text and "it/s" in text  # tqdm's counter and rate


def test_in_a_log_progress_is_plain_lines(capfd):
    from batikgen.cli.common import progress_printer

    progress = progress_printer(True)  # stderr here is a pipe, as in a log
    for i in range(1, 41):
        progress("band power", i, 40)
    assert capfd.readouterr().err.splitlines() == [f"band power: {4 * k}/40" for k in range(1, 11)]


def test_render_shows_the_signal_stage_and_the_render(tmp_path, sample_path):
    result = CliRunner().invoke(main, ["-v", "render", str(sample_path), "-o", str(tmp_path), "--preview", "--cloth", "A4"])
    assert result.exit_code == 0, result.output
    stages = {line.split(":")[0] for line in result.stderr.splitlines() if "/" in line and ": " in line}
    assert {"filtering", "band power", "render"} <= stages, result.stderr
