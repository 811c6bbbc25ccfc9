"""the search index files a compound's parts under kinds of their own

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02

Issue 15: the spelling, cross-script and skeleton keys of a compound's parts (محمد and رضا in محمدرضا) were filed
as the whole name's keys were, so for Mohammad a patient named محمدرضا ranked beside one named محمد. They now have
kinds of their own (app.store.search_index, index version 4), and a part is filed as written only where it is
written so. Derived data, never synced: every patient's tokens are computed again from the records, in this
migration's transaction (a failure leaves the previous index, to be rebuilt at the next opening; the file was copied aside first). No
synced record changes.
"""

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from app.store.search_index import rebuild_index

    # The duplicates review is not told every patient changed: its blocks read only the pair, phone and document
    # tokens, which this version makes as before (a full review of every patient would follow for nothing).
    rebuild_index(op.get_bind(), review=False)


def downgrade() -> None:
    # The older version reads the tokens it knows; the part kinds would only be rows it never asks for, and its
    # own spelling rows of the parts would be missing. Rebuilt by the older code's own means: emptied here, and
    # an older Sayyar finds its patients again only after its index is made anew (`rebuild_index`).
    op.execute("DELETE FROM patient_search")
    op.execute("DELETE FROM patient_search_patient")
