"""The README's walkthrough, pasted as a newcomer would: its lines, run in order with bash
against ``diplocal serve`` on a free port and a fresh database, must work as written."""

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

from tests.servers import running_service

README = Path(__file__).resolve().parent.parent / "README.md"


def walkthrough() -> str:
    text = README.read_text()
    block = re.search(r"<!-- walkthrough -->\n```sh\n(.*?)```\n<!-- /walkthrough -->", text, re.S)
    assert block, "README.md has no walkthrough between its markers"
    return block.group(1)


def test_every_variable_is_set_before_it_is_used():
    assigned: set[str] = set()
    for line in walkthrough().splitlines():
        used = set(re.findall(r"\$\{?([A-Z_]+)", line)) - {"HOME"}
        assert used <= assigned, f"{used - assigned} used before it is set: {line}"
        assigned |= set(re.findall(r"^([A-Z_]+)=", line))


def test_walkthrough_works_when_pasted(tmp_path, make_database):
    database_url = make_database(migrated=False)
    with running_service(database_url, tmp_path, env={"DIPLOCAL_SEED": "true"}) as service:
        script = walkthrough().replace("http://127.0.0.1:8000", service.url)
        # The README's .venv is this interpreter's environment, wherever the tests run from.
        script = script.replace(".venv/bin/", str(Path(sys.executable).parent) + "/")
        result = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", script],
            capture_output=True, text=True, timeout=120, cwd=tmp_path,
            env={**os.environ, "DIPLOCAL_DATABASE_URL": database_url},
        )  # fmt: skip
    assert result.returncode == 0, result.stderr + result.stdout
    out = result.stdout
    year = dt.date.today().year
    created = out[: out.index("BEGIN:VCALENDAR")]
    assert f"Reception: China and Peru, {year - 1971} years" in created
    assert '"milestone_id":null' not in created.replace(" ", "")
    feed = out[out.index("BEGIN:VCALENDAR") : out.index("END:VCALENDAR")]
    assert f"DTSTART;VALUE=DATE:{year}1102" in feed  # the anniversary of the 1971 ties
    # Unfolded (RFC 5545 §3.1), the comma escaped (§3.3.11); text=True turned CRLF into LF.
    assert f"SUMMARY:Reception: China and Peru\\, {year - 1971} years" in feed.replace("\n ", "")
    assert "/feeds/pairs/CN-PE.ics" in out and "webcal://" in out
    assert "calendar.google.com" in out
    assert f"Now open {service.url}/countries/PE in a browser" in out
