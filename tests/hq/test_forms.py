"""The pages' own multipart reader (no python-multipart): what a browser sends for a file upload."""

from __future__ import annotations

import httpx
import pytest
from fastapi import HTTPException

from app.hq.forms import parse_multipart


def _encoded(files, data):  # type: ignore[no-untyped-def]
    request = httpx.Request("POST", "http://x/hq/import", files=files, data=data)
    return request.read(), request.headers["content-type"]


def test_a_file_and_a_field_come_back_byte_for_byte() -> None:
    content = b"SAYB\x00\r\n--not-a-boundary\r\n\r\n" + bytes(range(256)) * 50 + b"\r\n"
    body, ctype = _encoded({"bundle": ("C:\\stick\\ZAH1.sayyar", content, "application/octet-stream")},
                           {"csrf": "tok-en", "note": "یادداشت"})
    fields, files = parse_multipart(body, ctype)
    assert fields == {"csrf": "tok-en", "note": "یادداشت"}
    assert files["bundle"] == ("ZAH1.sayyar", content)  # a Windows path is reduced to the file's name


def test_two_files_or_no_boundary_are_refused() -> None:
    body, ctype = _encoded({"a": ("a.sayyar", b"1"), "b": ("b.sayyar", b"2")}, {})
    with pytest.raises(HTTPException, match="One file"):
        parse_multipart(body, ctype)
    with pytest.raises(HTTPException, match="boundary"):
        parse_multipart(body, "multipart/form-data")
