"""Issue 12, "Trust, second pass": one regression test per defect the probe found."""

import datetime as dt
import io
import json
import threading
import time
from pathlib import Path

import httpx2 as httpx
import icalendar
import pytest

from app import transfer
from app.auth import create_key
from app.httputils import not_modified_since
from app.models import Scope, parse_partial_date
from tests.factories import CN_PE, RECEPTION, make_event, make_milestone
from tests.servers import running_service


def bearer(session, name: str, scope: Scope, countries=()) -> dict[str, str]:
    return {"Authorization": f"Bearer {create_key(session, name, scope, countries)[1]}"}


@pytest.fixture
def editor(session) -> dict[str, str]:
    return bearer(session, "lima-embassy", Scope.editor, ["CN", "PE"])


def vevents(body: bytes) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(body).walk("VEVENT"))


ICS = "text/calendar"


# ---------------------------------------------------------------- authorization


def test_editor_cannot_take_over_another_pairs_event_by_its_uid(client, auth, editor):
    """Item 1."""
    us_fr = {**RECEPTION, "countries": ["US", "FR"], "visibility": "private", "title": "Dîner"}
    target = client.post("/api/v1/events", json=us_fr, headers=auth).json()
    evil = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//x//EN\r\nBEGIN:VEVENT\r\n"
        f"UID:{target['uid']}\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;VALUE=DATE:20211102\r\n"
        "SUMMARY:Taken over\r\nCLASS:PUBLIC\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    r = client.post(
        "/api/v1/events/import?countries=CN,PE",
        content=evil,
        headers={**editor, "Content-Type": ICS},
    )
    assert r.status_code == 403, r.text
    assert r.json()["errors"][0]["field"] == "UID"
    after = client.get(f"/api/v1/events/{target['id']}", headers=auth).json()
    assert (after["title"], after["countries"], after["visibility"]) == (
        "Dîner", ["FR", "US"], "private",
    )  # fmt: skip


def test_an_empty_country_list_gives_an_editor_its_own_countries_not_all(client, editor):
    """Item 2."""
    r = client.post("/api/v1/feed-tokens", json={"name": "t", "countries": []}, headers=editor)
    assert r.status_code == 201
    assert r.json()["countries"] == ["CN", "PE"]
    r = client.post("/api/v1/feed-tokens", json={"name": "u", "countries": ["US"]}, headers=editor)
    assert r.status_code == 403


def test_revoking_a_key_revokes_its_feed_tokens(client, session, editor, auth, diplocal):
    """Item 3."""
    url = client.post("/api/v1/feed-tokens", json={"name": "t"}, headers=editor).json()["url"]
    path = url.split("testserver", 1)[1]
    assert client.get(path).status_code == 200
    out = diplocal(["keys", "revoke", "lima-embassy"], str(session.get_bind().url))
    assert out.returncode == 0, out.stderr
    assert client.get(path).status_code == 404
    trail = client.get("/api/v1/audit?entity=feed_token", headers=auth).json()["items"]
    assert [e["action"] for e in trail] == ["create", "revoke"]
    assert "lima-embassy" in json.dumps(trail[-1]["after"])


def test_editor_cannot_celebrate_a_milestone_outside_its_countries(client, auth, editor):
    """Item 4: the celebrated milestone must be of the editor's own countries."""
    us_fr = client.post(
        "/api/v1/milestones", json={**CN_PE, "countries": ["US", "FR"]}, headers=auth
    ).json()
    event = client.post("/api/v1/events", json=RECEPTION, headers=editor).json()
    r = client.patch(
        f"/api/v1/events/{event['id']}",
        json={"milestone_id": us_fr["id"], "year": 2021},
        headers=editor,
    )
    assert r.status_code == 403, r.text
    assert r.json()["errors"][0]["field"] == "milestone_id"
    r = client.post(
        "/api/v1/events", json={**RECEPTION, "milestone_id": us_fr["id"]}, headers=editor
    )
    assert r.status_code == 403
    # An admin may: the rule is about the editor's rights, not about which links exist.
    r = client.patch(
        f"/api/v1/events/{event['id']}", json={"milestone_id": us_fr["id"]}, headers=auth
    )
    assert r.status_code == 200


