"""Which feeds exist: the identity (version scope, path, names) of the all, country, pair and
private feeds, in one place for the feed endpoints and for discovery (app/api/discovery.py).
The scopes are those that app/crud.py ``feed_scopes`` bumps on a write."""

from dataclasses import dataclass
from functools import lru_cache

from app.i18n import text
from app.i18n.languages import DEFAULT
from app.models import FeedToken


@dataclass(frozen=True)
class Feed:
    """Which feed a URL names: its scope (the version row), what it selects, and its path.
    Its calendar name and description depend on the language (:meth:`name_in`)."""

    scope: str
    path: str  # canonical: /feeds/pairs/CN-PE.ics for pe-cn too
    country: str | tuple[str, ...] | None = None  # a tuple: any of these (private feeds)
    pair: tuple[str, str] | None = None
    # Private feeds: the countries whose private events show (``()``: every country), and
    # the version rows their ETag comes from (public and ``private:`` scopes).
    private_for: tuple[str, ...] | None = None
    version_scopes: tuple[str, ...] = ()
    download_name: str | None = None  # a private feed's URL holds its token: never a file name
    token_name: str | None = None  # a private feed's name is its token's

    @property
    def filename(self) -> str:
        return self.download_name or self.path.rsplit("/", 1)[1]

    def name_in(self, lang: str) -> str:
        """``X-WR-CALNAME`` in ``lang``: ``中国—秘鲁 anniversaries`` in Chinese, and so on."""
        if self.token_name is not None:
            return text.private_feed_name(self.token_name, lang)
        if self.pair:
            return text.pair_feed_name(*self.pair, lang)
        if isinstance(self.country, str):
            return text.country_feed_name(self.country, lang)
        return text.all_feed_name(lang)

    def description_in(self, lang: str) -> str:
        """``X-WR-CALDESC`` in ``lang``."""
        if self.token_name is not None:
            countries = (self.country,) if isinstance(self.country, str) else self.country or ()
            return text.private_feed_description(lang, pair=self.pair, countries=countries)
        if self.pair:
            return text.pair_feed_description(*self.pair, lang)
        if isinstance(self.country, str):
            return text.country_feed_description(self.country, lang)
        return text.all_feed_description(lang)

    @property
    def name(self) -> str:
        return self.name_in(DEFAULT)

    @property
    def description(self) -> str:
        return self.description_in(DEFAULT)


ALL = Feed(scope="all", path="/feeds/all.ics")


@lru_cache(maxsize=1024)
def country_feed_of(code: str) -> Feed:
    """The feed of a country's items, alone or in a pair (``code`` canonical: ``PE``)."""
    return Feed(scope=code, path=f"/feeds/countries/{code}.ics", country=code)


@lru_cache(maxsize=4096)
def pair_feed_of(a: str, b: str) -> Feed:
    """The feed of one pair; ``a`` and ``b`` sorted, so CN-PE and PE-CN are one feed."""
    return Feed(scope=f"{a}-{b}", path=f"/feeds/pairs/{a}-{b}.ics", pair=(a, b))


def private_feed_of(
    token: FeedToken, country: str | None = None, pair: tuple[str, str] | None = None
) -> Feed:
    """A token's feed, narrowed to ``country`` or ``pair`` (the caller checks that they are
    among the token's countries)."""
    own = tuple(token.country_list)  # empty: an admin's token, every country
    selected: str | tuple[str, ...] | None = None
    if pair:
        scopes = [f"{pair[0]}-{pair[1]}"]
    elif country:
        scopes, selected = [country], country
    elif own:
        scopes, selected = list(own), own
    else:
        scopes = ["all"]
    return Feed(
        scope=f"private:{token.id}:{pair or country or ''}",
        path="/feeds/private/***.ics",  # its real URL is the caller's secret: never repeated
        private_for=own,
        version_scopes=tuple(s for scope in scopes for s in (scope, f"private:{scope}")),
        download_name="private.ics",
        country=selected,
        pair=pair,
        token_name=token.name,
    )
