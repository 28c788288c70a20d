"""Plain factory functions: a valid object by default, any field overridden by keyword."""

import uuid
from typing import Any

from sqlmodel import Session

from app.crud import bump_feed_versions
from app.db import utcnow
from app.feeds.render import event_uid_for
from app.models import Event, EventCreate, Milestone, MilestoneCreate

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


RECEPTION = {
    "title": "Reception for the 50th anniversary of China–Peru relations",
    "kind": "reception",
    "countries": ["CN", "PE"],
    "starts_at": "2021-11-02T19:00:00",
    "ends_at": "2021-11-02T22:00:00",
    "timezone": "America/Lima",
    "venue": "Embajada de la República Popular China",
    "city": "Lima",
    "organizers": [{"name": "Embassy of China in Peru", "role": "embassy"}],
}


def make_event(session: Session, **overrides: Any) -> Event:
    base = dict(RECEPTION)
    if "start_date" in overrides:  # all-day: drop the reception's times
        base.update(starts_at=None, ends_at=None, timezone=None)
    body = EventCreate(**{**base, **overrides})
    event_id = uuid.uuid4()
    now = utcnow()
    event = Event(
        id=event_id, uid=event_uid_for(event_id), **body.fields(), created_at=now, updated_at=now
    )
    session.add(event)
    bump_feed_versions(session, event.countries)
    session.commit()
    session.refresh(event)
    return event
