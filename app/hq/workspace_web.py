"""Headquarters' data-manager pages (issue 17, item 4): upload a USB sync bundle, and review conflicts.

- ``/hq/import``: the bundle a laptop wrote to a USB stick, uploaded in the browser (multipart, at most 64 MiB: the
  server guard's limit for this path) and imported by the same service as ``sayyar hq import``
  (``app.server.hq_import.import_bundle_bytes``): verified whole, applied in one transaction, a signed receipt kept
  with the import. The page shows what the command prints (applied, duplicates, stale, conflicts, rejected) and each
  rejected change with its reason; the receipt is downloaded from the page and carried back to the laptop.
- ``/hq/conflicts``: the open conflicts ``sayyar hq conflicts`` lists, by patient (record) code, the field as the
  forms name it, both values, who wrote each (person, laptop, unit, as the server recorded them) and when. "Keep the current value" closes one (audited); the
  lost value is restored on a laptop of the unit (an ordinary edit that travels), as the page says.

Both are headquarters-only (bundle import; the values are patients' details) and run on worker threads.
"""

from __future__ import annotations

import contextlib
import json
import re
from datetime import datetime, timezone
from html import escape
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import Connection, select

from app.hq.access import Actor, audit
from app.hq.forms import posted_files, submitted_form
from app.hq.web import PageError, _guard_lang, base, csrf_field, get_actor, get_connection, page, table
from app.hq.web_i18n import CODES as SHARED_CODES
from app.hq.web_i18n import num, t, when
from app.security.roles import Action

router = APIRouter(tags=["headquarters"])

