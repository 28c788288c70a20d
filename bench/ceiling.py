"""The ceilings: minimal uvicorn apps that answer from memory what the service answers.

``app`` is a FastAPI app with one ``async`` route per path, each returning the body and
headers captured from the service (or a bare 304); ``raw`` is the same as a plain ASGI
callable, without FastAPI's routing and exception layers. Both read their answers from the
JSON file named by ``BENCH_CEILING``: ``{path: {"status": 200, "headers": {...}, "body": file}}``.
"""

import json
import os
from pathlib import Path

from fastapi import FastAPI, Response


def _answers() -> dict[str, tuple[int, dict[str, str], bytes]]:
    spec = os.environ.get("BENCH_CEILING")
    if not spec:
        return {}
    answers = {}
    for path, a in json.loads(Path(spec).read_text()).items():
        body = Path(a["body"]).read_bytes() if a.get("body") else b""
        answers[path] = (a["status"], a["headers"], body)
    return answers


ANSWERS = _answers()
app = FastAPI()


def _route(status: int, headers: dict[str, str], body: bytes):
    async def answer() -> Response:
        return Response(body, status_code=status, headers=headers)

    return answer


for _path, (_status, _headers, _body) in ANSWERS.items():
    app.add_api_route(_path, _route(_status, _headers, _body), methods=["GET"])

_RAW = {
    path: (status, [(k.lower().encode(), v.encode()) for k, v in headers.items()], body)
    for path, (status, headers, body) in ANSWERS.items()
}


async def raw(scope, receive, send):
    if scope["type"] != "http":
        return
    status, headers, body = _RAW.get(scope["path"], (404, [], b""))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
