"""Every write route of the app changes the ETag of every feed its item appears in.

The routes come from the app itself, so a new write route without a case here fails
``test_every_write_route_has_a_case``; each case then performs a valid write through its route
and proves that the feeds of the item (all.ics, its countries', its pair's, and a private
token feed, the only one a private event appears in) answer with new ETags: a write that
forgot its feed bump would leave subscribers on a stale calendar forever.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient

from tests.factories import CN_PE, PE_INDEPENDENCE, RECEPTION, make_event, make_milestone

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

CN_PE_FEEDS = [
    "/feeds/all.ics",
    "/feeds/countries/CN.ics",
    "/feeds/countries/PE.ics",
    "/feeds/pairs/CN-PE.ics",
]
PE_FEEDS = ["/feeds/all.ics", "/feeds/countries/PE.ics"]


def write_routes(app) -> set[tuple[str, str]]:
    """(method, path) of every write route, through included routers (FastAPI 0.165 keeps
    those as one entry of ``app.routes`` each; ``iter_route_contexts`` walks into them)."""
    return {
        (method, route.path)
        for route in iter_route_contexts(app.routes)
        if route.path and route.path.startswith("/api/v1/")
        for method in (route.methods or set()) & WRITE_METHODS
    }


@dataclass
class Ctx:
    client: TestClient
    session: object
    auth: dict[str, str]
    token_feed: str  # an admin's private feed: every country, private events included

    def private(self, **overrides):
        return make_event(self.session, **{"visibility": "private", **overrides})


@dataclass(frozen=True)
class Write:
    """A write to perform: ``setup`` makes what it needs and returns (the feeds the item is
    in, the request to send)."""

    name: str
    setup: Callable[[Ctx], tuple[list[str], Callable[[], object]]]


def _milestone_create(c: Ctx):
    return CN_PE_FEEDS, lambda: c.client.post("/api/v1/milestones", json=CN_PE, headers=c.auth)


def _milestone_import(c: Ctx):
    headers = c.auth
    return PE_FEEDS, lambda: c.client.post(
        "/api/v1/milestones/import", json=[PE_INDEPENDENCE], headers=headers
    )


def _milestone_patch(c: Ctx):
    m = make_milestone(c.session)
    url = f"/api/v1/milestones/{m.id}"
    return CN_PE_FEEDS, lambda: c.client.patch(url, json={"title": "Ties"}, headers=c.auth)


def _milestone_move(c: Ctx):
    """Moved from CN-PE to CL-PE: the feeds it leaves and those it enters all change."""
    m = make_milestone(c.session)
    url = f"/api/v1/milestones/{m.id}"
    feeds = [*CN_PE_FEEDS, "/feeds/countries/CL.ics", "/feeds/pairs/CL-PE.ics"]
    return feeds, lambda: c.client.patch(url, json={"countries": ["PE", "CL"]}, headers=c.auth)


def _milestone_delete(c: Ctx):
    m = make_milestone(c.session)
    return CN_PE_FEEDS, lambda: c.client.delete(f"/api/v1/milestones/{m.id}", headers=c.auth)


def _milestone_restore(c: Ctx):
    m = make_milestone(c.session)
    assert c.client.delete(f"/api/v1/milestones/{m.id}", headers=c.auth).status_code == 204
    url = f"/api/v1/milestones/{m.id}/restore"
    return CN_PE_FEEDS, lambda: c.client.post(url, headers=c.auth)


def _event_create(private: bool):
    def setup(c: Ctx):
        body = {**RECEPTION, "visibility": "private" if private else "public"}
        return _event_feeds(c, private), lambda: c.client.post(
            "/api/v1/events", json=body, headers=c.auth
        )

    return setup


def _event_feeds(c: Ctx, private: bool) -> list[str]:
    return [c.token_feed] if private else [*CN_PE_FEEDS, c.token_feed]


def _existing_event(action: str, private: bool):
    def setup(c: Ctx):
        e = make_event(c.session, visibility="private" if private else "public")
        url = f"/api/v1/events/{e.id}"
        if action == "restore":
            assert c.client.delete(url, headers=c.auth).status_code == 204
            return _event_feeds(c, private), lambda: c.client.post(f"{url}/restore", headers=c.auth)
        if action == "delete":
            return _event_feeds(c, private), lambda: c.client.delete(url, headers=c.auth)
        return _event_feeds(c, private), lambda: c.client.patch(
            url, json={"city": "Cusco"}, headers=c.auth
        )

    return setup


def _event_publish(c: Ctx):
    """A private event made public enters the public feeds."""
    e = c.private()
    url = f"/api/v1/events/{e.id}"
    body = {"visibility": "public"}
    return [*CN_PE_FEEDS, c.token_feed], lambda: c.client.patch(url, json=body, headers=c.auth)


ICS = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\n"
    "BEGIN:VEVENT\r\nUID:abc-123@example.org\r\nDTSTAMP:20210101T000000Z\r\n"
    "DTSTART;VALUE=DATE:20211110\r\nDTEND;VALUE=DATE:20211113\r\nSUMMARY:Exposición\r\n"
    "END:VEVENT\r\nEND:VCALENDAR\r\n"
).encode()


def _event_import(c: Ctx):
    headers = {**c.auth, "Content-Type": "text/calendar"}
    return [*CN_PE_FEEDS, c.token_feed], lambda: c.client.post(
        "/api/v1/events/import?countries=CN,PE", content=ICS, headers=headers
    )


def _event_import_update(c: Ctx):
    """The same UID again with a new title: an update through the import."""
    headers = {**c.auth, "Content-Type": "text/calendar"}
    url = "/api/v1/events/import?countries=CN,PE"
    assert c.client.post(url, content=ICS, headers=headers).status_code == 200
    changed = ICS.replace(b"Exposici\xc3\xb3n", b"Exposition")
    feeds = [*CN_PE_FEEDS, c.token_feed]
    return feeds, lambda: c.client.post(url, content=changed, headers=headers)


def _token_create(c: Ctx):
    """A token holds no item: its write changes no feed, but creates one that answers."""

    def write():
        r = c.client.post("/api/v1/feed-tokens", json={"name": "new"}, headers=c.auth)
        assert c.client.get(r.json()["url"].removeprefix("http://testserver")).status_code == 200
        return r

    return [], write


def _token_revoke(c: Ctx):
    """Revoking a token ends its feed: the feed answers 404 instead of its ETag."""
    r = c.client.post("/api/v1/feed-tokens", json={"name": "old"}, headers=c.auth)
    feed = r.json()["url"].removeprefix("http://testserver")
    url = f"/api/v1/feed-tokens/{r.json()['id']}"
    return [feed], lambda: c.client.delete(url, headers=c.auth)


CASES: dict[tuple[str, str], list[Write]] = {
    ("POST", "/api/v1/milestones"): [Write("create", _milestone_create)],
    ("POST", "/api/v1/milestones/import"): [Write("import", _milestone_import)],
    ("PATCH", "/api/v1/milestones/{milestone_id}"): [
        Write("update", _milestone_patch),
        Write("move", _milestone_move),
    ],
    ("DELETE", "/api/v1/milestones/{milestone_id}"): [Write("delete", _milestone_delete)],
    ("POST", "/api/v1/milestones/{milestone_id}/restore"): [Write("restore", _milestone_restore)],
    ("POST", "/api/v1/events"): [
        Write("public", _event_create(False)),
        Write("private", _event_create(True)),
    ],
    ("POST", "/api/v1/events/import"): [
        Write("create", _event_import),
        Write("update", _event_import_update),
    ],
    ("PATCH", "/api/v1/events/{event_id}"): [
        Write("public", _existing_event("update", False)),
        Write("private", _existing_event("update", True)),
        Write("publish", _event_publish),
    ],
    ("DELETE", "/api/v1/events/{event_id}"): [
        Write("public", _existing_event("delete", False)),
        Write("private", _existing_event("delete", True)),
    ],
    ("POST", "/api/v1/events/{event_id}/restore"): [
        Write("public", _existing_event("restore", False)),
        Write("private", _existing_event("restore", True)),
    ],
    ("POST", "/api/v1/feed-tokens"): [Write("create", _token_create)],
    ("DELETE", "/api/v1/feed-tokens/{token_id}"): [Write("revoke", _token_revoke)],
}

# Writes whose item appears in no feed, and why; every other case must name its feeds.
FEEDLESS = {("POST", "/api/v1/feed-tokens")}


def test_every_write_route_has_a_case(client):
    routes = write_routes(client.app)
    assert routes, "the app has write routes"
    missing = routes - CASES.keys()
    assert not missing, f"write routes without a case in CASES: {sorted(missing)}"
    assert not CASES.keys() - routes, "CASES names routes the app no longer has"


def _state(client: TestClient, path: str) -> tuple[int, str | None]:
    r = client.get(path)
    return r.status_code, r.headers.get("etag")


@pytest.mark.parametrize(
    ("route", "write"),
    [(route, w) for route, writes in CASES.items() for w in writes],
    ids=lambda v: " ".join(v) if isinstance(v, tuple) else getattr(v, "name", str(v)),
)
def test_each_write_changes_the_etag_of_every_feed_of_its_item(client, session, auth, route, write):
    token = client.post("/api/v1/feed-tokens", json={"name": "all"}, headers=auth).json()
    ctx = Ctx(client, session, auth, token["url"].removeprefix("http://testserver"))
    feeds, send = write.setup(ctx)
    assert feeds or route in FEEDLESS, "a write whose item is in some feed must name them"
    before = {path: _state(client, path) for path in feeds}
    assert all(status == 200 and etag for status, etag in before.values()), before
    response = send()
    assert 200 <= response.status_code < 300, response.text
    after = {path: _state(client, path) for path in feeds}
    unchanged = [path for path in feeds if after[path] == before[path]]
    assert not unchanged, f"{route}: {unchanged} still answer with their old ETag"
