"""Forms posted to the headquarters pages: read once (urlencoded, or multipart for a file), kept on the request.

The sign-in dependency (``app/hq/web_auth.py``) reads the form to check its CSRF token before a page runs; pages take
the same parsed form with ``Depends(submitted_form)``, so page handlers can be plain ``def`` (worker threads).
``submitted_form`` depends on the sign-in itself: whatever order a page declares its dependencies in, the session (or
Basic credentials) is checked before a byte of the body is read, and a request signed in as no one is refused unread
(up to 64 MiB on /hq/import otherwise). A page must not take its form any other way (``Form()``/``Body()``
parameters are read by FastAPI before any dependency runs).
"""

from __future__ import annotations

from urllib.parse import parse_qs

from fastapi import Depends, HTTPException, Request

from app.hq.access import Actor
from app.hq.web_page import get_actor

MAX_FILES = 1


def parse_multipart(body: bytes, content_type: str) -> tuple[dict[str, str], dict[str, tuple[str, bytes]]]:
    """multipart/form-data (a file upload from a page) without a third-party parser: fields and files by name."""
    boundary = ""
    for part in content_type.split(";")[1:]:
        k, _, v = part.strip().partition("=")
        if k.lower() == "boundary":
            boundary = v.strip().strip('"')
    if not boundary:
        raise HTTPException(400, "The form has no multipart boundary.")
    fields: dict[str, str] = {}
    files: dict[str, tuple[str, bytes]] = {}
    # Parts are found in place (no split of the whole body): a 64 MiB bundle is copied once, into its own bytes.
    delimiter = b"--" + boundary.encode("latin-1")
    pos = body.find(delimiter)
    while pos != -1:
        start = pos + len(delimiter)
        if body[start:start + 2] == b"--":
            break
        nxt = body.find(b"\r\n" + delimiter, start)
        end = nxt if nxt != -1 else len(body)
        head_end = body.find(b"\r\n\r\n", start, end)
        if head_end != -1:
            _part(body[start:head_end], body, head_end + 4, end, fields, files)
        if nxt == -1:
            break
        pos = nxt + 2
    return fields, files


def _part(head: bytes, body: bytes, start: int, end: int, fields: dict[str, str],
          files: dict[str, tuple[str, bytes]]) -> None:
    disposition = ""
    for line in head.decode("utf-8", "replace").split("\r\n"):
        if line.lower().startswith("content-disposition:"):
            disposition = line.split(":", 1)[1]
    params: dict[str, str] = {}
    for item in disposition.split(";")[1:]:
        k, _, v = item.strip().partition("=")
        params[k.lower()] = v.strip().strip('"')
    name = params.get("name", "")
    if "filename" in params:
        if len(files) >= MAX_FILES and name not in files:
            raise HTTPException(400, "One file at a time.")
        files[name] = (params["filename"].replace("\\", "/").rsplit("/", 1)[-1][:200], body[start:end])
    elif name:
        fields[name] = body[start:end].decode("utf-8", "replace")


async def read_form(request: Request) -> dict[str, str]:
    """The posted form (urlencoded or multipart), read once and kept on the request for the page."""
    cached = getattr(request.state, "hq_form", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    body = await request.body()
    content_type = request.headers.get("content-type", "")
    files: dict[str, tuple[str, bytes]] = {}
    if content_type.lower().startswith("multipart/form-data"):
        form, files = parse_multipart(body, content_type)
    else:
        form = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items()}
    request.state.hq_form, request.state.hq_files = form, files
    return form


async def submitted_form(request: Request, _: Actor = Depends(get_actor)) -> dict[str, str]:  # noqa: B008
    """A FastAPI dependency: the posted form's fields (files: ``posted_files``), read only after the sign-in
    (``get_actor``, which FastAPI runs once per request and caches for the page's own ``Depends(get_actor)``)."""
    return await read_form(request)


def posted_files(request: Request) -> dict[str, tuple[str, bytes]]:
    """Files of a multipart form: {field: (file name, bytes)}."""
    return getattr(request.state, "hq_files", None) or {}
