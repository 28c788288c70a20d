"""Every bad input gets a 4xx problem document naming the field; nothing is a 500."""

import pytest

from tests.factories import CN_PE


def assert_problem(r, status: int, field: str | None = None) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert {"type", "title", "status", "detail"} <= body.keys()
    assert body["status"] == status
    if field is not None:
        assert field in [e["field"] for e in body["errors"]], body
    return body


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"countries": ["ZZ"]}, "countries", "unknown country code 'ZZ'"),
        ({"date": "1971-02-30"}, "date", "1971-02-30 does not exist"),
        ({"date": "1971-13"}, "date", "month 13 does not exist"),
        ({"date": "0000-01-01"}, "date", "year must be between 1 and 9999"),
        ({"date": "2 Nov 1971"}, "date", "expected YYYY-MM-DD"),
        ({"countries": []}, "countries", "at least one country"),
        ({"countries": ["CN", "PE", "US"]}, "countries", "at most two countries"),
        ({"countries": ["PE", "PE"]}, "countries", "two different countries"),
        ({"kind": "coronation"}, "kind", "diplomatic_relations"),
        ({"date": "1971-11-02", "precision": "month"}, "body", "does not match"),
        ({"source_url": "javascript:alert(1)"}, "source_url", "http or https URL"),
        ({"title": "a\x00b"}, "title", "control character U+0000"),
        ({"title": "x" * 501}, "title", "at most 500"),
        ({"colour": "red"}, "colour", "not permitted"),
    ],
)
def test_bad_milestone_is_422_naming_the_field(client, auth, change, field, message):
    r = client.post("/api/v1/milestones", json={**CN_PE, **change}, headers=auth)
    body = assert_problem(r, 422, field)
    assert any(message in e["message"] for e in body["errors"]), body


def test_missing_fields_are_named(client, auth):
    body = assert_problem(client.post("/api/v1/milestones", json={}, headers=auth), 422)
    assert {e["field"]: e["message"] for e in body["errors"]} == {
        "kind": "is required",
        "date": "is required",
        "countries": "is required",
    }


def test_body_that_is_not_json_is_422(client, auth):
    r = client.post(
        "/api/v1/milestones",
        content=b"{not json",
        headers={**auth, "content-type": "application/json"},
    )
    assert_problem(r, 422, "body")


def test_wrong_json_types_are_422(client, auth):
    assert_problem(client.post("/api/v1/milestones", json=[1, 2], headers=auth), 422)
    r = client.post("/api/v1/milestones", json={**CN_PE, "countries": "CN"}, headers=auth)
    assert_problem(r, 422, "countries")


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("country=ZZ", "country"),
        ("pair=CN", "pair"),
        ("pair=CN-CN", "pair"),
        ("pair=CN-ZZ", "pair"),
        ("kind=diplomatic_relations,bogus", "kind"),
        ("from=2021-02-30", "from"),
        ("from=2021-01-01&to=2020-01-01", "to"),
        ("from=2000-01-01&to=2030-01-01", "to"),
        ("limit=0", "limit"),
        ("jubilee_only=maybe", "jubilee_only"),
    ],
)
def test_bad_query_parameters_are_422(client, query, field):
    assert_problem(client.get(f"/api/v1/anniversaries?{query}"), 422, field)


def test_malformed_id_is_422_and_unknown_route_is_404(client):
    assert_problem(client.get("/api/v1/milestones/not-a-uuid"), 422, "milestone_id")
    assert_problem(client.get("/api/v1/nothing-here"), 404)
    assert_problem(client.put("/api/v1/milestones"), 405)


def test_unexpected_error_is_a_problem_without_traceback(client, monkeypatch):
    import app.api.countries as countries_api

    def boom(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(countries_api, "select", boom)
    client_no_raise = type(client)(client.app, raise_server_exceptions=False)
    r = client_no_raise.get("/api/v1/countries")
    body = assert_problem(r, 500)
    assert "secret" not in r.text and "Traceback" not in r.text
    assert body["detail"]
