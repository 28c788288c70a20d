"""Issue 13's done-when checks, tried as a new user would: through HTTP on the seeded
database (the bundled data set, format version 2)."""

import re

import pytest

from scripts.seed_rules import UN_MEMBERS


@pytest.fixture
def database_url(make_database) -> str:
    return make_database(seeded=True)


def events_of(body: str) -> list[tuple[str, str]]:
    """(DTSTART day, SUMMARY) of each VEVENT, unfolded."""
    text = body.replace("\r\n ", "")
    found = []
    for block in text.split("BEGIN:VEVENT")[1:]:
        day = re.search(r"DTSTART;VALUE=DATE:(\d{8})", block).group(1)
        summary = re.search(r"\nSUMMARY:(.*)\r", block).group(1)
        found.append((f"{day[:4]}-{day[4:6]}-{day[6:]}", summary))
    return found


def feed(client, path: str) -> list[tuple[str, str]]:
    r = client.get(path)
    assert r.status_code == 200, r.text
    return events_of(r.text)


def test_china_nicaragua_counts_from_the_resumption(client):
    got = feed(client, "/feeds/pairs/CN-NI.ics?from=2026-01-01&to=2026-12-31")
    assert got == [
        (
            "2026-12-10",
            "China – Nicaragua: 5th anniversary of the resumption of diplomatic relations",
        )
    ]
    # No anniversary counted from 1985, in any year the pair was live or not.
    years = feed(client, "/feeds/pairs/CN-NI.ics?from=2011-01-01&to=2026-12-31")
    assert all("resumption" in summary for _, summary in years)
    assert [d for d, _ in years] == [f"{y}-12-10" for y in range(2022, 2027)]


def test_kind_asks_for_the_other_series_while_live(client):
    """The 1985 establishment's anniversaries count only while relations were live
    (1986-1989), and show only when ``kind=`` asks for them."""
    got = feed(
        client, "/feeds/pairs/CN-NI.ics?from=1986-01-01&to=2005-12-31&kind=diplomatic_relations"
    )
    assert [d[:4] for d, _ in got] == ["1986", "1987", "1988", "1989"]


def test_china_saint_lucia_ends_with_the_severance(client):
    got = feed(client, "/feeds/pairs/CN-LC.ics?from=2000-01-01&to=2019-12-31")
    assert got and max(d for d, _ in got) < "2007-05-05"
    assert feed(client, "/feeds/pairs/CN-LC.ics?from=2008-01-01&to=2026-12-31") == []


def test_china_united_kingdom_counts_ambassadors(client):
    got = feed(client, "/feeds/pairs/CN-GB.ics?from=2022-01-01&to=2022-12-31")
    assert len(got) == 1 and got[0][0] == "2022-03-13"
    # (The country's name, "United Kingdom", is app.countries'; the phrase is ours.)
    assert got[0][1] == "China – United Kingdom: 50th anniversary of ambassadorial relations"


def test_jubilee_lists_show_the_celebrated_series(client):
    r = client.get("/api/v1/anniversaries?pair=CN-NI&from=2026-01-01&to=2026-12-31")
    every = {(a["kind"], a["years"]) for a in r.json()["items"]}
    # The JSON API lists every series that is live on its day: 1985's too, live again.
    assert {("relations_restored", 5), ("diplomatic_relations", 41)} <= every
    base = "/api/v1/anniversaries?pair=CN-NI&from=2000-01-01&to=2019-12-31"
    r = client.get(base)
    assert {a["kind"] for a in r.json()["items"]} == {"relations_severed"}
    assert r.json()["total"] == 20  # counted over whole years, less what is not live
    r = client.get(base + "&kind=diplomatic_relations")
    assert (r.json()["total"], r.json()["items"]) == (0, [])  # severed 1990-2021
    r = client.get("/api/v1/anniversaries?pair=CN-NI&from=2021-01-01&to=2021-12-31")
    assert [(a["kind"], a["years"]) for a in r.json()["items"]] == [("relations_severed", 31)]
    r = client.get("/api/v1/anniversaries?pair=CN-GB&from=2024-01-01&to=2024-12-31")
    kinds = {a["kind"] for a in r.json()["items"]}
    assert {"diplomatic_relations", "relations_upgraded"} <= kinds  # 70th and 52nd
    r = client.get(
        "/api/v1/anniversaries?pair=CN-GB&from=2024-01-01&to=2024-12-31&jubilee_only=true"
    )
    assert r.json()["items"] == [] and r.json()["total"] == 0  # 70th of 1954 is not celebrated


def test_pair_story_china_nicaragua(client):
    r = client.get("/api/v1/pairs/NI-CN")
    assert r.status_code == 200, r.text
    story = r.json()
    assert story["countries"] == ["CN", "NI"]
    assert (story["state"], story["since"]) == ("live", "2021-12-10")
    assert story["celebrated"]["kind"] == "relations_restored"
    assert story["celebrated"]["date"] == "2021-12-10" and story["celebrated"]["celebrated"]
    steps = [(m["kind"], m["date"]) for m in story["history"]]
    assert steps[:3] == [
        ("diplomatic_relations", "1985-12-07"),
        ("relations_severed", "1990-11-09"),
        ("relations_restored", "2021-12-10"),
    ]
    assert all(m["sources"] and m["sources"][0]["url"] for m in story["history"])
    nxt = story["next_anniversary"]
    assert nxt["kind"] == "relations_restored" and nxt["date"].endswith("-12-10")
    assert story["next_jubilee"]["years"] % 5 == 0


