"""Schemathesis hooks for CI: every error response must be a problem document (RFC 9457)."""

import schemathesis


@schemathesis.check
def problem_document(ctx, response, case):
    if response.status_code < 400:
        return None
    content_type = response.headers.get("content-type", [""])
    content_type = content_type[0] if isinstance(content_type, list) else content_type
    assert content_type.startswith("application/problem+json"), (
        f"error {response.status_code} is {content_type!r}, not application/problem+json"
    )
    body = response.json()
    missing = {"type", "title", "status", "detail"} - body.keys()
    assert not missing, f"problem document lacks {sorted(missing)}"
    assert body["status"] == response.status_code, "problem status differs from the HTTP status"
    return None
