"""Keys you can hand out: scopes, the audit trail, soft delete, private events, concurrency,
limits and headers."""

import pytest

from app.auth import create_key
from app.models import Scope
from tests.factories import CN_PE, RECEPTION


def bearer(session, name: str, scope: Scope, countries=()) -> dict[str, str]:
    return {"Authorization": f"Bearer {create_key(session, name, scope, countries)[1]}"}


@pytest.fixture
def editor(session) -> dict[str, str]:
    return bearer(session, "lima-embassy", Scope.editor, ["CN", "PE"])


@pytest.fixture
def reader(session) -> dict[str, str]:
    return bearer(session, "lima-reader", Scope.reader, ["CN", "PE"])


PRIVATE_VISIT = {
    **RECEPTION,
    "title": "State visit (in preparation)",
    "kind": "visit",
    "visibility": "private",
}


def test_editor_changes_its_pair_but_not_others(client, editor, auth):
    event = client.post("/api/v1/events", json=RECEPTION, headers=editor).json()
    r = client.patch(f"/api/v1/events/{event['id']}", json={"city": "Callao"}, headers=editor)
    assert r.status_code == 200
    us_fr = client.post(
        "/api/v1/milestones", json={**CN_PE, "countries": ["US", "FR"]}, headers=auth
    ).json()
    r = client.patch(f"/api/v1/milestones/{us_fr['id']}", json={"source": "x"}, headers=editor)
    assert r.status_code == 403
    assert r.headers["content-type"] == "application/problem+json"
    assert "CN, PE" in r.json()["detail"]


def test_audit_trail_records_who_changed_what(client, auth, editor, session):
    event = client.post(
        "/api/v1/events", json=RECEPTION, headers={**editor, "X-Request-ID": "req-42"}
    ).json()
    client.patch(f"/api/v1/events/{event['id']}", json={"city": "Callao"}, headers=editor)
    client.delete(f"/api/v1/events/{event['id']}", headers=editor)
    r = client.get(f"/api/v1/audit?entity=event&id={event['id']}", headers=auth)
    assert r.status_code == 200
    entries = r.json()["items"]
    assert [(e["action"], e["actor"]) for e in entries] == [
        ("create", "lima-embassy"), ("update", "lima-embassy"), ("delete", "lima-embassy"),
    ]  # fmt: skip
    assert entries[0]["request_id"] == "req-42"
    assert entries[0]["before"] is None and entries[0]["after"]["city"] == "Lima"
    assert (entries[1]["before"]["city"], entries[1]["after"]["city"]) == ("Lima", "Callao")
    keys = client.get("/api/v1/audit?entity=key", headers=auth).json()["items"]
    assert {e["after"]["name"] for e in keys} >= {"test-admin", "lima-embassy"}
    assert all("hash" not in str(e) and "dcal_" not in str(e) for e in keys)
    assert client.get("/api/v1/audit", headers=editor).status_code == 403
    assert client.get("/api/v1/audit").status_code == 401
    since = client.get("/api/v1/audit?since=2999-01-01T00:00:00Z", headers=auth).json()
    assert since["total"] == 0


def test_deleted_event_leaves_lists_and_feeds_until_restored(client, auth, editor):
    event = client.post("/api/v1/events", json=RECEPTION, headers=editor).json()
    feed = "/feeds/pairs/CN-PE.ics?from=2021-01-01&to=2021-12-31"
    assert event["uid"].encode() in client.get(feed).content
    assert client.delete(f"/api/v1/events/{event['id']}", headers=editor).status_code == 204
    assert client.get(f"/api/v1/events/{event['id']}").status_code == 404
    assert client.get("/api/v1/events").json()["total"] == 0
    assert event["uid"].encode() not in client.get(feed).content
    # Only an admin restores.
    assert client.post(f"/api/v1/events/{event['id']}/restore", headers=editor).status_code == 403
    r = client.post(f"/api/v1/events/{event['id']}/restore", headers=auth)
    assert r.status_code == 200
    assert client.get(f"/api/v1/events/{event['id']}").status_code == 200
    assert event["uid"].encode() in client.get(feed).content


