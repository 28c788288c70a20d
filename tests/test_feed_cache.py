"""Feed caching is only fast if it is right: a 304 is never served for changed content, a
cached feed never outlives a write that changes it, and nothing is built that need not be."""

import asyncio
import datetime as dt
import gzip
import threading
import time

import httpx2
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session
from starlette.datastructures import QueryParams

from app import crud, queries
from app.config import Settings
from app.feeds import build, catalogue, render, serve
from app.feeds.query import parse_feed_query
from app.feeds.versions import NEVER, FeedVersions
from app.filters import AnniversaryFilter
from app.main import create_app
from tests.factories import CN_PE, PE_INDEPENDENCE, make_event, make_milestone

WINDOW = "from=2020-01-01&to=2030-12-31"
PAIR = f"/feeds/pairs/CN-PE.ics?{WINDOW}"
GZIP = {"Accept-Encoding": "gzip"}


@pytest.fixture
def builds(monkeypatch):
    """Counts feed builds (the cold path that reads events from the database)."""
    calls = []
    real = build.build_entry

    def counting(*args, **kwargs):
        calls.append(args[1].scope)
        return real(*args, **kwargs)

    monkeypatch.setattr(build, "build_entry", counting)
    return calls


def _stable(headers) -> dict[str, str]:
    """Response headers but the request id, which is new on every request."""
    return {k: v for k, v in headers.items() if k != "x-request-id"}


def test_warm_polls_and_304s_build_nothing_and_open_no_session(client, session, builds):
    make_milestone(session)
    first = client.get(PAIR, headers=GZIP)
    assert builds == ["CN-PE"]
    with pytest.MonkeyPatch.context() as m:
        m.setattr(serve, "Session", None)  # any session opened now would fail
        for _ in range(3):
            warm = client.get(PAIR, headers=GZIP)
            assert warm.content == first.content
            assert _stable(warm.headers) == _stable(first.headers)
            again = client.get(PAIR, headers={**GZIP, "If-None-Match": first.headers["etag"]})
            assert again.status_code == 304
    assert builds == ["CN-PE"]


def test_a_304_needs_no_build_even_in_a_fresh_worker(settings, session, builds):
    """The validator comes from the version and the query alone, so a worker that never
    built the feed (another process, or after a restart) still answers 304 unbuilt."""
    make_milestone(session)
    with TestClient(create_app(settings)) as one:
        etag = one.get(PAIR, headers={"Accept-Encoding": "identity"}).headers["etag"]
    builds.clear()
    with TestClient(create_app(settings)) as other:
        plain = {"Accept-Encoding": "identity", "If-None-Match": etag}
        assert other.get(PAIR, headers=plain).status_code == 304
        gz = other.get(PAIR, headers={**GZIP, "If-None-Match": etag[:-1] + '-gz"'})
        assert gz.status_code == 304 and gz.headers["etag"] == etag[:-1] + '-gz"'
    assert builds == []


def _edit_milestone(client, auth, session, ids):
    r = client.patch(f"/api/v1/milestones/{ids['m']}", json={"description": "edited"}, headers=auth)
    assert r.status_code == 200
    return "edited"


def _create_milestone(client, auth, session, ids):
    body = {**CN_PE, "kind": "treaty", "date": "1990-05-05"}
    assert client.post("/api/v1/milestones", json=body, headers=auth).status_code == 201
    return "China – Peru: 30th anniversary of the treaty"


def _delete_milestone(client, auth, session, ids):
    assert client.delete(f"/api/v1/milestones/{ids['m']}", headers=auth).status_code == 204
    return None


def _create_event(client, auth, session, ids):
    body = {"title": "Jubilee concert", "kind": "performance", "countries": ["CN", "PE"],
            "start_date": "2021-11-05"}  # fmt: skip
    assert client.post("/api/v1/events", json=body, headers=auth).status_code == 201
    return "Jubilee concert"


