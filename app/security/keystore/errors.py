"""Keystore errors. Every error carries a human message in English and Persian; the UI shows one of them.

Messages never contain passwords, keys or recovery keys.
"""

from __future__ import annotations

from datetime import datetime

from app.security.keystore.model import MIN_PASSWORD_LENGTH

_FA_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def _fa(text: str) -> str:
    """Persian text shows Persian digits."""
    return text.translate(_FA_DIGITS)


class KeystoreError(Exception):
    """Base class of every keystore error. ``message`` / ``message_fa`` are safe to show to the user."""

    message: str = "The keystore could not be used."
    message_fa: str = "فایل کلیدها قابل استفاده نیست."

    def __init__(self, message: str | None = None, message_fa: str | None = None) -> None:
        if message is not None:
            self.message = message
        if message_fa is not None:
            self.message_fa = message_fa
        super().__init__(self.message)


class KeystoreCorrupt(KeystoreError):
    """The file is missing parts, is not JSON, or has a version this program does not know."""


class KeystoreWriteError(KeystoreError):
    """Saving failed; the previous file is left as it was."""

    message = "The keystore could not be saved. Nothing was changed. Check that the disk is not full."
    message_fa = "فایل کلیدها ذخیره نشد و چیزی تغییر نکرد. بررسی کنید که دیسک پر نباشد."


class RoleNotGranted(KeystoreError):
    """The role in the keystore is not one a unit administrator signed (edited outside Sayyar)."""

    message = (
        "This account's role on this laptop was not granted by a unit administrator (it was changed outside "
        "Sayyar). Ask the unit administrator to set the role again."
    )
    message_fa = (
        "نقش این حساب در این رایانه را مدیر واحد نداده است (بیرون از سیار تغییر کرده است). "
        "از مدیر واحد بخواهید نقش را دوباره تعیین کند."
    )


class GrantKeyNotCertified(KeystoreError):
    """keystore.json carries a grant key other than the one headquarters certified for this laptop: the file was
    rewritten outside Sayyar, so no role it signs is believed (app.sync.anchor)."""

    message = (
        "This laptop's key file was changed outside Sayyar: the key that signs roles is not the one headquarters "
        "certified for this laptop, so nobody's role in it can be trusted. A unit administrator's sign-in repairs "
        "it; otherwise ask headquarters."
    )
    message_fa = (
        "فایل کلیدهای این رایانه بیرون از سیار تغییر کرده است: کلیدی که نقش‌ها را امضا می‌کند همان کلیدی نیست که ستاد "
        "برای این رایانه تأیید کرده است، پس نقش هیچ‌کس در آن قابل اعتماد نیست. ورود مدیر واحد آن را درست می‌کند؛ "
        "وگرنه از ستاد کمک بخواهید."
    )


class NotAGrantor(KeystoreError):
    """Only a unit administrator who signed in on this laptop holds the key that signs roles."""

    message = ("Only a unit administrator signed in on this laptop can give someone a role here. Sign in as the "
               "unit administrator and try again.")
    message_fa = ("فقط مدیر واحدی که در این رایانه وارد شده است می‌تواند به کسی نقش بدهد. "
                  "با حساب مدیر واحد وارد شوید و دوباره تلاش کنید.")


class EntryDamaged(KeystoreError):
    """The password was right but the wrapped key does not decrypt: the entry was altered or damaged."""

    message = (
        "This user's key entry is damaged or has been altered. "
        "Sign in with the recovery key and reset this user's password."
    )
    message_fa = (
        "اطلاعات کلید این کاربر آسیب دیده یا دستکاری شده است. "
        "با کلید بازیابی وارد شوید و گذرواژهٔ این کاربر را از نو تعیین کنید."
    )


class AuthenticationError(KeystoreError):
    """Base of sign-in failures."""


