"""Issue 17, item 4: a headquarters data manager uploads a USB bundle in the browser and sees what `sayyar hq import`
gives (counts, rejections, the signed receipt to download), and reviews conflicts by patient code, field, both values,
who and when, closing one (audited)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from helpers import SAME_UNIT, LiveServer, enrol, hq_signed_in, make_activity, make_laptop, patient_input
from sqlalchemy import Engine, select

from app.hq.models import hq_audit
from app.hq.staff import set_staff
from app.models import Patient
from app.server import models as m
from app.server.app import create_app
from app.services.patients import register_patient, update_patient
from app.sync.bundle import export_bundle, load_receipt
from app.sync.client import run_sync_round

PASSWORD = "data-manager-1405"
HTML = {"accept": "text/html"}


def _csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]


def _signed_in(engine: Engine, user: str) -> TestClient:
    return hq_signed_in(engine, user, PASSWORD)  # type: ignore[no-any-return]


def _upload(c: TestClient, name: str, data: bytes, csrf: str):  # type: ignore[no-untyped-def]
    return c.post("/hq/import", data={"csrf": csrf}, files={"bundle": (name, data, "application/octet-stream")})


def test_upload_a_usb_bundle_and_download_its_receipt(tmp_path: Path, central: Engine) -> None:
    set_staff(central, username="s.rahimi", role="headquarters", password=PASSWORD, language="fa")
    set_staff(central, username="h.rigi", role="coordinator", password=PASSWORD, unit_id="u1")
    lap = make_laptop(tmp_path, "ZAH1")
    enrol(central, lap)
    make_activity(lap, 12)
    bundle = export_bundle(lap.store, lap.coord, tmp_path / "ZAH1-2026-12-01.sayyar")
    from app.server.guard import _limit

    assert _limit("/hq/import") == 64 * 1024 * 1024  # as an online bundle upload; other forms 4 MiB
    c = _signed_in(central, "s.rahimi")
    try:
        form = c.get("/hq/import", headers=HTML)
        assert form.status_code == 200 and 'enctype="multipart/form-data"' in form.text and 'dir="rtl"' in form.text
        assert 'href="/hq/import"' in form.text and 'href="/hq/conflicts"' in form.text  # in the header
        csrf = _csrf(form.text)
        # Without the session's token nothing is imported.
        assert c.post("/hq/import", files={"bundle": ("x.sayyar", bundle.path.read_bytes())}).status_code == 403
        done = _upload(c, bundle.path.name, bundle.path.read_bytes(), csrf)
        assert done.status_code == 200, done.text[:500]
        assert "وارد شد" in done.text and "ZAH1" in done.text and bundle.path.name in done.text
        with central.connect() as conn:
            applied = conn.execute(select(m.batch.c.applied).where(m.batch.c.via.like("bundle:s.rahimi:%"))).scalar()
        assert applied and f">{str(applied).translate(str.maketrans('0123456789', '۰۱۲۳۴۵۶۷۸۹'))}<" in done.text
        href = re.search(r'class="receipt" href="([^"]+)"', done.text).group(1)  # type: ignore[union-attr]
        receipt = c.get(href)
        assert receipt.status_code == 200 and "attachment" in receipt.headers["content-disposition"]
        # The receipt is headquarters' signed word: the laptop accepts it and marks its changes acknowledged.
        (tmp_path / "r.json").write_bytes(receipt.content)
        load_receipt(lap.store, tmp_path / "r.json")
        # The same file again: nothing changes, the first receipt comes back.
        again = _upload(c, bundle.path.name, bundle.path.read_bytes(), csrf)
        assert again.status_code == 200 and "پیش‌تر وارد شده بود" in again.text
        # Not a bundle: refused with the reason, nothing applied.
        bad = _upload(c, "notes.txt", b"hello", csrf)
        assert bad.status_code == 400 and "not_a_bundle" in bad.text and "چیزی از این فایل اعمال نشد" in bad.text
        # A laptop that changed headquarters' reference data: that change is rejected, with its reason, the rest
        # is applied (as the command's receipt says).
        from app.models import Diagnosis

        with lap.store.write(lap.ctx.user_id) as s:
            s.scalars(select(Diagnosis).where(Diagnosis.code == "B54")).one().label_en = "Not malaria"
        make_activity(lap, 2)
        second = export_bundle(lap.store, lap.coord, tmp_path / "ZAH1-2026-12-02.sayyar")
        mixed = _upload(c, second.path.name, second.path.read_bytes(), csrf)
        assert mixed.status_code == 200 and "تغییرات ردشده و دلیل آن" in mixed.text
        assert "فقط ستاد می‌تواند این را تغییر دهد" in mixed.text  # headquarters_only, in the account's language
        with central.connect() as conn:
            assert conn.execute(select(hq_audit.c.action).where(hq_audit.c.user == "s.rahimi")).scalars().all() == [
                "bundle_import", "bundle_import", "bundle_import"]
    finally:
        c.__exit__(None, None, None)
    coordinator = _signed_in(central, "h.rigi")
    try:
        assert coordinator.get("/hq/import", headers=HTML).status_code == 403
        assert 'href="/hq/import"' not in coordinator.get("/hq/", headers=HTML).text
    finally:
        coordinator.__exit__(None, None, None)
    lap.close()


def test_review_a_conflict_by_patient_field_values_who_and_when(tmp_path: Path, central: Engine,
                                                                live: LiveServer) -> None:
    set_staff(central, username="l.karimi", role="headquarters", password=PASSWORD)
    a, b = make_laptop(tmp_path, "A1"), make_laptop(tmp_path, "B2", unit=SAME_UNIT)  # laptops of one unit
    for lap in (a, b):
        enrol(central, lap)
    pid = register_patient(a.ctx, patient_input(1), override_reason="test").patient_id
    for lap in (a, b):
        run_sync_round(lap.store, lap.ctx, live.url, lap.token)
    update_patient(a.ctx, pid, {"phone": "09121111111"})
    update_patient(b.ctx, pid, {"phone": "09122222222"})  # the later stamp wins
    for lap in (a, b):
        run_sync_round(lap.store, lap.ctx, live.url, lap.token)
    with a.store.read() as s:
        code = s.get(Patient, pid).code  # type: ignore[union-attr]
    # Conflicts are headquarters' to review (every unit's); a coordinator's account neither sees nor closes them.
    set_staff(central, username="h.rigi", role="coordinator", password=PASSWORD, unit_id=a.store.device.unit_id)
    coordinator = _signed_in(central, "h.rigi")
    try:
        assert coordinator.get("/hq/conflicts", headers=HTML).status_code == 403
        with central.connect() as conn:
            conflict_id = conn.execute(select(m.conflict.c.id)).scalar_one()
        csrf = _csrf(coordinator.get("/hq/", headers=HTML).text)
        assert coordinator.post(f"/hq/conflicts/{conflict_id}/keep", data={"csrf": csrf},
                                follow_redirects=False).status_code == 403
        with central.connect() as conn:
            assert conn.execute(select(m.conflict.c.status)).scalar_one() == "open"
    finally:
        coordinator.__exit__(None, None, None)
    c = _signed_in(central, "l.karimi")
    try:
        listing = c.get("/hq/conflicts", headers=HTML)
        assert listing.status_code == 200
        row = re.search(r"<tbody>(.*?)</tbody>", listing.text, re.S).group(1)  # type: ignore[union-attr]
        for expected in (code, "Phone", "09122222222", "09121111111", "B2", "A1", "Tehran time"):
            assert expected in row, expected
        action = re.search(r'action="(/hq/conflicts/[^"]+/keep)"', row).group(1)  # type: ignore[union-attr]
        done = c.post(action, data={"csrf": _csrf(listing.text), "note": "checked with the family"},
                      follow_redirects=False)
        assert done.status_code == 303
        after = c.get("/hq/conflicts", headers=HTML).text
        assert "No open conflicts." in after and "current value kept" in after and "checked with the family" in after
        assert c.post(action, data={"csrf": _csrf(after)}).status_code == 409  # already resolved
    finally:
        c.__exit__(None, None, None)
    with central.connect() as conn:
        k = conn.execute(select(m.conflict)).mappings().one()
        assert (k["status"], k["resolution"], k["resolved_by"]) == ("resolved", "kept", "hq:l.karimi")
        assert conn.execute(select(hq_audit.c.action, hq_audit.c.what)).all() == [("conflict_keep", "patient.phone")]
    # The decision travels to the laptops like a laptop's own.
    run_sync_round(a.store, a.ctx, live.url, a.token)
    from app.sync import status

    assert status.conflicts_for_review(a.store) == []
    a.close(), b.close()


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_conflict_page_in_both_languages_without_conflicts(central: Engine, lang: str) -> None:
    set_staff(central, username="l.karimi", role="headquarters", password=PASSWORD, language=lang)
    c = _signed_in(central, "l.karimi")
    try:
        text = c.get("/hq/conflicts", headers=HTML).text
        assert ("No open conflicts." if lang == "en" else "تعارض بازی نیست.") in text
    finally:
        c.__exit__(None, None, None)


def test_a_browser_upload_waits_for_the_applier_online_sync_holds(tmp_path: Path, central: Engine) -> None:
    """One applier at a time, whichever way a batch comes: a bundle uploaded in the browser waits while a push from
    a laptop is being applied, instead of racing it for the database (feed positions follow commit order)."""
    import threading

    set_staff(central, username="s.rahimi", role="headquarters", password=PASSWORD)
    lap = make_laptop(tmp_path, "ZAH1")
    enrol(central, lap)
    make_activity(lap, 3)
    bundle = export_bundle(lap.store, lap.coord, tmp_path / "ZAH1.sayyar")
    c = _signed_in(central, "s.rahimi")
    try:
        csrf = _csrf(c.get("/hq/import", headers=HTML).text)
        lock = c.app.state.apply_lock  # type: ignore[attr-defined]
        answers: list[int] = []
        with lock:  # an online push being applied
            worker = threading.Thread(target=lambda: answers.append(
                _upload(c, "ZAH1.sayyar", bundle.path.read_bytes(), csrf).status_code))
            worker.start()
            worker.join(timeout=2.0)
            assert worker.is_alive() and not answers  # waiting, nothing applied beside the push
            with central.connect() as conn:
                assert conn.execute(select(m.bundle_import)).first() is None
        worker.join(timeout=60)
        assert answers == [200]
    finally:
        c.__exit__(None, None, None)


def test_a_malformed_parameter_is_refused_in_the_accounts_language(central: Engine) -> None:
    set_staff(central, username="s.rahimi", role="headquarters", password=PASSWORD, language="fa")
    c = _signed_in(central, "s.rahimi")
    try:
        answer = c.get("/hq/insurance", params={"days": "سی"}, headers={**HTML, "accept-language": "en-GB"})
        assert answer.status_code == 400 and answer.headers["content-type"].startswith("text/html")
        assert 'dir="rtl"' in answer.text and "مقدار نادرست است: days." in answer.text
    finally:
        c.__exit__(None, None, None)


def _post_counting(app, path: str, headers: list[tuple[bytes, bytes]], chunks: int) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """POST ``chunks`` MiB to ``path`` straight into the ASGI app, sent as a stream (no length declared): the answer's
    status and how many bytes of the body the server asked for."""
    import asyncio

    read, status = 0, 0
    left = chunks

    async def receive():  # type: ignore[no-untyped-def]
        nonlocal read, left
        if left <= 0:
            return {"type": "http.disconnect"}
        left -= 1
        read += 1024 * 1024
        return {"type": "http.request", "body": b"\0" * (1024 * 1024), "more_body": left > 0}

    async def send(message):  # type: ignore[no-untyped-def]
        nonlocal status
        if message["type"] == "http.response.start":
            status = int(message["status"])

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
             "headers": [(b"host", b"testserver"), (b"content-type", b"multipart/form-data; boundary=x"), *headers],
             "client": ("127.0.0.1", 5000), "server": ("testserver", 80)}
    asyncio.run(app(scope, receive, send))
    return status, read


def test_no_session_no_body_read_on_any_headquarters_form(central: Engine) -> None:
    """Signed in as no one, a 20 MiB upload (and a post to every other page form) is refused before a byte of its body
    is read: the session is checked first, whatever order a page declares its dependencies in."""
    from fastapi.routing import APIRoute

    app = create_app(engine=central)
    status, read = _post_counting(app, "/hq/import", [], 20)
    assert (status, read) == (401, 0)
    # An ended (unknown) session is no better; nor is a wrong Basic password.
    assert _post_counting(app, "/hq/import", [(b"cookie", b"sayyar_hq=gone")], 20) == (401, 0)
    assert _post_counting(app, "/hq/import", [(b"authorization", b"Basic bm8tb25lOndyb25n")], 20) == (401, 0)
    from app.hq import immunisation_web, web, web_auth, workspace_web

    posts = [r for router in (web_auth.router, web.router, immunisation_web.router, workspace_web.router)
             for r in router.routes if isinstance(r, APIRoute) and "POST" in (r.methods or ()) and r.path != "/sign-in"]
    assert len(posts) >= 7
    for route in posts:
        assert route.body_field is None, f"{route.path}: FastAPI reads a body parameter before the sign-in"
        path = "/hq" + re.sub(r"\{[^}]+\}", "x", route.path)
        assert _post_counting(app, path, [], 8) == (401, 0), path


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_the_conflict_page_names_who_made_each_side(tmp_path: Path, central: Engine, live: LiveServer,
                                                    lang: str) -> None:
    """Each side's person, laptop and unit, as the laptop's Sync panel and `sayyar hq conflicts` give them, in the
    account's language and escaped like everything else on the page."""
    from app.models import User
    from app.services.context import Ctx

    set_staff(central, username="l.karimi", role="headquarters", password=PASSWORD, language=lang)
    a, b = make_laptop(tmp_path, "A1"), make_laptop(tmp_path, "B2", unit=SAME_UNIT)
    for lap in (a, b):
        enrol(central, lap)
    pid = register_patient(a.ctx, patient_input(1), override_reason="test").patient_id
    for lap in (a, b):
        run_sync_round(lap.store, lap.ctx, live.url, lap.token)
    update_patient(a.ctx, pid, {"phone": "09121111111"})
    with b.store.read() as s:  # on B another person makes the change
        other = s.scalars(select(User).where(User.unit_id == b.store.device.unit_id,
                                             User.id != b.ctx.user_id)).first()
        assert other is not None
        other_id, other_name = other.id, other.username
        a_name = s.get(User, a.ctx.user_id).username  # type: ignore[union-attr]
    update_patient(Ctx(b.store, other_id, "clinician", unit_id=b.store.device.unit_id, lang="en"), pid,
                   {"phone": "09122222222"})  # the later stamp wins
    for lap in (a, b):
        run_sync_round(lap.store, lap.ctx, live.url, lap.token)
    c = _signed_in(central, "l.karimi")
    try:
        row = re.search(r"<tbody>(.*?)</tbody>", c.get("/hq/conflicts", headers=HTML).text, re.S).group(1)  # type: ignore[union-attr]
        kept, lost = row.index("09122222222"), row.index("09121111111")
        on = "on laptop" if lang == "en" else "در رایانهٔ"
        assert re.search(f"{re.escape(other_name)}</span> {on} <span[^>]*>B2</span> \\([^)]*{SAME_UNIT}", row[kept:lost])
        assert re.search(f"{re.escape(a_name)}</span> {on} <span[^>]*>A1</span> \\([^)]*{SAME_UNIT}", row[lost:])
        # Names come from laptops: markup in one is shown as text, never obeyed.
        with central.begin() as conn:
            conn.execute(m.conflict.update().values(kept_user="<b>x</b>", lost_laptop="", lost_user=""))
        row = re.search(r"<tbody>(.*?)</tbody>", c.get("/hq/conflicts", headers=HTML).text, re.S).group(1)  # type: ignore[union-attr]
        assert "<b>x</b>" not in row and "&lt;b&gt;x&lt;/b&gt;" in row
        unknown = "an unknown person" if lang == "en" else "نامعلوم"
        assert unknown in row[row.index("09121111111"):]
    finally:
        c.__exit__(None, None, None)
    a.close(), b.close()
