"""Progress: a bar only on a terminal; elsewhere a few plain log lines."""

import io
import logging

from app.progress import Progress


def test_without_a_terminal_it_logs_a_line_per_tenth_and_one_at_the_end(caplog):
    caplog.set_level(logging.INFO, logger="diplocal")
    with Progress("import", stream=io.StringIO()) as progress:
        progress.set_total(10_000)
        for _ in range(10_000):
            progress.update(created=1)
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 10
    assert lines[0].startswith("import: 1000/10000 rows (") and lines[0].endswith(" rows/s)")
    assert lines[-1].startswith("import: done, 10000/10000 rows")


def test_small_jobs_log_no_more_than_every_500_rows(caplog):
    caplog.set_level(logging.INFO, logger="diplocal")
    with Progress("seed", total=960, stream=io.StringIO()) as progress:
        for _ in range(960):
            progress.update()
    lines = [r.getMessage().split(" (")[0] for r in caplog.records]
    assert lines == ["seed: 500/960 rows", "seed: done, 960/960 rows"]


def test_on_a_terminal_it_draws_a_bar_with_counts_and_rate(caplog):
    caplog.set_level(logging.INFO, logger="diplocal")
    out = io.StringIO()
    with Progress("seed", total=3, stream=out, bar=True) as progress:
        for _ in range(3):
            progress.update(created=1)
    assert "seed: 100%" in out.getvalue() and "3/3" in out.getvalue()
    assert "rows/s" in out.getvalue() and "created=1" in out.getvalue()
    assert caplog.records == []
