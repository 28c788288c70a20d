"""Export and import: a round trip loses nothing, and a bad file is refused row by row."""

import io
import json

import pytest
from sqlmodel import Session, func, select

from app import transfer
from app.auth import create_key
from app.models import Milestone, MilestoneCreate, MilestonePublic, Scope
from tests.factories import CN_PE, PE_INDEPENDENCE, make_milestone

HEADER = "id,kind,date,precision,countries,title,description,sources,confidence,created_at,updated_at,revision,title_i18n,description_i18n,celebrated,observed,none"  # noqa: E501


@pytest.fixture
def varied(session, client, auth) -> list[Milestone]:
    """Milestones that exercise every column: non-ASCII, lines, precision, edits."""
    made = [
        make_milestone(session, source="MFA", source_url="https://www.fmprc.gov.cn/"),
        make_milestone(
            session,
            **PE_INDEPENDENCE,
            title="Independencia del Perú",
            description='Proclamada en Lima.\n"San Martín", 1821; 中华人民共和国\tok',
            confidence="verified",
            title_i18n={"zh": '秘鲁独立, "1821"', "ar": "استقلال بيرو"},
            description_i18n={"es": "Línea uno\nlínea dos; a,b"},
        ),
        make_milestone(session, kind="treaty", date="1874-06", countries=["JP", "PE"]),
        make_milestone(session, kind="other", date="1849", countries=["CI"], title="=1+1"),
    ]
    for title in ("first", None):  # two edits: revision 3, title generated again
        r = client.patch(f"/api/v1/milestones/{made[0].id}", json={"title": title}, headers=auth)
        assert r.status_code == 200
    session.expire_all()  # the edits came through the API's own session
    return made


def export_text(session: Session, fmt: transfer.Format) -> str:
    out = io.StringIO()
    transfer.export(session, out, fmt)
    return out.getvalue()


def count(session: Session) -> int:
    return session.exec(select(func.count()).select_from(Milestone)).one()


def load(session: Session, text: str, fmt: transfer.Format, **kw) -> transfer.Report:
    report = transfer.load(session, text, fmt, **kw)
    if not report.rejected:
        session.commit()
    return report


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_export_import_export_is_byte_identical(session, other_session, varied, fmt):
    transfer.seed(session)
    session.commit()
    first = export_text(session, fmt)
    report = load(other_session, first, fmt)
    assert (report.milestones.created, report.errors) == (count(session), [])
    assert export_text(other_session, fmt) == first


def test_import_restores_ids_revisions_timestamps_and_generated_titles(
    session, other_session, varied
):
    load(other_session, export_text(session, "csv"), "csv")
    for m in varied:
        session.refresh(m)
        copy = other_session.get(Milestone, m.id)
        assert MilestonePublic.model_validate(copy) == MilestonePublic.model_validate(m)
    edited = other_session.get(Milestone, varied[0].id)
    assert (edited.revision, edited.title) == (3, None)


def test_json_export_is_an_object_with_one_milestone_per_line(session, varied):
    text = export_text(session, "json")
    doc = json.loads(text)
    assert (doc["format"], doc["version"], len(doc["milestones"])) == ("diplocal-export", 2, 4)
    assert doc["events"] == []  # always there: an export of a database without events
    assert len(text.splitlines()) == 4 + 3
    first = doc["milestones"][0]
    assert list(first) == list(transfer.milestones.COLUMNS)
    assert first["date"] == "1821-07-28" and first["countries"] == ["PE"]
    treaty = next(m for m in doc["milestones"] if m["kind"] == "treaty")
    assert (treaty["date"], treaty["precision"], treaty["title"]) == ("1874-06", "month", None)


def test_csv_export_has_a_header_and_space_separated_countries(session, varied):
    rows = export_text(session, "csv").splitlines()
    assert rows[0] == HEADER
    assert any(",JP PE," in r for r in rows)


def test_importing_an_export_again_changes_nothing(session, varied):
    text = export_text(session, "json")
    report = load(session, text, "json")
    m = report.milestones
    assert (m.created, m.updated, m.unchanged) == (0, 0, 4)


