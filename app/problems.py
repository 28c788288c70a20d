"""Errors as RFC 9457 problem documents (``application/problem+json``).

Every error the service returns has ``type``, ``title``, ``status`` and ``detail``; validation
errors add ``errors: [{"field", "message"}]`` so a client can point at the field at fault.
"""

import logging
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

import sqlalchemy as sa
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from app.db import database_unavailable

log = logging.getLogger("diplocal")

PROBLEM_JSON = "application/problem+json"


class FieldError(ValueError):
    """A validation error raised by a whole-model check that still names its field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class FieldProblem(BaseModel):
    model_config = ConfigDict(extra="allow")

    field: str
    message: str
    line: int | None = None


class Problem(BaseModel):
    """An RFC 9457 problem document."""

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    detail: str
    errors: list[FieldProblem] | None = None


# Documented on every route, so that clients and the OpenAPI schema agree on what errors
# look like (and FastAPI does not advertise its own 422 shape, which this service never sends).
PROBLEM_RESPONSES: dict[int | str, dict] = {
    status: {
        "model": Problem,
        "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        "description": HTTPStatus(status).phrase,
    }
    for status in (400, 401, 403, 404, 405, 412, 413, 415, 422, 500, 503)
}


class ProblemResponse(JSONResponse):
    media_type = PROBLEM_JSON


def problem(
    status: int,
    detail: str,
    *,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> ProblemResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if errors is not None:
        body["errors"] = errors
    return ProblemResponse(body, status_code=status, headers=headers)


def field_name(loc: Sequence[str | int]) -> str:
    """``("body", "countries", 0)`` -> ``countries[0]``; the location prefix goes."""
    parts = list(loc)
    if parts and parts[0] in ("body", "query", "path", "header"):
        parts = parts[1:]
    name = ""
    for part in parts:
        if isinstance(part, int):
            name += f"[{part}]"
        else:
            name += f".{part}" if name else str(part)
    return name or "body"


def _message(error: dict[str, Any]) -> str:
    msg = str(error.get("msg", "invalid"))
    return msg.removeprefix("Value error, ").removeprefix("Assertion failed, ")


def validation_errors(errors: Sequence[Any]) -> list[dict[str, str]]:
    result = []
    for e in errors:
        if e.get("type") == "json_invalid":
            result.append({"field": "body", "message": "the body is not valid JSON"})
            continue
        msg = "is required" if e.get("type") == "missing" else _message(e)
        cause = (e.get("ctx") or {}).get("error")
        field = field_name(e.get("loc", ()))
        if isinstance(cause, FieldError):
            field = f"{field}.{cause.field}" if field != "body" else cause.field
        result.append({"field": field, "message": msg})
    return result


def invalid(field: str, message: str, where: str = "query") -> RequestValidationError:
    """A validation error raised from a handler, rendered like Pydantic's own."""
    return RequestValidationError([{"loc": (where, field), "msg": message, "type": "value_error"}])


def forbidden(field: str, message: str) -> StarletteHTTPException:
    """A 403 problem that names the field a key may not set as it asks."""
    exc = StarletteHTTPException(403, message[:1].upper() + message[1:] + ".")
    exc.errors = [{"field": field, "message": message}]  # type: ignore[attr-defined]
    return exc


def from_pydantic(exc: ValidationError, where: str = "body") -> RequestValidationError:
    return RequestValidationError(
        [{**e, "loc": (where, *e["loc"])} for e in exc.errors(include_url=False)]
    )


def allowed_methods(request: Request) -> list[str]:
    """Every method some route serves at this path (RFC 9110 §15.5.6): Starlette's own 405
    names only the first route that matched the path."""
    methods: set[str] = set()
    for route in request.app.router.routes:
        match, _ = route.matches(request.scope)
        if match != Match.NONE:
            methods |= getattr(route, "methods", None) or set()
    return sorted(methods)


def unavailable(retry_after: int, detail: str | None = None) -> ProblemResponse:
    """503 with ``Retry-After`` (RFC 9110 §10.2.3), never cached by a proxy or CDN: the next
    request may well succeed."""
    return problem(
        503,
        detail or f"The database is unavailable; try again in {retry_after} seconds.",
        headers={"Retry-After": str(retry_after), "Cache-Control": "no-store"},
    )


def install(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError):
        errors = validation_errors(exc.errors())
        fields = ", ".join(dict.fromkeys(e["field"] for e in errors))
        return problem(422, f"The request is not valid: {fields}.", errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"Nothing is at {request.url.path}."
        headers = dict(getattr(exc, "headers", None) or {})
        if exc.status_code == 405:
            detail = f"{request.method} is not allowed on {request.url.path}."
            headers["Allow"] = ", ".join(allowed_methods(request))
        errors = getattr(exc, "errors", None)
        return problem(exc.status_code, detail, errors=errors, headers=headers or None)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        # Logged with its traceback for the operator; the client sees no internals.
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem(500, "An unexpected error occurred; it has been logged.")

    @app.exception_handler(sa.exc.SQLAlchemyError)
    async def _database(request: Request, exc: Exception):
        if not database_unavailable(exc):  # a bug or a constraint: a 500, with its traceback
            return await _unexpected(request, exc)
        # An outage is not a bug: one line, no traceback; the client may retry.
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        log.warning(
            "database unavailable on %s %s: %s: %s",
            request.method,
            request.url.path,
            exc.__class__.__name__,
            reason[0] if reason else "",
        )
        return unavailable(request.app.state.settings.db_retry_after)
