"""Typed service errors. Each names the field at fault and reads well in English and Persian."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from app.services.messages import error_text, field_label


@dataclass(frozen=True)
class FieldError:
    field: str
    code: str
    message_en: str
    message_fa: str

    def message(self, lang: str = "en") -> str:
        return self.message_fa if lang == "fa" else self.message_en


class ServiceError(Exception):
    def __init__(self, message_en: str, message_fa: str, *, code: str = "error") -> None:
        super().__init__(message_en)
        self.message_en = message_en
        self.message_fa = message_fa
        self.code = code

    def message(self, lang: str = "en") -> str:
        return self.message_fa if lang == "fa" else self.message_en


class ValidationFailed(ServiceError):
    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        super().__init__(
            "; ".join(e.message_en for e in errors), "؛ ".join(e.message_fa for e in errors), code="invalid"
        )

    def for_field(self, name: str) -> list[FieldError]:
        return [e for e in self.errors if e.field == name or e.field.startswith(name + ".")]


class NotFound(ServiceError):
    def __init__(self, what_en: str, what_fa: str, ident: str) -> None:
        super().__init__(f"No {what_en} with id {ident}.", f"{what_fa} با شناسه {ident} پیدا نشد.", code="not_found")


class PermissionDenied(ServiceError):
    def __init__(self, action: str, role: str) -> None:
        from app.security.roles import role_label

        en, fa = role_label(role)
        label_en, label_fa = error_text(f"action.{action}")
        super().__init__(
            f"A {en} may not {label_en}. Ask a colleague whose role allows it, or the unit administrator.",
            f"نقش «{fa}» اجازهٔ {label_fa} را ندارد. از همکاری با نقش مجاز یا مدیر واحد کمک بگیرید.",
            code="forbidden",
        )


@dataclass
class DuplicateCandidate:
    patient_id: str
    code: str
    display_name: str
    father_name: str
    sex: str
    birth_year: int
    reasons: list[str] = field(default_factory=list)  # "what:how" codes, e.g. "given:script", "phone:same"
    strong: bool = False  # the same document
    score: float = 0.0


class DuplicateSuspected(ServiceError):
    def __init__(self, candidates: list[DuplicateCandidate]) -> None:
        self.candidates = candidates
        super().__init__(
            f"This person may already be registered ({len(candidates)} possible match(es)). Open the existing record, "
            "or register anyway giving a reason.",
            f"ممکن است این فرد قبلاً ثبت شده باشد ({len(candidates)} مورد مشابه). پروندهٔ موجود را باز کنید یا با ذکر "
            "دلیل، ثبت را ادامه دهید.",
            code="duplicate",
        )


def field_error(field_path: str, code: str, /, **params: Any) -> FieldError:
    label_en, label_fa = field_label(field_path)
    text_en, text_fa = error_text(code, **params)
    return FieldError(field_path, code, f"{label_en}: {text_en}", f"{label_fa}: {text_fa}")


def from_pydantic(err: ValidationError) -> ValidationFailed:
    errors = []
    for e in err.errors():
        path = ".".join(str(p) for p in e["loc"]) or "form"
        ctx = dict(e.get("ctx") or {})
        code = e["type"]
        if code == "value_error" and "error" in ctx:
            # A plain ValueError from a validator: its text is already a sentence.
            ctx = {"detail": str(ctx["error"])}
        errors.append(field_error(path, code, **ctx))
    return ValidationFailed(errors)
