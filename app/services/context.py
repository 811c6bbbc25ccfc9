"""Who is acting, where, and through which store: passed to every service call."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from app.security.roles import Action, can
from app.services.errors import PermissionDenied, from_pydantic
from app.store import Store

M = TypeVar("M", bound=BaseModel)


@dataclass
class Ctx:
    store: Store
    user_id: str
    role: str
    unit_id: str | None = None
    facility_id: str | None = None
    lang: str = "en"
    # Injected in tests so "no dates in the future" can be checked against a fixed day.
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(timezone.utc))

    def require(self, action: Action) -> None:
        if not can(self.role, action):
            raise PermissionDenied(action.value, self.role)

    def now(self) -> datetime:
        return self.clock()

    def today(self) -> date:
        # The laptop's local calendar day: what a clinician means by "today".
        return self.clock().astimezone().date()

    def write(self):  # type: ignore[no-untyped-def]
        return self.store.write(self.user_id)

    def read(self):  # type: ignore[no-untyped-def]
        return self.store.read()


def parse(model: type[M], data: M | dict[str, Any], ctx: Ctx | None = None) -> M:
    """Validate input, turning pydantic's errors into a bilingual ValidationFailed naming each field.

    Validators find "today" and "now" in the validation context, so future-date checks follow the service's clock.
    """
    if isinstance(data, BaseModel):
        data = data.model_dump()
    now = ctx.now() if ctx else datetime.now(timezone.utc)
    today = ctx.today() if ctx else date.today()
    try:
        return model.model_validate(data, context={"today": today, "now": now})
    except ValidationError as err:
        raise from_pydantic(err) from None