def test_keys_create_needs_a_scope_and_says_what_each_may_do(diplocal, make_database):
    """Item 5."""
    url = make_database(migrated=False)
    out = diplocal(["keys", "create", "--name", "x"], url)
    assert out.returncode == 2
    assert all(s in out.stderr for s in ("admin", "editor", "reader", "--scope"))
    assert "created" not in out.stdout


# ---------------------------------------------------------------- caches that outlive a write


def test_milestone_import_bumps_the_feeds_and_sequence_of_celebrating_events(client, session, auth):
    """Items 6a and 8: a UY event celebrating an AR-BR treaty."""
    treaty = make_milestone(session, kind="treaty", date="1971-11-02", countries=["AR", "BR"])
    make_event(session, countries=["UY"], milestone_id=treaty.id, year=2021)
    feed = "/feeds/countries/UY.ics?from=2021-01-01&to=2021-12-31&include=events"
    first = client.get(feed)
    (vevent,) = [v for v in vevents(first.content) if str(v["UID"]).startswith("event-")]
    row = {**CN_PE, "countries": ["AR", "BR"], "kind": "treaty", "id": str(treaty.id),
           "title": "Tratado de Montevideo"}  # fmt: skip
    r = client.post("/api/v1/milestones/import", json=[row], headers=auth)
    assert r.status_code == 200, r.text
    again = client.get(feed, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 200
    (changed,) = [v for v in vevents(again.content) if str(v["UID"]).startswith("event-")]
    assert "Tratado de Montevideo" in str(changed["DESCRIPTION"])
    assert int(changed["SEQUENCE"]) > int(vevent["SEQUENCE"])


def test_sequence_rises_when_only_the_celebrated_milestone_is_patched(client, session, auth):
    """Item 8."""
    m = make_milestone(session)
    make_event(session, milestone_id=m.id, year=2021)
    feed = "/feeds/pairs/CN-PE.ics?from=2021-01-01&to=2021-12-31&include=events"
    (before,) = [v for v in vevents(client.get(feed).content) if "event-" in str(v["UID"])]
    r = client.patch(f"/api/v1/milestones/{m.id}", json={"title": "Relaciones"}, headers=auth)
    assert r.status_code == 200
    (after,) = [v for v in vevents(client.get(feed).content) if "event-" in str(v["UID"])]
    assert "Relaciones" in str(after["DESCRIPTION"])
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])


def test_an_import_that_keeps_an_edited_rows_revision_still_updates_feeds(client, session, auth):
    """Item 6b: the file keeps revision and updated_at but changes the title."""
    m = make_milestone(session)
    feed = "/feeds/pairs/CN-PE.ics?from=2021-01-01&to=2021-12-31"
    first = client.get(feed)
    row = client.get(f"/api/v1/milestones/{m.id}").json()
    edited = {k: row[k] for k in ("id", "kind", "date", "countries", "created_at", "updated_at",
                                  "revision")}  # fmt: skip
    r = client.post(
        "/api/v1/milestones/import", json=[{**edited, "title": "Nuevo título"}], headers=auth
    )
    assert r.status_code == 200, r.text
    assert client.get(f"/api/v1/milestones/{m.id}").json()["revision"] == row["revision"] + 1
    again = client.get(feed, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 200
    (vevent,) = vevents(again.content)
    assert "Nuevo título" in str(vevent["SUMMARY"])
    assert int(vevent["SEQUENCE"]) == row["revision"] + 1


def test_if_modified_since_misses_no_second_write_within_the_same_second():
    """Item 7: a client named 12:00:00 after a write at 12:00:00.2; a write at .7 follows."""
    second = "Thu, 03 Dec 2026 12:00:00 GMT"
    later = dt.datetime(2026, 12, 3, 12, 0, 0, 700_000, tzinfo=dt.UTC)
    assert not not_modified_since(second, later)
    assert not_modified_since(second, later.replace(microsecond=0))
    assert not_modified_since(second, later - dt.timedelta(seconds=1))


# ---------------------------------------------------------------- no 500s, no stalls

SURROGATE = "a\ud800b"


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/v1/milestones", {**CN_PE, "title": SURROGATE}, "title"),
        ("/api/v1/milestones", {**CN_PE, "description": SURROGATE}, "description"),
        ("/api/v1/events", {**RECEPTION, "venue": SURROGATE}, "venue"),
        ("/api/v1/events", {**RECEPTION, "organizers": [{"name": SURROGATE}]}, "organizers"),
    ],
)
def test_a_lone_surrogate_is_a_422_naming_the_field(client, auth, path, body, field):
    """Item 9: ``json.dumps`` writes the lone surrogate as the escape ``\\ud800``."""
    r = client.post(
        path, content=json.dumps(body), headers={**auth, "Content-Type": "application/json"}
    )
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["field"].startswith(field)


