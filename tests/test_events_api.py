"""Celebration events through the JSON API: the 2021 China–Peru programme."""

import uuid

import pytest

from tests.factories import RECEPTION, make_event, make_milestone

SYMPOSIUM = {
    "title": "Online symposium: fifty years of China–Peru relations",
    "kind": "symposium",
    "countries": ["PE", "CN"],
    "starts_at": "2021-11-03T09:00:00",
    "ends_at": "2021-11-03T12:00:00",
    "timezone": "Asia/Shanghai",
    "mode": "online",
    "online_url": "https://meet.example.org/cn-pe-50",
    "organizers": [
        {"name": "Pontificia Universidad Católica del Perú", "role": "community"},
        {"name": "中国社会科学院", "role": "government"},
    ],
}
STAMP = {
    "title": "Commemorative stamp issue",
    "kind": "stamp_issue",
    "countries": ["CN", "PE"],
    "start_date": "2021-11-02",
    "organizers": [{"name": "Serpost", "role": "enterprise"}],
}


def test_create_timed_event_keeps_local_time_and_zone(client, auth):
    r = client.post("/api/v1/events", json=RECEPTION, headers=auth)
    assert r.status_code == 201, r.text
    body = r.json()
    assert r.headers["location"].endswith(f"/api/v1/events/{body['id']}")
    assert body["starts_at"] == "2021-11-02T19:00:00-05:00"
    assert body["ends_at"] == "2021-11-02T22:00:00-05:00"
    assert (body["timezone"], body["all_day"], body["start_date"]) == (
        "America/Lima",
        False,
        "2021-11-02",
    )
    assert (body["mode"], body["status"], body["revision"]) == ("in_person", "confirmed", 1)
    assert body["organizers"] == [{"name": "Embassy of China in Peru", "role": "embassy"}]
    assert body["uid"] == f"event-{body['id']}@diplomatic-calendar"
    assert client.get(r.headers["location"]).json() == body


def test_times_with_an_offset_are_converted_to_the_zone(client, auth):
    body = {**RECEPTION, "starts_at": "2021-11-03T00:00:00Z", "ends_at": "2021-11-03T03:00:00Z"}
    r = client.post("/api/v1/events", json=body, headers=auth)
    assert r.json()["starts_at"] == "2021-11-02T19:00:00-05:00"


def test_times_are_kept_to_the_second_with_or_without_an_offset(client, auth):
    body = {**RECEPTION, "starts_at": "2021-11-03T00:00:00.5Z", "ends_at": "2021-11-02T22:00:00.7"}
    got = client.post("/api/v1/events", json=body, headers=auth).json()
    assert (got["starts_at"], got["ends_at"]) == (
        "2021-11-02T19:00:00-05:00",
        "2021-11-02T22:00:00-05:00",
    )


def test_all_day_event_end_is_inclusive_and_defaults_to_start(client, auth):
    one = client.post("/api/v1/events", json=STAMP, headers=auth).json()
    assert (one["start_date"], one["end_date"], one["all_day"]) == (
        "2021-11-02",
        "2021-11-02",
        True,
    )
    three = client.post("/api/v1/events", json={**STAMP, "end_date": "2021-11-04"}, headers=auth)
    assert three.json()["end_date"] == "2021-11-04"


def test_online_event_needs_a_link(client, auth):
    r = client.post("/api/v1/events", json={**SYMPOSIUM, "online_url": None}, headers=auth)
    assert r.status_code == 422
    assert r.json()["errors"] == [
        {"field": "online_url", "message": "required when mode is online"}
    ]
    assert client.post("/api/v1/events", json=SYMPOSIUM, headers=auth).status_code == 201


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"ends_at": "2021-11-02T18:00:00"}, "ends_at", "ends_at must be after starts_at"),
        ({"timezone": "Mars/Olympus"}, "timezone", "unknown time zone"),
        ({"timezone": None}, "timezone", "required"),
        (
            {"starts_at": "2021-03-14T02:30:00", "ends_at": "2021-03-14T04:00:00",
             "timezone": "America/New_York"},
            "starts_at", "does not exist in America/New_York",
        ),
        ({"start_date": "2021-11-02"}, "body", "not both"),
        ({"kind": "banquet"}, "kind", "reception"),
        ({"mode": "hybrid"}, "online_url", "required when mode is hybrid"),
        ({"organizers": [{"name": "X", "role": "king"}]}, "organizers[0].role", "embassy"),
        ({"organizers": [{"name": ""}]}, "organizers[0].name", "at least 1"),
        ({"countries": ["CN", "ZZ"]}, "countries", "unknown country code 'ZZ'"),
        ({"year": 2021}, "year", "needs the milestone_id"),
        ({"title": ""}, "title", "at least 1"),
    ],
)  # fmt: skip
def test_bad_events_are_422_naming_the_field(client, auth, change, field, message):
    r = client.post("/api/v1/events", json={**RECEPTION, **change}, headers=auth)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    errors = r.json()["errors"]
    assert any(e["field"] == field and message in e["message"] for e in errors), errors


def test_all_day_end_before_start_is_422(client, auth):
    r = client.post("/api/v1/events", json={**STAMP, "end_date": "2021-11-01"}, headers=auth)
    assert r.json()["errors"] == [{"field": "end_date", "message": "end_date is before start_date"}]


def test_event_tied_to_an_anniversary(client, auth, session):
    ties = make_milestone(session)
    body = {**RECEPTION, "milestone_id": str(ties.id)}
    r = client.post("/api/v1/events", json=body, headers=auth)
    assert r.status_code == 201
    assert r.json()["year"] == 2021  # the anniversary year of the event's date
    anniversaries = client.get("/api/v1/anniversaries?from=2021-01-01&to=2021-12-31").json()
    assert anniversaries["items"][0]["event_ids"] == [r.json()["id"]]


