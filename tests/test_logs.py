"""Logs for people and for machines: JSON lines a collector can parse, readable text on a
terminal, the access log's fields and redaction, and the CLI's version and help."""

import io
import json
import logging

import pytest

from app import logs
from app.cli import build_parser, main, where_to_open
from app.config import Settings


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_format_follows_the_terminal_unless_set():
    assert logs.resolve_format("auto", Terminal()) == "text"
    assert logs.resolve_format("auto", io.StringIO()) == "json"
    assert logs.resolve_format("json", Terminal()) == "json"


def test_json_lines_carry_no_terminal_escape_codes():
    # What uvicorn logs at startup: a coloured copy of the message in ``extra``.
    record = logging.makeLogRecord({
        "name": "uvicorn.error", "levelname": "INFO", "levelno": 20,
        "msg": "Uvicorn running on %s (Press CTRL+C to quit)", "args": ("http://127.0.0.1:8000",),
        "color_message": "Uvicorn running on \x1b[1m%s\x1b[0m (Press CTRL+C to quit)",
    })  # fmt: skip
    line = logs.JsonFormatter().format(record)
    assert "\x1b" not in line and "\\u001b" not in line
    entry = json.loads(line)
    assert entry["msg"] == "Uvicorn running on http://127.0.0.1:8000 (Press CTRL+C to quit)"
    assert "color_message" not in entry and entry["ts"].endswith("Z")


def test_access_lines_are_json_with_the_same_fields_and_no_secrets(client, auth, monkeypatch):
    out = io.StringIO()
    monkeypatch.setattr(logs, "SINK", logs.Sink(out, "json"))
    token = client.post("/api/v1/feed-tokens", json={"name": "t"}, headers=auth).json()
    secret = token["url"].rsplit("/", 1)[1].removesuffix(".ics")
    client.get(f"/feeds/private/{secret}.ics?lang=fr", headers={"X-Request-ID": "abc-1"})
    client.get('/api/v1/countries/"x\\y"')
    logs.SINK.flush()
    text = out.getvalue()
    assert secret not in text and auth["Authorization"].split()[1] not in text
    entries = [json.loads(line) for line in text.splitlines()]
    feed = next(e for e in entries if e["request_id"] == "abc-1")
    assert feed == {
        "ts": feed["ts"], "level": "info", "logger": "diplocal.access", "msg": "request",
        "request_id": "abc-1", "method": "GET", "path": "/feeds/private/***.ics",
        "status": 200, "duration_ms": feed["duration_ms"],
    }  # fmt: skip
    assert entries[-1]["path"] == '/api/v1/countries/"x\\y"'  # escaped, still one object


def test_access_lines_on_a_terminal_are_readable(client, monkeypatch):
    out = io.StringIO()
    monkeypatch.setattr(logs, "SINK", logs.Sink(out, "text"))
    client.get("/healthz")
    logs.SINK.flush()
    line = out.getvalue().strip()
    assert " 200 GET /healthz " in line and line.endswith(" ms") and "{" not in line


def test_access_lines_wait_in_a_buffer_then_are_written_together():
    out = io.StringIO()
    sink = logs.Sink(out, "json")
    sink.lines.append("earlier\n")  # as if a request had just been logged
    sink.write('{"msg": "a warning"}')  # other log lines flush the buffer first: order holds
    assert out.getvalue() == 'earlier\n{"msg": "a warning"}\n'


def test_version_and_serve_help_name_the_settings(capsys):
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.startswith("diplocal 0.")
    help_text = build_parser()._subparsers._group_actions[0].choices["serve"].format_help()
    for name in ("DIPLOCAL_DATABASE_URL", "DIPLOCAL_SEED", "DIPLOCAL_LOG_FORMAT",
                 "DIPLOCAL_PORT", "DIPLOCAL_HOST"):  # fmt: skip
        assert name in help_text


def test_where_to_open_names_the_address_docs_and_data_file(tmp_path):
    db = tmp_path / "mine.db"
    line = where_to_open(Settings(database_url=f"sqlite:///{db}"), "0.0.0.0", 8123)
    assert line == f"open http://127.0.0.1:8123/ (API docs: http://127.0.0.1:8123/docs); data: {db}"
    pg = Settings(database_url="postgresql://u:secret@db/cal")
    assert "secret" not in where_to_open(pg, "127.0.0.1", 8000)
