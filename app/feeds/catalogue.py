"""Which feeds exist: the identity (version scope, path, names) of the all, country, pair and
private feeds, in one place for the feed endpoints and for discovery (app/api/discovery.py).
The scopes are those that app/crud.py ``feed_scopes`` bumps on a write."""

from dataclasses import dataclass
from functools import lru_cache

from app.countries import name_of
from app.models import FeedToken
from app.wording import pair_label


@dataclass(frozen=True)
class Feed:
    """Which feed a URL names: its scope (the version row), names, and what it selects."""

    scope: str
    name: str
    description: str
    path: str  # canonical: /feeds/pairs/CN-PE.ics for pe-cn too
    country: str | tuple[str, ...] | None = None  # a tuple: any of these (private feeds)
    pair: tuple[str, str] | None = None
    # Private feeds: the countries whose private events show (``()``: every country), and
    # the version rows their ETag comes from (public and ``private:`` scopes).
    private_for: tuple[str, ...] | None = None
    version_scopes: tuple[str, ...] = ()
    download_name: str | None = None  # a private feed's URL holds its token: never a file name

    @property
    def filename(self) -> str:
        return self.download_name or self.path.rsplit("/", 1)[1]


ALL = Feed(
    scope="all",
    name="Diplomatic anniversaries",
    description="Anniversaries of diplomatic relations and independence and national days "
    "(diplomatic-calendar).",
    path="/feeds/all.ics",
)


@lru_cache(maxsize=1024)
def country_feed_of(code: str) -> Feed:
    """The feed of a country's items, alone or in a pair (``code`` canonical: ``PE``)."""
    name = name_of(code)
    return Feed(
        scope=code,
        name=f"{name} anniversaries",
        description=f"Anniversaries of {name} and its relations with other countries "
        "(diplomatic-calendar).",
        path=f"/feeds/countries/{code}.ics",
        country=code,
    )


@lru_cache(maxsize=4096)
def pair_feed_of(a: str, b: str) -> Feed:
    """The feed of one pair; ``a`` and ``b`` sorted, so CN-PE and PE-CN are one feed."""
    return Feed(
        scope=f"{a}-{b}",
        name=f"{pair_label([a, b])} anniversaries",
        description=f"Anniversaries of the relations between {name_of(a)} and {name_of(b)} "
        "(diplomatic-calendar).",
        path=f"/feeds/pairs/{a}-{b}.ics",
        pair=(a, b),
    )


def private_feed_of(
    token: FeedToken, country: str | None = None, pair: tuple[str, str] | None = None
) -> Feed:
    """A token's feed, narrowed to ``country`` or ``pair`` (the caller checks that they are
    among the token's countries)."""
    own = tuple(token.country_list)  # empty: an admin's token, every country
    selected: str | tuple[str, ...] | None = None
    if pair:
        scopes, label = [f"{pair[0]}-{pair[1]}"], pair_label(list(pair))
    elif country:
        scopes, selected, label = [country], country, name_of(country)
    elif own:
        scopes, selected, label = list(own), own, ", ".join(name_of(c) for c in own)
    else:
        scopes, label = ["all"], "every country"
    return Feed(
        scope=f"private:{token.id}:{pair or country or ''}",
        name=f"{token.name} (private)",
        description=f"Anniversaries and events of {label}, private events included "
        "(diplomatic-calendar).",
        path="/feeds/private/***.ics",  # its real URL is the caller's secret: never repeated
        private_for=own,
        version_scopes=tuple(s for scope in scopes for s in (scope, f"private:{scope}")),
        download_name="private.ics",
        country=selected,
        pair=pair,
    )