class BadCredentials(AuthenticationError):
    """Unknown user or wrong password: deliberately the same message so user names are not revealed."""

    def __init__(self, attempts_remaining: int) -> None:
        self.attempts_remaining = attempts_remaining
        en = "Wrong user name or password."
        fa = "نام کاربری یا گذرواژه نادرست است."
        if attempts_remaining <= 3:
            en += f" {attempts_remaining} attempts left before the account is locked."
            fa += _fa(f" {attempts_remaining} بار دیگر می‌توانید تلاش کنید؛ پس از آن حساب قفل می‌شود.")
        super().__init__(en, fa)


class UnknownUser(BadCredentials):
    pass


class WrongPassword(BadCredentials):
    pass


class _BadPassword(Exception):
    """Internal: the verifier did not match. unlock() turns it into WrongPassword with the real count."""


class TooManyAttempts(AuthenticationError):
    def __init__(self, retry_after_seconds: int) -> None:
        self.retry_after_seconds = retry_after_seconds
        super().__init__(
            f"Too many wrong attempts. Wait {retry_after_seconds} seconds and try again.",
            _fa(f"تلاش نادرست زیاد بود. {retry_after_seconds} ثانیه صبر کنید و دوباره امتحان کنید."),
        )


class AccountLocked(AuthenticationError):
    def __init__(self, until: datetime, minutes_left: int) -> None:
        self.until = until
        self.minutes_left = minutes_left
        super().__init__(
            f"Too many wrong attempts. This account is locked for {minutes_left} more minutes, "
            "or until an administrator resets the password.",
            _fa(
                f"تلاش نادرست زیاد بود. این حساب تا {minutes_left} دقیقهٔ دیگر قفل است، "
                "یا تا وقتی که مدیر گذرواژه را از نو تعیین کند."
            ),
        )


class WeakPassword(KeystoreError, ValueError):
    message = f"The password must have at least {MIN_PASSWORD_LENGTH} characters."
    message_fa = _fa(f"گذرواژه باید دست‌کم {MIN_PASSWORD_LENGTH} نویسه داشته باشد.")


class InvalidUserName(KeystoreError, ValueError):
    message = "The user name is empty or not allowed."
    message_fa = "نام کاربری خالی یا نامجاز است."


class UserExists(KeystoreError):
    message = "A user with this user name or id already exists."
    message_fa = "کاربری با این نام کاربری یا شناسه از پیش وجود دارد."


class NoSuchUser(KeystoreError):
    """A management call named a user that does not exist (sign-in uses UnknownUser instead)."""

    message = "There is no user with this user name."
    message_fa = "کاربری با این نام کاربری وجود ندارد."


class LastUser(KeystoreError):
    message = "The last user cannot be removed."
    message_fa = "آخرین کاربر را نمی‌توان حذف کرد."


class WrongDatabaseKey(KeystoreError):
    """A management call was given a key that is not this keystore's database key (a programming error)."""

    message = "The database key given does not belong to this keystore."
    message_fa = "کلید پایگاه داده به این فایل کلیدها تعلق ندارد."


class InvalidRecoveryKey(KeystoreError):
    """Base of recovery-key failures."""


class RecoveryKeyMistyped(InvalidRecoveryKey):
    """The text is not a valid recovery key (its check group does not match): a typing mistake."""

    message = "Check the recovery key: one of the groups is mistyped."
    message_fa = "کلید بازیابی را بررسی کنید: یکی از گروه‌ها نادرست وارد شده است."


class WrongRecoveryKey(InvalidRecoveryKey):
    """A well-formed recovery key that does not open this keystore (e.g. replaced, or another laptop's)."""

    message = "This recovery key does not belong to this laptop, or it has been replaced by a newer one."
    message_fa = "این کلید بازیابی مال این رایانه نیست، یا کلید تازه‌تری جای آن را گرفته است."



def _corrupt(detail: str) -> KeystoreCorrupt:
    return KeystoreCorrupt(
        f"The keystore file is damaged ({detail}). Restore it from a backup or set up this laptop again.",
        f"فایل کلیدها آسیب دیده است ({detail}). آن را از نسخهٔ پشتیبان برگردانید یا این رایانه را از نو راه‌اندازی کنید.",
    )
