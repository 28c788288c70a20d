"""Events in export files: a round trip reproduces each exactly, and a bad row is named."""

import io
import json
import uuid

import pytest
from sqlmodel import Session, func, select

from app import audit, transfer
from app.audit import Actor
from app.models import Event, EventPublic, FeedVersion, Milestone
from tests.factories import PE_INDEPENDENCE, make_event, make_milestone

ORGANISERS = [
    {"name": "Embajada de la República Popular China en el Perú", "role": "embassy"},
    {"name": "中国驻秘鲁大使馆", "role": "embassy"},
    {"name": "Cámara de Comercio de Côte d'Ivoire", "role": "enterprise"},
]


@pytest.fixture
def programme(session, client, auth) -> dict[str, Event]:
    """Events that exercise every column: all-day and timed, private, cancelled, online,
    tied to an anniversary, non-ASCII organisers, one edited after it was made."""
    ties = make_milestone(session, source="MFA")
    make_milestone(session, **PE_INDEPENDENCE)
    made = {
        "reception": make_event(
            session, milestone_id=ties.id, year=2021, organizers=ORGANISERS,
            description='Con "pisco sour".\nDress code: business\tattire.',
        ),
        "exhibition": make_event(
            session, title="Exposición: 50 años", kind="exhibition", start_date="2021-11-01",
            end_date="2021-11-30", venue=None, city="Cusco", milestone_id=ties.id, year=2021,
        ),
        "briefing": make_event(
            session, title="Briefing for the ambassadors", kind="seminar", visibility="private",
            starts_at="2021-11-03T09:30:00", ends_at="2021-11-03T10:15:00",
            timezone="Asia/Shanghai", mode="hybrid", online_url="https://meet.example.org/b",
        ),
        "concert": make_event(
            session, title="Concierto", kind="performance", countries=["PE"],
            start_date="2021-07-28", status="cancelled", organizers=[],
        ),
    }  # fmt: skip
    r = client.patch(
        f"/api/v1/events/{made['exhibition'].id}", json={"title": "Exposición"}, headers=auth
    )
    assert r.status_code == 200 and r.json()["revision"] == 2
    session.expire_all()  # the edit came through the API's own session
    return made


def export_text(session: Session) -> str:
    out = io.StringIO()
    transfer.export(session, out, "json")
    return out.getvalue()


def load(session: Session, text: str, **kw) -> transfer.Report:
    report = transfer.load(session, text, "json", **kw)
    if not report.rejected:
        session.commit()
    return report


def events(session: Session) -> list[Event]:
    return list(session.exec(select(Event).order_by(Event.id)))


def document(milestones: list | None = None, events: list | None = None) -> str:
    """A file as a person would write it: one key per line, so each item has its own line."""
    doc = {"format": "diplocal-export", "version": 1, "milestones": milestones or []}
    if events is not None:
        doc["events"] = events
    return json.dumps(doc, indent=1, ensure_ascii=False)


def line_of(text: str, needle: str) -> int:
    """The line of the item whose first key line holds ``needle``: its opening brace's."""
    lines = text.splitlines()
    hit = next(i for i, line in enumerate(lines) if needle in line)
    return next(i for i in range(hit, -1, -1) if lines[i].strip() == "{") + 1


STAMP = {"title": "Stamp", "kind": "stamp_issue", "countries": ["CN", "PE"]}


# ---------------------------------------------------------------- round trip


def test_export_import_export_is_byte_identical_with_events(session, other_session, programme):
    first = export_text(session)
    report = load(other_session, first)
    assert (report.milestones.created, report.events.created, report.errors) == (2, 4, [])
    assert export_text(other_session) == first


def test_import_restores_ids_uids_times_history_and_links(session, other_session, programme):
    load(other_session, export_text(session))
    for original in programme.values():
        session.refresh(original)
        copy = other_session.get(Event, original.id)
        assert EventPublic.model_validate(copy) == EventPublic.model_validate(original)
    exhibition = other_session.get(Event, programme["exhibition"].id)
    assert (exhibition.revision, exhibition.title) == (2, "Exposición")


