"""iCalendar feeds, one concern per module: ``render`` and ``ical`` (pure text), ``query``
(the URL's parameters), ``catalogue`` (which feeds exist), ``build`` (from the database),
``serve`` (HTTP: versions, caches, 304, gzip), ``cache`` and ``versions``."""
