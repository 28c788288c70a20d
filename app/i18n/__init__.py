"""The six UN languages (GUIDE.md, "Languages"). Pure: no FastAPI, no session."""