def test_event_rows_hold_days_or_wall_times_and_one_event_per_line(session, programme):
    text = export_text(session)
    doc = json.loads(text)
    assert len(text.splitlines()) == 2 + 4 + 3
    assert [json.loads(line.rstrip(",")) for line in text.splitlines()[4:8]] == doc["events"]
    rows = {e["title"]: e for e in doc["events"]}
    assert list(rows["Concierto"]) == list(transfer.events.COLUMNS)
    reception = rows[programme["reception"].title]
    assert (reception["start_date"], reception["starts_at"], reception["timezone"]) == (
        None,
        "2021-11-02T19:00:00",
        "America/Lima",
    )
    assert reception["organizers"][1] == {"name": "中国驻秘鲁大使馆", "role": "embassy"}
    assert "中国驻秘鲁大使馆" in text  # UTF-8, not \\u escapes
    exhibition = rows["Exposición"]
    assert (exhibition["start_date"], exhibition["end_date"], exhibition["starts_at"]) == (
        "2021-11-01",
        "2021-11-30",
        None,
    )
    assert (exhibition["revision"], exhibition["year"]) == (2, 2021)
    assert rows["Briefing for the ambassadors"]["visibility"] == "private"
    assert rows["Concierto"]["status"] == "cancelled"
    assert [e["title"] for e in doc["events"]] == [  # by day
        "Concierto",
        "Exposición",
        programme["reception"].title,
        "Briefing for the ambassadors",
    ]


def test_importing_an_export_again_changes_nothing(session, programme):
    report = load(session, export_text(session))
    assert (report.events.created, report.events.updated, report.events.unchanged) == (0, 0, 4)
    assert report.summary() == (
        "milestones: created 0, updated 0, unchanged 2, skipped 0; "
        "events: created 0, updated 0, unchanged 4, skipped 0"
    )


def test_deleted_milestones_and_events_are_not_exported(client, session, other_session, auth):
    ties = make_milestone(session)
    gone = make_milestone(session, **PE_INDEPENDENCE)
    kept = make_event(session, milestone_id=ties.id, year=2021)
    deleted = make_event(session, title="Deleted", start_date="2021-11-05")
    assert client.delete(f"/api/v1/events/{deleted.id}", headers=auth).status_code == 204
    assert client.delete(f"/api/v1/milestones/{gone.id}", headers=auth).status_code == 204
    out = io.StringIO()
    exported = transfer.export(session, out, "json")
    doc = json.loads(out.getvalue())
    assert [m["id"] for m in doc["milestones"]] == [str(ties.id)]
    assert [e["id"] for e in doc["events"]] == [str(kept.id)]
    assert (exported.milestones.exported, exported.events.exported, exported.notes()) == (
        1,
        1,
        [],
    )


def test_an_event_of_a_deleted_milestone_is_exported_without_the_link(
    client, session, other_session, auth
):
    ties = make_milestone(session)
    event = make_event(session, milestone_id=ties.id, year=2021)
    assert client.delete(f"/api/v1/milestones/{ties.id}", headers=auth).status_code == 204
    out = io.StringIO()
    exported = transfer.export(session, out, "json")
    row = json.loads(out.getvalue())["events"][0]
    assert (row["id"], row["milestone_id"], row["year"]) == (str(event.id), None, None)
    assert exported.unlinked == 1 and "celebrate a deleted milestone" in exported.notes()[0]
    report = load(other_session, out.getvalue())  # the backup still restores
    assert (report.rejected, report.events.created) == (False, 1)


def test_csv_export_leaves_events_out_and_says_so(session, programme):
    out = io.StringIO()
    exported = transfer.export(session, out, "csv")
    assert (exported.milestones.exported, exported.events.exported) == (2, 0)
    assert exported.events.skipped == 4
    assert exported.summary() == "exported 2 milestones as csv"
    assert "use --format json" in exported.notes()[0]
    assert "Concierto" not in out.getvalue()


# ---------------------------------------------------------------- bad rows


def test_an_event_of_an_unknown_milestone_is_an_error_naming_its_line(session):
    unknown = uuid.uuid4()
    text = document(
        events=[
            {**STAMP, "start_date": "2021-11-02"},
            {**STAMP, "title": "Orphan", "start_date": "2021-11-02", "milestone_id": str(unknown)},
        ]
    )
    report = load(session, text)
    assert report.rejected and session.exec(select(func.count()).select_from(Event)).one() == 0
    assert [str(e) for e in report.errors] == [
        f"line {line_of(text, 'Orphan')}: milestone_id: no milestone has the id {unknown}, "
        "in the database or among this file's valid milestones"
    ]
    assert report.reason == "bad rows: 1 of 2"


