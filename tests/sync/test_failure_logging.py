"""Every sync failure path leaves a line in the log, through the filter that keeps patient data out of it: the
laptop's sync round, a feed item dropped as invalid, a bundle import refused or failed, an entry the server's
isolated fallback could not apply."""

from __future__ import annotations

import logging
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import enrol, free_port, make_activity, make_laptop
from sqlalchemy import Engine

from app.logging_setup import QUIET_LOGGERS, configure_logging
from app.server.apply import apply_isolated
from app.server.devices import get_device, list_rejected
from app.server.hq_import import import_bundle_files
from app.sync import inbox, outbox
from app.sync.client import SyncError, run_sync_round
from app.sync.protocol import ChangeBatch, FeedItem, FeedPage


@pytest.fixture
def log_text(tmp_path: Path) -> Iterator[callable]:  # type: ignore[valid-type]
    previous_hook = sys.excepthook
    path = configure_logging(tmp_path / "logs-home", level=logging.INFO)

    def read() -> str:
        for handler in logging.getLogger().handlers:
            handler.flush()
        return path.read_text(encoding="utf-8") if path.exists() else ""

    yield read
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_sayyar", False):
            root.removeHandler(handler)
            handler.close()
    root.setLevel(logging.WARNING)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.NOTSET)
    logging.captureWarnings(False)
    sys.excepthook = previous_hook


def test_a_failed_sync_round_is_logged(tmp_path: Path, central: Engine, log_text) -> None:  # type: ignore[no-untyped-def]
    laptop = make_laptop(tmp_path, "A1")
    try:
        token = enrol(central, laptop)
        with pytest.raises(SyncError):
            run_sync_round(laptop.store, laptop.ctx, f"http://127.0.0.1:{free_port()}", token)  # nobody listens
    finally:
        laptop.close()
    assert "WARNING sayyar.sync.client: sync round stopped: SyncError (transient=True)" in log_text()


def test_an_unreadable_feed_item_is_logged(tmp_path: Path, log_text) -> None:  # type: ignore[no-untyped-def]
    laptop = make_laptop(tmp_path, "A1")
    record_id = str(uuid.uuid4())
    page = FeedPage(cursor=0, next_cursor=7, more=False, items=[FeedItem(
        cursor=7, entity="patient", record_id=record_id, version=1, hlc="1700000000000:00000:X",
        payload={"id": record_id, "given_name_fa": "گلالی", "no_such_field": 1})])
    try:
        result = inbox.apply_page(laptop.store, page)
    finally:
        laptop.close()
    assert result.invalid == 1
    text = log_text()
    assert f"sayyar.sync.inbox: feed item parked: patient {record_id} cannot be read by this version" in text
    assert "گلالی" not in text


def test_bundle_import_refusals_and_failures_are_logged(tmp_path: Path, central: Engine, log_text) -> None:  # type: ignore[no-untyped-def]
    garbage = tmp_path / "garbage.sayyar"
    garbage.write_bytes(b"not a bundle at all")
    outcomes = import_bundle_files(central, [garbage, tmp_path / "missing.sayyar"], operator="l.karimi")
    assert [o.ok for o in outcomes] == [False, False]
    text = log_text()
    assert "sayyar.server.hq_import: bundle import: garbage.sayyar refused (" in text
    assert "sayyar.server.hq_import: bundle import: cannot read missing.sayyar (FileNotFoundError)" in text


def test_an_entry_the_isolated_fallback_rejects_is_logged(tmp_path: Path, central: Engine, log_text) -> None:  # type: ignore[no-untyped-def]
    laptop = make_laptop(tmp_path, "A1")
    try:
        enrol(central, laptop)
        make_activity(laptop, 3)
        body, _ = outbox.batch_json(laptop.store, outbox.upload_order(laptop.store)[:1], str(uuid.uuid4()))
        batch = ChangeBatch.model_validate_json(body)
    finally:
        laptop.close()
    with central.connect() as conn:
        device = get_device(conn, batch.device_id)
    assert device is not None

    def broken(stage: str) -> None:
        raise RuntimeError("گلالی broke it")  # an unforeseen error whose text carries a patient's name

    result = apply_isolated(central, device, batch.entries, epoch=batch.epoch, batch_id=batch.batch_id, hook=broken)
    assert len(result.rejected) == 1
    entry = batch.entries[0]
    text = log_text()
    assert (f"ERROR sayyar.server.apply: isolated apply: {entry.entity} {entry.record_id} (device {batch.device_id} "
            f"epoch {batch.epoch} seq {entry.seq}) rejected") in text
    assert "RuntimeError" in text and "گلالی" not in text
    # Headquarters' list of the laptop's refusals (the board's page, `server devices --rejected`) says the same.
    with central.connect() as conn:
        listed = list_rejected(conn, batch.device_id)
    assert [(r.code, r.seq) for r in listed] == [("refused", entry.seq)] and "گلالی" not in listed[0].reason