def test_import_updates_an_existing_id_and_its_feeds(client, session, varied):
    etag = client.get("/feeds/pairs/CN-PE.ics").headers["etag"]
    doc = json.loads(export_text(session, "json"))
    ties = next(m for m in doc["milestones"] if m["countries"] == ["CN", "PE"])
    ties.update(source="Xinhua", revision=4, updated_at="2030-01-01T00:00:00Z")
    report = load(session, json.dumps(doc), "json")
    assert (report.milestones.updated, report.milestones.unchanged) == (1, 3)
    got = client.get(f"/api/v1/milestones/{ties['id']}").json()
    assert (got["source"], got["revision"], got["updated_at"]) == (
        "Xinhua",
        4,
        "2030-01-01T00:00:00Z",
    )
    assert client.get("/feeds/pairs/CN-PE.ics").headers["etag"] != etag


# ---------------------------------------------------------------- bad files

# Bad: line 4 (a country), 7 (a date) and 12 (a kind), after a row over two lines.
TEN_ROWS = """kind,date,countries,description
diplomatic_relations,1971-11-02,CN PE,Lima
independence,1821-07-28,PE,Perú
diplomatic_relations,1964-01-27,CN ZZ,
national_day,1880-07-14,FR,
independence,1816-07-09,AR,
diplomatic_relations,1971-02-30,CN;PE,
independence,1810-09-16,MX,
independence,1776-07-04,US,
"independence","1822-09-07","BR","a ""quoted""
two-line description"
coronation,1953-06-02,GB,
"""


def test_csv_with_three_bad_rows_among_ten_is_rejected_naming_each(session):
    report = load(session, TEN_ROWS, "csv")
    assert report.rejected and count(session) == 0
    assert [str(e) for e in report.errors] == [
        "line 4: countries: unknown country code 'ZZ'",
        "line 7: date: 1971-02-30 does not exist: day is out of range for month",
        "line 12: kind: Input should be 'diplomatic_relations', 'relations_severed', "
        "'relations_restored', 'relations_upgraded', 'independence', 'national_day', "
        "'treaty', 'state_visit' or "
        "'other'",
    ]


def test_skip_invalid_loads_the_good_rows_and_reports_the_rest(session):
    report = load(session, TEN_ROWS, "csv", skip_invalid=True)
    assert not report.rejected
    assert (report.milestones.created, report.milestones.skipped) == (7, 3)
    assert [e.line for e in report.errors] == [4, 7, 12]
    assert count(session) == 7
    brazil = session.exec(select(Milestone).where(Milestone.country_a == "BR")).one()
    assert brazil.description == 'a "quoted"\ntwo-line description'


def test_json_errors_name_the_line_each_milestone_starts_on(session):
    text = (
        '{"format": "diplocal-export", "version": 1,\n'
        ' "milestones": [\n'
        '  {"kind": "independence", "date": "1821-07-28", "countries": ["PE"]},\n'
        "  {\n"
        '    "kind": "independence", "date": "1821-13", "countries": ["PE"]\n'
        "  },\n"
        '  {"kind": "independence", "date": "1821", "countries": ["PE"], "extra": 1},\n'
        '  "not an object"\n'
        "]}"
    )
    report = load(session, text, "json")
    assert [str(e) for e in report.errors] == [
        "line 4: date: month 13 does not exist",
        "line 7: extra: Extra inputs are not permitted",
        "line 8: row: expected an object of milestone fields",
    ]


@pytest.mark.parametrize(
    ("text", "fmt", "error"),
    [
        ("", "csv", "line 1: header: the file is empty; expected a header row"),
        ("kind,date,country\n", "csv", "line 1: header: unknown column 'country'; missing"),
        ('{"format": "diplocal-export",\n "version": 1,\n}', "json", "line 3: file: not valid"),
        ('{"format": "ical", "milestones": []}', "json", 'line 1: format: expected "format"'),
        ('{"format": "diplocal-export", "version": 3}', "json", "line 1: version: this service"),
        ("kind,date,countries\nindependence,1821,PE,extra\n", "csv", "line 2: row: 4 cells"),
    ],
)
def test_unreadable_files_are_rejected_with_a_reason(session, text, fmt, error):
    report = load(session, text, fmt, skip_invalid=True)
    assert report.rejected or report.milestones.skipped
    assert str(report.errors[0]).startswith(error)


def test_a_repeated_id_is_an_error_on_its_second_line(session):
    row = "1d3c4d1e-0000-4000-8000-000000000001,independence,1821-07-28,PE"
    report = load(session, f"id,kind,date,countries\n{row}\n{row}\n", "csv")
    assert [str(e) for e in report.errors] == ["line 3: id: the same id as line 2"]


def test_hand_written_rows_get_ids_and_history(session):
    report = load(session, "kind,date,countries\nindependence,1821-07-28,pe\n", "csv")
    assert report.milestones.created == 1
    m = session.exec(select(Milestone)).one()
    assert (m.countries, m.revision, m.created_at == m.updated_at) == (["PE"], 1, True)


