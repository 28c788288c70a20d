"""Errors as RFC 9457 problem documents (``application/problem+json``).

Every error the service returns has ``type``, ``title``, ``status`` and ``detail``; validation
errors add ``errors: [{"field", "message"}]`` so a client can point at the field at fault.
"""

import logging
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger("diplocal")

PROBLEM_JSON = "application/problem+json"


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
        result.append({"field": field_name(e.get("loc", ())), "message": msg})
    return result


def invalid(field: str, message: str, where: str = "query") -> RequestValidationError:
    """A validation error raised from a handler, rendered like Pydantic's own."""
    return RequestValidationError([{"loc": (where, field), "msg": message, "type": "value_error"}])


def from_pydantic(exc: ValidationError, where: str = "body") -> RequestValidationError:
    return RequestValidationError(
        [{**e, "loc": (where, *e["loc"])} for e in exc.errors(include_url=False)]
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
        if exc.status_code == 405:
            detail = f"{request.method} is not allowed on {request.url.path}."
        return problem(exc.status_code, detail, headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        # Logged with its traceback for the operator; the client sees no internals.
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem(500, "An unexpected error occurred; it has been logged.")
