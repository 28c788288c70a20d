"""diplomatic-calendar: anniversaries of relations between countries."""

__version__ = "0.1.0"
