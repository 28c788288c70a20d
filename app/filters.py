"""What a list or a feed selects, as one value instead of five loose parameters."""

from dataclasses import dataclass


@dataclass(frozen=True)
class AnniversaryFilter:
    """The place, kinds and options that the anniversaries router, the feeds, the events list
    and app/queries.py all select by.

    Frozen and hashable, so a query built from it can be memoised on it (``queries._rows``).
    ``country`` is one code (its items, alone or in a pair) or a tuple of codes (any of them:
    a private feed's); ``kinds`` None means every kind; ``jubilee_only`` keeps multiples of
    five years; ``dated_only`` leaves out origins known only to the month or year, which have
    no day to put in a calendar. ``celebrated_only`` keeps, in each pair, only the series
    its anniversaries count from (app.lifecycle.celebrated): what feeds and jubilee lists
    show. The events list uses the place and kinds only.
    """

    country: str | tuple[str, ...] | None = None
    pair: tuple[str, str] | None = None
    kinds: frozenset[str] | None = None
    jubilee_only: bool = False
    dated_only: bool = False
    celebrated_only: bool = False

    def __post_init__(self) -> None:
        # Normalised so that equal filters hash alike, whatever iterable a caller passed.
        if self.kinds is not None and not isinstance(self.kinds, frozenset):
            object.__setattr__(self, "kinds", frozenset(self.kinds))
        if isinstance(self.country, list):
            object.__setattr__(self, "country", tuple(self.country))

    @property
    def sorted_kinds(self) -> list[str] | None:
        """The kinds in a stable order, for an SQL ``IN`` list."""
        return sorted(self.kinds) if self.kinds is not None else None


EVERYTHING = AnniversaryFilter()
