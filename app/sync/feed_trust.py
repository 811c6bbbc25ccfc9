"""Reference data in the change feed is signed by headquarters and verified by the laptop before it is applied
(trust rules, docs/architecture.md): a server address changed by someone at the laptop, or a forged answer, cannot
make a clinician a unit administrator, lock out an administrator or switch off a notifiable disease."""

from __future__ import annotations

import json

from app.sync import crypto
from app.sync.protocol import FeedItem


def item_bytes(item: FeedItem) -> bytes:
    """What is signed: the record as the feed delivers it, in one canonical JSON form."""
    doc = {"entity": item.entity, "record_id": item.record_id, "version": item.version, "hlc": item.hlc,
           "payload": item.payload}
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sign_item(item: FeedItem, sign_private: bytes) -> FeedItem:
    return item.model_copy(update={"signature": crypto.b64(crypto.sign(sign_private, item_bytes(item)))})


def verified(item: FeedItem, sign_public: bytes | None) -> bool:
    if not item.signature or sign_public is None:
        return False
    try:
        signature = crypto.unb64(item.signature, 64)
    except crypto.EnvelopeError:
        return False
    return crypto.verify(sign_public, signature, item_bytes(item))
