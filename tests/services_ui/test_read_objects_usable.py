"""Objects a service returns from a read session must stay usable after the session closes (the UI shows them)."""

from pathlib import Path

from app.services.reference import list_facilities
from app.services.site import DEMO_PASSWORD, create_demo_site, sign_in


def test_facilities_from_a_read_keep_their_fields(tmp_path: Path) -> None:
    create_demo_site(tmp_path, with_staff=False)
    site = sign_in(tmp_path, "admin", DEMO_PASSWORD)
    try:
        facilities = list_facilities(site.ctx)
        assert facilities and all(f.name_en for f in facilities)
    finally:
        site.store.close()
