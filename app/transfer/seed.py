"""The bundled data set: seeding is an import that never overwrites a user's edit.

The data set ships as package data, ``app/data/seed.json``, in the export format (version 2:
lifecycle flags, observed days, "no national day" rows and a list of sources); the
developer script ``scripts/build_seed.py`` builds it from the fact files. How a seed tells a
data set update from a user's edit is ``app.transfer.milestones.apply``'s rule.
"""

from importlib.resources import files
from importlib.resources.abc import Traversable

from sqlmodel import Session, select

from app import transfer
from app.audit import Actor
from app.models import Milestone
from app.progress import Progress
from app.transfer.rows import Report


def seed_path() -> Traversable:
    """The bundled data set (built by ``scripts/build_seed.py``)."""
    return files("app") / "data" / "seed.json"


def is_empty(session: Session) -> bool:
    return session.exec(select(Milestone.id).limit(1)).first() is None


def seed(session: Session, progress: Progress | None = None, path=None) -> Report:
    """Load or refresh the bundled data set; running it twice changes nothing. Nothing is
    committed here."""
    text = (path or seed_path()).read_text(encoding="utf-8")
    report = transfer.load(session, text, "json", seed=True, progress=progress, actor=Actor("seed"))
    if report.errors:  # the data set is part of the code: a bad row is a bug, not input
        raise ValueError(f"the seed data set is not valid: {report.errors[0]}")
    return report
