"""Events in feeds, downloads and imports, as a calendar app and a planner see them."""

import datetime as dt
import zoneinfo

import icalendar

from tests.factories import make_event, make_milestone
from tests.test_events_api import STAMP, SYMPOSIUM

WINDOW = "from=2021-01-01&to=2021-12-31"
LIMA = zoneinfo.ZoneInfo("America/Lima")


def vevents(body: bytes) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(body).walk("VEVENT"))


def programme(session):
    ties = make_milestone(session)
    reception = make_event(session, milestone_id=ties.id, year=2021)
    symposium = make_event(session, **SYMPOSIUM, milestone_id=ties.id)
    stamp = make_event(session, **STAMP)
    seminar = make_event(
        session, title="Seminar on trade", kind="seminar", status="cancelled",
        starts_at="2021-11-04T10:00:00", ends_at="2021-11-04T12:00:00",
    )  # fmt: skip
    return ties, reception, symposium, stamp, seminar


def test_pair_feed_shows_events_next_to_the_anniversary(client, session):
    ties, reception, symposium, stamp, seminar = programme(session)
    r = client.get(f"/feeds/pairs/CN-PE.ics?{WINDOW}")
    cal = icalendar.Calendar.from_ical(r.content)
    found = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    assert len(found) == 5  # the anniversary and four events
    party = found[reception.uid]
    assert party.decoded("DTSTART") == dt.datetime(2021, 11, 2, 19, 0, tzinfo=LIMA)
    assert party["DTSTART"].params["TZID"] == "America/Lima"
    assert party.decoded("DTEND") == dt.datetime(2021, 11, 2, 22, 0, tzinfo=LIMA)
    assert str(party["LOCATION"]) == "Embajada de la República Popular China, Lima"
    assert str(party["STATUS"]) == "CONFIRMED"
    assert str(party["TRANSP"]) == "OPAQUE"
    assert party["CATEGORIES"].cats == ["reception"]
    assert str(party["RELATED-TO"]) == f"anniversary-{ties.id}-2021@diplomatic-calendar"
    assert str(party["RELATED-TO"]) in found  # the anniversary it celebrates is in the feed
    assert "Embassy of China in Peru (embassy)" in str(party["DESCRIPTION"])
    assert "Celebrates: China – Peru: 50th anniversary of diplomatic relations" in str(
        party["DESCRIPTION"]
    )
    tzids = [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")]
    assert tzids == ["America/Lima", "Asia/Shanghai"]  # one VTIMEZONE per TZID used
    # libical and Ruby's icalendar reject a VTIMEZONE with a COMMENT (RFC 5545 §3.6.5).
    assert all("COMMENT" not in tz for tz in cal.walk("VTIMEZONE"))

    online = found[symposium.uid]
    assert str(online["CONFERENCE"]) == SYMPOSIUM["online_url"]
    assert str(online["URL"]) == SYMPOSIUM["online_url"]
    assert str(online["LOCATION"]) == "Online"
    assert online.decoded("DTSTART").astimezone(dt.UTC) == dt.datetime(
        2021, 11, 3, 1, tzinfo=dt.UTC
    )

    stamps = found[stamp.uid]
    assert stamps.decoded("DTSTART") == dt.date(2021, 11, 2)
    assert stamps.decoded("DTEND") == dt.date(2021, 11, 3)  # exclusive
    assert str(stamps["TRANSP"]) == "TRANSPARENT"

    assert str(found[seminar.uid]["STATUS"]) == "CANCELLED"


def test_include_selects_anniversaries_or_events(client, session):
    programme(session)
    only_events = vevents(client.get(f"/feeds/pairs/CN-PE.ics?{WINDOW}&include=events").content)
    assert len(only_events) == 4
    only_anniversaries = client.get(f"/feeds/pairs/CN-PE.ics?{WINDOW}&include=anniversaries")
    assert len(vevents(only_anniversaries.content)) == 1
    assert client.get("/feeds/all.ics?include=parties").status_code == 422
    stamps = client.get(f"/feeds/pairs/CN-PE.ics?{WINDOW}&kind=stamp_issue&include=events")
    assert [str(e["SUMMARY"]) for e in vevents(stamps.content)] == ["Commemorative stamp issue"]


def test_editing_the_reception_time_moves_it_and_raises_sequence(client, auth, session):
    _, reception, *_ = programme(session)
    url = f"/feeds/pairs/CN-PE.ics?{WINDOW}"
    before = client.get(url)
    r = client.patch(
        f"/api/v1/events/{reception.id}",
        json={"starts_at": "2021-11-02T20:00:00", "ends_at": "2021-11-02T23:00:00"},
        headers=auth,
    )
    assert r.status_code == 200
    after = client.get(url, headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200
    moved = next(e for e in vevents(after.content) if str(e["UID"]) == reception.uid)
    assert moved.decoded("DTSTART") == dt.datetime(2021, 11, 2, 20, 0, tzinfo=LIMA)
    assert int(moved["SEQUENCE"]) == 2


def test_download_one_event(client, session):
    _, reception, *_ = programme(session)
    r = client.get(f"/api/v1/events/{reception.id}.ics")
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/calendar; charset=utf-8"
    assert "attachment" in r.headers["content-disposition"]
    cal = icalendar.Calendar.from_ical(r.content)
    assert [str(e["UID"]) for e in cal.walk("VEVENT")] == [reception.uid]
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["America/Lima"]


def test_importing_an_exported_event_twice_creates_nothing_new(client, auth, session):
    _, reception, *_ = programme(session)
    exported = client.get(f"/api/v1/events/{reception.id}.ics").content
    headers = {**auth, "Content-Type": "text/calendar"}
    first = client.post("/api/v1/events/import", content=exported, headers=headers)
    assert first.status_code == 200, first.text
    assert (first.json()["created"], first.json()["unchanged"]) == (0, 1)
    assert client.get(f"/api/v1/events/{reception.id}").json()["revision"] == 1
    total = client.get("/api/v1/events").json()["total"]
    client.post("/api/v1/events/import", content=exported, headers=headers)
    assert client.get("/api/v1/events").json()["total"] == total


def test_export_then_import_into_another_database_reproduces_the_event(
    client, session, make_database
):
    from fastapi.testclient import TestClient
    from sqlmodel import Session

    from app.auth import create_key
    from app.config import Settings
    from app.main import create_app
    from app.models import Scope

    _, _, symposium, stamp, _ = programme(session)
    with TestClient(create_app(Settings(database_url=make_database()))) as other:
        with Session(other.app.state.engine) as s:
            key = create_key(s, "admin", Scope.admin)[1]
        headers = {"Authorization": f"Bearer {key}", "Content-Type": "text/calendar"}
        exported = client.get(f"/api/v1/events/{stamp.id}.ics").content
        r = other.post("/api/v1/events/import", content=exported, headers=headers)
        assert r.json()["created"] == 1
        copy = other.get("/api/v1/events").json()["items"][0]
        original = client.get(f"/api/v1/events/{stamp.id}").json()
        volatile = {"id", "created_at", "updated_at"}
        assert {k: v for k, v in copy.items() if k not in volatile} == {
            k: v for k, v in original.items() if k not in volatile
        }
        # The symposium celebrates a milestone that database does not have: named, refused.
        exported = client.get(f"/api/v1/events/{symposium.id}.ics").content
        r = other.post("/api/v1/events/import", content=exported, headers=headers)
        assert r.status_code == 422
        assert r.json()["errors"][0]["field"] == "milestone_id"
        assert r.json()["errors"][0]["line"] > 1


def test_import_foreign_calendar_needs_countries_and_maps_fields(client, auth):
    ics = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\n"
        "BEGIN:VEVENT\r\nUID:abc-123@example.org\r\nDTSTAMP:20210101T000000Z\r\n"
        "DTSTART;TZID=America/Lima:20211105T180000\r\nDTEND;TZID=America/Lima:20211105T200000\r\n"
        "SUMMARY:Concierto\\, música china\r\nLOCATION:Gran Teatro Nacional\r\n"
        "CATEGORIES:PERFORMANCE\r\nSTATUS:TENTATIVE\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:def-456@example.org\r\nDTSTAMP:20210101T000000Z\r\n"
        "DTSTART;VALUE=DATE:20211110\r\nDTEND;VALUE=DATE:20211113\r\nSUMMARY:Exposición\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()
    headers = {**auth, "Content-Type": "text/calendar"}
    missing = client.post("/api/v1/events/import", content=ics, headers=headers)
    assert missing.status_code == 422
    assert [(e["line"], e["field"]) for e in missing.json()["errors"]] == [
        (4, "countries"), (14, "countries"),
    ]  # fmt: skip
    r = client.post("/api/v1/events/import?countries=CN,PE", content=ics, headers=headers)
    assert r.status_code == 200, r.text
    assert r.json()["created"] == 2
    concert, expo = client.get("/api/v1/events").json()["items"]
    assert (concert["title"], concert["kind"], concert["status"]) == (
        "Concierto, música china", "performance", "tentative",
    )  # fmt: skip
    assert concert["starts_at"] == "2021-11-05T18:00:00-05:00"
    assert concert["venue"] == "Gran Teatro Nacional"
    assert (expo["start_date"], expo["end_date"], expo["kind"]) == (
        "2021-11-10",
        "2021-11-12",
        "other",
    )
    again = client.post("/api/v1/events/import?countries=CN,PE", content=ics, headers=headers)
    assert (again.json()["created"], again.json()["unchanged"]) == (0, 2)


def test_import_rejects_a_broken_file_naming_the_line(client, auth):
    headers = {**auth, "Content-Type": "text/calendar"}
    broken = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\n"
        b"this is not a property\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    r = client.post("/api/v1/events/import", content=broken, headers=headers)
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["errors"][0]["line"] == 4
    unbalanced = b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nEND:VCALENDAR\r\n"
    r = client.post("/api/v1/events/import", content=unbalanced, headers=headers)
    assert r.status_code == 422 and r.json()["errors"][0]["line"] == 4
    assert client.post("/api/v1/events/import", content=b"", headers=headers).status_code == 422
    latin1 = "BEGIN:VCALENDAR\r\nX:é\r\nEND:VCALENDAR\r\n".encode("latin-1")
    assert client.post("/api/v1/events/import", content=latin1, headers=headers).status_code == 422
    wrong_type = client.post(
        "/api/v1/events/import", content=b"{}", headers={**auth, "Content-Type": "application/json"}
    )
    assert wrong_type.status_code == 415
    assert client.post("/api/v1/events/import", content=broken).status_code == 401


def test_import_skip_invalid_stores_the_valid_events(client, auth):
    ics = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n"
        b"BEGIN:VEVENT\r\nUID:ok@x\r\nDTSTAMP:20210101T000000Z\r\nDTSTART;VALUE=DATE:20211110\r\n"
        b"SUMMARY:Fine\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:floating@x\r\nDTSTAMP:20210101T000000Z\r\nDTSTART:20211110T100000\r\n"
        b"DTEND:20211110T110000\r\nSUMMARY:Floating\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    headers = {**auth, "Content-Type": "text/calendar"}
    r = client.post(
        "/api/v1/events/import?countries=PE&skip_invalid=true", content=ics, headers=headers
    )
    assert r.status_code == 200
    assert (r.json()["created"], r.json()["skipped"]) == (1, 1)
    skipped = next(e for e in r.json()["events"] if e["result"] == "skipped")
    assert skipped["uid"] == "floating@x" and "floating time" in skipped["errors"][0]["message"]
