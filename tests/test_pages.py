"""The pages for people, through the app in-process: status, links, languages, 304s, the
HTML 404 page, weight, and nothing that loads from another host."""

import gzip
import re
from urllib.parse import quote

import pytest

from app import transfer
from app.pages import i18n
from tests.factories import make_event, make_milestone

HTML = {"Accept": "text/html"}


@pytest.fixture
def seeded(session):
    report = transfer.seed(session)
    session.commit()
    return report


def get(client, path, **headers):
    return client.get(path, headers={**HTML, **headers}, follow_redirects=False)


def test_search_for_peru_in_spanish_lands_on_peru(client, seeded):
    r = get(client, "/?q=Perú")
    assert (r.status_code, r.headers["location"]) == (303, "/countries/PE")
    assert get(client, "/?q=pe").headers["location"] == "/countries/PE"  # the code
    assert get(client, "/?q=秘鲁").headers["location"] == "/countries/PE"  # Chinese


def test_a_search_with_several_matches_lists_them(client, seeded):
    r = get(client, "/?q=united")
    assert r.status_code == 200
    assert {"/countries/US", "/countries/GB", "/countries/AE"} <= set(
        re.findall(r'href="(/countries/\w+)"', r.text)
    )


def test_home_shows_this_years_jubilees_and_the_feed(client, seeded):
    r = get(client, "/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "Jubilees in " in r.text and "/pairs/" in r.text
    assert "webcal://testserver/feeds/all.ics" in r.text


def test_peru_lists_china_with_the_1971_ties_and_a_next_jubilee(client, seeded):
    text = get(client, "/countries/PE").text
    row = re.search(r'<tr>\s*<td data-sort="China">.*?</tr>', text, re.S).group(0)
    assert 'href="/pairs/CN-PE"' in row and "1971-11-02" in row
    assert "Relations maintained" in row and re.search(r"\(\d+0th|\(\d+5th", row)


def test_a_severance_after_the_last_establishment_shows_as_severed(client, session):
    make_milestone(session, kind="diplomatic_relations", date="1950-01-01", countries=["FR", "TV"])
    make_milestone(session, kind="relations_severed", date="1990-01-01", countries=["FR", "TV"])
    row = re.search(r'<td data-sort="Tuvalu">.*?</tr>', get(client, "/countries/FR").text, re.S)
    assert "Severed" in row.group(0)


def test_pair_page_has_timeline_sources_events_and_subscribe_links(client, session, seeded):
    event = make_event(session)
    r = get(client, "/pairs/CN-PE")
    feed = "http://testserver/feeds/pairs/CN-PE.ics"
    assert r.status_code == 200
    assert "1971-11-02" in r.text and "Source" in r.text
    assert f'href="/events/{event.id}"' in r.text
    assert 'href="webcal://testserver/feeds/pairs/CN-PE.ics"' in r.text
    assert f"https://calendar.google.com/calendar/render?cid={quote(feed, safe='')}" in r.text
    assert "https://outlook.live.com/calendar/0/addfromweb?url=" in r.text
    assert "<svg" in r.text and 'class="qr"' in r.text
    assert get(client, "/pairs/PE-CN").headers["location"] == "/pairs/CN-PE"


def test_subscribe_options_regenerate_the_feed_url(client, seeded):
    r = get(client, "/pairs/CN-PE?jubilee_only=true&events_only=true&feed_lang=es")
    url = "http://testserver/feeds/pairs/CN-PE.ics?jubilee_only=true&amp;include=events&amp;lang=es"
    assert f'value="{url}"' in r.text
    feed = client.get(url.replace("&amp;", "&").removeprefix("http://testserver"))
    assert feed.status_code == 200  # the feed takes every parameter the panel makes


def test_event_page_says_what_when_where_and_links_its_ics(client, session, seeded):
    event = make_event(session)
    text = get(client, f"/events/{event.id}").text
    assert "Reception for the 50th anniversary" in text and "America/Lima" in text
    assert "Lima" in text and "Embassy of China in Peru" in text
    assert f'href="/api/v1/events/{event.id}.ics"' in text
    assert get(client, "/events/not-a-uuid").status_code == 404


@pytest.mark.parametrize(
    ("headers", "query", "lang", "direction"),
    [
        ({}, "", "en", "ltr"),
        ({"Accept-Language": "ar-EG,ar;q=0.9"}, "", "ar", "rtl"),
        ({"Accept-Language": "de-DE, fr;q=0.5, ru;q=0.7"}, "", "ru", "ltr"),
        ({"Accept-Language": "ar"}, "?lang=zh", "zh", "ltr"),
        ({"Cookie": "lang=fr", "Accept-Language": "ar"}, "", "fr", "ltr"),
    ],
)
def test_language_from_query_then_cookie_then_accept_language(
    client, seeded, headers, query, lang, direction
):
    text = get(client, f"/countries/PE{query}", **headers).text
    assert f'<html lang="{lang}" dir="{direction}">' in text


def test_lang_in_the_query_sets_the_cookie_and_dates_follow_it(client, seeded):
    r = get(client, "/countries/PE?lang=es")
    assert "lang=es" in r.headers["set-cookie"]
    assert "2 de noviembre de 1971" in r.text and "Perú" in r.text


def test_an_unknown_language_is_a_422_naming_the_field(client):
    r = get(client, "/?lang=xx")
    assert r.status_code == 422 and "<code>lang</code>" in r.text


def test_unchanged_page_is_a_304_and_a_write_changes_it(client, session, seeded):
    first = get(client, "/countries/PE")
    etag = first.headers["etag"]
    again = get(client, "/countries/PE", **{"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert get(client, "/countries/PE?lang=fr", **{"If-None-Match": etag}).status_code == 200
    make_milestone(session, kind="treaty", date="2009-04-28", countries=["CN", "PE"])
    assert get(client, "/countries/PE", **{"If-None-Match": etag}).status_code == 200


def test_people_get_a_404_page_and_api_clients_a_problem(client):
    page = get(client, "/no-such-page")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert 'href="/"' in page.text
    api = get(client, "/api/v1/nothing")
    assert api.headers["content-type"] == "application/problem+json"
    plain = client.get("/no-such-page")  # no Accept: text/html
    assert plain.headers["content-type"] == "application/problem+json"
    assert get(client, "/countries/ZZ").status_code == 404


@pytest.mark.parametrize("path", ["/", "/countries/US", "/pairs/CN-PE", "/countries/PE?lang=ar"])
def test_pages_load_nothing_from_another_host_and_weigh_under_60_kb(client, seeded, path):
    r = get(client, path)
    resources = re.findall(r'<(?:script|link|img|iframe)[^>]*(?:src|href)="([^"]+)"', r.text)
    assert resources and all(u.startswith("/") for u in resources), resources
    assert "@import" not in r.text and "url(http" not in r.text
    weight = len(gzip.compress(r.content))
    for asset in ("/static/pages.css", "/static/pages.js"):
        weight += len(gzip.compress(client.get(asset).content))
    assert weight <= 60 * 1024, weight


def test_pages_are_sent_gzipped_to_clients_that_accept_it(client, seeded):
    r = client.get("/", headers={**HTML, "Accept-Encoding": "gzip"})
    assert r.headers["content-encoding"] == "gzip" and "Accept-Language" in r.headers["vary"]


def test_api_docs_use_only_local_assets(client):
    for path in ("/docs", "/redoc"):
        text = client.get(path).text
        urls = re.findall(r'(?:src|href)="([^"]+)"', text)
        assert urls and all(u.startswith("/") for u in urls), urls
        assert "https://" not in text
    assert client.get("/static/api-docs/swagger-ui-bundle.js").status_code == 200
    redoc = client.get("/static/api-docs/redoc.standalone.js")
    assert redoc.status_code == 200 and b"cdn.redoc.ly" not in redoc.content


def test_accept_language_picks_the_best_supported_language():
    assert i18n.from_accept_language("de, en;q=0.1, es;q=0.8") == "es"
    assert i18n.from_accept_language("zh-CN") == "zh"
    assert i18n.from_accept_language("") == "en"


@pytest.mark.parametrize(
    ("lang", "chrome", "title"),
    [
        ("zh", "时间线", "中国—秘鲁：建交"),
        ("es", "Cronología", "China – Perú: "),
        ("ar", "التسلسل الزمني", "الصين – بيرو: "),
        ("en", "Timeline", "China – Peru: "),
    ],
)
def test_pair_page_chrome_and_titles_in_the_page_language(client, seeded, lang, chrome, title):
    html = client.get(f"/pairs/CN-PE?lang={lang}").text
    assert chrome in html and title in html


def test_an_unchanged_page_is_rendered_once_and_a_write_renders_it_again(
    client, session, seeded, monkeypatch
):
    from app.pages import queries

    calls = []
    real = queries.country
    monkeypatch.setattr(queries, "country", lambda *a: calls.append(1) or real(*a))
    first = get(client, "/countries/PE", **{"Accept-Encoding": "gzip"})
    again = get(client, "/countries/PE", **{"Accept-Encoding": "gzip"})
    plain = get(client, "/countries/PE", **{"Accept-Encoding": "identity"})
    assert again.content == first.content and again.headers["etag"] == first.headers["etag"]
    assert plain.text == first.text and "content-encoding" not in plain.headers
    assert len(calls) == 2  # once per encoding
    spanish = get(client, "/countries/PE?lang=es")
    assert "lang=es" in get(client, "/countries/PE?lang=es").headers["set-cookie"]
    assert spanish.text != first.text and len(calls) == 3
    make_milestone(session, kind="treaty", date="2009-04-28", countries=["CN", "PE"])
    changed = get(client, "/countries/PE")
    assert changed.headers["etag"] != first.headers["etag"]
    assert len(calls) == 4
