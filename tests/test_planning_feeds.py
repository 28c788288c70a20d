"""Issue 16 in the feeds, through HTTP: reminders (VALARM), "Prepare:" events and holidays."""

import datetime as dt

import icalendar
import pytest


@pytest.fixture
def database_url(make_database) -> str:
    return make_database(seeded=True)


PAIR = "/feeds/pairs/CN-PE.ics?from=2020-01-01&to=2030-12-31"


def events_of(r) -> list:
    assert r.status_code == 200, r.text
    return list(icalendar.Calendar.from_ical(r.content).walk("VEVENT"))


def test_remind_adds_an_alarm_to_each_anniversary(client):
    plain = events_of(client.get(PAIR))
    vevents = events_of(client.get(PAIR + "&remind=P30D,PT12H"))
    assert len(vevents) == len(plain) == 11
    for vevent in vevents:
        alarms = vevent.walk("VALARM")
        assert [a["ACTION"] for a in alarms] == ["DISPLAY", "DISPLAY"]
        assert [a["TRIGGER"].dt for a in alarms] == [
            -dt.timedelta(days=30),
            -dt.timedelta(hours=12),
        ]
        assert all(a["DESCRIPTION"] for a in alarms)
    assert b"TRIGGER:-P30D\r\n" in client.get(PAIR + "&remind=P30D").content


def test_prepare_adds_a_separate_event_before_each_jubilee(client):
    first = client.get(PAIR + "&prepare=P180D")
    vevents = events_of(first)
    prepared = [v for v in vevents if str(v["SUMMARY"]).startswith("Prepare: ")]
    assert len(vevents) == 11 + 2  # the 50th (2021) and the 55th (2026)
    assert [p["DTSTART"].dt for p in prepared] == [
        dt.date(2021, 11, 2) - dt.timedelta(days=180),
        dt.date(2026, 11, 2) - dt.timedelta(days=180),
    ]
    golden = prepared[0]
    assert str(golden["SUMMARY"]) == (
        "Prepare: China – Peru: 50th anniversary of diplomatic relations"
    )
    assert str(golden["TRANSP"]) == "TRANSPARENT"
    assert "preparation" in golden["CATEGORIES"].cats
    uid = str(golden["UID"])
    assert uid.endswith("-2021-prepare-P180D@diplomatic-calendar")
    anniversary = next(v for v in vevents if v["DTSTART"].dt == dt.date(2021, 11, 2))
    assert uid.startswith(str(anniversary["UID"]).split("@")[0])
    assert str(golden["RELATED-TO"]) == str(anniversary["UID"])
    # Stable: the same UID on every refresh, another for another lead time.
    again = events_of(client.get(PAIR + "&prepare=P180D"))
    assert uid in {str(v["UID"]) for v in again}
    other = events_of(client.get(PAIR + "&prepare=P90D"))
    assert uid not in {str(v["UID"]) for v in other}


def test_lead_times_are_part_of_the_feed_identity(client):
    etags = {
        q: client.get(PAIR + q).headers["etag"]
        for q in ("", "&remind=P30D", "&remind=P7D", "&prepare=P180D", "&include=holidays")
    }
    assert len(set(etags.values())) == len(etags)
    # Equal durations are one feed: P1W is P7D, and the order of reminders does not matter.
    assert client.get(PAIR + "&remind=P1W").headers["etag"] == etags["&remind=P7D"]
    a = client.get(PAIR + "&remind=P30D,P7D").headers["etag"]
    assert client.get(PAIR + "&remind=P7D,P30D").headers["etag"] == a
    r = client.get(PAIR + "&remind=P30D", headers={"If-None-Match": etags["&remind=P30D"]})
    assert r.status_code == 304
    r = client.get(PAIR + "&remind=P7D", headers={"If-None-Match": etags["&remind=P30D"]})
    assert r.status_code == 200


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("remind=P1M", "remind"),
        ("remind=30D", "remind"),
        ("remind=P0D", "remind"),
        ("remind=P5000D", "remind"),
        ("remind=P1D,P2D,P3D,P4D", "remind"),
        ("remind=", "remind"),
        ("prepare=PT12H", "prepare"),
        ("prepare=P1Y", "prepare"),
        ("prepare=P10D,P20D", "prepare"),
        ("include=holidays,nothing", "include"),
    ],
)
def test_bad_lead_times_are_422_naming_the_parameter(client, query, field):
    r = client.get(f"/feeds/countries/PE.ics?{query}")
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert [e["field"] for e in r.json()["errors"]] == [field]


