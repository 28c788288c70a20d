"""Feeds as a calendar app sees them: content, identity, and cheap, correct polling."""

import datetime as dt
import time

import icalendar
import pytest

from app.config import Settings
from tests.factories import CN_PE, PE_INDEPENDENCE, make_milestone

WINDOW = "from=2020-01-01&to=2030-12-31"
INJECTION = "x\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:injected"


def events(body: bytes) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(body).walk("VEVENT"))


@pytest.fixture
def cn_pe(session):
    return make_milestone(session, source="MFA table", source_url="https://www.fmprc.gov.cn/")


def test_pair_feed_has_one_all_day_event_per_year(client, cn_pe):
    r = client.get(f"/feeds/pairs/CN-PE.ics?{WINDOW}")
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/calendar; charset=utf-8"
    assert r.headers["content-disposition"] == 'inline; filename="CN-PE.ics"'
    found = events(r.content)
    assert len(found) == 11
    by_year = {e.decoded("DTSTART").year: e for e in found}
    golden = by_year[2021]
    assert str(golden["SUMMARY"]) == "China – Peru: 50th anniversary of diplomatic relations"
    assert golden.decoded("DTSTART") == dt.date(2021, 11, 2)  # a date, not a datetime
    assert golden.decoded("DTEND") == dt.date(2021, 11, 3)
    assert str(golden["TRANSP"]) == "TRANSPARENT"
    assert "golden jubilee" in str(golden["DESCRIPTION"])
    assert "2 November 1971" in str(golden["DESCRIPTION"])
    assert "MFA table" in str(golden["DESCRIPTION"])
    assert golden["CATEGORIES"].cats == ["diplomatic_relations", "jubilee"]
    assert str(golden["URL"]).endswith(f"/api/v1/milestones/{cn_pe.id}")
    assert "RRULE" not in r.text


def test_calendar_properties(client, cn_pe):
    cal = icalendar.Calendar.from_ical(client.get(f"/feeds/pairs/CN-PE.ics?{WINDOW}").content)
    assert str(cal["X-WR-CALNAME"]) == str(cal["NAME"]) == "China – Peru anniversaries"
    assert str(cal["VERSION"]) == "2.0" and str(cal["CALSCALE"]) == "GREGORIAN"
    assert "X-WR-CALDESC" in cal and "PRODID" in cal
    assert str(cal["X-PUBLISHED-TTL"]) == "P1D"
    assert b"REFRESH-INTERVAL;VALUE=DURATION:P1D\r\n" in client.get("/feeds/all.ics").content


def test_pair_order_does_not_matter(client, cn_pe):
    a = client.get(f"/feeds/pairs/CN-PE.ics?{WINDOW}")
    b = client.get(f"/feeds/pairs/pe-cn.ics?{WINDOW}")
    assert a.content == b.content
    assert a.headers["etag"] == b.headers["etag"]


def test_country_feed_has_pairs_and_national_milestones(client, session, cn_pe):
    make_milestone(session, **PE_INDEPENDENCE)
    make_milestone(session, countries=["US", "FR"])
    found = events(client.get(f"/feeds/countries/PE.ics?{WINDOW}").content)
    summaries = {str(e["SUMMARY"]) for e in found if e.decoded("DTSTART").year == 2021}
    assert summaries == {
        "China – Peru: 50th anniversary of diplomatic relations",
        "Peru: 200th anniversary of independence",
    }
    assert len(events(client.get(f"/feeds/all.ics?{WINDOW}").content)) == 33


def test_unchanged_feed_is_byte_identical(client, cn_pe):
    first = client.get(f"/feeds/pairs/CN-PE.ics?{WINDOW}")
    client.app.state.feed_cache.__init__(client.app.state.feed_cache.max_bytes)  # rebuilt
    second = client.get(f"/feeds/pairs/CN-PE.ics?{WINDOW}")
    assert first.content == second.content
    assert first.headers["etag"] == second.headers["etag"]
    assert first.headers["last-modified"] == second.headers["last-modified"]


