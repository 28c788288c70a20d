"""Export the feeds of a hostile test data set, for the real calendar clients in CI.

Writes FILE.ics files into the folder given and prints one line per file:
``<expected VEVENT count> <path>``, which .ci/run hands to ical-clients' ``check``.
"""

import datetime as dt
import sys
import tempfile
from pathlib import Path

from fastapi.testclient import TestClient

from app.auth import create_key
from app.cli import prepare_database
from app.config import Settings
from app.main import create_app
from app.migrate import upgrade
from app.models import Scope
from app.planning import holidays

WINDOW = "from=2020-01-01&to=2030-12-31"  # 11 years: 11 events per dated milestone
HOSTILE = [
    {
        "kind": "diplomatic_relations",
        "date": "1971-11-02",
        "countries": ["CN", "PE"],
        "description": "x\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:injected",
        "source": "MFA; table, 2011 \\ copy",
        "source_url": "https://www.fmprc.gov.cn/?a=1&b=2,3;4",
    },
    {
        "kind": "independence",
        "date": "1821-07-28",
        "countries": ["PE"],
        "title": "Independencia del Perú 🇵🇪 — Año del Bicentenario",
        "description": "中华人民共和国与秘鲁共和国建交五十周年。" * 40 + "\nÚltima línea\\",
    },
    {
        "kind": "treaty",
        "date": "1996-02-29",
        "countries": ["CI", "FR"],
        "title": "Traité de Côte d'Ivoire\u200f\u200d — \u202eRTL\u202c; a,b\\",
        "description": "tab\there, zero\u200bwidth, emoji 🎉🎊, line\nbreak, CR\rreturn",
    },
    {"kind": "national_day", "date": "1950-10", "countries": ["CN"]},  # undated: not in feeds
    # Not shown unless kind= asks; in a pair of its own, since a severance ends the pair's
    # anniversaries (issue 13).
    {"kind": "relations_severed", "date": "1980-01-01", "countries": ["CL", "PE"]},
]
# The 2021 programme of the China–Peru 50th anniversary (issue: celebration events).
PROGRAMME = [
    {
        "title": "Reception: 50 years of China–Peru relations",
        "kind": "reception",
        "countries": ["CN", "PE"],
        "starts_at": "2021-11-02T19:00:00",
        "ends_at": "2021-11-02T22:00:00",
        "timezone": "America/Lima",
        "venue": "Embajada de la República Popular China",
        "city": "Lima",
        "organizers": [{"name": "Embassy of China in Peru", "role": "embassy"}],
    },
    {
        "title": "Online symposium; fifty years, one ocean",
        "kind": "symposium",
        "countries": ["CN", "PE"],
        "starts_at": "2021-11-03T09:00:00",
        "ends_at": "2021-11-03T12:00:00",
        "timezone": "Asia/Shanghai",
        "mode": "online",
        "online_url": "https://meet.example.org/cn-pe-50?lang=es,zh",
        "organizers": [{"name": "Pontificia Universidad Católica del Perú", "role": "community"}],
    },
    {
        "title": "Commemorative stamps 中秘建交50周年",
        "title_i18n": {"zh": "中秘建交50周年纪念邮票"},  # the Chinese feed shows this one
        "kind": "stamp_issue",
        "countries": ["CN", "PE"],
        "start_date": "2021-11-02",
    },
    {
        "title": "Seminar on trade (cancelled)",
        "kind": "seminar",
        "countries": ["CN", "PE"],
        "starts_at": "2021-11-04T10:00:00",
        "ends_at": "2021-11-04T12:00:00",
        "timezone": "America/Lima",
        "status": "cancelled",
    },
]
FEEDS = {
    "pair-CN-PE.ics": (f"/feeds/pairs/PE-CN.ics?{WINDOW}", 11 + 4),
    "country-PE.ics": (f"/feeds/countries/PE.ics?{WINDOW}", 22 + 4),
    "pair-CI-FR-leap-day.ics": (f"/feeds/pairs/CI-FR.ics?{WINDOW}", 11),
    "all.ics": (f"/feeds/all.ics?{WINDOW}", 33 + 4),
    "all-with-severed.ics": (f"/feeds/all.ics?{WINDOW}&kind=relations_severed", 11 + 4),
    "events-only.ics": (f"/feeds/pairs/CN-PE.ics?{WINDOW}&include=events", 4),
    "empty-US.ics": (f"/feeds/countries/US.ics?{WINDOW}", 0),
    # Lead time (issue 16): two VALARMs on each anniversary, and a "Prepare:" event before
    # each of the two jubilees (2021: 50th, 2026: 55th).
    "pair-CN-PE-lead-time.ics": (
        f"/feeds/pairs/CN-PE.ics?{WINDOW}&remind=P30D,PT12H&prepare=P180D",
        11 + 4 + 2,
    ),
    # Peru's public holidays as context, as many as the holidays package has in the window.
    "country-PE-holidays.ics": (
        f"/feeds/countries/PE.ics?{WINDOW}&include=holidays&prepare=P1W",
        22 + 4 + 4 + len(holidays.between("PE", dt.date(2020, 1, 1), dt.date(2030, 12, 31))),
    ),
    # China–Peru 2021 in the other five languages (Arabic right to left, Chinese CJK).
    **{
        f"pair-CN-PE-2021-{lang}.ics": (
            f"/feeds/pairs/CN-PE.ics?lang={lang}&from=2021-01-01&to=2021-12-31",
            1 + 4,
        )
        for lang in ("zh", "es", "fr", "ru", "ar")
    },
}
# The relationship lifecycle on the bundled data set (issue 13): a celebrated resumption,
# a severance without resumption, an upgrade, and Liberia's several rounds.
LIFECYCLE = {
    "lifecycle-CN-NI.ics": ("/feeds/pairs/CN-NI.ics?from=2021-01-01&to=2026-12-31", 5),
    "lifecycle-CN-LC.ics": ("/feeds/pairs/CN-LC.ics?from=2000-01-01&to=2019-12-31", 7),
    "lifecycle-CN-GB.ics": ("/feeds/pairs/CN-GB.ics?from=2022-01-01&to=2022-12-31", 1),
    "lifecycle-CN-LR.ics": ("/feeds/pairs/CN-LR.ics?from=1990-01-01&to=2009-12-31", 10),
}