def test_two_patches_with_the_same_if_match_one_wins(client, editor):
    event = client.post("/api/v1/events", json=RECEPTION, headers=editor).json()
    read = client.get(f"/api/v1/events/{event['id']}")
    etag = read.headers["etag"]
    assert etag == '"1"'
    first = client.patch(
        f"/api/v1/events/{event['id']}",
        json={"city": "Callao"},
        headers={**editor, "If-Match": etag},
    )
    second = client.patch(
        f"/api/v1/events/{event['id']}",
        json={"city": "Cusco"},
        headers={**editor, "If-Match": etag},
    )
    assert (first.status_code, second.status_code) == (200, 412)
    assert second.headers["content-type"] == "application/problem+json"
    assert first.headers["etag"] == '"2"'
    assert client.get(f"/api/v1/events/{event['id']}").json()["city"] == "Callao"
    stale = client.delete(f"/api/v1/events/{event['id']}", headers={**editor, "If-Match": etag})
    assert stale.status_code == 412
    star = client.delete(f"/api/v1/events/{event['id']}", headers={**editor, "If-Match": "*"})
    assert star.status_code == 204


def test_private_event_is_hidden_from_the_public(client, auth, editor, session):
    visit = client.post("/api/v1/events", json=PRIVATE_VISIT, headers=editor).json()
    assert visit["visibility"] == "private"
    assert client.get("/api/v1/events").json()["total"] == 0
    assert client.get(f"/api/v1/events/{visit['id']}").status_code == 404
    assert (
        b"State visit"
        not in client.get("/feeds/pairs/CN-PE.ics?from=2021-01-01&to=2021-12-31").content
    )
    # Keys that cover its countries see it.
    assert client.get("/api/v1/events", headers=editor).json()["total"] == 1
    assert client.get(f"/api/v1/events/{visit['id']}", headers=auth).status_code == 200
    _, other = create_key(session, "paris", Scope.editor, ["FR"])
    assert (
        client.get("/api/v1/events", headers={"Authorization": f"Bearer {other}"}).json()["total"]
        == 0
    )


def test_private_write_leaves_public_feed_etags_alone(client, editor):
    url = "/feeds/pairs/CN-PE.ics?from=2021-01-01&to=2021-12-31"
    etag = client.get(url).headers["etag"]
    client.post("/api/v1/events", json=PRIVATE_VISIT, headers=editor)
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    event = client.post("/api/v1/events", json=RECEPTION, headers=editor).json()
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 200
    etag = client.get(url).headers["etag"]
    hidden = client.patch(
        f"/api/v1/events/{event['id']}", json={"visibility": "private"}, headers=editor
    )
    assert hidden.status_code == 200
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 200


def test_feed_tokens(client, auth, editor, reader):
    r = client.post("/api/v1/feed-tokens", json={"name": "protocol office"}, headers=editor)
    assert r.status_code == 201
    token = r.json()
    assert token["countries"] == ["CN", "PE"]
    assert "/feeds/private/ft_" in token["url"]
    secret = token["url"].rsplit("/", 1)[1].removesuffix(".ics")
    assert len(secret) > 40  # >= 128 bits of randomness
    listed = client.get("/api/v1/feed-tokens", headers=editor).json()
    assert [t["id"] for t in listed["items"]] == [token["id"]]
    assert listed["items"][0]["url"] is None and secret not in str(listed)
    # A reader may make tokens for its countries, not for others.
    assert client.post("/api/v1/feed-tokens", json={"name": "r"}, headers=reader).status_code == 201
    r = client.post("/api/v1/feed-tokens", json={"name": "r", "countries": ["US"]}, headers=reader)
    assert r.status_code == 403
    assert client.post("/api/v1/feed-tokens", json={"name": "x"}).status_code == 401
    bad = client.post("/api/v1/feed-tokens", json={"name": "x", "countries": ["ZZ"]}, headers=auth)
    assert bad.status_code == 422
    everything = client.post("/api/v1/feed-tokens", json={"name": "all"}, headers=auth).json()
    assert everything["countries"] == []
    assert client.delete(f"/api/v1/feed-tokens/{token['id']}", headers=reader).status_code == 404
    assert client.delete(f"/api/v1/feed-tokens/{token['id']}", headers=editor).status_code == 204
    assert client.get(f"/api/v1/feed-tokens/{token['id']}", headers=editor).status_code == 404
    revoked = client.get(f"/api/v1/audit?entity=feed_token&id={token['id']}", headers=auth)
    assert [e["action"] for e in revoked.json()["items"]] == ["create", "revoke"]


