"""the search index's name rows end in the patient's birth year

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03

Issue 15: a birth year typed after a common name ranked some 800 namesakes one by one, reading each one's year from
the patient table. Each name row of the index now ends in a character for the patient's birth year, sex and
estimated flag, year-major (app.store.search_index, index version 5), so such a query reads the namesakes of the
same and nearby years as a few narrow ranges. Derived data, never synced: every patient's tokens are computed again
from the records, in this migration's transaction (a failure leaves the previous index, to be rebuilt at the next
opening; the file was copied aside first). No synced record changes.
"""

from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from app.store.search_index import rebuild_index

    # The duplicates review is not told every patient changed: its blocks read only the pair, phone and document
    # tokens, which carry no year and are made as before (a full review of every patient would follow for nothing).
    rebuild_index(op.get_bind(), review=False)


def downgrade() -> None:
    # The older version's exact look-ups do not read rows that end in a year: its index is emptied here, and an
    # older Sayyar finds its patients again only after its index is made anew (`rebuild_index`).
    op.execute("DELETE FROM patient_search")
    op.execute("DELETE FROM patient_search_patient")