def test_etag_revalidation_answers_304_without_body(client, cn_pe):
    url = f"/feeds/pairs/CN-PE.ics?{WINDOW}"
    r = client.get(url)
    etag = r.headers["etag"]
    assert etag.startswith('"') and etag.endswith('"')
    for header in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        again = client.get(url, headers={"If-None-Match": header})
        assert again.status_code == 304, header
        assert again.content == b""
        assert again.headers["etag"] == etag
        assert "cache-control" in again.headers
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200


def test_if_modified_since(client, cn_pe):
    url = f"/feeds/pairs/CN-PE.ics?{WINDOW}"
    time.sleep(1)  # within the second of a change, Last-Modified cannot vouch for it (issue 12)
    last_modified = client.get(url).headers["last-modified"]
    assert client.get(url, headers={"If-Modified-Since": last_modified}).status_code == 304
    past = "Sat, 01 Jan 2000 00:00:00 GMT"
    assert client.get(url, headers={"If-Modified-Since": past}).status_code == 200
    assert client.get(url, headers={"If-Modified-Since": "garbage"}).status_code == 200
    # If-None-Match wins over If-Modified-Since (RFC 9110 §13.1.3).
    both = {"If-None-Match": '"other"', "If-Modified-Since": last_modified}
    assert client.get(url, headers=both).status_code == 200


def test_head_returns_headers_without_body(client, cn_pe):
    url = f"/feeds/pairs/CN-PE.ics?{WINDOW}"
    get = client.get(url)
    head = client.head(url)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"] == get.headers["etag"]
    assert head.headers["content-length"] == get.headers["content-length"]
    assert client.head("/feeds/all.ics").status_code == 200


