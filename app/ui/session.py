"""Who is working where, for the screens: the unlocked store before the facility is chosen, then the session."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.ui import i18n
from app.ui.drafts import DraftStore

if TYPE_CHECKING:
    from app.services.context import Ctx


@dataclass
class UiSession:
    """Everything a screen needs about who is working where. The store stays open across user switches."""

    data_dir: Path
    store: Any
    keystore: Any
    ctx: Ctx
    username: str
    names: tuple[str, str]  # English and Persian: the title and status bar follow a language switch
    facility_names: tuple[str, str]
    drafts: DraftStore

    @property
    def full_name(self) -> str:
        return i18n.pick(*self.names) or self.username

    @property
    def facility_name(self) -> str:
        return i18n.pick(*self.facility_names)


@dataclass
class _Unlocked:
    store: Any
    keystore: Any
    ctx: Ctx
    username: str
    names: tuple[str, str]  # English and Persian: the language may still change before the window opens
    facilities: list[tuple[str, str, str]]  # id, English and Persian names

    def facility_labels(self) -> list[tuple[str, str]]:
        return [(fid, i18n.pick(en, fa)) for fid, en, fa in self.facilities]

    @property
    def full_name(self) -> str:
        return i18n.pick(*self.names) or self.username
