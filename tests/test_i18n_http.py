"""The six languages through HTTP (issue 14, "Done when"): feeds by ``?lang=``, JSON by
``?lang=`` or ``Accept-Language``, people's own titles per language, country search."""

import icalendar
import pytest

from app.i18n.languages import LANGUAGES
from tests.factories import make_event, make_milestone

WINDOW = "from=2021-01-01&to=2021-12-31"
FEED = f"/feeds/pairs/CN-PE.ics?{WINDOW}"
# The 50th anniversary of China–Peru relations as each language writes it (GUIDE.md).
GOLDEN_TITLES = {
    "en": "China – Peru: 50th anniversary of diplomatic relations",
    "zh": "中国—秘鲁：建交50周年",
    "es": "China – Perú: 50.º aniversario de las relaciones diplomáticas",
    "fr": "Chine – Pérou : 50e anniversaire des relations diplomatiques",
    "ru": "Китай — Перу: 50-летие установления дипломатических отношений",
    "ar": "الصين – بيرو: الذكرى الخمسون لإقامة العلاقات الدبلوماسية",
}
NAMES = {"en": "Peru", "zh": "秘鲁", "es": "Perú", "fr": "Pérou", "ru": "Перу", "ar": "بيرو"}


def vevents(body: bytes) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(body).walk("VEVENT"))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_pair_feed_in_each_language(client, session, lang):
    make_milestone(session)
    make_event(session, countries=["CN", "PE"], venue=None, city=None, venue_country="PE")
    r = client.get(f"{FEED}&lang={lang}")
    assert r.status_code == 200
    cal = icalendar.Calendar.from_ical(r.content)
    anniversary, reception = cal.walk("VEVENT")
    assert str(anniversary["SUMMARY"]) == GOLDEN_TITLES[lang]
    assert NAMES[lang] in str(cal["X-WR-CALNAME"]) and NAMES[lang] in str(cal["X-WR-CALDESC"])
    assert str(reception["LOCATION"]) == NAMES[lang]
    # One anniversary is one event in every language.
    english = vevents(client.get(FEED).content)
    assert [str(e["UID"]) for e in english] == [str(anniversary["UID"]), str(reception["UID"])]


def test_description_labels_are_translated(client, session):
    make_milestone(session, source="MFA")
    text = client.get(f"{FEED}&lang=es").text.replace("\r\n ", "")
    assert "Fuente: MFA" in text and "Source:" not in text


def test_each_language_has_its_own_etag_and_cache_entry(client, session):
    make_milestone(session)
    en, zh = client.get(FEED), client.get(f"{FEED}&lang=zh")
    assert en.headers["etag"] != zh.headers["etag"]
    again = client.get(f"{FEED}&lang=zh", headers={"If-None-Match": zh.headers["etag"]})
    assert again.status_code == 304
    assert client.get(FEED, headers={"If-None-Match": zh.headers["etag"]}).status_code == 200
    assert client.get(FEED).content == en.content  # the English entry was not overwritten


def test_feeds_ignore_accept_language(client, session):
    make_milestone(session)
    r = client.get(FEED, headers={"Accept-Language": "zh-CN"})
    assert str(vevents(r.content)[0]["SUMMARY"]) == GOLDEN_TITLES["en"]


@pytest.mark.parametrize("path", [FEED, "/api/v1/anniversaries", "/api/v1/milestones"])
def test_unsupported_language_is_a_422_listing_the_supported_ones(client, path):
    sep = "&" if "?" in path else "?"
    r = client.get(f"{path}{sep}lang=xx")
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    assert "lang" in r.text and "en, zh, es, fr, ru, ar" in r.text


def test_json_negotiates_accept_language(client, session):
    make_milestone(session)
    url = f"/api/v1/anniversaries?{WINDOW}&pair=CN-PE"
    r = client.get(url, headers={"Accept-Language": "es-PE,es;q=0.9,en;q=0.5"})
    assert r.status_code == 200
    assert r.headers["content-language"] == "es"
    assert "accept-language" in r.headers["vary"].lower()
    item = r.json()["items"][0]
    assert item["title"] == GOLDEN_TITLES["es"]
    assert item["kind_label"] == "Relaciones diplomáticas"
    # The parameter wins over the header.
    zh = client.get(f"{url}&lang=zh", headers={"Accept-Language": "es"})
    assert zh.headers["content-language"] == "zh"
    assert zh.json()["items"][0]["title"] == GOLDEN_TITLES["zh"]
    assert client.get(url).headers["content-language"] == "en"


def test_json_notes_for_leap_days_and_undated_anniversaries(client, session):
    make_milestone(session, date="1996-02-29")
    make_milestone(session, date="1971-11", kind="treaty")
    r = client.get("/api/v1/anniversaries?from=2023-01-01&to=2023-12-31&pair=CN-PE&lang=fr")
    notes = {i["kind"]: i["note"] for i in r.json()["items"]}
    assert "28 février" in notes["diplomatic_relations"]
    assert notes["treaty"] and "jour" in notes["treaty"]