def test_gzip_when_asked(client, cn_pe):
    url = f"/feeds/pairs/CN-PE.ics?{WINDOW}"
    plain = client.get(url, headers={"Accept-Encoding": "identity"})
    zipped = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in plain.headers
    assert zipped.headers["content-encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["vary"]
    assert zipped.headers["vary"] == plain.headers["vary"]
    assert zipped.content == plain.content  # as decoded by the client
    assert int(zipped.headers["content-length"]) < len(plain.content) / 3
    assert zipped.headers["etag"] != plain.headers["etag"]  # one tag per representation
    again = client.get(url, headers={"If-None-Match": zipped.headers["etag"]})
    assert again.status_code == 304
    refused = client.get(url, headers={"Accept-Encoding": "gzip;q=0"})
    assert "content-encoding" not in refused.headers


def test_edit_changes_etag_and_sequence_but_not_uids(client, auth, cn_pe):
    url = f"/feeds/pairs/CN-PE.ics?{WINDOW}"
    before = client.get(url)
    r = client.patch(f"/api/v1/milestones/{cn_pe.id}", json={"description": "edited"}, headers=auth)
    assert r.status_code == 200
    stale = client.get(url, headers={"If-None-Match": before.headers["etag"]})
    assert stale.status_code == 200  # never a 304 for changed content
    assert stale.headers["etag"] != before.headers["etag"]
    old, new = events(before.content), events(stale.content)
    assert [e["UID"] for e in old] == [e["UID"] for e in new]
    assert {int(e["SEQUENCE"]) for e in old} == {1}
    assert {int(e["SEQUENCE"]) for e in new} == {2}
    assert all("edited" in str(e["DESCRIPTION"]) for e in new)


def test_uids_do_not_depend_on_the_window(client, cn_pe):
    wide = {str(e["UID"]) for e in events(client.get(f"/feeds/pairs/CN-PE.ics?{WINDOW}").content)}
    narrow = client.get("/feeds/pairs/CN-PE.ics?from=2021-01-01&to=2021-12-31").content
    assert {str(e["UID"]) for e in events(narrow)} <= wide
    assert len(wide) == 11


def test_write_elsewhere_keeps_the_etag(client, auth, cn_pe):
    url = f"/feeds/pairs/CN-PE.ics?{WINDOW}"
    etag = client.get(url).headers["etag"]
    body = {"kind": "treaty", "date": "1990-01-01", "countries": ["US", "FR"]}
    assert client.post("/api/v1/milestones", json=body, headers=auth).status_code == 201
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    all_feed = client.get("/feeds/all.ics")
    assert client.post("/api/v1/milestones", json=CN_PE, headers=auth).status_code == 201
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 200
    again = client.get("/feeds/all.ics", headers={"If-None-Match": all_feed.headers["etag"]})
    assert again.status_code == 200


def test_delete_and_move_change_the_feeds_they_leave(client, auth, session, cn_pe):
    url = f"/feeds/pairs/CN-PE.ics?{WINDOW}"
    etag = client.get(url).headers["etag"]
    moved = client.patch(
        f"/api/v1/milestones/{cn_pe.id}", json={"countries": ["CN", "CL"]}, headers=auth
    )
    assert moved.status_code == 200
    r = client.get(url, headers={"If-None-Match": etag})
    assert r.status_code == 200 and events(r.content) == []
    other = make_milestone(session, countries=["CN", "BR"])
    br = "/feeds/pairs/BR-CN.ics"
    etag = client.get(br).headers["etag"]
    assert client.delete(f"/api/v1/milestones/{other.id}", headers=auth).status_code == 204
    assert client.get(br, headers={"If-None-Match": etag}).status_code == 200


def test_injection_in_description_stays_one_event_per_year(client, session):
    make_milestone(session, description=INJECTION, title="Ties; with, commas \\ and more")
    r = client.get(f"/feeds/pairs/CN-PE.ics?{WINDOW}")
    found = events(r.content)
    assert len(found) == 11
    assert INJECTION.replace("\r\n", "\n") in str(found[0]["DESCRIPTION"])
    assert str(found[0]["SUMMARY"]).endswith("Ties; with, commas \\ and more")
    assert b"\r\nSUMMARY:injected" not in r.content


def test_leap_day_observed_and_undated_left_out(client, session):
    make_milestone(session, date="1996-02-29")
    make_milestone(session, date="1971-11")
    found = events(client.get("/feeds/pairs/CN-PE.ics?from=2023-01-01&to=2024-12-31").content)
    ties = "China – Peru: {} anniversary of diplomatic relations"
    assert [(e.decoded("DTSTART"), str(e["SUMMARY"])) for e in found] == [
        (dt.date(2023, 2, 28), ties.format("27th") + " (observed on 28 February)"),
        (dt.date(2024, 2, 29), ties.format("28th")),
    ]
    assert "has no 29 February" in str(found[0]["DESCRIPTION"])


def test_celebrated_kinds_by_default_others_by_kind(client, session):
    make_milestone(session, kind="relations_severed", date="1976-05-01")
    assert events(client.get(f"/feeds/pairs/CN-PE.ics?{WINDOW}").content) == []
    asked = client.get(f"/feeds/pairs/CN-PE.ics?{WINDOW}&kind=relations_severed").content
    assert len(events(asked)) == 11


def test_jubilee_only(client, cn_pe):
    found = events(client.get(f"/feeds/pairs/CN-PE.ics?{WINDOW}&jubilee_only=true").content)
    assert [e.decoded("DTSTART").year for e in found] == [2021, 2026]


def test_default_window_is_last_year_to_five_years_ahead(client, cn_pe):
    years = sorted(e.decoded("DTSTART").year for e in events(client.get("/feeds/all.ics").content))
    this_year = dt.datetime.now(dt.UTC).year
    assert years == list(range(this_year - 1, this_year + 6))


def test_empty_feed_is_still_a_calendar(client):
    r = client.get("/feeds/countries/US.ics")
    assert r.status_code == 200
    cal = icalendar.Calendar.from_ical(r.content)
    assert events(r.content) == [] and str(cal["X-WR-CALNAME"]) == "United States anniversaries"


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/feeds/countries/ZZ.ics", 404),
        ("/feeds/pairs/CN-ZZ.ics", 404),
        ("/feeds/pairs/CN-CN.ics", 404),
        ("/feeds/pairs/CN.ics", 404),
        ("/feeds/all.ics?from=2000-01-01&to=2030-01-01", 422),
        ("/feeds/all.ics?from=2021-13-01", 422),
        ("/feeds/all.ics?kind=bogus", 422),
        ("/feeds/all.ics?to=1999-01-01", 422),
    ],
)
def test_bad_feed_requests_are_problems(client, url, status):
    r = client.get(url)
    assert r.status_code == status
    assert r.headers["content-type"] == "application/problem+json"


