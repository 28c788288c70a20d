"""Plain factory functions: a valid object by default, any field overridden by keyword."""

from typing import Any

from sqlmodel import Session

from app.crud import bump_feed_versions
from app.db import utcnow
from app.models import Milestone, MilestoneCreate

CN_PE = {"kind": "diplomatic_relations", "date": "1971-11-02", "countries": ["CN", "PE"]}
PE_INDEPENDENCE = {"kind": "independence", "date": "1821-07-28", "countries": ["PE"]}


def make_milestone(session: Session, **overrides: Any) -> Milestone:
    data = {**CN_PE, **overrides}
    now = utcnow()
    milestone = Milestone(**MilestoneCreate(**data).fields(), created_at=now, updated_at=now)
    session.add(milestone)
    bump_feed_versions(session, milestone.countries)
    session.commit()
    session.refresh(milestone)
    return milestone