TEXTS: dict[str, tuple[str, str]] = {
    "import_title": ("Import a bundle from a USB stick", "ورود بستهٔ همگام‌سازی از حافظهٔ USB"),
    "import_intro": ("Choose the bundle file the laptop wrote (…sayyar). It is checked whole (signature, device, "
                     "contents) before anything is applied, exactly as by sayyar hq import; a bundle imported again "
                     "changes nothing and gives back its first receipt. Carry the receipt back to the laptop.",
                     "فایل بسته‌ای را که رایانهٔ واحد نوشته است (…sayyar) انتخاب کنید. پیش از اعمال، کل آن بررسی "
                     "می‌شود (امضا، دستگاه، محتوا)، درست مانند sayyar hq import؛ بسته‌ای که دوباره وارد شود چیزی را "
                     "تغییر نمی‌دهد و همان رسید نخست را برمی‌گرداند. رسید را به رایانهٔ واحد برگردانید."),
    "bundle_file": ("Bundle file", "فایل بسته"),
    "import_button": ("Import", "ورود"),
    "no_file": ("Choose a bundle file first.", "ابتدا یک فایل بسته انتخاب کنید."),
    "imported": ("Imported", "وارد شد"),
    "refused": ("Refused", "پذیرفته نشد"),
    "already_imported": ("Already imported; nothing changed (this is the first receipt).",
                         "پیش‌تر وارد شده بود؛ چیزی تغییر نکرد (این همان رسید نخست است)."),
    "nothing_applied": ("Nothing from this file was applied.", "چیزی از این فایل اعمال نشد."),
    "server_failed": ("The server failed while importing; nothing from this file was applied. Try again; if it "
                      "fails again, import it with sayyar hq import and send the log.",
                      "خطای سرور هنگام ورود؛ چیزی از این فایل اعمال نشد. دوباره امتحان کنید؛ اگر باز خطا داد، با "
                      "sayyar hq import وارد کنید و گزارش خطا را بفرستید."),
    "epoch": ("Epoch", "دوره"),
    "changes_in_bundle": ("Changes in the bundle", "تغییرات بسته"),
    "duplicates": ("Already held", "از پیش موجود"),
    "stale": ("Older than held", "قدیمی‌تر از موجود"),
    "conflicts_n": ("Conflicts", "تعارض‌ها"),
    "rejected_n": ("Rejected", "ردشده"),
    "rejections": ("Rejected changes and why", "تغییرات ردشده و دلیل آن"),
    "change_no": ("Change no.", "شمارهٔ تغییر"),
    "reason": ("Reason", "دلیل"),
    "receipt": ("Download the signed receipt", "دریافت رسید امضاشده"),
    "import_another": ("Import another bundle", "ورود بستهٔ دیگر"),
    "conflicts_title": ("Conflicts to review", "تعارض‌های در انتظار بررسی"),
    "conflicts_intro": ("Two laptops changed the same field of a shared record. The later change was kept "
                        "everywhere; the other value is kept here for review. Keep the current value to close the "
                        "conflict; to bring the other value back, restore it on a laptop of the unit (Sync → "
                        "Conflicts): the edit travels to every laptop.",
                        "دو رایانه یک فیلد از یک رکورد مشترک را تغییر داده‌اند. تغییر دیرتر همه‌جا نگه داشته شد و "
                        "مقدار دیگر برای بررسی اینجا نگه داشته شده است. برای بستن تعارض، مقدار فعلی را نگه دارید؛ برای "
                        "بازگرداندن مقدار دیگر، آن را در یکی از رایانه‌های واحد بازگردانید (همگام‌سازی ← تعارض‌ها): "
                        "این ویرایش به همهٔ رایانه‌ها می‌رسد."),
    "record": ("Patient / record", "بیمار / رکورد"),
    "field": ("Field", "فیلد"),
    "kept_value": ("Current value (kept)", "مقدار فعلی (نگه‌داشته)"),
    "lost_value": ("Other value (not kept)", "مقدار دیگر (نگه‌داشته نشد)"),
    "by_at": ("{device}, {at}", "{device}، {at}"),
    # Who made one side, worded as the laptop's Sync panel words it (its Persian from the same translation file).
    "by_person_laptop": ("{person} on laptop {laptop}", "کاربر {person} در رایانهٔ {laptop}"),
    "by_person": ("{person} on another laptop", "کاربر {person} در رایانه‌ای دیگر"),
    "unknown_person": ("an unknown person", "نامعلوم"),
    "keep": ("Keep the current value", "نگه‌داشتن مقدار فعلی"),
    "no_conflicts": ("No open conflicts.", "تعارض بازی نیست."),
    "resolved_recently": ("Resolved recently", "بررسی‌شده‌های اخیر"),
    "resolution": ("Decision", "تصمیم"),
    "dup_title": ("Likely duplicate patients", "بیماران احتمالاً تکراری"),
    "dup_intro": ("Pairs of patient records that are probably one person, scored as a laptop's review list does (names "
                  "in both scripts and their spellings, birth year, sex, documents, phone), best first. Codes and "
                  "reasons only: the records are looked at and merged on a laptop of the unit, from the codes.",
                  "جفت پرونده‌هایی که احتمالاً یک نفرند، با همان امتیازدهی فهرست بررسی رایانهٔ واحد (نام به دو خط و "
                  "املاهای آن، سال تولد، جنس، مدرک، تلفن)، از محتمل‌ترین. فقط کد و دلیل: پرونده‌ها در رایانهٔ واحد "
                  "از روی کد دیده و ادغام می‌شوند."),
    "dup_across": ("only pairs registered by two different units", "فقط جفت‌هایی که دو واحد مختلف ثبت کرده‌اند"),
    "dup_all_units": ("every unit", "همهٔ واحدها"),
    "dup_run": ("Find likely duplicates", "یافتن موارد احتمالاً تکراری"),
    "dup_found": ("{pairs} likely duplicate pairs among {people} patients (worked out in {secs} s).",
                  "{pairs} جفت احتمالاً تکراری در میان {people} بیمار ({secs} ثانیه)."),
    "dup_keep": ("Keep", "نگه‌داشتن"),
    "dup_merge": ("Merge into it", "ادغام در آن"),
    "dup_units": ("Units", "واحدها"),
    "dup_score": ("Score", "امتیاز"),
    "dup_document": ("Same document", "مدرک یکسان"),
    "dup_slow": ("Over every unit's patients this takes a while (about a minute for 250,000 patients).",
                 "برای بیماران همهٔ واحدها این کار زمان می‌برد (حدود یک دقیقه برای ۲۵۰٬۰۰۰ بیمار)."),
    "conflict_gone": ("This conflict is no longer open (someone resolved it already).",
                      "این تعارض دیگر باز نیست (پیش‌تر بررسی شده است)."),
}

