"""GET /api/v1/anniversaries: the issue's China–Peru walkthrough and the filters."""

from tests.factories import CN_PE, PE_INDEPENDENCE, make_milestone


def test_peru_2021_lists_bicentennial_and_golden_jubilee(client, auth):
    for body in (CN_PE, PE_INDEPENDENCE):
        assert client.post("/api/v1/milestones", json=body, headers=auth).status_code == 201
    r = client.get("/api/v1/anniversaries?from=2021-01-01&to=2021-12-31&country=PE")
    assert r.status_code == 200
    items = r.json()["items"]
    assert [(a["date"], a["years"], a["ordinal"], a["tier"], a["jubilee"]) for a in items] == [
        ("2021-07-28", 200, "200th", "bicentennial", True),
        ("2021-11-02", 50, "50th", "golden", True),
    ]
    assert items[0]["title"] == "Peru: 200th anniversary of independence"
    assert items[1]["title"] == "China – Peru: 50th anniversary of diplomatic relations"
    assert items[1]["origin_date"] == "1971-11-02"


def test_pair_filter_is_order_insensitive(client, session):
    make_milestone(session)
    make_milestone(session, **PE_INDEPENDENCE)
    q = "from=2021-01-01&to=2021-12-31"
    a = client.get(f"/api/v1/anniversaries?{q}&pair=PE-CN").json()
    b = client.get(f"/api/v1/anniversaries?{q}&pair=CN-PE").json()
    assert a == b and a["total"] == 1


def test_leap_day_milestone_observed_on_feb_28(client, session):
    make_milestone(session, date="1996-02-29", countries=["CN", "PE"])
    items = client.get("/api/v1/anniversaries?from=2021-02-01&to=2021-03-31").json()["items"]
    assert [(a["date"], a["observed"], a["years"]) for a in items] == [("2021-02-28", True, 25)]


def test_month_precision_listed_with_null_date(client, session):
    make_milestone(session, date="1971-11")
    items = client.get("/api/v1/anniversaries?from=2021-10-15&to=2021-11-15").json()["items"]
    assert [(a["date"], a["year"], a["month"], a["years"]) for a in items] == [(None, 2021, 11, 50)]
    none = client.get("/api/v1/anniversaries?from=2021-01-01&to=2021-10-31").json()
    assert none["total"] == 0


def test_jubilee_only_shows_celebrated_kinds_unless_kind_asks(client, session):
    make_milestone(session)  # relations, 1971
    # (in a pair of its own: a severance ends its pair's anniversaries, issue 13)
    make_milestone(session, kind="relations_severed", date="1976-05-01", countries=["CL", "PE"])
    make_milestone(session, kind="state_visit", date="2011-06-01")
    q = "from=2021-01-01&to=2021-12-31"
    jubilees = client.get(f"/api/v1/anniversaries?{q}&jubilee_only=true").json()["items"]
    assert [a["kind"] for a in jubilees] == ["diplomatic_relations"]
    asked = client.get(f"/api/v1/anniversaries?{q}&jubilee_only=true&kind=relations_severed")
    assert [a["years"] for a in asked.json()["items"]] == [45]
    everything = client.get(f"/api/v1/anniversaries?{q}").json()["items"]
    assert sorted(a["kind"] for a in everything) == [
        "diplomatic_relations", "relations_severed", "state_visit",
    ]  # fmt: skip


def test_window_across_new_year_and_pagination(client, session):
    for day in ("1950-12-30", "1950-12-31", "1951-01-01", "1951-01-02"):
        make_milestone(session, date=day)
    r = client.get("/api/v1/anniversaries?from=2020-12-31&to=2021-01-01&limit=1&offset=1").json()
    assert r["total"] == 2
    assert [a["date"] for a in r["items"]] == ["2021-01-01"]


def test_twenty_year_window_is_allowed_and_longer_is_not(client, session):
    make_milestone(session)
    ok = client.get("/api/v1/anniversaries?from=2020-01-01&to=2040-01-01")
    assert ok.status_code == 200 and ok.json()["total"] == 20
    assert client.get("/api/v1/anniversaries?from=2020-01-01&to=2040-01-02").status_code == 422


def test_default_window_is_the_coming_year(client, session):
    make_milestone(session, date="1901-01-01", precision="day")
    r = client.get("/api/v1/anniversaries").json()
    assert r["total"] == 1  # every day-precision origin comes round once a year
