"""Tables and the API's request and response shapes, one family per noun (SQLModel tutorial
style), one module per domain; everything is importable from ``app.models``.

Enumerations are stored as plain strings, never as database enum types, so that adding a kind
is a code change and not a migration on PostgreSQL. ``common`` comes first: it sets the
metadata's naming convention before any table is declared.
"""

# First: it sets the metadata's naming convention, which tables read as they are declared.
from app.models.common import (
    DESCRIPTION_MAX,
    SOURCE_MAX,
    TITLE_MAX,
    Countries,
    Line,
    Page,
    Text,
    Url,
    check_country,
    format_partial_date,
    parse_partial_date,
)

# isort: split
from app.models.access import (
    SCOPE_RIGHTS,
    ApiKey,
    BrowserSession,
    FeedToken,
    FeedTokenCreate,
    FeedTokenPublic,
    Scope,
    ServiceSecret,
)
from app.models.countries import (
    Country,
    CountryPublic,
)
from app.models.events import (
    Event,
    EventBase,
    EventCreate,
    EventKind,
    EventMode,
    EventPublic,
    EventStatus,
    EventUpdate,
    Organizer,
    OrganizerRole,
    TimeZone,
    Visibility,
    anniversary_problem,
    check_timezone,
    local_time_exists,
)
from app.models.history import (
    AuditEntry,
    AuditPublic,
    FeedVersion,
)
from app.models.milestones import (
    CELEBRATED_KINDS,
    AnniversaryPublic,
    Confidence,
    Milestone,
    MilestoneBase,
    MilestoneCreate,
    MilestoneKind,
    MilestonePublic,
    MilestoneUpdate,
)

__all__ = [
    "CELEBRATED_KINDS",
    "DESCRIPTION_MAX",
    "SCOPE_RIGHTS",
    "SOURCE_MAX",
    "TITLE_MAX",
    "AnniversaryPublic",
    "ApiKey",
    "AuditEntry",
    "AuditPublic",
    "BrowserSession",
    "Confidence",
    "Countries",
    "Country",
    "CountryPublic",
    "Event",
    "EventBase",
    "EventCreate",
    "EventKind",
    "EventMode",
    "EventPublic",
    "EventStatus",
    "EventUpdate",
    "FeedToken",
    "FeedTokenCreate",
    "FeedTokenPublic",
    "FeedVersion",
    "Line",
    "Milestone",
    "MilestoneBase",
    "MilestoneCreate",
    "MilestoneKind",
    "MilestonePublic",
    "MilestoneUpdate",
    "Organizer",
    "OrganizerRole",
    "Page",
    "Scope",
    "ServiceSecret",
    "Text",
    "TimeZone",
    "Url",
    "Visibility",
    "anniversary_problem",
    "check_country",
    "check_timezone",
    "format_partial_date",
    "local_time_exists",
    "parse_partial_date",
]
