def test_lists_current_and_former_states(client):
    r = client.get("/api/v1/countries?limit=500").json()
    codes = {c["code"] for c in r["items"]}
    assert {"PE", "CN", "XK", "SU", "YU", "CS", "DD"} <= codes
    assert r["total"] == len(codes) > 270


def test_former_state_is_a_country_with_an_end(client):
    su = client.get("/api/v1/countries/SU").json()
    assert (su["name"], su["former"], su["ended"]) == ("Soviet Union", True, "1992-08-30")
    # Sikkim's SK is Slovakia's now: the former state keeps its ISO 3166-3 code.
    assert client.get("/api/v1/countries/SK").json()["name"] == "Slovakia"
    assert client.get("/api/v1/countries/SKIN").json()["former"] is True


def test_read_is_case_insensitive_and_unknown_is_404(client):
    assert client.get("/api/v1/countries/pe").json()["name"] == "Peru"
    r = client.get("/api/v1/countries/ZZ")
    assert r.status_code == 404 and r.headers["content-type"] == "application/problem+json"


def test_search_by_name_and_code(client):
    names = [c["name"] for c in client.get("/api/v1/countries?q=korea").json()["items"]]
    assert names == ["North Korea", "South Korea", "Korea (Joseon)"]  # by code: KP, KR, XKOR
    assert client.get("/api/v1/countries?q=pe").json()["items"][0]["code"] == "PE"
    former = client.get("/api/v1/countries?former=true&limit=500").json()
    assert all(c["former"] for c in former["items"]) and former["total"] >= 30


def test_milestones_accept_former_states_and_kosovo(client, auth):
    body = {"kind": "diplomatic_relations", "date": "1949-10-03", "countries": ["CN", "SU"]}
    r = client.post("/api/v1/milestones", json=body, headers=auth)
    assert r.status_code == 201
    assert r.json()["title"] == "China – Soviet Union: Diplomatic relations"
    body = {"kind": "independence", "date": "2008-02-17", "countries": ["XK"]}
    assert client.post("/api/v1/milestones", json=body, headers=auth).status_code == 201


def test_states_older_than_iso_3166_are_former_states_with_x_codes(client):
    hawaii = client.get("/api/v1/countries/XHAW").json()
    assert (hawaii["name"], hawaii["former"], hawaii["ended"]) == ("Hawaii", True, "1898")
    former = client.get("/api/v1/countries?former=true&limit=500").json()["items"]
    assert {"XBAV", "XTEX", "XPAP", "XWUR"} <= {c["code"] for c in former}
    assert client.get("/api/v1/countries?q=württemberg").json()["items"][0]["code"] == "XWUR"