def test_events_ending_before_they_start_are_rejected_naming_their_lines(session):
    text = document(
        events=[
            {**STAMP, "title": "Backwards", "start_date": "2021-11-02", "end_date": "2021-11-01"},
            {**STAMP, "title": "Early", "starts_at": "2021-11-02T19:00", "ends_at":
             "2021-11-02T18:00", "timezone": "America/Lima"},
        ]
    )  # fmt: skip
    report = load(session, text)
    assert [str(e) for e in report.errors] == [
        f"line {line_of(text, 'Backwards')}: end_date: end_date is before start_date",
        f"line {line_of(text, 'Early')}: ends_at: ends_at must be after starts_at",
    ]


def test_event_rows_get_the_apis_messages_in_the_events_array(session):
    text = (
        '{"format": "diplocal-export", "version": 1,\n'
        ' "milestones": [\n'
        '  {"kind": "independence", "date": "1821-13", "countries": ["PE"]}\n'
        " ],\n"
        ' "events": [\n'
        '  {"title": "x", "kind": "gala", "countries": ["PE"], "start_date": "2021-07-28"},\n'
        '  {"title": "y", "kind": "visit", "countries": ["PE"], "start_date": "2021-07-28",\n'
        '   "mode": "online"},\n'
        '  "not an object"\n'
        "]}"
    )
    errors = [str(e) for e in load(session, text).errors]
    assert errors[0] == "line 3: date: month 13 does not exist"
    assert errors[1].startswith("line 6: kind: Input should be 'reception'")
    assert errors[2:] == [
        "line 7: online_url: required when mode is online",
        "line 9: row: expected an object of event fields",
    ]


def test_skip_invalid_keeps_the_good_events_and_counts_the_others(session):
    good = {**STAMP, "start_date": "2021-11-02"}
    text = document(
        events=[good, {**good, "title": "Bad", "countries": ["ZZ"]}, {**good, "title": "Two"}]
    )
    report = load(session, text, skip_invalid=True)
    assert (report.rejected, report.events.created, report.events.skipped) == (False, 2, 1)
    assert [e.field for e in report.errors] == ["countries"]
    assert sorted(e.title for e in events(session)) == ["Stamp", "Two"]


def test_an_event_may_celebrate_a_milestone_of_the_same_file_near_its_anniversary(session):
    ties = {"id": str(uuid.uuid4()), "kind": "diplomatic_relations", "date": "1971-11-02",
            "countries": ["CN", "PE"]}  # fmt: skip
    near = {**STAMP, "start_date": "2021-11-02", "milestone_id": ties["id"]}
    far = {**near, "title": "Far", "start_date": "2031-11-02", "year": 2021}
    text = document([ties], [near, far])
    assert [str(e) for e in load(session, text).errors] == [
        f"line {line_of(text, 'Far')}: year: the event on 2031-11-02 is not near the 50th "
        "anniversary in 2021"
    ]
    report = load(session, document([ties], [near]))
    assert (report.milestones.created, report.events.created) == (1, 1)
    event = events(session)[0]
    assert (str(event.milestone_id), event.year) == (ties["id"], 2021)  # the year, as the API


def test_hand_written_events_get_an_id_a_uid_and_history(session):
    load(session, document(events=[{**STAMP, "start_date": "2021-11-02"}]))
    event = events(session)[0]
    assert event.uid == f"event-{event.id}@diplomatic-calendar"
    assert (event.revision, event.created_at == event.updated_at) == (1, True)


def test_a_uid_belongs_to_one_event(session, programme):
    taken = programme["concert"].uid
    row = {**STAMP, "start_date": "2021-11-02", "uid": taken}
    text = document(
        events=[
            row,
            {**row, "uid": "mine@example.org"},
            {**row, "title": "Again", "uid": "mine@example.org"},
        ]
    )
    assert [str(e) for e in load(session, text).errors] == [
        f"line {line_of(text, taken)}: uid: event {programme['concert'].id} has this uid already",
        f"line {line_of(text, 'Again')}: uid: the same uid as line {line_of(text, 'mine@')}",
    ]


