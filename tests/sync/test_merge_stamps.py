"""A new shared record is stored without per-field stamps (app.server.writer): merging a later change against it
gives exactly what merging against a stamp per field, each the record's own, gives."""

from __future__ import annotations

import pytest

from app.server.merge import merge_shared, mergeable_fields
from app.sync.protocol import ChangeEntry


@pytest.mark.parametrize("changed", [None, ["given_name_latin"], ["given_name_latin", "phone"]])
def test_no_stamps_merge_as_every_field_at_the_record_stamp(changed: list[str] | None) -> None:
    """A new shared record is stored without per-field stamps (app.server.writer); merging against it must give
    what merging against forty stamps equal to the record's own gives: same row, same stamps, same conflicts."""
    cur = {f: None for f in mergeable_fields("patient")}
    cur.update(id="p1", version=1, hlc="1772357400000:00000:aaa", given_name_latin="Ali", phone="0912")
    incoming = dict(cur, version=2, given_name_latin="Aly", phone="0913")
    for hlc, base in [("1772357500000:00000:bbb", "1772357400000:00000:aaa"), ("1772357300000:00000:bbb", ""),
                      ("1772357500000:00000:bbb", "1772357300000:00000:aaa")]:
        entry = ChangeEntry(seq=1, entity="patient", record_id="p1", op="update", payload={}, hlc=hlc,
                            changed=changed, base_hlc=base)
        none = merge_shared("patient", cur, None, dict(incoming, hlc=hlc), entry)
        every = merge_shared("patient", cur, dict.fromkeys(mergeable_fields("patient"), cur["hlc"]),
                             dict(incoming, hlc=hlc), entry)
        assert (none.row, none.stamps, none.conflicts) == (every.row, every.stamps, every.conflicts)
