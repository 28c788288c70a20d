"""The feed benchmark: ``python -m bench`` (see README.md, "Performance")."""
