"""Golden feeds: the canonical feeds, byte for byte, as a calendar app downloads them.

The data set (``tests/golden/dataset.json``, a ``diplocal export`` file with fixed ids and
timestamps, so UIDs, DTSTAMP and LAST-MODIFIED are fixed) goes in through the import endpoint
and the feeds come out through HTTP with explicit windows, so internal refactors cannot change
them unnoticed and cannot break the test either. CI also runs every golden file through the
real calendar clients (``.ci/run``).

After an intended change to the feeds, regenerate them and review the diff:

    UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_golden.py
"""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.auth import create_key
from app.config import Settings
from app.main import create_app
from app.models import Scope

GOLDEN = Path(__file__).parent / "golden"
RECEPTION = "00000000-0000-4000-8000-000000000101"
SEMINAR = "00000000-0000-4000-8000-000000000104"  # cancelled
# file name: (URL, VEVENTs a calendar app must see; .ci/run checks the real clients see them)
FEEDS = {
    # The 50th anniversary of China–Peru relations with its programme: a reception at 19:00 in
    # Lima, an online symposium in Shanghai time, a stamp issue, a cancelled seminar.
    "pair-CN-PE-2021.ics": ("/feeds/pairs/PE-CN.ics?from=2021-01-01&to=2021-12-31", 5),
    # Peru's bicentennial too: an emoji title and a long Chinese description, folded.
    "country-PE-2021.ics": ("/feeds/countries/PE.ics?from=2021-01-01&to=2021-12-31", 6),
    # A treaty of 29 February 1996: observed on 28 February in 2023, on the day in 2024;
    # right-to-left and zero-width characters and ;,\ in its title.
    "pair-CI-FR-leap-day.ics": ("/feeds/pairs/CI-FR.ics?from=2023-01-01&to=2024-12-31", 2),
    "all-2021.ics": ("/feeds/all.ics?from=2021-01-01&to=2021-12-31", 7),
    # The same pair in Chinese and in Arabic (right to left): titles, names, labels, the
    # calendar's name; the same UIDs as in English.
    "pair-CN-PE-2021-zh.ics": ("/feeds/pairs/CN-PE.ics?lang=zh&from=2021-01-01&to=2021-12-31", 5),
    "pair-CN-PE-2021-ar.ics": ("/feeds/pairs/CN-PE.ics?lang=ar&from=2021-01-01&to=2021-12-31", 5),
    # One timed event with its VTIMEZONE, as downloaded to add to a calendar.
    "event-reception.ics": (f"/api/v1/events/{RECEPTION}.ics", 1),
    "event-cancelled.ics": (f"/api/v1/events/{SEMINAR}.ics", 1),
}
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


@pytest.fixture(scope="module")
def served(databases) -> Iterator[dict[str, bytes]]:
    """Every golden feed, served once for the whole module (reading changes nothing)."""
    url = databases.create()
    try:
        with TestClient(create_app(Settings(database_url=url))) as client:
            with Session(client.app.state.engine) as session:
                key = create_key(session, "golden", Scope.admin)[1]
            r = client.post(
                "/api/v1/milestones/import",
                content=(GOLDEN / "dataset.json").read_bytes(),
                headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
            )
            assert r.status_code == 200, r.text
            bodies = {}
            for name, (path, _) in FEEDS.items():
                response = client.get(path)
                assert response.status_code == 200, response.text
                bodies[name] = response.content
        yield bodies
    finally:
        databases.drop(url)


@pytest.mark.parametrize("name", FEEDS)
def test_feed_matches_its_golden_file_byte_for_byte(served, name):
    golden = GOLDEN / name
    if UPDATE:
        golden.write_bytes(served[name])
    assert golden.exists(), f"{golden} is missing: UPDATE_GOLDEN=1 .venv/bin/pytest {__file__}"
    assert served[name] == golden.read_bytes(), (
        f"{name} changed; if intended: UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_golden.py"
    )


@pytest.mark.parametrize("name", FEEDS)
def test_golden_file_holds_the_events_a_calendar_must_show(name):
    body = (GOLDEN / name).read_bytes()
    assert body.count(b"\r\nBEGIN:VEVENT\r\n") == FEEDS[name][1]
    assert b"\r\nSUMMARY:injected" not in body  # the injection stays inside DESCRIPTION


def test_golden_files_pin_the_clock_and_the_pitfalls():
    pair = (GOLDEN / "pair-CN-PE-2021.ics").read_bytes()
    assert b"DTSTAMP:20210915T080000Z\r\n" in pair  # the ties' last change, not "now"
    assert b"SEQUENCE:2\r\n" in pair and b"STATUS:CANCELLED\r\n" in pair
    assert b"BEGIN:VTIMEZONE\r\nTZID:America/Lima\r\n" in pair
    assert b"TZID:Asia/Shanghai" in pair
    assert b"RRULE" not in pair
    leap = (GOLDEN / "pair-CI-FR-leap-day.ics").read_bytes()
    assert b"DTSTART;VALUE=DATE:20230228\r\n" in leap
    assert b"DTSTART;VALUE=DATE:20240229\r\n" in leap
    reception = (GOLDEN / "event-reception.ics").read_bytes()
    assert b"DTSTART;TZID=America/Lima:20211102T190000\r\n" in reception
    assert b"BEGIN:VTIMEZONE" in reception
    for name in FEEDS:
        lines = (GOLDEN / name).read_bytes().split(b"\r\n")
        assert all(len(line) <= 75 for line in lines), name  # folded, in octets