def test_readers_cannot_write(client, reader):
    assert client.post("/api/v1/events", json=RECEPTION, headers=reader).status_code == 403


def test_every_response_has_a_request_id_and_nosniff(client):
    for r in (client.get("/healthz"), client.get("/api/v1/nothing"), client.get("/feeds/all.ics")):
        assert len(r.headers["x-request-id"]) >= 16
        assert r.headers["x-content-type-options"] == "nosniff"
    assert (
        client.get("/healthz", headers={"X-Request-ID": "abc-123"}).headers["x-request-id"]
        == "abc-123"
    )
    forged = client.get("/healthz", headers={"X-Request-ID": "bad id\twith spaces"})
    assert forged.headers["x-request-id"] != "bad id\twith spaces"


def test_cors_open_for_reads_closed_for_writes(client):
    r = client.get("/api/v1/countries/PE", headers={"Origin": "https://news.example"})
    assert r.headers["access-control-allow-origin"] == "*"
    preflight = client.options(
        "/api/v1/milestones",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert "POST" not in preflight.headers.get("access-control-allow-methods", "")
    assert preflight.status_code == 403
    feed = client.options(
        "/feeds/all.ics",
        headers={
            "Origin": "https://news.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "If-None-Match",
        },
    )
    assert feed.status_code == 204 and "GET" in feed.headers["access-control-allow-methods"]
    assert feed.headers["access-control-allow-origin"] == "*"
    # Calendar apps send no Origin: their responses carry no CORS headers and no Vary: Origin.
    plain = client.get("/feeds/all.ics")
    assert "access-control-allow-origin" not in plain.headers
    assert "Origin" not in plain.headers["vary"]


def test_large_bodies_get_413(client, auth):
    big = b'{"title": "' + b"x" * (2 * 2**20) + b'"}'
    r = client.post(
        "/api/v1/events", content=big, headers={**auth, "Content-Type": "application/json"}
    )
    assert r.status_code == 413
    assert r.headers["content-type"] == "application/problem+json"

    def chunks():
        for _ in range(40):
            yield b"x" * 65536

    streamed = client.post(
        "/api/v1/events", content=chunks(), headers={**auth, "Content-Type": "application/json"}
    )
    assert streamed.status_code == 413
    # Imports may be larger than other writes.
    medium = b"BEGIN:VCALENDAR\r\n" + b"X-PAD:" + b"x" * (2 * 2**20) + b"\r\nEND:VCALENDAR\r\n"
    r = client.post(
        "/api/v1/events/import", content=medium, headers={**auth, "Content-Type": "text/calendar"}
    )
    assert r.status_code != 413


def test_logs_are_structured_and_hold_no_secrets(client, auth, monkeypatch):
    import io
    import json

    from app import logs

    out = io.StringIO()
    monkeypatch.setattr(logs, "SINK", logs.Sink(out, "json"))
    token = client.post("/api/v1/feed-tokens", json={"name": "t"}, headers=auth).json()
    secret = token["url"].rsplit("/", 1)[1]
    client.get(f"/feeds/private/{secret}")
    logs.SINK.flush()
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert records and all("request_id" in r and "status" in r for r in records)
    assert secret.removesuffix(".ics") not in out.getvalue()
    assert auth["Authorization"].split()[1] not in out.getvalue()


def test_milestone_delete_restore_and_if_match(client, auth, editor):
    created = client.post("/api/v1/milestones", json=CN_PE, headers=editor)
    ties = created.json()
    assert created.headers["etag"] == '"1"'
    url = f"/api/v1/milestones/{ties['id']}"
    stale = client.patch(url, json={"source": "a"}, headers={**editor, "If-Match": '"1"'})
    assert stale.status_code == 200 and stale.headers["etag"] == '"2"'
    lost = client.patch(url, json={"source": "b"}, headers={**editor, "If-Match": '"1"'})
    assert lost.status_code == 412
    assert client.get(url).json()["source"] == "a"
    assert client.delete(url, headers=editor).status_code == 204
    assert client.get(url).status_code == 404
    assert client.get("/api/v1/milestones?pair=CN-PE").json()["total"] == 0
    feed = client.get("/feeds/pairs/CN-PE.ics?from=2021-01-01&to=2021-12-31").content
    assert b"anniversary-" not in feed
    assert client.patch(url, json={"source": "c"}, headers=editor).status_code == 404
    assert client.post(f"{url}/restore", headers=editor).status_code == 403
    restored = client.post(f"{url}/restore", headers=auth)
    assert restored.status_code == 200 and restored.json()["source"] == "a"
    assert client.get("/api/v1/milestones?pair=CN-PE").json()["total"] == 1
    history = client.get(f"/api/v1/audit?entity=milestone&id={ties['id']}", headers=auth).json()
    assert [(e["action"], e["actor"]) for e in history["items"]] == [
        ("create", "lima-embassy"), ("update", "lima-embassy"), ("delete", "lima-embassy"),
        ("restore", "test-admin"),
    ]  # fmt: skip


def test_imports_are_audited(client, auth):
    csv = "kind,date,countries\ndiplomatic_relations,1971-11-02,CN PE\n"
    r = client.post(
        "/api/v1/milestones/import", content=csv, headers={**auth, "Content-Type": "text/csv"}
    )
    assert r.status_code == 200 and r.json()["created"] == 1
    entries = client.get("/api/v1/audit?entity=milestone", headers=auth).json()["items"]
    assert [(e["action"], e["actor"]) for e in entries] == [("create", "test-admin")]
    assert entries[0]["after"]["date"] == "1971-11-02"


def test_private_state_visit_is_only_in_a_token_feed_until_revoked(client, auth, editor):
    client.post("/api/v1/milestones", json=CN_PE, headers=editor)
    client.post("/api/v1/events", json=RECEPTION, headers=editor)
    client.post("/api/v1/events", json=PRIVATE_VISIT, headers=editor)
    window = "from=2021-01-01&to=2021-12-31"
    public = client.get(f"/feeds/pairs/CN-PE.ics?{window}")
    assert b"State visit" not in public.content and b"Reception" in public.content

    token = client.post("/api/v1/feed-tokens", json={"name": "protocol"}, headers=editor).json()
    path = token["url"].removeprefix("http://testserver")
    private = client.get(f"{path}?{window}")
    assert private.status_code == 200
    assert b"State visit" in private.content and b"Reception" in private.content
    assert b"anniversary-" in private.content  # the anniversaries too
    assert private.headers["content-disposition"] == 'inline; filename="private.ics"'
    secret = path.rsplit("/", 1)[1].removesuffix(".ics")
    assert secret not in private.text
    narrowed = client.get(f"{path}?{window}&pair=PE-CN")
    assert b"State visit" in narrowed.content
    assert client.get(f"{path}?country=US").status_code == 403
    assert client.get(f"{path}?pair=CN-ZZ").status_code == 422

    # A new private event changes the token feed's ETag, not the public feed's.
    etag, public_etag = private.headers["etag"], public.headers["etag"]
    client.post("/api/v1/events", json={**PRIVATE_VISIT, "title": "Second visit"}, headers=editor)
    assert client.get(f"{path}?{window}", headers={"If-None-Match": etag}).status_code == 200
    again = client.get(f"/feeds/pairs/CN-PE.ics?{window}", headers={"If-None-Match": public_etag})
    assert again.status_code == 304

    assert client.delete(f"/api/v1/feed-tokens/{token['id']}", headers=editor).status_code == 204
    assert client.get(f"{path}?{window}").status_code == 404
    assert client.get("/feeds/private/ft_not-a-token.ics").status_code == 404


def test_an_admin_token_covers_every_country(client, auth, editor):
    client.post("/api/v1/events", json=PRIVATE_VISIT, headers=editor)
    token = client.post("/api/v1/feed-tokens", json={"name": "all"}, headers=auth).json()
    path = token["url"].removeprefix("http://testserver")
    feed = client.get(f"{path}?from=2021-01-01&to=2021-12-31")
    assert b"State visit" in feed.content