def test_an_api_list_item_imports_without_freezing_its_generated_title(client, session):
    make_milestone(session)
    items = client.get("/api/v1/milestones").json()["items"]
    session.delete(session.exec(select(Milestone)).one())
    session.commit()
    report = load(session, json.dumps(items), "json")
    assert report.milestones.created == 1 and session.exec(select(Milestone)).one().title is None


def test_format_is_guessed_from_the_name_or_the_first_character():
    assert transfer.guess_format("a.CSV", "{") == "csv"
    assert transfer.guess_format("a.json", "kind") == "json"
    assert transfer.guess_format(None, '\ufeff  {"format"') == "json"
    assert transfer.guess_format("-", "kind,date") == "csv"


# ---------------------------------------------------------------- HTTP

IMPORT = "/api/v1/milestones/import"


def test_admin_imports_csv_and_json(client, session, auth):
    csv_body = "kind,date,countries\nindependence,1821-07-28,PE\n"
    r = client.post(IMPORT, content=csv_body, headers={**auth, "Content-Type": "text/csv"})
    assert r.status_code == 200, r.text
    assert r.json() == {
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "skipped": 0,
        "events": {"created": 0, "updated": 0, "unchanged": 0, "skipped": 0},
        "errors": [],
    }
    r = client.post(IMPORT, json=[CN_PE], headers=auth)
    assert (r.status_code, r.json()["created"]) == (200, 1)
    assert client.get("/api/v1/milestones").json()["total"] == 2


def test_import_with_bad_rows_is_a_422_problem_naming_every_line(client, auth):
    headers = {**auth, "Content-Type": "text/csv; charset=utf-8"}
    r = client.post(IMPORT, content=TEN_ROWS, headers=headers)
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert [e["line"] for e in body["errors"]] == [4, 7, 12]
    assert body["errors"][0] == {
        "line": 4,
        "field": "countries",
        "message": "unknown country code 'ZZ'",
    }
    assert "Nothing was imported" in body["detail"]
    assert client.get("/api/v1/milestones").json()["total"] == 0


def test_import_skip_invalid_over_http(client, auth):
    r = client.post(
        f"{IMPORT}?skip_invalid=true",
        content=TEN_ROWS,
        headers={**auth, "Content-Type": "text/csv"},
    )
    assert r.status_code == 200
    assert (r.json()["created"], r.json()["skipped"], len(r.json()["errors"])) == (7, 3, 3)


def test_import_needs_an_admin_key(client, session):
    editor = create_key(session, "lima", Scope.editor, ["CN", "PE"])[1]
    headers = {"Authorization": f"Bearer {editor}", "Content-Type": "text/csv"}
    r = client.post(IMPORT, content="kind,date,countries\n", headers=headers)
    assert r.status_code == 403 and r.headers["content-type"] == "application/problem+json"
    assert client.post(IMPORT, content="", headers={"Content-Type": "text/csv"}).status_code == 401


def test_import_refuses_other_media_types(client, auth):
    r = client.post(IMPORT, content="<xml/>", headers={**auth, "Content-Type": "application/xml"})
    assert r.status_code == 415 and r.json()["status"] == 415
    r = client.post(IMPORT, content=b"\xff\xfe", headers={**auth, "Content-Type": "text/csv"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "body"


def test_import_route_leaves_the_milestone_routes_alone(client, session, auth):
    m = make_milestone(session)
    assert client.get(IMPORT).status_code == 422  # "import" is not a milestone id
    assert client.get(f"/api/v1/milestones/{m.id}").status_code == 200
    assert client.delete(f"/api/v1/milestones/{m.id}", headers=auth).status_code == 204


def test_an_import_that_loses_a_race_for_an_id_is_a_409(client, session, auth, monkeypatch):
    taken = make_milestone(session)
    load_file = transfer.load

    def racing(s, *args, **kwargs):  # another writer inserts the same id before the commit
        report = load_file(s, *args, **kwargs)
        s.add(Milestone(**MilestoneCreate(**CN_PE).fields(), id=taken.id))
        return report

    monkeypatch.setattr(transfer, "load", racing)
    r = client.post(IMPORT, json=[PE_INDEPENDENCE], headers=auth)
    assert r.status_code == 409 and r.headers["content-type"] == "application/problem+json"
    assert client.get("/api/v1/milestones").json()["total"] == 1
