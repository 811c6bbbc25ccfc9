"""The published JSON Schema is generated from the protocol models and must be current."""

from app.sync.schema import SCHEMA_PATH, render


def test_published_schema_is_current() -> None:
    assert SCHEMA_PATH.read_text(encoding="utf-8") == render(), "run: python -m app.sync.schema"


def test_schema_names_every_message() -> None:
    text = render()
    for name in ("ChangeBatch", "BatchAck", "FeedPage", "BundleManifest", "SignedReceipt", "DeviceHello"):
        assert f'"{name}"' in text