def export_lifecycle(out: Path, tmp: str) -> None:
    """The lifecycle pair feeds of a database seeded as a new user's first run seeds it."""
    url = f"sqlite:///{tmp}/seeded.db"
    upgrade(url)
    prepare_database(Settings(database_url=url, seed=True))
    with TestClient(create_app(Settings(database_url=url))) as client:
        for name, (path, expected) in LIFECYCLE.items():
            r = client.get(path)
            r.raise_for_status()
            (out / name).write_bytes(r.content)
            print(expected, out / name)


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/feeds.db"
        upgrade(url)
        with TestClient(create_app(Settings(database_url=url))) as client:
            from sqlmodel import Session

            with Session(client.app.state.engine) as session:
                key = create_key(session, "ci", Scope.admin)[1]
            auth = {"Authorization": f"Bearer {key}"}
            for body in HOSTILE:
                client.post("/api/v1/milestones", json=body, headers=auth).raise_for_status()
            ties = client.get("/api/v1/milestones?pair=CN-PE&kind=diplomatic_relations").json()
            for body in PROGRAMME:
                body = {**body, "milestone_id": ties["items"][0]["id"]}
                client.post("/api/v1/events", json=body, headers=auth).raise_for_status()
            first = client.get("/api/v1/events?limit=1").json()["items"][0]
            download = client.get(f"/api/v1/events/{first['id']}.ics")
            (out / "event-download.ics").write_bytes(download.content)
            print(1, out / "event-download.ics")
            for name, (path, expected) in FEEDS.items():
                r = client.get(path)
                r.raise_for_status()
                (out / name).write_bytes(r.content)
                print(expected, out / name)
        export_lifecycle(out, tmp)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