@pytest.mark.parametrize(
    ("year", "message"),
    [(1970, "not one of its anniversary years"), (1971, "not one of its anniversary years"),
     (2031, "not near the 60th anniversary in 2031")],
)  # fmt: skip
def test_event_must_be_near_the_anniversary_it_celebrates(client, auth, session, year, message):
    ties = make_milestone(session)
    body = {**RECEPTION, "milestone_id": str(ties.id), "year": year}
    r = client.post("/api/v1/events", json=body, headers=auth)
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "year"
    assert message in r.json()["errors"][0]["message"]


def test_unknown_milestone_is_422(client, auth):
    r = client.post(
        "/api/v1/events", json={**RECEPTION, "milestone_id": str(uuid.uuid4())}, headers=auth
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "milestone_id"


def test_list_filters(client, auth, session):
    ties = make_milestone(session)
    reception = make_event(session, milestone_id=ties.id, year=2021)
    symposium = make_event(session, **SYMPOSIUM)
    stamp = make_event(session, **STAMP, status="cancelled")
    other = make_event(
        session, countries=["US", "FR"], start_date="2022-07-14", title="Fête", kind="ceremony"
    )

    def ids(query: str) -> list[str]:
        r = client.get(f"/api/v1/events?{query}")
        assert r.status_code == 200, r.text
        return [e["id"] for e in r.json()["items"]]

    everything = [str(e.id) for e in (stamp, reception, symposium, other)]
    assert ids("") == everything  # in date order
    assert ids("pair=PE-CN") == everything[:3]
    assert ids("country=FR") == [str(other.id)]
    assert ids("kind=symposium,stamp_issue") == [str(stamp.id), str(symposium.id)]
    assert ids("mode=online") == [str(symposium.id)]
    assert ids("status=cancelled") == [str(stamp.id)]
    assert ids(f"milestone_id={ties.id}") == [str(reception.id)]
    assert ids("from=2021-11-03&to=2021-12-31") == [str(symposium.id)]
    assert ids("q=católica") == [str(symposium.id)]  # organisers are searched too
    assert ids("q=FÊTE") == [str(other.id)]
    assert client.get("/api/v1/events?kind=banquet").status_code == 422
    assert client.get("/api/v1/events?mode=carrier-pigeon").status_code == 422
    page = client.get("/api/v1/events?limit=2&offset=1").json()
    assert (page["total"], len(page["items"])) == (4, 2)


def test_patch_moves_the_time_and_bumps_revision(client, auth, session):
    event = make_event(session)
    r = client.patch(
        f"/api/v1/events/{event.id}",
        json={"starts_at": "2021-11-02T20:00:00", "ends_at": "2021-11-02T23:00:00"},
        headers=auth,
    )
    assert r.status_code == 200, r.text
    assert (r.json()["starts_at"], r.json()["revision"]) == ("2021-11-02T20:00:00-05:00", 2)
    same = client.patch(f"/api/v1/events/{event.id}", json={"city": "Lima"}, headers=auth)
    assert same.json()["revision"] == 2


def test_patch_can_switch_to_all_day_and_cancel(client, auth, session):
    event = make_event(session)
    r = client.patch(
        f"/api/v1/events/{event.id}",
        json={"start_date": "2021-11-05", "status": "cancelled"},
        headers=auth,
    )
    body = r.json()
    assert (body["all_day"], body["start_date"], body["timezone"], body["status"]) == (
        True, "2021-11-05", None, "cancelled",
    )  # fmt: skip


def test_patch_validates_the_merged_event(client, auth, session):
    event = make_event(session)
    r = client.patch(f"/api/v1/events/{event.id}", json={"mode": "online"}, headers=auth)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "online_url"
    r = client.patch(f"/api/v1/events/{event.id}", json={"title": None}, headers=auth)
    assert r.status_code == 422


def test_delete_and_unknown_ids(client, auth, session):
    event = make_event(session)
    assert client.delete(f"/api/v1/events/{event.id}", headers=auth).status_code == 204
    assert client.get(f"/api/v1/events/{event.id}").status_code == 404
    assert client.get(f"/api/v1/events/{uuid.uuid4()}.ics").status_code == 404


def test_writes_need_a_key_and_editors_stay_in_their_countries(client, session):
    from app.auth import create_key
    from app.models import Scope

    assert client.post("/api/v1/events", json=RECEPTION).status_code == 401
    _, secret = create_key(session, "lima", Scope.editor, ["CN", "PE"])
    editor = {"Authorization": f"Bearer {secret}"}
    assert client.post("/api/v1/events", json=RECEPTION, headers=editor).status_code == 201
    elsewhere = {**RECEPTION, "countries": ["US", "FR"]}
    assert client.post("/api/v1/events", json=elsewhere, headers=editor).status_code == 403


def test_deleting_a_milestone_keeps_its_events_for_a_restore(client, auth, session):
    ties = make_milestone(session)
    event = make_event(session, milestone_id=ties.id, year=2021)
    assert client.delete(f"/api/v1/milestones/{ties.id}", headers=auth).status_code == 204
    assert client.get(f"/api/v1/events/{event.id}").json()["milestone_id"] == str(ties.id)
    window = "from=2021-01-01&to=2021-12-31"
    assert client.get(f"/api/v1/anniversaries?{window}").json()["total"] == 0
    assert client.post(f"/api/v1/milestones/{ties.id}/restore", headers=auth).status_code == 200
    items = client.get(f"/api/v1/anniversaries?{window}").json()["items"]
    assert items[0]["event_ids"] == [str(event.id)]
