"""The milestones resource as an integrator uses it."""

import uuid

from tests.factories import CN_PE, PE_INDEPENDENCE, make_milestone


def test_create_returns_201_with_location_and_generated_title(client, auth):
    r = client.post("/api/v1/milestones", json=CN_PE, headers=auth)
    assert r.status_code == 201
    body = r.json()
    assert r.headers["location"].endswith(f"/api/v1/milestones/{body['id']}")
    assert body["title"] == "China – Peru: Diplomatic relations"
    assert body["title_generated"] is True
    assert body["countries"] == ["CN", "PE"]
    assert body["date"] == "1971-11-02"
    assert body["precision"] == "day"
    assert body["revision"] == 1
    assert body["created_at"] == body["updated_at"]
    assert client.get(r.headers["location"]).json() == body


def test_pair_is_stored_unordered_and_codes_case_insensitive(client, auth):
    r = client.post("/api/v1/milestones", json={**CN_PE, "countries": ["pe", "cn"]}, headers=auth)
    assert r.json()["countries"] == ["CN", "PE"]


def test_month_and_year_precision_are_kept(client, auth):
    month = client.post("/api/v1/milestones", json={**CN_PE, "date": "1971-11"}, headers=auth)
    year = client.post("/api/v1/milestones", json={**CN_PE, "date": "1971"}, headers=auth)
    assert (month.json()["date"], month.json()["precision"]) == ("1971-11", "month")
    assert (year.json()["date"], year.json()["precision"]) == ("1971", "year")


def test_text_fields_keep_non_ascii_and_source(client, auth):
    body = {
        **PE_INDEPENDENCE,
        "title": "Independencia del Perú",
        "description": "Proclamada en Lima por José de San Martín.\n中华人民共和国",
        "source": "Congreso de la República del Perú",
        "source_url": "https://www.congreso.gob.pe/",
        "confidence": "verified",
    }
    r = client.post("/api/v1/milestones", json=body, headers=auth)
    assert r.status_code == 201
    got = r.json()
    for field in ("title", "description", "source", "source_url", "confidence"):
        assert got[field] == body[field]


def test_list_filters_by_country_pair_kind_and_text(client, session):
    cn_pe = make_milestone(session)
    pe = make_milestone(session, **PE_INDEPENDENCE)
    fr = make_milestone(session, kind="national_day", date="1880-07-14", countries=["FR"],
                        description="Fête nationale")  # fmt: skip

    def ids(query: str) -> list[str]:
        r = client.get(f"/api/v1/milestones?{query}")
        assert r.status_code == 200, r.text
        return [m["id"] for m in r.json()["items"]]

    assert ids("country=PE") == [str(pe.id), str(cn_pe.id)]  # date order
    assert ids("country=pe") == [str(pe.id), str(cn_pe.id)]
    assert ids("pair=PE-CN") == ids("pair=CN-PE") == [str(cn_pe.id)]
    assert ids("kind=independence,national_day") == [str(pe.id), str(fr.id)]
    assert ids("q=fête") == [str(fr.id)]
    assert ids("q=peru") == [str(pe.id), str(cn_pe.id)]  # country names match too
    assert ids("q=100%25") == []  # LIKE wildcards are literal


def test_list_pagination(client, session):
    for year in range(1950, 1957):
        make_milestone(session, date=f"{year}-01-01")
    r = client.get("/api/v1/milestones?limit=3&offset=3").json()
    assert (r["total"], r["limit"], r["offset"]) == (7, 3, 3)
    assert [m["date"] for m in r["items"]] == ["1953-01-01", "1954-01-01", "1955-01-01"]
    assert client.get("/api/v1/milestones?limit=501").status_code == 422
    assert client.get("/api/v1/milestones?offset=-1").status_code == 422


def test_patch_changes_only_sent_fields_and_bumps_revision(client, auth, session):
    m = make_milestone(session, description="first")
    r = client.patch(f"/api/v1/milestones/{m.id}", json={"source": "MFA"}, headers=auth)
    assert r.status_code == 200
    got = r.json()
    assert (got["source"], got["description"], got["revision"]) == ("MFA", "first", 2)
    assert got["updated_at"] > got["created_at"]


def test_patch_that_changes_nothing_keeps_revision(client, auth, session):
    m = make_milestone(session)
    r = client.patch(f"/api/v1/milestones/{m.id}", json={"date": "1971-11-02"}, headers=auth)
    assert r.json()["revision"] == 1


def test_patch_can_change_precision_and_clear_optional_fields(client, auth, session):
    m = make_milestone(session, title="Old title")
    r = client.patch(
        f"/api/v1/milestones/{m.id}", json={"date": "1971", "title": None}, headers=auth
    )
    got = r.json()
    assert (got["date"], got["precision"], got["title_generated"]) == ("1971", "year", True)


def test_patch_validates_the_merged_milestone(client, auth, session):
    m = make_milestone(session)
    r = client.patch(f"/api/v1/milestones/{m.id}", json={"countries": ["CN", "CN"]}, headers=auth)
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "countries"
    r = client.patch(f"/api/v1/milestones/{m.id}", json={"kind": None}, headers=auth)
    assert r.status_code == 422
    assert r.json()["errors"] == [{"field": "kind", "message": "may not be null"}]
    assert client.get(f"/api/v1/milestones/{m.id}").json()["revision"] == 1


def test_delete_then_404(client, auth, session):
    m = make_milestone(session)
    assert client.delete(f"/api/v1/milestones/{m.id}", headers=auth).status_code == 204
    r = client.get(f"/api/v1/milestones/{m.id}")
    assert r.status_code == 404
    assert r.headers["content-type"] == "application/problem+json"


def test_unknown_id_is_404_for_every_method(client, auth):
    url = f"/api/v1/milestones/{uuid.uuid4()}"
    assert client.get(url).status_code == 404
    assert client.patch(url, json={"source": "x"}, headers=auth).status_code == 404
    assert client.delete(url, headers=auth).status_code == 404
