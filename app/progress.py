"""Progress of long commands: a bar on a terminal, plain log lines everywhere else.

A bar's carriage returns turn a log file or a CI console into one unreadable line, so the bar
is drawn only when stderr is a terminal; otherwise a line is logged every tenth of the work,
but no more often than every 500 rows, and one at the end.
"""

import logging
import sys
import time
from typing import IO, Self

log = logging.getLogger("diplocal")


class Progress:
    def __init__(
        self,
        desc: str,
        total: int | None = None,
        *,
        unit: str = "rows",
        stream: IO[str] | None = None,
        bar: bool | None = None,
    ) -> None:
        stream = stream or sys.stderr
        self.desc, self.total, self.unit, self.count = desc, total, unit, 0
        self._started = time.monotonic()
        self._step = self._next_log = _log_step(total)
        self._bar = None
        self._closed = False
        if bar if bar is not None else stream.isatty():
            from tqdm import tqdm

            self._bar = tqdm(total=total, desc=desc, unit=f" {unit}", file=stream, leave=True)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def set_total(self, total: int) -> None:
        self.total = total
        self._step = self._next_log = _log_step(total)
        if self._bar is not None:
            self._bar.reset(total=total)

    def update(self, n: int = 1, **counts: int) -> None:
        """Advance by ``n``; ``counts`` (created=3, ...) show beside the bar."""
        self.count += n
        if self._bar is not None:
            if counts:
                self._bar.set_postfix(counts, refresh=False)
            self._bar.update(n)
        elif self.count >= self._next_log:
            self._next_log = (self.count // self._step + 1) * self._step
            if not self.total or self.count < self.total:  # the end has its own line
                log.info("%s: %s", self.desc, self._status())

    def _status(self) -> str:
        elapsed = max(time.monotonic() - self._started, 1e-9)
        done = f"{self.count}/{self.total}" if self.total else str(self.count)
        return f"{done} {self.unit} ({self.count / elapsed:,.0f} {self.unit}/s)"

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._bar is not None:
            self._bar.close()
        elif self.count:
            log.info("%s: done, %s", self.desc, self._status())


def _log_step(total: int | None) -> int:
    return max(500, -(-total // 10)) if total else 500
