"""Planning a jubilee (issue 16): the jubilee horizon, whether a date is free in several
countries, and the lead-time durations of feeds. ``dates``, ``durations`` and ``holidays``
are pure; ``check`` reads the database; the router is app/api/planning.py."""
