"""API keys: writes need one; reads never do."""

from app.auth import create_key, revoke_key
from app.models import Scope
from tests.factories import CN_PE, make_milestone


def test_write_without_key_is_401_with_challenge(client):
    r = client.post("/api/v1/milestones", json=CN_PE)
    assert r.status_code == 401
    assert r.headers["www-authenticate"].startswith("Bearer")
    assert r.headers["content-type"] == "application/problem+json"


def test_wrong_or_malformed_key_is_401(client, admin_key):
    for header in (f"Bearer {admin_key}x", "Bearer", f"Basic {admin_key}", "Bearer  "):
        r = client.post("/api/v1/milestones", json=CN_PE, headers={"Authorization": header})
        assert r.status_code == 401, header


def test_revoked_key_is_401(client, session, admin_key):
    assert revoke_key(session, "test-admin")
    r = client.post(
        "/api/v1/milestones", json=CN_PE, headers={"Authorization": f"Bearer {admin_key}"}
    )
    assert r.status_code == 401


def test_reads_need_no_key(client, session):
    m = make_milestone(session)
    assert client.get("/api/v1/milestones").status_code == 200
    assert client.get(f"/api/v1/milestones/{m.id}").status_code == 200
    assert client.get("/api/v1/anniversaries").status_code == 200


def test_every_write_method_needs_a_key(client, session):
    m = make_milestone(session)
    assert client.patch(f"/api/v1/milestones/{m.id}", json={"source": "x"}).status_code == 401
    assert client.delete(f"/api/v1/milestones/{m.id}").status_code == 401
    assert client.get(f"/api/v1/milestones/{m.id}").status_code == 200


def test_keys_are_stored_hashed(session, admin_key):
    from sqlmodel import select

    from app.models import ApiKey

    stored = session.exec(select(ApiKey)).one()
    assert admin_key not in stored.key_hash
    assert len(admin_key) >= 40  # 256 random bits, url-safe


def test_editor_key_writes_only_its_countries(client, session):
    _, secret = create_key(session, "lima-embassy", Scope.editor, ["CN", "PE"])
    auth = {"Authorization": f"Bearer {secret}"}
    assert client.post("/api/v1/milestones", json=CN_PE, headers=auth).status_code == 201
    us_fr = {**CN_PE, "countries": ["US", "FR"]}
    r = client.post("/api/v1/milestones", json=us_fr, headers=auth)
    assert r.status_code == 403
    assert r.headers["content-type"] == "application/problem+json"
    other = make_milestone(session, countries=["US", "FR"])
    r = client.patch(f"/api/v1/milestones/{other.id}", json={"source": "x"}, headers=auth)
    assert r.status_code == 403


def test_reader_key_cannot_write(client, session):
    _, secret = create_key(session, "reader", Scope.reader)
    r = client.post("/api/v1/milestones", json=CN_PE, headers={"Authorization": f"Bearer {secret}"})
    assert r.status_code == 403
