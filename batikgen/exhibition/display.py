"""How a batch shows itself: a live display on a terminal, plain lines in a log, tables at the end.

Uses rich, which draws the live panel and the tables and falls back to plain text when the output
is not a terminal.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from rich.console import Console, Group
from rich.live import Live
from rich.table import Table
from rich.text import Text

from .records import PieceRecord
from .runner import BatchSummary


def format_duration(seconds: float | None) -> str:
    """``4.2 s``, ``3 min 05 s``, ``2 h 07 min``; a dash for None."""
    if seconds is None:
        return "-"
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(int(round(seconds)), 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


class _Tally:
    """Counts and rate shared by both displays."""

    def __init__(self) -> None:
        self.title, self.engine = "", ""
        self.todo: list[str] = []
        self.done = self.failed = 0
        self.started_at = time.monotonic()
        self.running: dict[str, tuple[str, float]] = {}

    def begin(self, title: str, total: int, todo: list[str], engine: str) -> None:
        self.title, self.todo, self.engine = title, list(todo), engine
        self.started_at = time.monotonic()

    @property
    def remaining(self) -> int:
        return len(self.todo) - self.done - self.failed

    def rate_and_eta(self) -> tuple[float | None, float | None]:
        finished = self.done + self.failed
        elapsed = time.monotonic() - self.started_at
        if not finished or elapsed <= 0:
            return None, None
        per_piece = elapsed / finished
        return 60.0 / per_piece, per_piece * self.remaining

    def headline(self) -> str:
        rate, eta = self.rate_and_eta()
        pace = f" · {rate:.1f} pieces/min · about {format_duration(eta)} left" if rate else ""
        return f"{self.done} done · {self.failed} failed · {self.remaining} remaining{pace}"


class LiveDisplay(_Tally):
    """A live panel on a terminal: the counts, rate and ETA, and each running piece's stage."""

    def __init__(self, console: Console | None = None) -> None:
        super().__init__()
        self.console = console or Console(stderr=True)
        self._live: Live | None = None

    def _render(self) -> Group:
        lines = [Text(f"{self.title}: {len(self.todo)} pieces to make on {self.engine}", style="bold"),
                 Text(self.headline())]
        for piece_id, (stage, since) in self.running.items():
            lines.append(Text(f"  {piece_id}: {stage} ({format_duration(time.monotonic() - since)})", style="cyan"))
        return Group(*lines)

    def begin(self, title: str, total: int, todo: list[str], engine: str) -> None:
        super().begin(title, total, todo, engine)
        self._live = Live(self._render(), console=self.console, refresh_per_second=4, transient=True,
                          get_renderable=self._render)
        self._live.start()

    def started(self, piece_id: str) -> None:
        self.running[piece_id] = ("starting", time.monotonic())

    def stage(self, piece_id: str, text: str) -> None:
        if piece_id in self.running:
            self.running[piece_id] = (text, self.running[piece_id][1])

    def finished(self, piece_id: str, ok: bool, detail: str, elapsed_s: float) -> None:
        self.running.pop(piece_id, None)
        if ok:
            self.done += 1
            line = Text(f"done    {piece_id} ({format_duration(elapsed_s)})", style="green")
        else:
            self.failed += 1
            line = Text(f"failed  {piece_id}: {detail}", style="red")
        if self._live is not None:
            self._live.console.print(line)

    def end(self, summary: BatchSummary) -> None:
        if self._live is not None:
            self._live.stop()
            self._live = None


class LogDisplay(_Tally):
    """Plain lines for logs: one when the batch begins, one per finished piece with the count."""

    def __init__(self, console: Console | None = None) -> None:
        super().__init__()
        self.console = console or Console(stderr=True, highlight=False, soft_wrap=True)

    def begin(self, title: str, total: int, todo: list[str], engine: str) -> None:
        super().begin(title, total, todo, engine)
        self.console.print(f"batch: {title}: {len(todo)} of {total} pieces to make on {engine}", markup=False)

    def started(self, piece_id: str) -> None:
        self.console.print(f"batch: started {piece_id}", markup=False)

    def stage(self, piece_id: str, text: str) -> None:
        pass  # stages change several times a second: too chatty for a log

    def finished(self, piece_id: str, ok: bool, detail: str, elapsed_s: float) -> None:
        if ok:
            self.done += 1
        else:
            self.failed += 1
        what = f"done {piece_id} in {format_duration(elapsed_s)}" if ok else f"failed {piece_id}: {detail}"
        self.console.print(f"batch: {what} ({self.headline()})", markup=False)

    def end(self, summary: BatchSummary) -> None:
        pass


def summary_table(summary: BatchSummary, records: Iterable[PieceRecord]) -> Table:
    """The end-of-run table: every piece of the run, what happened to it, its time or its reason."""
    table = Table(title=f"batch summary: {summary.exhibition_dir}", title_justify="left", show_lines=False)
    for column in ("piece", "result", "time", "reason or first output"):
        table.add_column(column, overflow="fold")
    by_id = {record.id: record for record in records}
    rows = [(i, "rendered", "green") for i in summary.rendered] + [(i, "skipped", "dim") for i in summary.skipped] \
        + [(i, "failed", "red") for i in summary.failed] + [(i, "pending", "yellow") for i in summary.pending]
    order = {record_id: n for n, record_id in enumerate(by_id)}
    for piece_id, result, style in sorted(rows, key=lambda row: order.get(row[0], len(order))):
        record = by_id.get(piece_id)
        if result == "failed":
            detail = summary.failed[piece_id]
        elif result == "pending":
            detail = summary.reasons.get(piece_id, "")
        else:
            first = next(iter(record.outputs.values()), None) if record else None
            detail = first.path if first else ""
        elapsed = record.elapsed_s if record is not None and result == "rendered" else None
        table.add_row(piece_id, Text(result, style=style), format_duration(elapsed) if elapsed else "", detail)
    return table


def summary_line(summary: BatchSummary) -> str:
    """One line: the counts and the total time."""
    parts = [f"{len(summary.rendered)} rendered", f"{len(summary.skipped)} skipped (up to date)",
             f"{len(summary.failed)} failed"]
    if summary.pending:
        parts.append(f"{len(summary.pending)} {'to make' if not summary.interrupted else 'left pending'}")
    stop = " (interrupted)" if summary.interrupted else ""
    return f"{', '.join(parts)} in {format_duration(summary.elapsed_s)}{stop}"


def status_table(title: str, records: Iterable[PieceRecord]) -> Table:
    """The catalogue as a table (``batikgen batch --status``)."""
    table = Table(title=title or "exhibition", title_justify="left")
    for column in ("piece", "title", "status", "style", "time", "error or outputs"):
        table.add_column(column, overflow="fold")
    styles = {"done": "green", "failed": "red", "running": "cyan", "pending": "yellow"}
    for record in records:
        status = record.status + (f" ({record.stage})" if record.stage else "")
        detail = record.error or (f"{len(record.outputs)} files in pieces/{record.id}/" if record.outputs else "")
        table.add_row(record.id, record.title, Text(status, style=styles.get(record.status, "")),
                      f"{record.motif} · {record.palette} · {record.cloth}",
                      format_duration(record.elapsed_s) if record.status == "done" else "", detail)
    return table
