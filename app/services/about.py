"""What this copy of Sayyar is: its version and the laptop database schema it writes (the About box; support asks
for both after an upgrade)."""

from __future__ import annotations

from dataclasses import dataclass

from app import __version__


@dataclass(frozen=True)
class About:
    version: str
    schema: str  # the newest Alembic revision of the laptop database this copy creates or upgrades to


def about() -> About:
    from app.store.migrate import HEAD_REVISION

    return About(version=__version__, schema=HEAD_REVISION)