def test_holidays_are_context_in_country_and_pair_feeds(client):
    vevents = events_of(client.get(PAIR + "&include=holidays"))
    holidays = [v for v in vevents if v["CATEGORIES"].cats == ["HOLIDAY"]]
    others = [v for v in vevents if v not in holidays]
    assert len(others) == 11  # the anniversaries stay
    assert all(str(h["TRANSP"]) == "TRANSPARENT" for h in holidays)
    by_uid = {str(h["UID"]): h for h in holidays}
    spring = by_uid["holiday-CN-2021-02-12-chinese-new-year-spring-festival@diplomatic-calendar"]
    assert spring["DTSTART"].dt == dt.date(2021, 2, 12)
    assert str(spring["SUMMARY"]) == "Chinese New Year (Spring Festival) (China)"
    assert "holiday-PE-2021-07-28-independence-day@diplomatic-calendar" in by_uid
    # Byte-identical on refresh: calendar apps keep the events they have.
    assert (
        client.get(PAIR + "&include=holidays").content
        == client.get(PAIR + "&include=holidays").content
    )


def test_holidays_are_refused_on_the_feed_of_every_country(client):
    r = client.get("/feeds/all.ics?include=holidays")
    assert r.status_code == 422
    assert [e["field"] for e in r.json()["errors"]] == ["include"]


def test_holidays_of_a_country_the_package_lacks_are_none(client):
    r = client.get("/feeds/countries/SU.ics?include=holidays")
    assert r.status_code == 200
    assert b"HOLIDAY" not in r.content


def test_discovery_links_carry_the_lead_times(client):
    r = client.get("/api/v1/feeds?pair=CN-PE&remind=P30D,p1w&prepare=P26W")
    assert r.status_code == 200, r.text
    urls = [item["url"] for item in r.json()["items"]]
    assert urls[0] == "http://testserver/feeds/pairs/CN-PE.ics?remind=P30D,P7D&prepare=P182D"
    assert all(u.endswith("?remind=P30D,P7D&prepare=P182D") for u in urls)
    feed = client.get(urls[0].removeprefix("http://testserver"))
    assert feed.status_code == 200 and b"TRIGGER:-P7D" in feed.content
    bad = client.get("/api/v1/feeds?pair=CN-PE&prepare=P1M")
    assert bad.status_code == 422
    assert [e["field"] for e in bad.json()["errors"]] == ["prepare"]


def test_subscribe_panel_offers_reminders_and_preparation(client):
    html = {"Accept": "text/html"}
    page = client.get("/pairs/CN-PE", headers=html).text
    assert 'name="remind"' in page and 'name="prepare"' in page
    r = client.get("/pairs/CN-PE?remind=P30D&prepare=P180D", headers=html)
    url = "http://testserver/feeds/pairs/CN-PE.ics?remind=P30D&amp;prepare=P180D"
    assert f'value="{url}"' in r.text
    feed = client.get(url.replace("&amp;", "&").removeprefix("http://testserver"))
    assert feed.status_code == 200 and b"Prepare: " in feed.content
    # A duration the panel does not offer is dropped, never turned into a refused link.
    r = client.get("/pairs/CN-PE?remind=P1M", headers=html)
    assert 'value="http://testserver/feeds/pairs/CN-PE.ics"' in r.text


def test_lead_time_reads_in_the_feed_language(client):
    """A Chinese feed's preparation events, reminders and holidays are in Chinese, with the
    same UIDs as the English feed's."""
    query = PAIR + "&remind=P30D&prepare=P180D"
    zh = events_of(client.get(query + "&lang=zh"))
    en = events_of(client.get(query))
    prepared = [v for v in zh if str(v["SUMMARY"]).startswith("筹备：")]
    assert str(prepared[0]["SUMMARY"]) == "筹备：中国—秘鲁：建交50周年"
    assert "还有180天" in str(prepared[0]["DESCRIPTION"])
    alarm = zh[0].walk("VALARM")[0]
    assert str(alarm["DESCRIPTION"]) == "提醒：还有30天"
    assert [str(v["UID"]) for v in zh] == [str(v["UID"]) for v in en]
    holidays = events_of(client.get("/feeds/countries/PE.ics?from=2021-07-01&to=2021-07-31"
                                    "&include=holidays&lang=es"))  # fmt: skip
    described = [str(v["DESCRIPTION"]) for v in holidays if "HOLIDAY" in v["CATEGORIES"].cats]
    assert described and all(d.startswith("Día festivo en Perú") for d in described)
