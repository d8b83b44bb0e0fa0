"""How a batch shows itself: the live panel on a terminal, plain lines in a log, the tables."""

import io
import time
from pathlib import Path

from rich.console import Console

from batikgen.exhibition.display import LiveDisplay, LogDisplay, format_duration, summary_line, summary_table
from batikgen.exhibition.runner import BatchSummary


def console(terminal: bool) -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, force_terminal=terminal, width=120, color_system=None), out


def test_the_live_panel_shows_counts_stages_and_finished_pieces():
    term, out = console(True)
    display = LiveDisplay(term)
    display.begin("Show", 3, ["a", "b", "c"], "2 local processes")
    display.started("a")
    display.started("b")
    display.stage("a", "render 3/12")
    panel = "\n".join(line.plain for line in display._render().renderables)
    assert "Show: 3 pieces to make on 2 local processes" in panel
    assert "0 done · 0 failed · 3 remaining" in panel and "a: render 3/12" in panel and "b: starting" in panel
    time.sleep(0.05)
    display.finished("a", True, "", 4.2)
    display.finished("b", False, "the recording: not EEG", 1.0)
    panel = "\n".join(line.plain for line in display._render().renderables)
    assert "1 done · 1 failed · 1 remaining" in panel and "pieces/min" in panel and "left" in panel
    display.end(BatchSummary(exhibition_dir=Path("show")))
    text = out.getvalue()
    assert "done    a (4.2 s)" in text and "failed  b: the recording: not EEG" in text


def test_a_log_gets_one_plain_line_per_piece():
    plain, out = console(False)
    display = LogDisplay(plain)
    display.begin("Show", 2, ["a", "b"], "2 local processes")
    display.started("a")
    display.stage("a", "render 1/9")  # too chatty for a log: not written
    display.finished("a", True, "", 61.0)
    lines = out.getvalue().splitlines()
    assert lines[:2] == ["batch: Show: 2 of 2 pieces to make on 2 local processes", "batch: started a"]
    assert len(lines) == 3 and lines[2].startswith("batch: done a in 1 min 01 s (1 done · 0 failed · 1 remaining")
    assert "\x1b[" not in out.getvalue()


def test_summary_lists_every_piece_with_its_reason():
    summary = BatchSummary(exhibition_dir=Path("show"), rendered=["a"], skipped=["b"],
                           failed={"c": "took longer than the time limit of 10 s (while reading)"}, elapsed_s=75)
    plain, out = console(False)
    plain.print(summary_table(summary, []))
    text = out.getvalue()
    for part in ("a", "rendered", "b", "skipped", "c", "failed", "time limit of 10 s"):
        assert part in text
    assert summary_line(summary) == "1 rendered, 1 skipped (up to date), 1 failed in 1 min 15 s"
    assert (format_duration(None), format_duration(7322)) == ("-", "2 h 02 min")
