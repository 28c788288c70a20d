"""Editing from the browser, in-process: sign in and out, the cookie's flags, CSRF and scope
refusals, the "changed meanwhile" page, validation errors kept with what was typed, and
form writes going through the one write path (the pair feed's ETag changes)."""

import re

import pytest
from sqlmodel import select

from app.auth import create_key, revoke_key
from app.models import Event, Scope
from tests.factories import make_event, make_milestone

HTML = {"Accept": "text/html"}
FEED = "/feeds/pairs/CN-PE.ics?from=2021-01-01&to=2021-12-31"  # the 2021 programme


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def sign_in(client, secret: str):
    form = client.get("/signin", headers=HTML)
    return client.post(
        "/signin",
        data={"api_key": secret, "csrf_token": csrf_of(form.text), "next": "/pairs/CN-PE"},
        headers=HTML, follow_redirects=False,
    )  # fmt: skip


@pytest.fixture
def editor(client, session):
    """A client signed in with an editor key for CN,PE."""
    _key, secret = create_key(session, "embassy-lima", Scope.editor, ["CN", "PE"])
    r = sign_in(client, secret)
    assert (r.status_code, r.headers["location"]) == (303, "/pairs/CN-PE")
    return client


@pytest.fixture
def ties(session):
    return make_milestone(session)  # China–Peru, 2 November 1971


def reception_form(client, ties, **overrides) -> dict[str, str]:
    page = client.get("/events/new?pair=CN-PE", headers=HTML)
    assert page.status_code == 200
    form = {
        "csrf_token": csrf_of(page.text), "title": "Reception for the 50th anniversary",
        "kind": "reception", "country_a": "CN", "country_b": "PE", "timing": "timed",
        "starts_at": "2021-11-02T19:00", "ends_at": "2021-11-02T22:00",
        "timezone": "America/Lima", "mode": "in_person", "venue": "Embajada de China",
        "city": "Lima", "org_name_0": "Embassy of China in Peru", "org_role_0": "embassy",
        "anniversary": f"{ties.id}:2021", "status": "confirmed", "visibility": "public",
    }  # fmt: skip
    return {**form, **overrides}


def test_sign_in_sets_a_signed_httponly_lax_cookie_and_never_shows_the_key(client, session):
    _key, secret = create_key(session, "embassy-lima", Scope.editor, ["CN", "PE"])
    r = sign_in(client, secret)
    cookie = r.headers["set-cookie"]
    assert "diplocal_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie  # plain http here
    assert secret not in cookie and secret not in r.headers.get("location", "")
    home = client.get("/pairs/CN-PE", headers=HTML)
    assert "Signed in as embassy-lima" in home.text and secret not in home.text
    assert 'href="/events/new?pair=CN-PE"' in home.text


def test_the_cookie_is_secure_behind_an_https_proxy(client, session):
    _key, secret = create_key(session, "embassy-lima", Scope.editor, ["CN", "PE"])
    form = client.get("/signin", headers=HTML)
    r = client.post(
        "/signin", data={"api_key": secret, "csrf_token": csrf_of(form.text)},
        headers={**HTML, "X-Forwarded-Proto": "https"}, follow_redirects=False,
    )  # fmt: skip
    assert "Secure" in r.headers["set-cookie"]


def test_a_wrong_key_is_refused_and_not_echoed(client):
    r = sign_in(client, "dcal_not-a-real-key")
    assert r.status_code == 401 and "not valid or has been revoked" in r.text
    assert "dcal_not-a-real-key" not in r.text and "diplocal_session" not in r.headers.get(
        "set-cookie", ""
    )


