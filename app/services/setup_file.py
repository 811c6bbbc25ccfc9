"""Setting a laptop up from a file instead of typing: headquarters' laptop configuration (``sayyar server
laptop-config``: unit, device code, server address, headquarters' keys) or a laptop backup (restored, as
``sayyar restore``). The first-run screen and ``sayyar setup --config`` read files through here, so a wrong or
damaged file gets the same sentence everywhere."""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from app.services.errors import ServiceError
from app.sync.protocol import LaptopConfig

MAX_CONFIG_BYTES = 64 * 1024  # a configuration is a few hundred bytes; anything large is not one


@dataclass(frozen=True)
class SetupFile:
    kind: Literal["config", "backup"]
    path: Path
    config: LaptopConfig | None = None
    manifest: dict[str, Any] | None = None  # a backup's: laptop code, when it was made (no patient data)


def _not_a_setup_file(path: Path) -> ServiceError:
    return ServiceError(f"{path.name} is not a headquarters configuration file or a laptop backup (or it is "
                        "damaged). Ask headquarters for the laptop's configuration file (sayyar server "
                        "laptop-config), or choose the .sayyarbackup file.",
                        f"پروندهٔ {path.name} پروندهٔ پیکربندی ستاد یا نسخهٔ پشتیبان رایانه نیست (یا آسیب دیده است). "
                        "پروندهٔ پیکربندی این رایانه را از ستاد بخواهید، یا پروندهٔ ‎.sayyarbackup‎ را برگزینید.",
                        code="invalid")


def read_setup_file(path: Path) -> SetupFile:
    """What the file is, checked whole; a sentence naming the file and why when it cannot be used."""
    from app.core.reference import load_sample_site
    from app.services.backup import read_manifest

    if not path.is_file():
        raise ServiceError(f"There is no file {path}.", f"پرونده‌ای به نام {path} نیست.", code="invalid")
    if zipfile.is_zipfile(path):
        return SetupFile("backup", path, manifest=read_manifest(path))
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_CONFIG_BYTES + 1)
    except OSError:
        raise ServiceError(f"{path.name} could not be read.", f"پروندهٔ {path.name} خوانده نشد.", code="invalid") from None
    if len(data) > MAX_CONFIG_BYTES:
        raise _not_a_setup_file(path)
    try:
        config = LaptopConfig.model_validate_json(data)
    except ValidationError:
        try:
            doc = json.loads(data)
        except ValueError:
            raise _not_a_setup_file(path) from None
        if isinstance(doc, dict) and {"device_id", "token"} <= set(doc):
            raise ServiceError(f"{path.name} is an enrolment file: it is loaded after setup, by the unit "
                               "administrator in the Sync panel (Load enrolment…). Set the laptop up first, with "
                               "headquarters' configuration file or by typing.",
                               f"پروندهٔ {path.name} پروندهٔ ثبت رایانه است و پس از راه‌اندازی، در بخش همگام‌سازی به دست "
                               "مدیر واحد بار می‌شود (بارکردن ثبت…). نخست رایانه را راه‌اندازی کنید.",
                               code="invalid") from None
        raise _not_a_setup_file(path) from None
    units = {u.code for u in load_sample_site().units}
    if config.unit_code not in units:
        raise ServiceError(f"{path.name} names the unit {config.unit_code}, which this version of Sayyar does not "
                           f"know (it knows {', '.join(sorted(units))}).",
                           f"پروندهٔ {path.name} واحد {config.unit_code} را نام می‌برد که این نسخهٔ سیار آن را نمی‌شناسد.",
                           code="invalid")
    return SetupFile("config", path, config=config)
