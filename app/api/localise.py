"""Milestones and events as JSON in the answer's language: ``title`` is the one people gave
in that language (``title_i18n``), else the stored title, else one generated in that language.
Everything else is the stored data, ``title_i18n`` included, so an editing client has the
texts it would send back."""

from app.feeds.render import milestone_title, own_text
from app.models import Event, EventPublic, Milestone, MilestonePublic


def milestone_out(m: Milestone, lang: str) -> MilestonePublic:
    public = MilestonePublic.model_validate(m)
    title = milestone_title(m, lang)
    return public if title == public.title else public.model_copy(update={"title": title})


def event_out(e: Event, lang: str) -> EventPublic:
    public = EventPublic.model_validate(e)
    title = own_text(e, "title", lang) or e.title
    return public if title == public.title else public.model_copy(update={"title": title})
