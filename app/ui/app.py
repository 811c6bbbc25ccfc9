"""The application controller: first run, sign-in, the day's window, locking, switching user and language."""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QApplication

from app.ui import i18n, prefs
from app.ui.drafts import DraftStore
from app.ui.ops import error_text, run_op
from app.ui.session import UiSession, _Unlocked  # noqa: F401 - re-exported for callers of app.ui.app
from app.ui.signin.lock import IdleWatcher
from app.ui.signin.window import SignInWindow

log = logging.getLogger("sayyar.ui.app")

# Every part a screen loads on first use. They are imported in the background once the first window is up (launch
# time), and a build that lacks one stops right there with a message, never later in the middle of a clinic day.
PRELOAD = ("app.services.site", "app.services.chart", "app.services.patient_search", "app.services.reference",
           "app.services.patients", "app.services.visits", "app.services.referrals", "app.services.roster",
           "app.services.insurance", "app.services.users", "app.services.printing", "app.printing.referral_slip",
           "app.printing.roster", "app.sync.client", "app.sync.bundle", "app.sync.engine", "app.sync.status")
# Screens: imported on the GUI thread once the rest is in.
PRELOAD_UI = ("app.ui.main_window", "app.ui.printing.preview", "app.ui.referrals.printing", "app.ui.sync.panel")
MISSING_EXIT = 3


# Busy texts shown on another object's window: QObject.tr would look them up under that window's class name, where the
# translation is not filed (sayyar_fa.ts keeps them under these contexts).
_tr = QCoreApplication.translate

