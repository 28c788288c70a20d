"""The diplocal command as a user runs it: in-process through ``cli.main(argv)`` (the
``diplocal`` fixture, see conftest), and once through the installed console script."""

import os
import subprocess
import sys
from pathlib import Path

from sqlmodel import Session

from app.db import create_db_engine
from tests.factories import make_event, make_milestone


def test_the_installed_console_script_runs_in_its_own_process(make_database):
    """The one subprocess: the ``diplocal`` entry point, its imports, output and exit code."""
    script = Path(sys.executable).with_name("diplocal")
    env = {**os.environ, "DIPLOCAL_DATABASE_URL": make_database(migrated=False)}
    out = subprocess.run(
        [script, "keys", "create", "--name", "smoke", "--scope", "admin"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1].startswith("dcal_")
    assert "Traceback" not in out.stderr


def test_keys_create_prints_the_key_alone_on_the_last_line_and_it_works(diplocal, make_database):
    url = make_database(migrated=False)
    out = diplocal(["keys", "create", "--name", "me", "--scope", "admin"], url)
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

    listing = diplocal(["keys", "list"], url)
    assert "me" in listing.stdout and "active" in listing.stdout and key not in listing.stdout
    assert diplocal(["keys", "revoke", "me"], url).returncode == 0
    assert "revoked" in diplocal(["keys", "list"], url).stdout
    assert diplocal(["keys", "revoke", "me"], url).returncode == 1


def test_keys_create_refuses_duplicates_and_bad_editor_countries(diplocal, make_database):
    url = make_database(migrated=False)
    assert diplocal(["keys", "create", "--name", "a", "--scope", "admin"], url).returncode == 0
    assert diplocal(["keys", "create", "--name", "a", "--scope", "admin"], url).returncode == 1
    bad = diplocal(
        ["keys", "create", "--name", "b", "--scope", "editor", "--countries", "CN,ZZ"], url
    )
    assert bad.returncode == 2 and "ZZ" in bad.stderr
    assert diplocal(["keys", "create", "--name", "c", "--scope", "editor"], url).returncode == 2


def test_migrate_is_idempotent(diplocal, make_database):
    url = make_database(migrated=False)
    assert diplocal(["migrate"], url).returncode == 0
    again = diplocal(["migrate"], url)
    assert again.returncode == 0 and "up to date" in again.stdout


def test_seed_twice_then_export_import_export_gives_identical_files(
    diplocal, make_database, tmp_path
):
    urls = [make_database(), make_database()]
    first = diplocal(["seed"], urls[0])
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("created 10") and "seed: done" in first.stderr  # log, no bar
    again = diplocal(["seed"], urls[0])
    assert again.stdout.strip().endswith("kept edits 0")
    assert again.stdout.startswith("created 0, updated 0, unchanged 10")

    exported = tmp_path / "export.csv"
    assert diplocal(["export", str(exported)], urls[0]).returncode == 0
    imported = diplocal(["import", str(exported)], urls[1])
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.startswith("milestones: created 10")
    again = diplocal(["export", "--format", "csv"], urls[1])  # to standard output
    assert again.stdout == exported.read_text("utf-8")


def test_import_of_a_bad_file_names_every_bad_row_and_fails(diplocal, tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "kind,date,countries\nindependence,1821-07-28,PE\nindependence,1821-02-30,PE\n"
        "independence,1821,ZZ\n",
        "utf-8",
    )
    out = diplocal(["import", str(bad)], url)
    assert out.returncode == 1
    assert f"{bad}: line 3: date: 1821-02-30 does not exist" in out.stderr
    assert f"{bad}: line 4: countries: unknown country code 'ZZ'" in out.stderr
    assert "nothing was imported" in out.stderr
    skipped = diplocal(["import", "--skip-invalid", str(bad)], url)
    assert skipped.returncode == 0
    assert skipped.stdout.strip() == (
        "milestones: created 1, updated 0, unchanged 0, skipped 2; "
        "events: created 0, updated 0, unchanged 0, skipped 0"
    )


def test_audit_prints_who_changed_what(diplocal, tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert (
        diplocal(
            ["keys", "create", "--name", "lima", "--scope", "editor", "--countries", "CN,PE"], url
        ).returncode
        == 0
    )
    assert (
        diplocal(
            ["keys", "create", "--name", "reader", "--scope", "reader", "--countries", "PE"], url
        ).returncode
        == 0
    )
    assert diplocal(["keys", "create", "--name", "bad", "--scope", "reader"], url).returncode == 2
    assert diplocal(["keys", "revoke", "lima"], url).returncode == 0
    out = diplocal(["audit", "--entity", "key"], url)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert any("cli" in line and "create" in line for line in lines)
    assert any("revoke" in line for line in lines)
    assert "revoked_at: None ->" in out.stdout
    assert "dcal_" not in out.stdout
    as_json = diplocal(["audit", "--json", "--limit", "1"], url)
    assert as_json.stdout.count("\n") == 1 and '"action": "create"' in as_json.stdout


def test_export_import_export_with_events_gives_identical_files(diplocal, make_database, tmp_path):
    urls = [make_database(), make_database()]
    engine = create_db_engine(urls[0])
    with Session(engine) as session:
        ties = make_milestone(session)
        make_event(session, milestone_id=ties.id, year=2021,
                   organizers=[{"name": "中国驻秘鲁大使馆", "role": "embassy"}])  # fmt: skip
        make_event(session, title="Misa", countries=["PE"], start_date="2021-07-28",
                   visibility="private", status="cancelled")  # fmt: skip
    engine.dispose()

    exported = tmp_path / "export.json"
    out = diplocal(["export", str(exported)], urls[0])
    assert out.returncode == 0, out.stderr
    assert "exported 1 milestones and 2 events as json" in out.stderr
    imported = diplocal(["import", str(exported)], urls[1])
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout == (
        "milestones: created 1, updated 0, unchanged 0, skipped 0; "
        "events: created 2, updated 0, unchanged 0, skipped 0\n"
    )
    again = diplocal(["export"], urls[1])  # to standard output
    assert again.stdout == exported.read_text("utf-8")

    as_csv = diplocal(["export", "--format", "csv"], urls[1])
    assert as_csv.returncode == 0 and as_csv.stdout.startswith("id,kind,date")
    assert "CSV holds milestones only; the 2 events are not in this file" in as_csv.stderr
    assert "csv holds milestones only" in diplocal(["export", "--help"], urls[1]).stdout