def _edit_event(client, auth, session, ids):
    r = client.patch(f"/api/v1/events/{ids['e']}", json={"title": "Gala"}, headers=auth)
    assert r.status_code == 200
    return "Gala"


def _delete_event(client, auth, session, ids):
    assert client.delete(f"/api/v1/events/{ids['e']}", headers=auth).status_code == 204
    return None


def _import_event(client, auth, session, ids):
    ics = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:imported@x\r\n"
        b"DTSTAMP:20210101T000000Z\r\nDTSTART;VALUE=DATE:20211110\r\nSUMMARY:Imported fair\r\n"
        b"END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    headers = {**auth, "Content-Type": "text/calendar"}
    r = client.post("/api/v1/events/import?countries=CN,PE", content=ics, headers=headers)
    assert r.status_code == 200
    return "Imported fair"


WRITES = [
    _edit_milestone, _create_milestone, _delete_milestone, _create_event, _edit_event,
    _delete_event, _import_event,
]  # fmt: skip


@pytest.mark.parametrize("write", WRITES, ids=lambda w: w.__name__.strip("_"))
@pytest.mark.parametrize(
    "url", [PAIR, f"/feeds/countries/PE.ics?{WINDOW}", f"/feeds/all.ics?{WINDOW}"]
)
def test_a_write_changes_every_feed_it_touches_at_once(client, auth, session, write, url):
    ids = {"m": make_milestone(session).id}
    ids["e"] = make_event(session, title="Reception", milestone_id=ids["m"], year=2021).id
    before = client.get(url, headers=GZIP)
    assert client.get(url, headers={"If-None-Match": before.headers["etag"]}).status_code == 304
    expected = write(client, auth, session, ids)
    after = client.get(url, headers={**GZIP, "If-None-Match": before.headers["etag"]})
    assert after.status_code == 200  # never a 304 for changed content
    assert after.headers["etag"] != before.headers["etag"]
    assert after.content != before.content  # and never the cached bytes
    if expected:
        assert expected in after.text.replace("\r\n ", "")
    plain = client.get(url, headers={"If-None-Match": before.headers["etag"].replace("-gz", "")})
    assert plain.status_code == 200 and plain.text == after.text