def test_surrogates_in_an_import_file_and_cesu_bytes_are_422s(client, auth):
    """Item 9."""
    doc = json.dumps([{**CN_PE, "title": SURROGATE}])
    r = client.post("/api/v1/milestones/import", content=doc,
                    headers={**auth, "Content-Type": "application/json"})  # fmt: skip
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "title"
    cesu = b'{"kind": "treaty", "date": "1971", "countries": ["CN"], "title": "\xed\xa0\x80"}'
    r = client.post("/api/v1/milestones", content=cesu,
                    headers={**auth, "Content-Type": "application/json"})  # fmt: skip
    assert r.status_code == 422


def test_json_nested_a_thousand_deep_is_refused_before_parsing(client, auth):
    """Item 10."""
    deep = "[" * 1000 + "]" * 1000
    r = client.post("/api/v1/milestones/import", content=deep,
                    headers={**auth, "Content-Type": "application/json"})  # fmt: skip
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "file"


@pytest.mark.parametrize(
    ("starts_at", "ends_at", "zone"),
    [
        ("9999-12-31T22:00:00", "9999-12-31T23:00:00", "America/Lima"),
        ("0001-01-01T00:30:00", "0001-01-01T01:00:00", "Asia/Tokyo"),
        ("3000-06-01T19:00:00", "3000-06-01T20:00:00", "Europe/Paris"),
    ],
)
def test_times_at_the_calendar_edges_are_422s(client, auth, starts_at, ends_at, zone):
    """Item 11: years 1000 to 2999 only (what every tested calendar client reads)."""
    body = {**RECEPTION, "starts_at": starts_at, "ends_at": ends_at, "timezone": zone}
    r = client.post("/api/v1/events", json=body, headers=auth)
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["field"] == "starts_at"


def test_feed_windows_stay_within_the_calendar_years(client):
    """Item 11."""
    r = client.get("/feeds/all.ics?from=2995-01-01&to=3005-12-31")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "to"
    assert client.get("/feeds/all.ics?from=0999-01-01&to=1001-01-01").status_code == 422
    assert client.get("/feeds/all.ics?from=2990-01-01&to=2999-12-31").status_code == 200
    # Found by the fuzzer's calendar-edge examples: a default bound past year 9999.
    for query in ("from=9999-12-01", "to=0001-01-01"):
        r = client.get(f"/api/v1/anniversaries?{query}")
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == query.split("=")[0]


def test_thousands_of_if_none_match_lines_do_not_stall_the_worker(make_database, tmp_path):
    """Item 12: a real server, one worker; /healthz stays fast while the request is served."""
    with running_service(make_database(), tmp_path) as svc:
        headers = "".join(f'If-None-Match: "{i:032x}"\r\n' for i in range(100_000))
        raw = f"GET /feeds/all.ics HTTP/1.1\r\nHost: x\r\n{headers}\r\n".encode()
        answer: list[bytes] = []

        def hostile() -> None:
            import socket

            with socket.create_connection(("127.0.0.1", svc.port)) as s:
                s.sendall(raw)
                s.settimeout(20)
                answer.append(s.recv(200))

        thread = threading.Thread(target=hostile)
        thread.start()
        slowest = 0.0
        while thread.is_alive():
            started = time.perf_counter()
            assert httpx.get(svc.url + "/healthz", timeout=10).status_code == 200
            slowest = max(slowest, time.perf_counter() - started)
        thread.join()
        assert answer and answer[0].split(b" ")[1] in (b"431", b"400")
        assert slowest < 0.5