def test_pair_story_severed_and_none(client):
    lucia = client.get("/api/v1/pairs/CN-LC").json()
    assert (lucia["state"], lucia["since"]) == ("severed", "2007-05-05")
    assert lucia["next_anniversary"] is None and lucia["next_jubilee"] is None
    nothing = client.get("/api/v1/pairs/AD-TV").json()
    assert (nothing["state"], nothing["history"], nothing["celebrated"]) == ("none", [], None)


@pytest.mark.parametrize(
    ("path", "field"),
    [("/api/v1/pairs/CN-XX", "pair"), ("/api/v1/pairs/CN", "pair"), ("/api/v1/pairs/CN-CN", "pair"),
     ("/api/v1/countries/XX/partners", "code")],
)  # fmt: skip
def test_pair_bad_input_is_a_problem(client, path, field):
    r = client.get(path)
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"
    assert field in r.text


def test_partners_of_china(client):
    r = client.get("/api/v1/countries/CN/partners?limit=500")
    assert r.status_code == 200
    rows = {p["partner"]: p for p in r.json()["items"]}
    assert r.json()["total"] == len(rows) > 150
    assert (rows["NI"]["state"], rows["LC"]["state"], rows["PE"]["state"]) == (
        "live", "severed", "live",
    )  # fmt: skip
    assert rows["GB"]["celebrated"]["kind"] == "relations_upgraded"
    page = client.get("/api/v1/countries/CN/partners?limit=2&offset=1").json()
    assert [p["partner"] for p in page["items"]] == sorted(rows)[1:3]


def test_country_page_shows_the_true_state_of_each_partner(client):
    page = client.get("/countries/CN").text
    rows = {
        m.group(1): m.group(2)
        for m in re.finditer(r'href="/pairs/([A-Z]{2}-[A-Z]{2})">.*?data-sort="(\w+)"', page, re.S)
    }
    assert (rows["CN-NI"], rows["CN-LC"], rows["CN-PE"]) == ("live", "severed", "live")
    assert 'datetime="2021-12-10"' in page  # Nicaragua: counted from the resumption


def test_pair_page_timeline_has_the_severance_and_resumption_with_sources(client):
    page = client.get("/pairs/CN-NI").text
    for day in ("1985-12-07", "1990-11-09", "2021-12-10"):
        assert f'datetime="{day}"' in page
    assert "Severance of diplomatic relations" in page
    assert "Restoration of diplomatic relations" in page
    assert 'href="http://en.people.cn/n3/2021/1210/c90000-9931309.html"' in page


def test_a_country_without_a_national_day_says_so(client):
    assert "No official national day" in client.get("/countries/GB").text
    r = client.get("/api/v1/milestones?country=GB&kind=national_day")
    (none,) = [m for m in r.json()["items"] if m["countries"] == ["GB"]]
    assert (none["none"], none["date"], none["observed"]) == (True, None, None)
    japan = client.get("/api/v1/milestones?country=JP&kind=national_day").json()["items"]
    assert any(m["date"] is None and m["observed"] == "02-11" for m in japan)


def _all_milestones(client, query: str) -> list[dict]:
    items, offset = [], 0
    while True:
        page = client.get(f"/api/v1/milestones?{query}&limit=200&offset={offset}").json()
        items += page["items"]
        offset += 200
        if offset >= page["total"]:
            return items


def test_every_un_member_has_a_national_day_or_an_explicit_none(client):
    own = _all_milestones(client, "kind=national_day,independence")
    covered = {m["countries"][0] for m in own if len(m["countries"]) == 1}
    assert len(UN_MEMBERS) == 193
    assert UN_MEMBERS - covered == set()


def test_corrected_dates(client):
    (do,) = [
        m
        for m in _all_milestones(client, "country=DO&kind=independence")
        if m["countries"] == ["DO"]
    ]
    assert do["date"] == "1844-02-27"
    ties = _all_milestones(client, "pair=DE-US&kind=diplomatic_relations")
    assert "1955-05-06" in [m["date"] for m in ties]
    assert "1949-09-21" not in [m["date"] for m in ties]


def test_no_verified_row_rests_on_a_single_non_government_source(client):
    rows = [m for m in _all_milestones(client, "") if m["confidence"] == "verified"]
    assert len(rows) > 500
    for m in rows:
        assert len(m["sources"]) >= 2 or any(s["government"] for s in m["sources"]), m


def test_liberia_several_rounds_count_only_while_live(client):
    """Established 1977, severed October 1989 (month precision: from its first day),
    restored 1993, severed 1997, restored 2003: the 1977 series while live only."""
    got = feed(client, "/feeds/pairs/CN-LR.ics?from=1988-01-01&to=2007-12-31")
    assert [d[:4] for d, _ in got] == ["1988", "1989", "1994", "1995", "1996", "1997",
                                       "2004", "2005", "2006", "2007"]  # fmt: skip