class AppController(QObject):
    signin_shown = Signal()
    main_shown = Signal()
    preloaded = Signal()
    sync_started = Signal()
    broken = Signal(str)  # the name of the part that did not load

    def __init__(self, data_dir: Path, *, lock_seconds: float | None = None, preload: bool = True) -> None:
        super().__init__()
        self.preload = preload
        # Set once the background imports are done (or failed): sign-in's worker waits for it, so two worker
        # threads never import the same modules at once (a cross-thread import cycle can dead-lock or fail).
        self.imports_done = threading.Event()
        if not preload:
            self.imports_done.set()
        self.data_dir = data_dir
        self.prefs = prefs.load(data_dir)
        i18n.set_language(self.prefs.last_lang)
        self.store: Any = None
        self.keystore: Any = None
        self.session: UiSession | None = None
        self.signin: SignInWindow | None = None
        self.first_run: Any = None
        self.main: Any = None
        self._pending: _Unlocked | None = None
        self.sync: Any = None  # app.ui.sync.background.BackgroundSync, once an enrolled laptop is signed in
        self.idle = IdleWatcher(lock_seconds if lock_seconds is not None else self.prefs.lock_minutes * 60, self)
        self.idle.idle.connect(self.lock)
        app = QApplication.instance()
        app.installEventFilter(self.idle)
        app.aboutToQuit.connect(self.shutdown)

    # ----- start -----

    def start(self) -> None:
        # Only file checks here: the database layers are imported in the background once the window is up,
        # so the sign-in window appears as fast as a bare Qt window allows (bench/bench_ui_launch.py).
        from app.config import db_path, keystore_path

        if keystore_path(self.data_dir).exists() and db_path(self.data_dir).exists():
            self.show_signin()
        else:
            self.show_first_run()
        if self.preload:
            from PySide6.QtCore import QTimer

            QTimer.singleShot(0, self._preload)

    def _preload(self) -> None:
        import importlib

        def load() -> None:
            try:
                for name in PRELOAD:
                    importlib.import_module(name)
            finally:
                self.imports_done.set()

        def screens(_: object) -> None:
            try:
                for name in PRELOAD_UI:
                    importlib.import_module(name)
            except ImportError as err:
                self._missing_part(err)
                return
            self.preloaded.emit()

        run_op(None, load, screens, self._missing_part)

    def _missing_part(self, err: BaseException) -> None:
        """A part of the program did not load: say so and stop, before anyone types a record into it."""
        from PySide6.QtWidgets import QMessageBox

        name = getattr(err, "name", None) or type(err).__name__
        log.critical("a part of Sayyar is missing or broken: %s", name, exc_info=err)
        box = QMessageBox(QMessageBox.Icon.Critical, self.tr("Sayyar cannot start"),
                          self.tr("A part of Sayyar is missing or broken (%1), so it stops before any record is "
                                  "typed. Install Sayyar again; the records on this laptop are unchanged.")
                          .replace("%1", str(name)))
        box.setObjectName("missingPart")
        box.finished.connect(lambda _: QApplication.exit(MISSING_EXIT))
        self.missing_box = box
        box.open()
        self.broken.emit(str(name))

    def show_first_run(self) -> None:
        from app.ui.signin.first_run import open_first_run

        open_first_run(self)

    def _create_site(self, values: dict[str, Any]) -> None:
        from app.services.site import create_site

        window = self.first_run
        run_op(window, lambda: create_site(self.data_dir, **values), window.show_recovery_key,
               lambda err: window.fail(error_text(err)), _tr("window", "Creating the encrypted database…"))

    def _first_run_done(self) -> None:
        self.first_run.close()
        self.first_run.deleteLater()
        self.first_run = None
        self.show_signin()

    def show_signin(self, *, switching: bool = False) -> None:
        self.signin = SignInWindow(username="" if switching else self.prefs.last_username, switching=switching)
        self.signin.credentials.connect(self._credentials)
        self.signin.facility_chosen.connect(self._facility_chosen)
        self.signin.language_changed.connect(self._signin_language)
        self.signin.recover_requested.connect(self.show_recovery)
        self.signin.show()
        self.signin_shown.emit()

    def show_recovery(self) -> None:
        from app.ui.signin.recovery import RecoveryDialog

        self.recovery = RecoveryDialog(self.data_dir, self.signin)
        self.recovery.open()

    def _signin_language(self, lang: str) -> None:
        old = self.signin
        username = old.username.text()
        i18n.set_language(lang)
        self.prefs.last_lang = lang
        self.show_signin(switching=self.store is not None)
        self.signin.username.setText(username)
        self.signin.lang_touched = True
        old.close()
        old.deleteLater()

    # ----- sign-in -----

    def _unlock(self, username: str, password: str) -> _Unlocked:
        """Worker thread: argon2 and the database open take ~0.5 s."""
        self.imports_done.wait(timeout=120)
        from app.services.reference import list_facilities, list_users
        from app.services.site import SignInFailed, check_granted_role, context_for, sign_in

        if self.store is None:
            site = sign_in(self.data_dir, username, password)
            store, keystore, ctx = site.store, site.keystore, site.ctx
        else:
            store, keystore = self.store, self.keystore
            from app.security.keystore import KeystoreError

            try:
                from app.sync.anchor import certified_grant_key

                result = keystore.unlock(username, password, anchor=lambda _key: certified_grant_key(store))
            except KeystoreError as err:
                raise SignInFailed(str(err.message), str(err.message_fa)) from None
            ctx = context_for(store, result.user_id)
            check_granted_role(keystore, str(result.role), ctx, db_key=result.db_key, username=username)
        user = next((u for u in list_users(ctx) if u.id == ctx.user_id), None)
        facilities = list_facilities(ctx, unit_id=ctx.unit_id) if ctx.unit_id else list_facilities(ctx)
        labels = [(f.id, f.name_en, f.name_fa) for f in facilities]
        names = (user.full_name_en, user.full_name_fa) if user else ("", "")
        return _Unlocked(store, keystore, ctx, username, names, labels)

    def _credentials(self, username: str, password: str) -> None:
        window = self.signin
        run_op(window, lambda: self._unlock(username, password), self._unlocked,
               lambda err: window.fail(error_text(err)), _tr("window", "Signing in…"))

    def _unlocked(self, result: _Unlocked) -> None:
        self.store, self.keystore = result.store, result.keystore
        self._pending = result
        user_prefs = self.prefs.for_user(result.ctx.user_id)
        if self.signin is not None and not self.signin.lang_touched and user_prefs.lang != i18n.current_lang():
            # The person's own language, remembered from last time, unless they just picked one on this screen.
            i18n.set_language(user_prefs.lang)
            old = self.signin
            self.show_signin(switching=True)
            self.signin.username.setText(result.username)
            old.close()
            old.deleteLater()
        self.signin.ask_facility(result.full_name, result.facility_labels(), user_prefs.facility_id)

    def _facility_chosen(self, facility_id: str) -> None:
        result = self._pending
        if result is None or not facility_id:
            return
        self._pending = None
        result.ctx.facility_id = facility_id
        result.ctx.lang = i18n.current_lang()
        self.prefs = prefs.load(self.data_dir)  # the Sync panel may have written since start
        user_prefs = self.prefs.for_user(result.ctx.user_id)
        user_prefs.lang = i18n.current_lang()
        user_prefs.facility_id = facility_id
        self.prefs.last_username = result.username
        self.prefs.last_lang = i18n.current_lang()
        prefs.save(self.data_dir, self.prefs)
        facility = next(((en, fa) for fid, en, fa in result.facilities if fid == facility_id), ("", ""))
        self.session = UiSession(self.data_dir, result.store, result.keystore, result.ctx, result.username,
                                 result.names, facility, DraftStore(self.data_dir, result.ctx.user_id,
                                                                    result.store.drafts_key))
        self._open_main()
        if self.signin is not None:
            self.signin.close()
            self.signin.deleteLater()
            self.signin = None
        self._start_sync()

    # ----- background sync -----

    def _start_sync(self) -> None:
        """After sign-in: start background sync on an enrolled laptop (once), or let it go on for this person."""
        if self.sync is not None:
            self.sync.resume(self.session.ctx if self.session else None)
            return
        from app.ui.sync.background import is_enrolled

        store = self.store
        run_op(None, lambda: is_enrolled(store), self._sync_checked, lambda err: log.warning(
            "could not read the sync enrolment: %s", type(err).__name__))

    def laptop_enrolled(self) -> None:  # the Sync panel loaded an enrolment: background sync starts at once
        if self.session is not None:
            self._start_sync()

    def _sync_checked(self, enrolled: bool) -> None:
        if not enrolled or self.store is None or self.sync is not None:
            return
        from app.ui.sync.background import BackgroundSync

        self.sync = BackgroundSync(self.store, enabled=self.prefs.auto_sync, parent=self, keystore=self.keystore)
        self.sync.start()
        if self.main is not None:
            self.main.attach_sync(self.sync)
        if self.session is not None and (self.main is None or not self.main.is_locked()):
            self.sync.resume(self.session.ctx)
        self.sync_started.emit()

    def set_auto_sync(self, enabled: bool) -> None:
        """The unit administrator's switch in the Sync panel (the panel checks the role)."""
        self.prefs = prefs.load(self.data_dir)
        self.prefs.auto_sync = enabled
        prefs.save(self.data_dir, self.prefs)
        if self.sync is not None:
            self.sync.set_enabled(enabled)

    def _open_main(self, reopen: list[tuple[str, dict[str, Any]]] | None = None) -> None:
        from app.ui.main_window import MainWindow

        assert self.session is not None
        self.main = MainWindow(self.session, self)
        if self.sync is not None:
            self.main.attach_sync(self.sync)
        self.main.show()
        for kind, args in reopen or []:
            self.main.open_form(kind, args, auto_restore=True)
        self.main.activateWindow()
        self.main.focus_current()  # after "Start the day": the cursor in the search box, not on the tab bar
        from app.ui.immunisation.daily import DueRefresher

        self.due_refresh = getattr(self, "due_refresh", None) or DueRefresher(self)
        self.due_refresh.watch(self.session.ctx)  # due lists follow the calendar (on opening, at each new day)
        self.idle.arm(True)
        self.main_shown.emit()

    # ----- during the day -----

    def lock(self) -> None:
        if self.main is not None:
            self.main.lock()  # holds background sync too

    def unlock(self, password: str) -> None:
        session, main = self.session, self.main
        if session is None or main is None:
            return

        def check() -> None:
            from app.security.keystore import KeystoreError
            from app.services.site import SignInFailed

            try:
                session.keystore.unlock(session.username, password)
            except KeystoreError as err:
                raise SignInFailed(str(err.message), str(err.message_fa)) from None

        run_op(main, check, lambda _: self._unlocked_again(), lambda err: main.lock_page.reset(error_text(err)),
               _tr("main", "Checking the password…"))

    def _unlocked_again(self) -> None:
        if self.main is not None:
            self.main.unlock()
            self.idle.arm(True)
            if self.sync is not None and self.session is not None:
                self.sync.resume(self.session.ctx)

    def switch_user(self) -> None:
        """Close this person's window (their drafts are saved); the store and its queued changes stay as they are."""
        self.idle.arm(False)
        if self.sync is not None:
            self.sync.pause()  # nobody signed in: the queue waits (nothing in it is lost)
        if self.main is not None:
            self.main.flush_drafts()
            self.main.closing_for_switch = True
            self.main.close()
            self.main.deleteLater()
            self.main = None
        self.session = None
        self.show_signin(switching=True)

    def change_language(self, lang: str) -> None:
        """Rebuild the window in the new language; open forms come back with what was typed (via their drafts)."""
        if self.session is None or self.main is None or lang == i18n.current_lang():
            return
        reopen = self.main.open_forms()
        self.main.flush_drafts()
        self.main.closing_for_switch = True
        self.main.close()
        self.main.deleteLater()
        i18n.set_language(lang)
        self.session.ctx.lang = lang
        self.prefs = prefs.load(self.data_dir)
        self.prefs.for_user(self.session.ctx.user_id).lang = lang
        self.prefs.last_lang = lang
        prefs.save(self.data_dir, self.prefs)
        self._open_main(reopen)

    def shutdown(self) -> None:
        if self.main is not None:
            self.main.flush_drafts()
        if self.sync is not None:
            self.sync.stop()
            self.sync = None
        if self.store is not None:
            from app.ui.ops import pool

            pool().waitForDone(5000)  # let running writes commit before the file closes
            self.store.close()
            self.store = None
