"""Optimistic concurrency for single items (RFC 9110 §8.8.3, §13.1.1).

A read returns ``ETag: "<revision>"``; a PATCH or DELETE that sends ``If-Match`` with a
revision that is no longer current gets 412, so two editors cannot overwrite each other.
"""

from fastapi import HTTPException, Request, Response


def revision_etag(revision: int) -> str:
    return f'"{revision}"'


def set_etag(response: Response, revision: int) -> None:
    response.headers["ETag"] = revision_etag(revision)


def check_if_match(request: Request, revision: int) -> None:
    """If-Match uses the strong comparison: a weak ``W/"3"`` never matches."""
    header = request.headers.get("if-match")
    if header is None:
        return
    tags = [t.strip() for t in header.split(",")]
    if "*" in tags or revision_etag(revision) in tags:
        return
    raise HTTPException(
        412,
        f"The item changed since you read it: it is at revision {revision} now "
        f"({revision_etag(revision)}). Read it again and reapply your change.",
    )
