"""Issue 16 through HTTP: the jubilee horizon and the date check on the bundled data set."""

import datetime as dt

import pytest

from app.planning import dates, durations


@pytest.fixture
def database_url(make_database) -> str:
    """The app of every test here starts from the bundled data set."""
    return make_database(seeded=True)


def problem_field(r) -> str:
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    return r.text


# ------------------------------------------------------------------ jubilee horizon


def test_peru_2021_is_a_coincidence_of_independence_and_china(client):
    r = client.get("/api/v1/planning/jubilees?country=PE&from_year=2019&to_year=2023")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["coinciding_years"] == [2021]
    year = next(y for y in body["years"] if y["year"] == 2021)
    assert year["coincide"] is True
    seen = {(j["kind"], tuple(j["countries"]), j["years"], j["tier"]) for j in year["jubilees"]}
    assert ("independence", ("PE",), 200, "bicentennial") in seen
    assert ("diplomatic_relations", ("CN", "PE"), 50, "golden") in seen
    dates_of = {j["kind"]: j["date"] for j in year["jubilees"]}
    assert dates_of["independence"] == "2021-07-28"
    assert all(y["year"] in range(2019, 2024) for y in body["years"])
    assert all(y["coincide"] == (len(y["jubilees"]) >= 2) for y in body["years"])
    assert all(j["jubilee"] for y in body["years"] for j in y["jubilees"])


def test_pair_horizon_has_the_golden_jubilee(client):
    r = client.get("/api/v1/planning/jubilees?pair=pe-cn&from_year=2020&to_year=2030")
    body = r.json()
    assert body["pair"] == "CN-PE"
    assert [(y["year"], [j["years"] for j in y["jubilees"]]) for y in body["years"]] == [
        (2021, [50]),
        (2026, [55]),
    ]
    assert body["coinciding_years"] == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("", "country"),
        ("country=PE&pair=CN-PE", "pair"),
        ("country=ZZ", "country"),
        ("pair=CN", "pair"),
        ("country=PE&from_year=2000&to_year=2050", "to_year"),
        ("country=PE&from_year=2030&to_year=2020", "to_year"),
        ("country=PE&from_year=abc", "from_year"),
    ],
)
def test_horizon_refuses_bad_input_naming_the_field(client, query, field):
    r = client.get(f"/api/v1/planning/jubilees?{query}")
    assert f'"{field}"' in problem_field(r)


def test_fifty_years_are_allowed(client):
    r = client.get("/api/v1/planning/jubilees?country=PE&from_year=2000&to_year=2049")
    assert r.status_code == 200
    assert {2021, 2026, 2046} <= {y["year"] for y in r.json()["years"]}


# ------------------------------------------------------------------ is this date free?


def _country(day: dict, code: str) -> dict:
    return next(c for c in day["countries"] if c["country"] == code)


def test_fiestas_patrias_is_not_free(client):
    r = client.get("/api/v1/planning/check?date=2021-07-28&countries=CN,PE")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["free"] is False
    [day] = body["dates"]
    pe = _country(day, "PE")
    assert pe["holidays_checked"] is True
    assert "Independence Day" in [h["name"] for h in pe["holidays"]]
    [national] = pe["national_days"]
    assert (national["kind"], national["years"]) == ("independence", 200)
    assert _country(day, "CN")["holidays"] == []
    assert body["not_checked"] == []
    suggestions = [dt.date.fromisoformat(s) for s in body["suggestions"]]
    assert suggestions, "some day within two weeks is free"
    # 29 July is Peru's second day of Fiestas Patrias: neither is suggested; nor a weekend.
    assert dt.date(2021, 7, 28) not in suggestions
    assert dt.date(2021, 7, 29) not in suggestions
    assert all(d.weekday() < 5 for d in suggestions)
    distances = [abs((d - dt.date(2021, 7, 28)).days) for d in suggestions]
    assert distances == sorted(distances)
    assert all(d <= 14 for d in distances)


def test_spring_festival_is_not_free(client):
    body = client.get("/api/v1/planning/check?date=2021-02-12&countries=PE,CN").json()
    cn = _country(body["dates"][0], "CN")
    assert any("Spring Festival" in h["name"] for h in cn["holidays"])
    assert "2021-02-12" not in body["suggestions"]
    for s in body["suggestions"]:
        again = client.get(f"/api/v1/planning/check?date={s}&countries=CN,PE").json()
        assert again["free"] is True, s