def test_a_day_zero_and_non_ascii_digits_are_not_dates(client, auth):
    """Item 13."""
    for bad in ("1971-11-00", "١٩٧١-١١-٠٢", "1971-00", "0000"):
        with pytest.raises(ValueError):
            parse_partial_date(bad)
        r = client.post("/api/v1/milestones", json={**CN_PE, "date": bad}, headers=auth)
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "date"


def test_event_lists_have_the_anniversaries_window_limit(client):
    """Item 14."""
    r = client.get("/api/v1/events?from=2000-01-01&to=2030-12-31")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "to"
    assert client.get("/api/v1/events?from=2000-01-01&to=2019-12-31").status_code == 200


# ---------------------------------------------------------------- feed wording


def test_location_names_the_venues_country_and_no_guess(client, session, auth):
    """Item 15: a China–Peru reception in Beijing is not in Peru."""
    beijing = {**RECEPTION, "city": "Beijing", "venue": "Great Hall", "venue_country": "CN"}
    created = client.post("/api/v1/events", json=beijing, headers=auth)
    assert created.status_code == 201, created.text
    assert created.json()["venue_country"] == "CN"
    unknown = client.post(
        "/api/v1/events", json={**RECEPTION, "title": "Lima", "start_date": "2021-11-03",
                                "starts_at": None, "ends_at": None, "timezone": None},
        headers=auth,
    )  # fmt: skip
    assert unknown.status_code == 201, unknown.text
    feed = client.get("/feeds/pairs/CN-PE.ics?from=2021-01-01&to=2021-12-31&include=events")
    locations = {str(v["SUMMARY"]): str(v.get("LOCATION")) for v in vevents(feed.content)}
    assert locations[beijing["title"]] == "Great Hall, Beijing, China"
    assert locations["Lima"] == f"{RECEPTION['venue']}, Lima"
    bad = client.post("/api/v1/events", json={**beijing, "venue_country": "ZZ"}, headers=auth)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "venue_country"
    # It travels with the event: export, and the downloaded .ics
    out = io.StringIO()
    transfer.export(session, out)
    assert {e["venue_country"] for e in json.loads(out.getvalue())["events"]} == {"CN", None}


def test_only_gatherings_say_in_person_and_other_organisers_get_no_label(client, auth):
    """Item 16."""
    stamp = {**RECEPTION, "kind": "stamp_issue", "title": "Stamp",
             "organizers": [{"name": "Correos del Perú", "role": "other"}]}  # fmt: skip
    assert client.post("/api/v1/events", json=stamp, headers=auth).status_code == 201
    assert client.post("/api/v1/events", json=RECEPTION, headers=auth).status_code == 201
    feed = client.get("/feeds/pairs/CN-PE.ics?from=2021-01-01&to=2021-12-31&include=events")
    text = {str(v["SUMMARY"]): str(v["DESCRIPTION"]) for v in vevents(feed.content)}
    assert "In person" not in text["Stamp"]
    assert "Organisers: Correos del Perú" in text["Stamp"]
    assert "(organiser)" not in text["Stamp"]
    assert "In person." in text[RECEPTION["title"]]


def test_a_seeded_milestone_states_its_confidence_once(client, session, auth):
    """Item 17: the seed's notes no longer speak of confidence; the field does, once."""
    seed = json.loads(Path("app/data/seed.json").read_text("utf-8"))["milestones"]
    assert not any("confidence" in (m["description"] or "") for m in seed)
    m = make_milestone(session, confidence="verified")
    feed = client.get("/feeds/pairs/CN-PE.ics?from=2021-01-01&to=2021-12-31")
    (vevent,) = vevents(feed.content)
    assert str(vevent["DESCRIPTION"]).lower().count("confidence") == 1
    assert m.confidence == "verified"