def test_feed_over_the_cap_keeps_nearest_events_and_says_so(settings, session):
    from fastapi.testclient import TestClient

    from app.main import create_app

    for year in range(1950, 1960):
        make_milestone(session, date=f"{year}-06-15")
    capped = Settings(database_url=settings.database_url, feed_max_events=5)
    with TestClient(create_app(capped)) as c:
        found = events(c.get("/feeds/all.ics").content)
    assert len(found) == 5
    notice = [e for e in found if str(e["UID"]).startswith("truncated-")]
    assert len(notice) == 1
    assert "shows 4 of 70" in str(notice[0]["SUMMARY"])
    assert "jubilee_only=true" in str(notice[0]["DESCRIPTION"])
    today = dt.datetime.now(dt.UTC).date()
    kept = [e.decoded("DTSTART") for e in found if e is not notice[0]]
    assert max(abs((d - today).days) for d in kept) <= 366


def test_discovery_lists_subscribe_links(client, session, cn_pe):
    r = client.get("/api/v1/feeds?pair=PE-CN").json()
    first = r["items"][0]
    assert first["url"] == "http://testserver/feeds/pairs/CN-PE.ics"
    assert first["webcal_url"] == "webcal://testserver/feeds/pairs/CN-PE.ics"
    assert first["google_url"] == (
        "https://calendar.google.com/calendar/render?cid=http%3A%2F%2Ftestserver%2Ffeeds%2Fpairs%2FCN-PE.ics"
    )
    assert first["outlook_url"].startswith("https://outlook.live.com/calendar/0/addfromweb?url=")
    assert "name=China%20%E2%80%93%20Peru%20anniversaries" in first["outlook_url"]
    assert [i["url"].rsplit("/", 1)[1] for i in r["items"]] == ["CN-PE.ics", "CN.ics", "PE.ics"]
    pe = client.get("/api/v1/feeds?country=PE").json()["items"]
    assert [i["url"].rsplit("/", 1)[1] for i in pe] == ["PE.ics", "CN-PE.ics"]
    assert client.get("/api/v1/feeds").json()["items"][0]["url"].endswith("/feeds/all.ics")
    assert client.get("/api/v1/feeds?country=ZZ").status_code == 422


def test_feeds_are_documented_with_their_parameters(client):
    paths = client.get("/openapi.json").json()["paths"]
    pair = paths["/feeds/pairs/{pair}.ics"]["get"]
    names = [p["name"] for p in pair["parameters"]]
    assert names == [
        "pair",
        "from",
        "to",
        "kind",
        "jubilee_only",
        "include",
        "remind",
        "prepare",
        "lang",
    ]
    assert "304" in pair["responses"] and "head" not in paths["/feeds/pairs/{pair}.ics"]
    assert "/feeds/all.ics" in paths and "/feeds/countries/{code}.ics" in paths
    assert "/api/v1/feeds" in paths


@pytest.mark.parametrize(
    "query",
    ["jubilee_only=maybe", "jubilee_only=", "from=2021-13-01", "from=21-01-01", "to=tomorrow"],
)
def test_feed_query_errors_are_the_apis(client, query):
    """The feeds parse their query themselves (app/feeds/query.py), with the same Pydantic
    rules as FastAPI: the same bad value gives the same problem document."""
    api = client.get(f"/api/v1/anniversaries?{query}")
    feed = client.get(f"/feeds/all.ics?{query}")
    assert api.status_code == feed.status_code == 422
    assert feed.headers["content-type"] == "application/problem+json"
    assert feed.json()["errors"] == api.json()["errors"]
    assert feed.json()["errors"][0]["field"] == query.split("=")[0]


@pytest.mark.parametrize(("value", "jubilees"), [("YES", True), ("on", True), ("0", False)])
def test_feed_booleans_are_the_apis(client, session, value, jubilees):
    make_milestone(session, date="1971-11-02")  # 50 years in 2021, 51 in 2022
    url = f"/feeds/pairs/CN-PE.ics?from=2021-01-01&to=2022-12-31&jubilee_only={value}"
    assert len(events(client.get(url).content)) == (1 if jubilees else 2)
    api = client.get(f"/api/v1/anniversaries?pair=CN-PE&from=2021-01-01&to=2022-12-31"
                     f"&jubilee_only={value}").json()  # fmt: skip
    assert api["total"] == (1 if jubilees else 2)