def test_an_import_does_not_bring_back_a_deleted_event(client, session, programme, auth):
    text = export_text(session)
    concert = programme["concert"]
    assert client.delete(f"/api/v1/events/{concert.id}", headers=auth).status_code == 204
    report = load(session, text)
    restore = f"POST /api/v1/events/{concert.id}/restore"
    assert [(e.field, e.message) for e in report.errors] == [
        ("id", f"this event was deleted; restore it first ({restore})")
    ]


@pytest.mark.parametrize("events_value", [{}, "none"])
def test_events_must_be_an_array(session, events_value):
    report = load(session, document(events=events_value))
    assert [str(e) for e in report.errors] == ["line 1: events: expected an array"]


def test_a_file_without_events_imports_as_before(session):
    report = load(session, document([PE_INDEPENDENCE]))
    assert (report.milestones.created, report.events.model_dump()) == (
        1,
        {"created": 0, "updated": 0, "unchanged": 0, "skipped": 0},
    )


# ---------------------------------------------------------------- updates, feeds, audit


def versions(session: Session) -> dict[str, int]:
    session.expire_all()
    return {v.scope: v.version for v in session.exec(select(FeedVersion))}


def test_import_updates_an_event_its_private_feeds_and_the_audit_trail(session, programme):
    doc = json.loads(export_text(session))
    briefing = next(e for e in doc["events"] if e["visibility"] == "private")
    briefing.update(venue="Sala 3", revision=5, updated_at="2030-01-01T00:00:00Z")
    before = versions(session)
    report = transfer.load(session, json.dumps(doc), "json", actor=Actor("cli"))
    session.commit()
    assert (report.events.updated, report.events.unchanged) == (1, 3)
    event = session.get(Event, uuid.UUID(briefing["id"]))
    assert (event.venue, event.revision, event.updated_at.year) == ("Sala 3", 5, 2030)
    after = versions(session)
    changed = {scope for scope in after if after[scope] != before.get(scope)}
    assert changed == {"private:all", "private:CN", "private:PE", "private:CN-PE"}
    entries = list(session.exec(audit.entries(entity="event", actor="cli")))
    assert [(e.action, e.entity_id) for e in entries] == [("update", briefing["id"])]
    assert (entries[0].before["venue"], entries[0].after["venue"]) == (
        "Embajada de la República Popular China",
        "Sala 3",
    )


def test_created_events_are_audited_and_bump_their_feeds(session, other_session, programme):
    text = export_text(session)
    report = transfer.load(other_session, text, "json", actor=Actor("cli"))
    other_session.commit()
    assert report.events.created == 4
    created = list(other_session.exec(audit.entries(entity="event")))
    assert {e.entity_id for e in created} == {str(e.id) for e in programme.values()}
    assert all(e.action == "create" and e.after["uid"] for e in created)
    scopes = versions(other_session)
    assert {"all", "PE", "CN-PE", "private:CN-PE"} <= scopes.keys()


# ---------------------------------------------------------------- HTTP

IMPORT = "/api/v1/milestones/import"


def test_the_import_endpoint_imports_events_and_counts_them(client, session, programme, auth):
    text = export_text(session)
    for e in events(session):
        session.delete(e)
    session.commit()
    r = client.post(IMPORT, content=text, headers={**auth, "Content-Type": "application/json"})
    assert r.status_code == 200, r.text
    assert r.json()["events"] == {"created": 4, "updated": 0, "unchanged": 0, "skipped": 0}
    assert (r.json()["unchanged"], r.json()["errors"]) == (2, [])
    listed = client.get("/api/v1/events", headers=auth).json()
    assert listed["total"] == 4


def test_the_import_endpoint_names_bad_event_rows(client, session, auth):
    text = document(events=[{**STAMP, "start_date": "2021-11-02", "end_date": "2021-11-01"}])
    r = client.post(IMPORT, content=text, headers={**auth, "Content-Type": "application/json"})
    assert r.status_code == 422
    assert r.json()["errors"] == [
        {"line": line_of(text, "Stamp"), "field": "end_date",
         "message": "end_date is before start_date"}
    ]  # fmt: skip
    assert session.exec(select(func.count()).select_from(Milestone)).one() == 0
