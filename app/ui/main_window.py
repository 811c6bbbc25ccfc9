"""The day's window: patients search first, then charts and forms as tabs; sync status always in the status bar."""

from __future__ import annotations

from typing import Any

import shiboken6
from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QMainWindow, QStackedWidget, QTabWidget, QWidget

from app.security.roles import Action, can
from app.ui import i18n, labels
from app.ui.signin.lock import LockPage


class MainWindow(QMainWindow):
    def __init__(self, session: Any, controller: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.session = session
        self.ctx = session.ctx
        self.controller = controller
        self.closing_for_switch = False
        self.setWindowTitle(self.tr("Sayyar — %1 at %2").replace("%1", session.full_name)
                            .replace("%2", session.facility_name))
        self.stack = QStackedWidget(self)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("tabs")
        self.tabs.setDocumentMode(True)
        self.tabs.setTabsClosable(True)
        self.tabs.tabCloseRequested.connect(self.close_tab)
        self.tabs.currentChanged.connect(lambda _i: QTimer.singleShot(0, self.focus_current))
        self._front: QWidget | None = None
        self.tabs.currentChanged.connect(self._front_changed)
        self.lock_page = LockPage(session.full_name, self)
        self.lock_page.unlock.connect(controller.unlock)
        self.lock_page.switch_user.connect(controller.switch_user)
        self.stack.addWidget(self.tabs)
        self.stack.addWidget(self.lock_page)
        self.setCentralWidget(self.stack)

        from app.ui.patients.search import PatientSearchView

        self.search = PatientSearchView(session, self)
        self.search.open_patient.connect(self.open_chart)
        self.search.register.connect(lambda: self.open_form("register", {}))
        self.search.open_draft.connect(lambda d: self.open_form(d.kind, d.args))
        self.tabs.addTab(self.search, self.tr("Patients"))
        self.tabs.tabBar().setTabButton(0, self.tabs.tabBar().ButtonPosition.RightSide, None)
        self.tabs.tabBar().setTabButton(0, self.tabs.tabBar().ButtonPosition.LeftSide, None)
        self._menus()
        self._status_bar()
        self.resize(1180, 760)

    def _menus(self) -> None:
        bar = self.menuBar()
        session = bar.addMenu(self.tr("&Session"))
        self._add(session, self.tr("Lock now"), "Ctrl+L", self.lock)
        self._add(session, self.tr("Switch user"), None, self.controller.switch_user)
        language = session.addMenu(self.tr("Language"))
        for code, name in i18n.LANGUAGES.items():
            act = language.addAction(name)
            act.setCheckable(True)
            act.setChecked(code == i18n.current_lang())
            act.triggered.connect(lambda _=False, c=code: self.controller.change_language(c))
        self._add(session, self.tr("Quit"), QKeySequence.StandardKey.Quit, self.close)
        patients = bar.addMenu(self.tr("&Patients"))
        self._add(patients, self.tr("Find a patient"), "Ctrl+F", self.focus_search)
        if can(self.ctx.role, Action.REGISTER_PATIENT):
            self._add(patients, self.tr("Register a patient"), "Ctrl+N", lambda: self.open_form("register", {}))
        # The day's actions on the screen in front: the chart's new visit, the visit's referral, its print.
        if can(self.ctx.role, Action.RECORD_VISIT):
            self._add(patients, self.tr("New visit for this patient"), "Ctrl+Shift+V",
                      lambda: self._on_current("new_visit_from_keyboard"))
        if can(self.ctx.role, Action.REFER_PATIENT):
            self._add(patients, self.tr("Refer this patient"), "Ctrl+Shift+R",
                      lambda: self._on_current("refer_from_keyboard"))
        self._add(patients, self.tr("Print"), QKeySequence.StandardKey.Print,
                  lambda: self._on_current("print_from_keyboard"))
        if can(self.ctx.role, Action.REVIEW_DUPLICATES):
            self._add(patients, self.tr("Possible duplicates…"), None, lambda: self.open_form("duplicates", {}))
        day = bar.addMenu(self.tr("&Day"))
        if can(self.ctx.role, Action.VIEW_ROSTER):
            self._add(day, self.tr("Day plan (roster)"), "Ctrl+R", lambda: self.open_form("roster", {}))
            self._add(day, self.tr("Day summary"), "Ctrl+D", lambda: self.open_form("summary", {}))
            self._add(day, self.tr("Vaccinations due"), None, lambda: self.open_form("due", {}))
        if can(self.ctx.role, Action.RUN_CAMPAIGN):
            self._add(day, self.tr("Vaccination campaign tally"), None, lambda: self.open_form("campaign", {}))
        sync = bar.addMenu(self.tr("S&ync"))
        self._add(sync, self.tr("Sync panel"), "Ctrl+Shift+S", lambda: self.open_form("sync", {}))
        help_menu = bar.addMenu(self.tr("&Help"))
        self._add(help_menu, self.tr("About Sayyar"), None, self.show_about)
        self._add(session, self.tr("Close tab"), "Ctrl+W", lambda: self.close_tab(self.tabs.currentIndex()))
        # Ctrl+S saves the form in front, so a whole visit can be recorded without the mouse.
        self._add(patients, self.tr("Save the open form"), QKeySequence.StandardKey.Save, self._save_current)

    def show_about(self) -> None:
        """Version and schema revision: what support asks first after an upgrade."""
        from PySide6.QtWidgets import QMessageBox

        from app.services.about import about

        info = about()
        box = QMessageBox(QMessageBox.Icon.Information, self.tr("About Sayyar"),
                          self.tr("Sayyar %1\nDatabase schema %2\n\nRecords of IOM Iran's mobile health units.")
                          .replace("%1", info.version).replace("%2", info.schema), QMessageBox.StandardButton.Ok,
                          self)
        box.setObjectName("aboutBox")
        self.about_box = box
        box.open()

    def _add(self, menu: Any, text: str, shortcut: Any, slot: Any) -> QAction:
        act = menu.addAction(text)
        if shortcut:
            act.setShortcut(QKeySequence(shortcut))
        act.triggered.connect(lambda _=False: slot())
        return act

    def _status_bar(self) -> None:
        from app.ui.sync.status import SyncStatusWidget

        who = QLabel(f"{self.session.full_name} ({labels.role(self.ctx.role)}) · {self.session.facility_name}", self)
        who.setObjectName("whoLabel")
        self.statusBar().addWidget(who)
        self.sync_status = SyncStatusWidget(self.session, self)
        self.sync_status.clicked.connect(lambda: self.open_form("sync", {}))
        self.statusBar().addPermanentWidget(self.sync_status)

    # ----- tabs -----

    def _save_current(self) -> None:
        save = getattr(self.tabs.currentWidget(), "save_from_keyboard", None)
        if save is not None:
            save()

    def _on_current(self, name: str) -> None:
        action = getattr(self.tabs.currentWidget(), name, None)
        if action is not None:
            action()

    def focus_current(self, opened: bool = False) -> None:
        """The cursor in the first useful field of the screen in front. On a screen just opened always (Qt puts
        it on whatever comes first); on one brought back to the front only if it is not already inside it."""
        widget = self.tabs.currentWidget()
        if widget is None or self.is_locked():
            return
        focus = QApplication.focusWidget()
        if not opened and focus is not None and widget.isAncestorOf(focus) and focus.isVisible() \
                and focus.isEnabled():
            return
        target = first_field(widget, self.search)
        if target is not None:
            target.setFocus()
            if isinstance(target, QLineEdit) and widget is self.search:
                target.selectAll()

    def focus_search(self) -> None:
        self.tabs.setCurrentIndex(0)
        self.search.query.setFocus()
        self.search.query.selectAll()

    def _front_changed(self, _index: int) -> None:
        """What a form said in the status line ("Not saved: 5 fields need attention") is about that form: it goes
        when another tab comes to the front, instead of standing over the next screen for its 15 seconds."""
        old, self._front = self._front, self.tabs.currentWidget()
        said = getattr(old, "said", "") if old is not None and shiboken6.isValid(old) else ""
        if said and self.statusBar().currentMessage() == said:
            self.statusBar().clearMessage()

    def _find_tab(self, key: str) -> int:
        for i in range(self.tabs.count()):
            if getattr(self.tabs.widget(i), "key", None) == key:
                return i
        return -1

    def add_tab(self, widget: QWidget, title: str) -> QWidget:
        index = self.tabs.addTab(widget, title)
        self.tabs.setCurrentIndex(index)
        QTimer.singleShot(0, lambda: self.focus_current(opened=True))  # once the tab is shown: the first keystroke is never lost
        if hasattr(widget, "title_changed"):
            widget.title_changed.connect(lambda t, w=widget: self.tabs.setTabText(self.tabs.indexOf(w), t))
        return widget

    def open_chart(self, patient_id: str) -> QWidget:
        from app.ui.patients.chart import ChartView

        index = self._find_tab(f"chart-{patient_id}")
        if index >= 0:
            self.tabs.setCurrentIndex(index)
            self.tabs.widget(index).reload()
            return self.tabs.widget(index)
        view = ChartView(self.session, patient_id, self)
        return self.add_tab(view, self.tr("Patient"))

    def open_form(self, kind: str, args: dict[str, Any], *, auto_restore: bool = False) -> QWidget | None:
        from app.ui import forms

        if kind == "chart":
            return self.open_chart(args["patient_id"])
        factory = forms.FACTORIES.get(kind)
        if factory is None:
            return None
        widget = factory(self.session, args, self)
        index = self._find_tab(widget.key)
        if index >= 0:
            widget.deleteLater()
            self.tabs.setCurrentIndex(index)
            return self.tabs.widget(index)
        self.add_tab(widget, widget.title)
        if hasattr(widget, "check_draft"):
            widget.check_draft(auto_restore)
        if hasattr(widget, "saved"):
            widget.saved.connect(lambda result, w=widget: forms.after_save(self, w, result))
        return widget

    def close_tab(self, index: int) -> None:
        if index == 0:
            return
        self._remove_tab(self.tabs.widget(index))

    def _remove_tab(self, widget: QWidget) -> None:
        index = self.tabs.indexOf(widget)
        if hasattr(widget, "autosaver"):
            widget.autosaver.flush()  # closing by accident loses nothing: the draft is offered next time
        self.tabs.removeTab(index)
        widget.deleteLater()
        self.search.refresh_drafts()

    def open_forms(self) -> list[tuple[str, dict[str, Any]]]:
        out = []
        for i in range(1, self.tabs.count()):
            w = self.tabs.widget(i)
            if hasattr(w, "kind") and hasattr(w, "args"):
                out.append((w.kind, dict(w.args)))
        return out

    def flush_drafts(self) -> None:
        for i in range(self.tabs.count()):
            saver = getattr(self.tabs.widget(i), "autosaver", None)
            if saver is not None:
                saver.flush()

    # ----- lock -----

    def attach_sync(self, background: Any) -> None:
        """Background sync is running: the status bar (and an open Sync panel) follow its rounds."""
        self.sync_status.attach(background)
        for i in range(self.tabs.count()):
            attach = getattr(self.tabs.widget(i), "attach_sync", None)
            if attach is not None:
                attach(background)

    def lock(self) -> None:
        sync = getattr(self.controller, "sync", None)
        if sync is not None:
            sync.pause()  # nothing leaves or arrives while the screen is locked; it resumes on unlock
        self.flush_drafts()
        # Open dialogs (a duplicate warning, a slip preview) would stay on top of the lock page showing patient
        # data: hide them and bring them back, unchanged, after unlocking.
        from PySide6.QtWidgets import QDialog

        self._hidden_dialogs = [d for d in self.findChildren(QDialog) if d.isVisible()]
        for dialog in self._hidden_dialogs:
            dialog.hide()
        self.stack.setCurrentIndex(1)
        self.menuBar().setEnabled(False)
        self.lock_page.reset()

    def unlock(self) -> None:
        self.stack.setCurrentIndex(0)
        self.menuBar().setEnabled(True)
        self.lock_page.reset()
        for dialog in getattr(self, "_hidden_dialogs", []):
            dialog.show()
        self._hidden_dialogs = []

    def is_locked(self) -> bool:
        return self.stack.currentIndex() == 1

    def closeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        self.flush_drafts()
        self.sync_status.stop()
        super().closeEvent(event)
        if not self.closing_for_switch:
            from PySide6.QtWidgets import QApplication

            QApplication.instance().quit()



def first_field(widget: QWidget, search: Any) -> QWidget | None:
    """The screen's own choice (``first_field()``; None while it is still loading), else the field it asked for
    while being built, else the first enabled input in its Tab order."""
    from app.ui.widgets.formtab import default_first_field

    if widget is search:
        return search.query
    chosen = getattr(widget, "first_field", None)
    if callable(chosen):
        return chosen()
    return default_first_field(widget)
