"""The diplocal command, run as a user would run it."""

import os
import subprocess
import sys


def run(args: list[str], database_url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DIPLOCAL_DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args], env=env, capture_output=True, text=True
    )


def test_keys_create_prints_the_key_alone_on_the_last_line_and_it_works(make_database):
    url = make_database(migrated=False)
    out = run(["keys", "create", "--name", "me", "--scope", "admin"], url)
    assert out.returncode == 0, out.stderr
    key = out.stdout.strip().splitlines()[-1]
    assert key.startswith("dcal_") and " " not in key

    from fastapi.testclient import TestClient

    from app.config import Settings
    from app.main import create_app

    with TestClient(create_app(Settings(database_url=url))) as c:
        body = {"kind": "independence", "date": "1821-07-28", "countries": ["PE"]}
        r = c.post("/api/v1/milestones", json=body, headers={"Authorization": f"Bearer {key}"})
        assert r.status_code == 201

    listing = run(["keys", "list"], url)
    assert "me" in listing.stdout and "active" in listing.stdout and key not in listing.stdout
    assert run(["keys", "revoke", "me"], url).returncode == 0
    assert "revoked" in run(["keys", "list"], url).stdout
    assert run(["keys", "revoke", "me"], url).returncode == 1


def test_keys_create_refuses_duplicates_and_bad_editor_countries(make_database):
    url = make_database(migrated=False)
    assert run(["keys", "create", "--name", "a"], url).returncode == 0
    assert run(["keys", "create", "--name", "a"], url).returncode == 1
    bad = run(["keys", "create", "--name", "b", "--scope", "editor", "--countries", "CN,ZZ"], url)
    assert bad.returncode == 2 and "ZZ" in bad.stderr
    assert run(["keys", "create", "--name", "c", "--scope", "editor"], url).returncode == 2


def test_migrate_is_idempotent(make_database):
    url = make_database(migrated=False)
    assert run(["migrate"], url).returncode == 0
    again = run(["migrate"], url)
    assert again.returncode == 0 and "up to date" in again.stdout