def test_sign_out_ends_the_session_even_for_a_kept_copy_of_the_cookie(editor):
    cookie = editor.cookies.get("diplocal_session")
    page = editor.get("/pairs/CN-PE", headers=HTML)
    r = editor.post("/signout", data={"csrf_token": csrf_of(page.text)}, follow_redirects=False)
    assert r.status_code == 303
    editor.cookies.set("diplocal_session", cookie)  # a copy kept by an attacker
    assert "Sign in" in editor.get("/", headers=HTML).text
    r = editor.get("/events/new", headers=HTML, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/signin?next=")


def test_revoking_the_key_ends_its_sessions_at_once(editor, session):
    assert editor.get("/events/new", headers=HTML).status_code == 200
    assert revoke_key(session, "embassy-lima")
    r = editor.get("/events/new", headers=HTML, follow_redirects=False)
    assert r.status_code == 303


def test_a_reader_key_cannot_sign_in(client, session):
    _key, secret = create_key(session, "reader", Scope.reader, ["PE"])
    r = sign_in(client, secret)
    assert r.status_code == 403 and "reader key" in r.text


def test_a_post_without_csrf_token_is_refused_with_a_page_that_says_why(editor, ties):
    form = reception_form(editor, ties)
    del form["csrf_token"]
    r = editor.post("/events/new", data=form, headers=HTML)
    assert r.status_code == 403 and "CSRF token" in r.text
    r = editor.post("/events/new", data={**form, "csrf_token": "forged"}, headers=HTML)
    assert r.status_code == 403
    assert editor.get("/api/v1/events").json()["total"] == 0


def test_sign_in_form_without_its_token_is_refused(client, session):
    _key, secret = create_key(session, "embassy-lima", Scope.editor, ["CN", "PE"])
    r = client.post("/signin", data={"api_key": secret}, headers=HTML, follow_redirects=False)
    assert r.status_code == 403 and "security token" in r.text


def test_create_an_event_through_the_form_changes_the_pair_feed(editor, ties, session):
    before = editor.get(FEED).headers["etag"]
    r = editor.post("/events/new", data=reception_form(editor, ties), follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/events/")
    event = session.exec(select(Event)).one()
    assert (event.starts_at.hour, event.timezone, event.year) == (19, "America/Lima", 2021)
    assert event.milestone_id == ties.id and event.organizers[0]["role"] == "embassy"
    feed = editor.get(FEED)
    assert feed.headers["etag"] != before and "Reception for the 50th anniversary" in feed.text
    entry = editor.get("/api/v1/audit", headers={"Authorization": "Bearer x"})
    assert entry.status_code == 401  # the audit API still needs a bearer key


def test_validation_errors_sit_next_to_their_fields_and_keep_what_was_typed(editor, ties):
    form = reception_form(
        editor, ties, ends_at="2021-11-02T18:00", timezone="Mars/Olympus",
        description="Recepción — 中国 y Perú", org_name_2="Cámara de Comercio",
    )  # fmt: skip
    r = editor.post("/events/new", data=form, headers=HTML)
    assert r.status_code == 422
    assert re.search(r'id="f-timezone-error"[^>]*>[^<]*unknown time zone', r.text)
    assert 'aria-describedby="f-timezone-error"' in r.text
    assert "Recepción — 中国 y Perú</textarea>" in r.text
    assert 'value="Cámara de Comercio"' in r.text and 'value="2021-11-02T18:00"' in r.text
    assert 'class="error-summary"' in r.text
    form["timezone"] = "America/Lima"
    r = editor.post("/events/new", data=form, headers=HTML)
    assert "ends_at must be after starts_at" in r.text  # the API's own message


def test_an_anniversary_far_from_the_event_gets_the_apis_message(editor, ties):
    r = editor.post(
        "/events/new", data=reception_form(editor, ties, anniversary=f"{ties.id}:2026"),
        headers=HTML,
    )  # fmt: skip
    assert r.status_code == 422 and "is not near the 55th anniversary in 2026" in r.text


def test_an_editor_of_cn_pe_may_not_edit_a_us_fr_event(editor, session):
    other = make_event(session, countries=["FR", "US"], title="Bastille Day in Washington")
    r = editor.get(f"/events/{other.id}/edit", headers=HTML)
    assert r.status_code == 403 and "may edit only CN, PE; this involves FR, US" in r.text
    page = editor.get("/pairs/CN-PE", headers=HTML)
    form = {"csrf_token": csrf_of(page.text), "revision": "1", "title": "Hijacked"}
    assert editor.post(f"/events/{other.id}/edit", data=form).status_code == 403
    assert editor.post(f"/events/{other.id}/delete", data=form).status_code == 403
    us_fr = {"kind": "reception", "country_a": "FR", "country_b": "US", "timing": "all_day",
             "start_date": "2026-07-14"}  # fmt: skip
    r = editor.post("/events/new", data={**form, **us_fr})
    assert r.status_code == 403
    session.refresh(other)
    assert (other.title, other.revision, other.deleted_at) == (
        "Bastille Day in Washington",
        1,
        None,
    )


def test_a_stale_revision_shows_both_versions_and_saves_nothing(editor, ties, session):
    event = make_event(session, milestone_id=str(ties.id), year=2021)
    page = editor.get(f"/events/{event.id}/edit", headers=HTML)
    assert 'name="revision" value="1"' in page.text
    form = reception_form(editor, ties, title="My title", revision="1")
    # Someone else saves first, through the API.
    admin = create_key(session, "admin", Scope.admin)[1]
    r = editor.patch(f"/api/v1/events/{event.id}", json={"title": "Their title"},
                     headers={"Authorization": f"Bearer {admin}"})  # fmt: skip
    assert r.json()["revision"] == 2
    r = editor.post(f"/events/{event.id}/edit", data=form, headers=HTML)
    assert r.status_code == 409 and "Changed meanwhile" in r.text
    assert "My title" in r.text and "Their title" in r.text
    session.refresh(event)
    assert (event.title, event.revision) == ("Their title", 2)


def test_edit_then_cancel_raise_the_revision(editor, ties, session):
    event = make_event(session, milestone_id=str(ties.id), year=2021)
    form = reception_form(editor, ties, starts_at="2021-11-02T19:30", revision="1")
    assert editor.post(f"/events/{event.id}/edit", data=form).status_code == 200
    session.refresh(event)
    assert (event.starts_at.minute, event.revision) == (30, 2)
    form.update(revision="2", action="cancel_event")
    editor.post(f"/events/{event.id}/edit", data=form)
    session.refresh(event)
    assert (event.status, event.revision) == ("cancelled", 3)


def test_delete_then_an_admin_restores_from_the_audit_page(editor, ties, session, client):
    event = make_event(session)
    page = editor.get(f"/events/{event.id}/edit", headers=HTML)
    token = csrf_of(page.text)
    r = editor.post(f"/events/{event.id}/delete", data={"csrf_token": token, "revision": "1"},
                    follow_redirects=False)  # fmt: skip
    assert (r.status_code, r.headers["location"]) == (303, "/pairs/CN-PE")
    assert editor.get("/audit", headers=HTML).status_code == 403  # editors: no audit
    editor.post("/signout", data={"csrf_token": token})
    admin = create_key(session, "admin", Scope.admin)[1]
    sign_in(client, admin)
    audit = client.get("/audit", headers=HTML)
    assert audit.status_code == 200 and f"/events/{event.id}/restore" in audit.text
    r = client.post(f"/events/{event.id}/restore", data={"csrf_token": csrf_of(audit.text)})
    assert r.status_code == 200
    session.refresh(event)
    assert event.deleted_at is None


def test_milestone_form_creates_and_edits_with_sources(editor, session):
    page = editor.get("/milestones/new?pair=CN-PE", headers=HTML)
    form = {"csrf_token": csrf_of(page.text), "kind": "treaty", "date": "1971-13",
            "country_a": "CN", "country_b": "PE", "source": "MFA"}  # fmt: skip
    r = editor.post("/milestones/new", data=form, headers=HTML)
    assert r.status_code == 422 and "month 13 does not exist" in r.text and 'value="MFA"' in r.text
    form.update(date="1971-11", source_url="https://example.org/treaty")
    r = editor.post("/milestones/new", data=form, follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (303, "/pairs/CN-PE")
    milestone = editor.get("/api/v1/milestones?kind=treaty").json()["items"][0]
    assert (milestone["date"], milestone["source"]) == ("1971-11", "MFA")
    edit = editor.get(f"/milestones/{milestone['id']}/edit", headers=HTML)
    assert 'value="https://example.org/treaty"' in edit.text
    form.update(revision="1", source="Ministry of Foreign Affairs")
    editor.post(f"/milestones/{milestone['id']}/edit", data=form)
    assert editor.get(f"/api/v1/milestones/{milestone['id']}").json()["revision"] == 2


def test_the_time_zone_picker_suggests_the_countries_zones(editor, ties):
    page = editor.get("/events/new?pair=CN-PE", headers=HTML).text
    suggested = re.search(
        r"<optgroup label=\"Zones of the event.s countries\">(.*?)</optgroup>", page
    )
    assert "America/Lima" in suggested.group(1) and "Asia/Shanghai" in suggested.group(1)
    countries = re.search(r'<select id="f-country_a".*?</select>', page, re.S).group(0)
    assert re.findall(r'<option value="(\w+)"', countries) == ["CN", "PE"]
    assert "2021: 50th anniversary" in page


def test_the_event_form_stays_under_60_kb_gzipped(editor, ties):
    r = editor.get("/events/new?pair=CN-PE", headers={**HTML, "Accept-Encoding": "gzip"})
    assert int(r.headers["content-length"]) < 60_000  # the wire size, with every zone listed


def test_an_event_form_with_a_chinese_title_and_venue_country_reaches_the_zh_feed(editor, ties):
    form = reception_form(
        editor, ties, title_zh="中秘建交50周年招待会", title_es="", venue_country="PE"
    )
    r = editor.post("/events/new", data=form, follow_redirects=False)
    assert r.status_code == 303
    event = editor.get("/api/v1/events?pair=CN-PE").json()["items"][0]
    assert (event["title_i18n"], event["venue_country"]) == ({"zh": "中秘建交50周年招待会"}, "PE")
    assert event["description_i18n"] == {}  # empty inputs are left out
    feed = editor.get("/feeds/pairs/CN-PE.ics?lang=zh&from=2021-01-01&to=2021-12-31").text
    vevent = next(v for v in feed.split("BEGIN:VEVENT")[1:] if "中秘建交50周年招待会" in v)
    assert re.search(r"^SUMMARY:中秘建交50周年招待会\r?$", vevent, re.M)
    edit = editor.get(f"/events/{event['id']}/edit", headers=HTML).text
    assert re.search(
        r'<input id="f-title_zh" name="title_zh" type="text" value="中秘建交50周年招待会"', edit
    )
    assert re.search(r'<option value="PE" selected>', re.search(
        r'<select id="f-venue_country".*?</select>', edit, re.S).group(0))  # fmt: skip
    assert 'lang="ar" dir="rtl"' in edit and 'lang="zh" dir="ltr"' in edit


def test_the_venue_country_leads_the_zone_suggestions_and_its_picker(editor, ties):
    page = editor.get("/events/new?pair=CN-PE", headers=HTML).text
    venue = re.search(r'<select id="f-venue_country".*?</select>', page, re.S).group(0)
    codes = re.findall(r'<option value="(\w+)"', venue)
    assert codes[:2] == ["CN", "PE"] and "US" in codes  # any country, the event's first
    form = reception_form(editor, ties, venue_country="PE", ends_at="2021-11-02T18:00")
    r = editor.post("/events/new", data=form, headers=HTML)
    assert r.status_code == 422
    group = re.search(r"<optgroup label=\"Zones of the venue.s country\">(.*?)</optgroup>", r.text)
    assert "America/Lima" in group.group(1) and "Asia/Shanghai" not in group.group(1)


def test_a_bad_translation_is_flagged_at_its_own_input_and_kept(editor, ties):
    form = reception_form(editor, ties, title_fr="Réception", title_ru="x" * 501)
    r = editor.post("/events/new", data=form, headers=HTML)
    assert r.status_code == 422
    assert re.search(r'id="f-title_ru-error"[^>]*>[^<]*longer than 500', r.text)
    assert 'id="f-title_fr-error"' not in r.text and 'value="Réception"' in r.text


def test_the_milestone_form_round_trips_its_translations(editor, session):
    page = editor.get("/milestones/new?pair=CN-PE", headers=HTML)
    form = {"csrf_token": csrf_of(page.text), "kind": "treaty", "date": "1971-11",
            "country_a": "CN", "country_b": "PE", "title": "Treaty of friendship",
            "title_ar": "معاهدة الصداقة", "description_fr": "Signé à Lima."}  # fmt: skip
    r = editor.post("/milestones/new", data=form, follow_redirects=False)
    assert r.status_code == 303
    milestone = editor.get("/api/v1/milestones?kind=treaty").json()["items"][0]
    assert milestone["title_i18n"] == {"ar": "معاهدة الصداقة"}
    assert milestone["description_i18n"] == {"fr": "Signé à Lima."}
    edit = editor.get(f"/milestones/{milestone['id']}/edit", headers=HTML).text
    assert 'value="معاهدة الصداقة" lang="ar" dir="rtl"' in edit
    assert 'lang="fr" dir="ltr">Signé à Lima.</textarea>' in edit
    form.update(revision="1", title_ar="", description_fr="Signé à Lima en 1971.")
    editor.post(f"/milestones/{milestone['id']}/edit", data=form)
    saved = editor.get(f"/api/v1/milestones/{milestone['id']}").json()
    assert (saved["title_i18n"], saved["description_i18n"]) == ({}, {"fr": "Signé à Lima en 1971."})