def test_suggestions_rank_nearest_then_earlier(client):
    body = client.get("/api/v1/planning/check?date=2021-07-28&countries=PE&window=3").json()
    # 28, 29 July: holidays; 25, 31 July and 1 August: weekend. 26 and 30 July are as near:
    # the earlier first.
    assert body["suggestions"] == ["2021-07-27", "2021-07-26", "2021-07-30"]


def test_a_free_date_suggests_itself_first(client):
    body = client.get("/api/v1/planning/check?date=2021-07-27&countries=PE").json()
    assert body["free"] is True
    assert body["suggestions"][0] == "2021-07-27"


def test_days_cover_a_range(client):
    body = client.get("/api/v1/planning/check?date=2021-07-26&days=3&countries=PE").json()
    assert [d["date"] for d in body["dates"]] == ["2021-07-26", "2021-07-27", "2021-07-28"]
    assert [d["free"] for d in body["dates"]] == [True, True, False]
    assert body["free"] is False
    for s in body["suggestions"]:  # three free days from each
        start = dt.date.fromisoformat(s)
        assert not {start + dt.timedelta(i) for i in range(3)} & {
            dt.date(2021, 7, 28),
            dt.date(2021, 7, 29),
        }


def test_weekend_follows_the_country(client):
    # Friday 5 March 2021: a weekend day in Israel, a working day in Peru.
    body = client.get("/api/v1/planning/check?date=2021-03-05&countries=IL,PE").json()
    day = body["dates"][0]
    assert _country(day, "IL")["weekend"] is True
    assert _country(day, "PE")["weekend"] is False
    assert day["free"] is False


def test_countries_the_holidays_package_lacks_are_not_checked(client):
    body = client.get("/api/v1/planning/check?date=2021-07-27&countries=PE,SU").json()
    su = _country(body["dates"][0], "SU")
    assert su["holidays_checked"] is False
    assert su["weekend"] is None
    assert [c["country"] for c in body["not_checked"]] == ["SU"]
    assert "former state" in body["not_checked"][0]["reason"]


def test_recorded_events_make_a_day_busy_and_private_ones_only_for_keys(client, auth):
    event = {
        "title": "Reception at the residence",
        "kind": "reception",
        "countries": ["PE"],
        "start_date": "2021-07-27",
        "visibility": "private",
    }
    r = client.post("/api/v1/events", json=event, headers=auth)
    assert r.status_code == 201, r.text
    url = "/api/v1/planning/check?date=2021-07-27&countries=PE"
    anonymous = client.get(url).json()
    assert anonymous["free"] is True
    assert _country(anonymous["dates"][0], "PE")["events"] == []
    admin = client.get(url, headers=auth).json()
    assert admin["free"] is False
    assert [e["title"] for e in _country(admin["dates"][0], "PE")["events"]] == [event["title"]]
    assert "2021-07-27" not in admin["suggestions"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("countries=PE", "date"),
        ("date=2021-02-30&countries=PE", "date"),
        ("date=2021-07-28", "countries"),
        ("date=2021-07-28&countries=", "countries"),
        ("date=2021-07-28&countries=PE,XX", "countries"),
        ("date=2021-07-28&countries=PE,CN,US,FR,DE,IT", "countries"),
        ("date=2021-07-28&countries=PE&days=0", "days"),
        ("date=2021-07-28&countries=PE&days=400", "days"),
        ("date=2021-07-28&countries=PE&window=-1", "window"),
        ("date=2021-07-28&countries=PE&window=1000", "window"),
        ("date=9999-12-31&countries=PE", "date"),
        ("date=0001-01-01&countries=PE", "date"),
    ],
)
def test_check_refuses_bad_input_naming_the_field(client, query, field):
    r = client.get(f"/api/v1/planning/check?{query}")
    assert f'"{field}"' in problem_field(r)


# ------------------------------------------------------------------ pure parts


def test_suggestions_are_pure_and_ranked():
    busy = {dt.date(2021, 1, 10), dt.date(2021, 1, 9)}
    found = dates.suggestions(dt.date(2021, 1, 10), 1, 2, busy.__contains__)
    assert found == [dt.date(2021, 1, 11), dt.date(2021, 1, 8), dt.date(2021, 1, 12)]


def test_durations_are_canonical():
    assert durations.parse_reminders("p1w, P7D,PT12H") == ("P7D", "PT12H")
    assert durations.parse_lead("P26W") == "P182D"
    for bad in ("P1M", "P1Y", "30D", "P0D", "P5000D", "-P1D"):
        with pytest.raises(ValueError):
            durations.parse_duration(bad)
    with pytest.raises(ValueError):
        durations.parse_lead("PT12H")
    with pytest.raises(ValueError):
        durations.parse_reminders("P1D,P2D,P3D,P4D")