def test_title_i18n_shows_in_its_language_only(client, session, auth):
    body = {
        "kind": "treaty", "date": "1971-11-02", "countries": ["CN", "PE"],
        "title": "Trade agreement", "title_i18n": {"zh": "中秘贸易协定"},
        "description_i18n": {"zh": "第一份贸易协定"},
    }  # fmt: skip
    r = client.post("/api/v1/milestones", json=body, headers=auth)
    assert r.status_code == 201, r.text
    assert r.json()["title_i18n"] == {"zh": "中秘贸易协定"}
    kind = "&kind=treaty"
    zh = client.get(f"{FEED}&lang=zh{kind}").text.replace("\r\n ", "")
    assert "中秘贸易协定" in zh and "第一份贸易协定" in zh
    for lang in ("en", "es"):
        other = client.get(f"{FEED}&lang={lang}{kind}").text.replace("\r\n ", "")
        assert "中秘贸易协定" not in other and "Trade agreement" in other
    milestone = client.get(f"/api/v1/milestones/{r.json()['id']}?lang=zh").json()
    assert milestone["title"] == "中秘贸易协定"


def test_event_title_i18n_in_feed_and_its_own_ics(client, session, auth):
    event = make_event(session, countries=["PE"], title_i18n={"es": "Recepción"})
    assert "SUMMARY:Recepción" in client.get(f"/feeds/countries/PE.ics?{WINDOW}&lang=es").text
    assert "SUMMARY:Recepción" not in client.get(f"/feeds/countries/PE.ics?{WINDOW}").text
    ics = client.get(f"/api/v1/events/{event.id}.ics?lang=es")
    assert "SUMMARY:Recepción" in ics.text and ics.headers["content-language"] == "es"
    # The downloaded file keeps the translations for an import elsewhere.
    assert "Recepción" in ics.text.split("X-DIPLOCAL-EVENT", 1)[1].replace("\r\n ", "")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title_i18n", {"xx": "a"}, "unknown language 'xx'"),
        ("title_i18n", {"zh": "a" * 501}, "longer than 500"),
        ("title_i18n", {"zh": "   "}, "empty"),
        ("description_i18n", {"es": "a\x00b"}, "control character"),
    ],
)
def test_title_i18n_is_validated(client, auth, field, value, message):
    body = {"kind": "treaty", "date": "1971-11-02", "countries": ["CN", "PE"], field: value}
    r = client.post("/api/v1/milestones", json=body, headers=auth)
    assert r.status_code == 422
    assert field in r.text and message in r.text


@pytest.mark.parametrize("q", ["Perú", "peru", "秘鲁", "Перу", "بيرو", "Pérou", "PER"])
def test_country_search_in_every_language(client, q):
    r = client.get("/api/v1/countries", params={"q": q})
    assert r.status_code == 200
    assert r.json()["items"][0]["code"] == "PE"


@pytest.mark.parametrize(("q", "code"), [("USA", "US"), ("UK", "GB"), ("DPRK", "KP")])
def test_country_search_by_abbreviation(client, q, code):
    assert client.get("/api/v1/countries", params={"q": q}).json()["items"][0]["code"] == code


@pytest.mark.parametrize("q", ["0" * 100, "Atlantis", "Qwxz"])
def test_country_search_that_finds_nothing_is_an_empty_list(client, q):
    """Found by the fuzzer: a name that matches nothing once built a CASE without a WHEN."""
    r = client.get("/api/v1/countries", params={"q": q})
    assert r.status_code == 200
    assert r.json()["items"] == [] and r.json()["total"] == 0


def test_discovery_lists_every_language(client):
    r = client.get("/api/v1/feeds?pair=CN-PE", headers={"Accept-Language": "zh"})
    first = r.json()["items"][0]
    assert first["name"] == "中国—秘鲁周年纪念"
    assert first["url"] == "http://testserver/feeds/pairs/CN-PE.ics?lang=zh"
    assert set(first["urls"]) == set(LANGUAGES)
    assert first["urls"]["ar"] == "http://testserver/feeds/pairs/CN-PE.ics?lang=ar"
    assert first["urls"]["en"] == "http://testserver/feeds/pairs/CN-PE.ics"


def test_editing_title_i18n_changes_only_what_it_should(client, session, auth):
    ties = make_milestone(session)
    before = client.get(f"{FEED}&lang=es")
    r = client.patch(
        f"/api/v1/milestones/{ties.id}", json={"title_i18n": {"es": "Lazos"}}, headers=auth
    )
    assert r.status_code == 200 and r.json()["title_i18n"] == {"es": "Lazos"}
    after = client.get(f"{FEED}&lang=es", headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200
    assert "China – Perú: 50.º aniversario: Lazos" in after.text.replace("\r\n ", "")
    # The generated English title stays generated.
    assert client.get(f"/api/v1/milestones/{ties.id}").json()["title_generated"] is True
