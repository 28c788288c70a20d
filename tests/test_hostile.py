"""Hostile text end to end: create, list, feed, download and import, and nothing breaks."""

import icalendar
import pytest

from tests.factories import RECEPTION

INJECTION = "x\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:injected\r\nUID:evil"
ACCEPTED = [
    "Ties; with, commas \\ and a lone backslash at the end\\",
    "\u200fمرحبا\u200f right-to-left and zero\u200bwidth\u200d joiners",
    "emoji 🇵🇪🇨🇳 👨\u200d👩\u200d👧 🎉",
    "中华人民共和国与秘鲁共和国建交五十周年 " * 20,
    "Línea uno\tcon tabulador",
]
REJECTED_TITLES = [
    "nul \x00 byte",
    "bell \x07",
    "x" * 10_000,
    "line\r\nbreak in a title",
]


def vevents(body: bytes) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(body).walk("VEVENT"))


@pytest.mark.parametrize("text", ACCEPTED)
def test_hostile_text_survives_every_path(client, auth, text):
    body = {**RECEPTION, "title": text.strip()[:500], "description": INJECTION + text}
    r = client.post("/api/v1/events", json=body, headers=auth)
    assert r.status_code == 201, r.text
    event = r.json()
    assert event["title"] == body["title"]
    assert event["description"] == body["description"].replace("\r\n", "\n")
    listed = client.get("/api/v1/events").json()["items"]
    assert [e["id"] for e in listed] == [event["id"]]

    feed = client.get("/feeds/pairs/CN-PE.ics?from=2021-11-01&to=2021-11-30&include=events")
    found = vevents(feed.content)
    assert len(found) == 1
    assert str(found[0]["SUMMARY"]) == body["title"]
    assert str(found[0]["DESCRIPTION"]).startswith(body["description"].replace("\r\n", "\n"))

    download = client.get(f"/api/v1/events/{event['id']}.ics").content
    imported = client.post(
        "/api/v1/events/import",
        content=download,
        headers={**auth, "Content-Type": "text/calendar"},
    )
    assert imported.status_code == 200, imported.text
    assert imported.json()["unchanged"] == 1  # the round trip loses nothing


@pytest.mark.parametrize("title", REJECTED_TITLES)
def test_text_that_cannot_be_a_title_is_a_422(client, auth, title):
    r = client.post("/api/v1/events", json={**RECEPTION, "title": title}, headers=auth)
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "title"