CODES: dict[str, dict[str, tuple[str, str]]] = {
    "rejection": SHARED_CODES["rejection"],  # one list of refusal kinds, also the board's refusals page
    "bundle": {
        "not_a_bundle": ("not a Sayyar bundle", "بستهٔ سیار نیست"), "truncated": ("truncated", "ناقص"),
        "damaged": ("damaged", "آسیب‌دیده"), "tampered": ("altered", "دست‌کاری‌شده"),
        "wrong_key": ("encrypted for another headquarters", "برای ستاد دیگری رمز شده"),
        "unknown_device": ("laptop not enrolled", "رایانه ثبت نشده است"),
        "bad_signature": ("signature does not match", "امضا مطابقت ندارد"),
        "superseded_key": ("signed by a replaced laptop after its replacement",
                           "امضاشده با رایانهٔ جایگزین‌شده پس از جایگزینی"),
        "too_large": ("too large", "بیش از حد بزرگ"),
    },
    "resolution": {"kept": ("current value kept", "مقدار فعلی نگه داشته شد"),
                   "restored_lost": ("other value restored", "مقدار دیگر بازگردانده شد")},
}


def w(key: str, lang: str, **params: Any) -> str:
    en, fa = TEXTS[key]
    text = fa if lang == "fa" else en
    return text.format(**params) if params else text


def c(kind: str, value: str, lang: str) -> str:
    en, fa = CODES.get(kind, {}).get(value, (value.replace("_", " "), value.replace("_", " ")))
    return fa if lang == "fa" else en


def _engine(request: Request) -> Any:
    return request.app.state.engine


# --- bundle upload ---------------------------------------------------------------------------------------------------


def _upload_form(request: Request, lang: str) -> str:
    b = base(request)
    return (f'<p class="muted">{escape(w("import_intro", lang))}</p>'
            f'<form method="post" action="{b}/import" enctype="multipart/form-data">{csrf_field(request)}'
            f'<label>{escape(w("bundle_file", lang))} <input type="file" name="bundle" accept=".sayyar" required>'
            f'</label> <button>{escape(w("import_button", lang))}</button></form>')


@router.get("/import", response_class=HTMLResponse)
def import_page(request: Request, actor: Actor = Depends(get_actor)) -> HTMLResponse:  # noqa: B008
    lang = _guard_lang(actor, Action.IMPORT_BUNDLE)
    return page(w("import_title", lang), _upload_form(request, lang), request=request, lang=lang, actor=actor)


@router.post("/import", response_class=HTMLResponse)
def import_upload(request: Request, form: dict[str, str] = Depends(submitted_form),  # noqa: B008
                  actor: Actor = Depends(get_actor)) -> HTMLResponse:  # noqa: B008
    """No page transaction: the import service opens its own (verify, then apply in one transaction)."""
    import logging

    from app.logging_setup import Word
    from app.server.hq_import import BundleRejected, import_bundle_bytes

    lang = _guard_lang(actor, Action.IMPORT_BUNDLE)
    upload = posted_files(request).get("bundle")
    if upload is None or not upload[1]:
        raise PageError(400, w("no_file", lang), lang)
    filename, data = upload
    log = logging.getLogger("sayyar.hq.import_page")
    b = base(request)
    again = f'<p><a href="{b}/import">{escape(w("import_another", lang))}</a></p>'
    # One applier at a time with online sync (create_app's apply lock): feed positions follow commit order.
    applier = getattr(request.app.state, "apply_lock", None) or contextlib.nullcontext()
    try:
        with applier:
            outcome = import_bundle_bytes(_engine(request), data, via=f"{actor.username}:{filename}"[:50])
    except BundleRejected as err:
        log.warning("bundle upload refused (%s)", Word.of(err.code))
        body = (f'<p class="raised">{escape(w("refused", lang))} — {escape(c("bundle", err.code, lang))} '
                f'<span dir="ltr">({escape(err.code)})</span>: <span dir="ltr">{escape(str(err))}</span></p>'
                f'<p>{escape(w("nothing_applied", lang))}</p>{again}{_upload_form(request, lang)}')
        response = page(w("import_title", lang), body, request=request, lang=lang, actor=actor)
        response.status_code = 400
        return response
    except Exception as err:  # noqa: BLE001 - nothing was applied (one transaction): a sentence, the log has the rest
        log.error("bundle upload failed, nothing applied (%s)", type(err).__name__)
        raise PageError(500, w("server_failed", lang), lang) from None
    r = outcome.receipt.receipt
    with _engine(request).begin() as conn:
        audit(conn, actor, "bundle_import", f"{filename}"[:200], r.applied,
              detail={"bundle_id": r.bundle_id, "replayed": outcome.replayed})
        device_code = _device_codes(conn).get(r.device_id, r.device_id[:8])
    head = w("already_imported", lang) if outcome.replayed else w("imported", lang)
    summary = table([t("device", lang), w("epoch", lang), t("applied", lang), w("duplicates", lang),
                     w("stale", lang), w("conflicts_n", lang), w("rejected_n", lang)],
                    [[escape(device_code), num(r.epoch, lang), num(r.applied, lang), num(r.duplicates, lang),
                      num(r.stale, lang), num(r.conflicts, lang), num(len(r.rejected), lang)]], 1)
    rejections = ""
    if r.rejected:
        rejections = (f"<h2>{escape(w('rejections', lang))}</h2>" + table(
            [w("change_no", lang), t("status", lang), w("reason", lang)],
            [[num(x.seq, lang), escape(c("rejection", x.code, lang)), f'<span dir="ltr">{escape(x.reason)}</span>']
             for x in r.rejected]))
    body = (f'<p class="{"muted" if outcome.replayed else "verified"}">{escape(head)} — '
            f'<span dir="ltr">{escape(filename)}</span></p>{summary}{rejections}'
            f'<p><a class="receipt" href="{b}/import/{escape(r.bundle_id)}/receipt">{escape(w("receipt", lang))}</a>'
            f'</p>{again}')
    return page(w("import_title", lang), body, request=request, lang=lang, actor=actor)