def test_a_write_elsewhere_keeps_the_cached_entry(client, auth, session, builds):
    make_milestone(session)
    first = client.get(PAIR)
    body = {"kind": "treaty", "date": "1990-01-01", "countries": ["US", "FR"]}
    assert client.post("/api/v1/milestones", json=body, headers=auth).status_code == 201
    again = client.get(PAIR, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert client.get(PAIR).content == first.content
    assert builds == ["CN-PE"]  # served from the cache, not rebuilt


def test_editing_a_milestone_changes_the_feeds_of_the_events_that_celebrate_it(
    client, auth, session
):
    """A French event may celebrate the China–Peru ties; its VEVENT names them, so editing
    or deleting the milestone changes the French feed too."""
    ties = make_milestone(session)
    make_event(session, title="Exposition", countries=["FR"], milestone_id=ties.id, year=2021)
    url = f"/feeds/countries/FR.ics?{WINDOW}"
    before = client.get(url)
    assert (
        "Celebrates: China – Peru: 50th anniversary of diplomatic relations"
        in before.text.replace("\r\n ", "")
    )
    r = client.patch(f"/api/v1/milestones/{ties.id}", json={"title": "Ties"}, headers=auth)
    assert r.status_code == 200
    after = client.get(url, headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200
    assert "Celebrates: China – Peru: 50th anniversary: Ties" in after.text.replace("\r\n ", "")
    unrelated = client.patch(
        f"/api/v1/milestones/{ties.id}", json={"source": "MFA"}, headers=auth
    )  # the event does not show the source: the French feed stays as it is
    assert unrelated.status_code == 200
    assert client.get(url, headers={"If-None-Match": after.headers["etag"]}).status_code == 304
    assert client.delete(f"/api/v1/milestones/{ties.id}", headers=auth).status_code == 204
    gone = client.get(url, headers={"If-None-Match": after.headers["etag"]})
    assert gone.status_code == 200 and "RELATED-TO" not in gone.text


def test_base_urls_and_queries_never_share_an_entry(client, session, settings):
    make_milestone(session)
    a = client.get(PAIR, headers={"Host": "a.example"})
    b = client.get(PAIR, headers={"Host": "b.example"})
    assert a.headers["etag"] != b.headers["etag"]
    assert "http://a.example/api/v1/milestones/" in a.text
    assert "http://b.example/api/v1/milestones/" in b.text and "a.example" not in b.text
    assert client.get(PAIR, headers={"Host": "a.example"}).content == a.content
    variants = [
        PAIR, f"{PAIR}&jubilee_only=true", f"{PAIR}&include=anniversaries",
        f"{PAIR}&kind=treaty", "/feeds/pairs/CN-PE.ics?from=2021-01-01&to=2021-12-31",
    ]  # fmt: skip
    tags = {client.get(u).headers["etag"] for u in variants}
    assert len(tags) == len(variants)
    # Spellings of the same query and of the same pair are one feed.
    plain = client.get(PAIR).headers["etag"]
    assert client.get(f"{PAIR}&jubilee_only=0").headers["etag"] == plain
    same = client.get(f"/feeds/pairs/pe-cn.ics?{WINDOW}&include=events,anniversaries")
    assert same.headers["etag"] == plain
    fixed = Settings(database_url=settings.database_url, base_url="https://cal.example.org/")
    with TestClient(create_app(fixed)) as c:
        one = c.get(PAIR, headers={"Host": "a.example"})
        two = c.get(PAIR, headers={"Host": "b.example"})
        assert one.headers["etag"] == two.headers["etag"]
        assert "https://cal.example.org/api/v1/milestones/" in one.text


def test_a_feed_too_long_to_show_whole_changes_with_the_day(settings, session, monkeypatch):
    for year in range(1950, 1960):
        make_milestone(session, date=f"{year}-06-15")
    capped = Settings(database_url=settings.database_url, feed_max_events=5)
    url = "/feeds/all.ics?from=2020-01-01&to=2030-12-31"
    with TestClient(create_app(capped)) as c:
        monkeypatch.setattr(serve, "today", lambda: dt.date(2022, 6, 1))
        time.sleep(1)  # past the second of the last write, so Last-Modified vouches for it
        first = c.get(url)
        assert "shows 4 of 110" in first.text
        assert c.get(url, headers={"If-None-Match": first.headers["etag"]}).status_code == 304
        since = c.get(url, headers={"If-Modified-Since": first.headers["last-modified"]})
        assert since.status_code == 304
        monkeypatch.setattr(serve, "today", lambda: dt.date(2027, 6, 1))
        later = c.get(url, headers={"If-None-Match": first.headers["etag"]})
        assert later.status_code == 200 and later.content != first.content
        assert "DTSTART;VALUE=DATE:20270615" in later.text
        assert "DTSTART;VALUE=DATE:20220615" not in later.text
        since = c.get(url, headers={"If-Modified-Since": first.headers["last-modified"]})
        assert since.status_code == 200  # nothing was written, but the day moved the feed
        monkeypatch.setattr(serve, "today", lambda: dt.date(2022, 6, 1))
        assert c.get(url).content == first.content  # the same day gives the same bytes


@pytest.mark.parametrize("cap", [2, 5, 17, 40])
@pytest.mark.parametrize("day", ["2019-06-01", "2021-11-02", "2024-02-29", "2031-01-01"])
def test_truncated_feeds_load_only_the_nearest_but_keep_the_same_events(session, cap, day):
    """The build loads the cap - 1 anniversaries on each side of today; the feed must be the
    one that rendering every anniversary in the window and keeping the nearest gives."""
    make_milestone(session, date="1996-02-29")
    make_milestone(session, **PE_INDEPENDENCE)
    for i in range(12):
        make_milestone(session, date=f"{1950 + i}-{1 + i % 12:02d}-{1 + 2 * i:02d}")
    make_milestone(session, countries=["CN"], kind="national_day", date="1949-10-01")
    make_event(session, start_date="2021-11-02")
    make_event(session, start_date="2024-02-28")
    today = dt.date.fromisoformat(day)
    q = parse_feed_query(QueryParams("from=2020-01-01&to=2030-12-31"), today)
    feed = catalogue.country_feed_of("PE")
    args = {
        "url": "http://x/feeds/countries/PE.ics", "base_url": "http://x", "etag": "k",
        "last_modified": dt.datetime(2026, 1, 1, tzinfo=dt.UTC), "day": today, "max_age": 1,
    }  # fmt: skip
    built = build.build_entry(session, feed, q, cap=cap, **args)
    where = AnniversaryFilter(country="PE", kinds=q.kinds)
    everything = queries.anniversaries(session, q.start, q.end, where)
    events = list(
        session.exec(queries.events_query(AnniversaryFilter("PE"), start=q.start, end=q.end))
    )
    info = render.FeedInfo("PE", feed.name, feed.description, args["url"], "http://x")
    expected, truncated = render.render(
        info, everything, today=today, cap=cap, events=events, years=(2020, 2030)
    )
    assert truncated == built.truncated
    assert gzip.decompress(built.gzipped) == expected


def test_concurrent_cold_requests_build_once(settings, session, builds, monkeypatch):
    make_milestone(session)
    release = threading.Event()
    real = build.build_entry

    def slow(*args, **kwargs):
        release.wait(5)
        return real(*args, **kwargs)

    monkeypatch.setattr(build, "build_entry", slow)
    app = create_app(settings)

    async def poll():
        transport = httpx2.ASGITransport(app=app)
        async with httpx2.AsyncClient(transport=transport, base_url="http://t") as c:
            waiting = [asyncio.ensure_future(c.get(PAIR)) for _ in range(8)]
            await asyncio.sleep(0.2)
            release.set()
            return await asyncio.gather(*waiting)

    answers = asyncio.run(poll())
    assert {r.status_code for r in answers} == {200}
    assert len({r.content for r in answers}) == 1
    assert builds == ["CN-PE"]


def test_the_version_read_sees_other_connections_writes_at_once(client, session):
    """What one worker writes, every other worker's next request sees: no timed cache."""
    versions = FeedVersions(client.app.state.engine)
    assert versions.read("CN-PE")[0] == 0
    for expected in (1, 2, 3):
        with Session(client.app.state.engine) as other:
            crud.bump_feed_versions(other, ["CN", "PE"])
            other.commit()
        version, changed_at = versions.read("CN-PE")
        assert version == expected and changed_at.tzinfo is not None
    assert versions.read("nowhere") == (0, NEVER)
    versions.close()


def test_a_broken_version_connection_is_replaced(client, session):
    make_milestone(session)
    versions = client.app.state.feed_versions
    assert versions.read("CN-PE")[0] == 1
    versions._conn.dbapi_connection.close()  # as if the database had gone away
    assert versions.read("CN-PE")[0] == 1


def test_a_client_without_gzip_gets_the_plain_feed_decompressed_once(client, session, monkeypatch):
    """The plain bytes are kept with the entry after the first such poll, within the
    cache's byte budget, instead of being decompressed on every poll."""
    make_milestone(session)
    zipped = client.get(PAIR, headers=GZIP)
    cache = client.app.state.feed_cache
    before = cache.bytes
    calls = []
    real = serve.gzip.decompress
    monkeypatch.setattr(serve.gzip, "decompress", lambda b: calls.append(1) or real(b))
    plain = [client.get(PAIR, headers={"Accept-Encoding": "identity"}) for _ in range(3)]
    assert len(calls) == 1
    assert {p.content for p in plain} == {zipped.content}  # as the client decoded it
    assert "content-encoding" not in plain[-1].headers
    assert cache.bytes == before + len(plain[0].content)  # counted in the budget
    assert client.get(PAIR, headers=GZIP).content == zipped.content
