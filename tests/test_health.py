from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from tests.databases import unreachable_url


def test_healthz_and_readyz_on_a_migrated_database(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ready"}
    assert client.head("/healthz").status_code == 200


def test_readyz_is_503_on_an_unmigrated_database(make_database):
    app = create_app(Settings(database_url=make_database(migrated=False)))
    with TestClient(app) as c:
        r = c.get("/readyz")
        assert r.status_code == 503
        assert "diplocal migrate" in r.json()["detail"]
        assert c.get("/healthz").status_code == 200


def test_readyz_is_503_when_the_database_is_unreachable(tmp_path):
    app = create_app(Settings(database_url=unreachable_url(tmp_path)))
    with TestClient(app) as c:
        r = c.get("/readyz")
        assert r.status_code == 503
        assert r.headers["content-type"] == "application/problem+json"


def test_openapi_docs_are_served(client):
    assert client.get("/docs").status_code == 200
    spec = client.get("/openapi.json").json()
    assert "/api/v1/anniversaries" in spec["paths"]