def _device_codes(conn: Connection) -> dict[str, str]:
    from app.server import models as m

    return {d.device_id: d.device_code for d in conn.execute(select(m.device.c.device_id, m.device.c.device_code))}


@router.get("/import/{bundle_id}/receipt")
def import_receipt(bundle_id: str, conn: Connection = Depends(get_connection),  # noqa: B008
                   actor: Actor = Depends(get_actor)) -> Response:  # noqa: B008
    """The signed receipt kept with the import (the file `sayyar hq import` writes beside the bundle)."""
    from app.server import models as m

    lang = _guard_lang(actor, Action.IMPORT_BUNDLE)
    row = conn.execute(select(m.bundle_import.c.receipt).where(m.bundle_import.c.bundle_id == bundle_id)).first()
    if row is None:
        raise PageError(404, t("not_found", lang), lang)
    safe = "".join(ch for ch in bundle_id if ch.isalnum() or ch == "-")[:36]
    return Response(json.dumps(row.receipt, indent=2, ensure_ascii=False), media_type="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{safe}.receipt.json"'})


# --- conflict review ---------------------------------------------------------------------------------------------------


def _stamp_time(stamp: str) -> datetime | None:
    from app.store.clock import parse_hlc

    try:
        return datetime.fromtimestamp(parse_hlc(stamp)[0] / 1000, tz=timezone.utc)
    except (ValueError, TypeError, OSError):
        return None


def _record_codes(conn: Connection, wanted: dict[str, set[str]]) -> dict[tuple[str, str], str]:
    """(entity, record id) -> the code people know it by: its own code, else its patient's."""
    from app.server import models as m

    patient = m.RECORDS["patient"]
    out: dict[tuple[str, str], str] = {}
    for entity, ids in wanted.items():
        tbl = m.RECORDS.get(entity)
        if tbl is None or not ids:
            continue
        if "code" in tbl.c:
            rows = conn.execute(select(tbl.c.id, tbl.c.code).where(tbl.c.id.in_(sorted(ids))))
        elif "patient_id" in tbl.c:
            rows = conn.execute(select(tbl.c.id, patient.c.code).join(patient, patient.c.id == tbl.c.patient_id)
                                .where(tbl.c.id.in_(sorted(ids))))
        else:
            continue
        out.update({(entity, r[0]): str(r[1]) for r in rows if r[1]})
    return out


def _value(field: str, value: Any, lang: str) -> str:
    from app.services.labels import LABELS
    from app.services.labels import label as value_label

    if value is None or value == "":
        return "—"
    if isinstance(value, str) and field in LABELS:
        return escape(value_label(field, value, lang))
    return f'<span dir="auto">{escape(str(value))}</span>'


@router.get("/conflicts", response_class=HTMLResponse)
def conflicts_page(request: Request, conn: Connection = Depends(get_connection),  # noqa: B008
                   actor: Actor = Depends(get_actor)) -> HTMLResponse:  # noqa: B008
    from app.server import models as m
    from app.services.messages import field_label

    lang = _guard_lang(actor, Action.RESOLVE_CONFLICTS)
    k = m.conflict
    open_rows = conn.execute(select(k).where(k.c.status == "open").order_by(k.c.created_at).limit(1000)).all()
    done_rows = conn.execute(select(k).where(k.c.status == "resolved").order_by(k.c.resolved_at.desc())
                             .limit(50)).all()
    nodes = _device_codes(conn)

    def device(node: str) -> str:  # a conflict names the laptop by its clock node (the start of its device id)
        return next((code_ for dev, code_ in nodes.items() if node and dev.startswith(node)), node[:8])

    wanted: dict[str, set[str]] = {}
    for r in [*open_rows, *done_rows]:
        wanted.setdefault(r.entity, set()).add(r.record_id)
    codes = _record_codes(conn, wanted)
    b = base(request)

    def who(r: Any, side: str) -> str:
        """The person, laptop and unit the server recorded for one side (a conflict recorded before it kept them,
        s0005, names only the laptop, found from the clock stamp), then when it was made. Every name came from a
        laptop: escaped, and isolated so a Latin name keeps its order in a Persian sentence."""
        user, unit = getattr(r, f"{side}_user"), getattr(r, f"{side}_unit")
        laptop = getattr(r, f"{side}_laptop") or device(getattr(r, f"{side}_device"))
        person = (f'<span dir="auto">{escape(user)}</span>' if user else escape(w("unknown_person", lang)))
        parts = {"person": person, "laptop": f'<span dir="ltr">{escape(laptop)}</span>'}
        # One pass over the sentence, so a name that looks like a placeholder stays a name.
        text = re.sub(r"\{(person|laptop)\}", lambda mt: parts[mt.group(1)],
                      escape(w("by_person_laptop" if laptop else "by_person", lang)))
        if unit:
            text += f' (<span dir="ltr">{escape(unit)}</span>)'
        return text + "<br>" + when(_stamp_time(getattr(r, f"{side}_hlc")), lang)

    def label(field: str) -> str:
        en, fa = field_label(field)
        return escape(fa if lang == "fa" and fa != field else en)

    rows = []
    for r in open_rows:
        rows.append([f'<span dir="ltr">{escape(codes.get((r.entity, r.record_id), r.record_id[:8]))}</span>',
                     label(r.field), _value(r.field, r.kept_value, lang), who(r, "kept"),
                     _value(r.field, r.lost_value, lang), who(r, "lost"),
                     f'<form class="inline" method="post" action="{b}/conflicts/{escape(r.id)}/keep">'
                     f'{csrf_field(request)}<input name="note" placeholder="{escape(t("note", lang))}" size="18" '
                     f'dir="auto"> <button>{escape(w("keep", lang))}</button></form>'])
    by_when = f'{t("who", lang)} · {t("device", lang)} · {t("when", lang)}'
    headers = [w("record", lang), w("field", lang), w("kept_value", lang), by_when, w("lost_value", lang), by_when, ""]
    body = [f'<p class="muted">{escape(w("conflicts_intro", lang))}</p>',
            table(headers, rows) if rows else f"<p>{escape(w('no_conflicts', lang))}</p>"]
    if done_rows:
        body.append(f"<h2>{escape(w('resolved_recently', lang))}</h2>")
        body.append(table([w("record", lang), w("field", lang), w("resolution", lang), t("who", lang),
                           t("when", lang), t("notes", lang)],
                          [[f'<span dir="ltr">{escape(codes.get((r.entity, r.record_id), r.record_id[:8]))}</span>',
                            label(r.field), escape(c("resolution", r.resolution, lang)),
                            escape(_resolver(r.resolved_by or "", nodes)), when(r.resolved_at, lang),
                            f'<p class="notes" dir="auto">{escape(r.note or "")}</p>'] for r in done_rows]))
    return page(w("conflicts_title", lang), "".join(body), request=request, lang=lang, actor=actor)


def _resolver(by: str, nodes: dict[str, str]) -> str:
    if by.startswith("hq:"):
        return by[3:]
    return nodes.get(by, by[:8])


@router.post("/conflicts/{conflict_id}/keep")
def conflict_keep(conflict_id: str, request: Request, form: dict[str, str] = Depends(submitted_form),  # noqa: B008
                  conn: Connection = Depends(get_connection),  # noqa: B008
                  actor: Actor = Depends(get_actor)) -> Response:  # noqa: B008
    """Keep the current value: the decision is recorded (and travels in the feed, as a laptop's does), audited."""
    from app.server import feed
    from app.server import models as m

    lang = _guard_lang(actor, Action.RESOLVE_CONFLICTS)
    k = m.conflict
    row = conn.execute(select(k.c.entity, k.c.field, k.c.status).where(k.c.id == conflict_id)).first()
    if row is None or row.status != "open":
        raise PageError(409 if row is not None else 404, w("conflict_gone", lang) if row is not None else
                        t("not_found", lang), lang)
    note = form.get("note", "")[:500]
    feed.resolve_conflict(conn, conflict_id, resolution="kept", note=note, by=f"hq:{actor.username}"[:36],
                         scope=None)
    audit(conn, actor, "conflict_keep", f"{row.entity}.{row.field}"[:200], 1,
          detail={"conflict": conflict_id, "note": bool(note)})
    return RedirectResponse(f"{base(request)}/conflicts", status_code=303)


# --- likely duplicates across units -----------------------------------------------------------------------------------

DUPLICATE_LIMIT = 500


@router.get("/duplicates", response_class=HTMLResponse)
def duplicates_page(request: Request, run: int = 0, across: int = 0, unit: str = "",
                    conn: Connection = Depends(get_connection),  # noqa: B008
                    actor: Actor = Depends(get_actor)) -> HTMLResponse:  # noqa: B008
    """Likely duplicate pairs (``sayyar hq duplicates``): patient codes, units, score and reasons, never a name. A
    unit administrator's list is their own unit's; headquarters chooses a unit or all. Worked out only when asked
    (``run=1``), on a worker thread."""
    import time

    from app.hq.tables import units as unit_table
    from app.services.duplicates import dismissed_pairs, find_pairs, read_people, reasons_text

    lang = _guard_lang(actor, Action.REVIEW_DUPLICATES)
    units = {k: v.get("code", "") for k, v in unit_table(conn).items()}
    chosen = unit if actor.is_hq else (actor.unit_id or "")
    b = base(request)
    options = "".join(f'<option value="{escape(k)}"{" selected" if k == chosen else ""}>{escape(v or k)}</option>'
                      for k, v in sorted(units.items(), key=lambda kv: kv[1]))
    unit_select = (f'<select name="unit"><option value="">{escape(w("dup_all_units", lang))}</option>{options}'
                   f'</select> ' if actor.is_hq else "")
    form = (f'<form method="get" action="{b}/duplicates"><input type="hidden" name="run" value="1">{unit_select}'
            f'<label><input type="checkbox" name="across" value="1"{" checked" if across else ""}> '
            f'{escape(w("dup_across", lang))}</label> <button>{escape(w("dup_run", lang))}</button></form>'
            f'<p class="muted">{escape(w("dup_slow", lang))}</p>')
    body = [f'<p class="muted">{escape(w("dup_intro", lang))}</p>', form]
    if run:
        started = time.perf_counter()
        people = read_people(conn, unit_id=chosen or None)
        pairs = find_pairs(people, dismissed=dismissed_pairs(conn), limit=DUPLICATE_LIMIT,
                           across_units_only=bool(across))
        secs = f"{time.perf_counter() - started:.1f}"
        body.append(f"<p><strong>{escape(w('dup_found', lang, pairs=num(len(pairs), lang), people=num(len(people), lang), secs=num(secs, lang)))}"
                    "</strong></p>")
        rows = []
        for pair in pairs:
            a, z = sorted((pair.a, pair.b), key=lambda r: r.code)
            rows.append([f'<span dir="ltr">{escape(a.code)}</span>', f'<span dir="ltr">{escape(z.code)}</span>',
                         escape(" · ".join(sorted({units.get(a.unit_id or "", a.unit_id or "—"),
                                                  units.get(z.unit_id or "", z.unit_id or "—")}))),
                         num(pair.points, lang), escape(t("yes" if pair.strong else "no", lang)),
                         escape(reasons_text(pair.reasons, lang))])
        if rows:
            body.append(table([w("dup_keep", lang), w("dup_merge", lang), w("dup_units", lang), w("dup_score", lang),
                               w("dup_document", lang), w("reason", lang)], rows, 3))
    return page(w("dup_title", lang), "".join(body), request=request, lang=lang, actor=actor)


__all__ = ["CODES", "TEXTS", "c", "router", "w"]
