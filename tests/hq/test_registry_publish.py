"""Publishing a new notifiable-disease list at headquarters: checked, signed, never overwritten; the central alert
rules follow it at once (issue 16)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from app.core.diseases import signed_bytes
from app.hq.alerts import evaluate_alerts
from app.hq.registry import RegistryRefused, active_registry, publish_registry, published_versions
from app.resources import resource_path
from app.server.devices import hq_keys
from app.sync import crypto
from hq_helpers import add_case

DAY = date(2026, 11, 25)


def version_2() -> dict:
    data = json.loads(resource_path("reference", "notifiable_diseases.json").read_text(encoding="utf-8"))
    data.update(version=2, label="2026-2: animal bites alert at once", published_on="2026-12-01")
    bite = next(d for d in data["diseases"] if d["key"] == "animal_bite")
    bite["alert"] = {"rule": "single_case"}
    return data


def test_publish_signs_and_the_central_rules_follow(conn, site) -> None:
    add_case(conn, "animal_bite", site["F02"], DAY)
    assert evaluate_alerts(conn) == []  # version 1: animal bites are a line list
    done = publish_registry(conn, json.dumps(version_2()), by="l.karimi")
    assert done.version == 2 and active_registry(conn).version == 2
    keys = hq_keys(conn)
    assert crypto.verify(keys.sign_public, crypto.unb64(done.signature), signed_bytes(done.content))
    assert not crypto.verify(keys.sign_public, crypto.unb64(done.signature),
                             signed_bytes({**done.content, "label": "forged"}))
    (alert,) = evaluate_alerts(conn)
    assert (alert.disease, alert.rule) == ("animal_bite", "single_case")
    assert [v.version for v in published_versions(conn)] == [2]


def test_an_older_or_equal_version_and_a_broken_file_are_refused(conn, site) -> None:
    publish_registry(conn, version_2(), by="l.karimi")
    with pytest.raises(RegistryRefused, match="not newer than version 2. Give it version 3"):
        publish_registry(conn, version_2(), by="l.karimi")
    bad = version_2() | {"version": 3}
    bad["diseases"][0]["codes"] = [{"code": "cholera"}]
    with pytest.raises(RegistryRefused, match="diseases.0.codes.0.code"):
        publish_registry(conn, bad, by="l.karimi")
    with pytest.raises(RegistryRefused, match="not JSON"):
        publish_registry(conn, b"{not json", by="l.karimi")
    assert active_registry(conn).version == 2
