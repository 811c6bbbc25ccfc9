"""Issue 16: a laptop synced only by USB bundle gets the notifiable-disease registry headquarters published, checked
the same way as by the feed (headquarters' signature over the item, then the version's SHA-256 and signature before
use). The receipt headquarters writes for the laptop's bundle carries the signed reference records; loading it
applies them. A receipt whose registry was altered on the way changes nothing."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from helpers import enrol, facility_of, hq_import, make_laptop, server_engine, write_receipt

from app.hq.registry import publish_registry
from app.resources import resource_path
from app.services.diseases import registry_in_use
from app.services.patients import register_patient
from app.services.visits import record_visit
from app.sync.bundle import export_bundle, load_receipt


def _version_2() -> dict:
    data = json.loads(resource_path("reference", "notifiable_diseases.json").read_text(encoding="utf-8"))
    data.update(version=2, label="2026-2: scabies outbreaks notified", published_on="2026-12-01")
    data["diseases"].append({
        "key": "scabies", "name_en": "Scabies", "name_fa": "گال", "reporting": "weekly",
        "codes": [{"code": "B86"}], "alert": {"rule": "none"},
        "case_definition": {"suspected_en": "Itching rash with burrows", "suspected_fa": "بثورات خارش‌دار"}})
    return data


def _in_use(laptop) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    with laptop.store.read() as s:
        used = registry_in_use(s)
    return used.version, used.source


def test_a_registry_published_at_hq_reaches_a_bundle_only_laptop(tmp_path: Path) -> None:
    engine = server_engine(str(tmp_path / "central.db"))
    laptop = make_laptop(tmp_path, "A1")
    try:
        enrol(engine, laptop)  # no server address: this laptop syncs by USB stick only
        pid = register_patient(laptop.ctx, {
            "given_name_latin": "Gul", "father_name_latin": "Ahmad", "sex": "male", "birth_year": 1988,
            "nationality": "afghan", "legal_status": "amayesh", "consent_date": date.today().isoformat()}).patient_id
        visit = {"patient_id": pid, "facility_id": facility_of(laptop), "complaint": "itch",
                 "diagnoses": [{"code": "B86"}]}
        assert record_visit(laptop.ctx, visit).notifiable == []
        with engine.begin() as conn:
            publish_registry(conn, _version_2(), by="l.karimi")
        out = hq_import(engine, export_bundle(laptop.store, laptop.coord, tmp_path / "a1.bundle").path)
        receipt = write_receipt(out, tmp_path / "a1.receipt")

        # Altered on the way (the label changed, headquarters' signature kept): nothing of it is used.
        doc = json.loads(receipt.read_text(encoding="utf-8"))
        items = [i for i in doc.get("reference", []) if i["entity"] == "disease_registry"]
        assert [i["payload"]["list_version"] for i in items] == [2]
        forged = json.loads(json.dumps(doc))
        for item in forged["reference"]:
            if item["entity"] == "disease_registry":
                item["payload"]["content"]["label"] = "forged"
        (tmp_path / "forged.receipt").write_text(json.dumps(forged), encoding="utf-8")
        acked, _ = load_receipt(laptop.store, tmp_path / "forged.receipt")
        assert acked > 0  # the receipt itself is headquarters' and acknowledges the bundle
        assert _in_use(laptop) == (1, "shipped")
        assert record_visit(laptop.ctx, visit).notifiable == []

        # The receipt as headquarters wrote it: version 2 is checked and used, with no reinstall.
        load_receipt(laptop.store, receipt)
        assert _in_use(laptop) == (2, "headquarters")
        assert [n.disease for n in record_visit(laptop.ctx, visit).notifiable] == ["scabies"]
        load_receipt(laptop.store, receipt)  # loaded twice: nothing changes
        assert _in_use(laptop) == (2, "headquarters")
    finally:
        laptop.close()
        engine.dispose()
