"""The main window: builds the panels, docks, actions and menus and wires them; no domain logic."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QIcon
from PySide6.QtWidgets import (
    QDockWidget, QInputDialog, QLabel, QMainWindow, QMenu, QMessageBox, QSplitter, QWidget,
)

from tagger_gui.core.corpus import Split
from tagger_gui.core.edits import retokenized
from tagger_gui.core.resources import icon_path
from tagger_gui.core.recovery import RecoveryStore
from tagger_gui.gui.assist_loop import AssistLoop
from tagger_gui.gui.autosave import Autosave, default_store
from tagger_gui.gui.dialogs import ShortcutsDialog
from tagger_gui.gui.file_actions import FileActions
from tagger_gui.gui.model_assist import ModelAssist
from tagger_gui.gui.panels.enter_sentences import EnterSentencesPanel
from tagger_gui.gui.panels.evaluation_panel import EvaluationPanel
from tagger_gui.gui.panels.review_panel import ReviewPanel
from tagger_gui.gui.panels.sentence_list import SentenceListPanel
from tagger_gui.gui.panels.tag_editor import KEY_HELP, TagEditorPanel
from tagger_gui.gui.panels.tagset_panel import TagSetPanel
from tagger_gui.gui.panels.training_panel import TrainingPanel
from tagger_gui.gui.raw_text_dialog import RawTextDialog
from tagger_gui.gui.training_controller import TrainingController
from tagger_gui.gui.zoom import Zoom
from tagger_gui.gui.dock_shares import DockShares
from tagger_gui.core.stats import CorpusStats

APP_NAME = "tagger-gui"
DEFAULT_SIZE = (1280, 800)
STATUS_DELAY_MS = 200


class MainWindow(QMainWindow):
    """One project in one window.

    Later panels (training, scores) plug in with ``add_dock``; their actions go into
    the menus returned by ``menu(name)``.
    """

    def __init__(
        self, document, settings: QSettings, parent: QWidget | None = None, recovery_store: RecoveryStore | None = None
    ) -> None:
        super().__init__(parent)
        self.document = document
        self.settings = settings
        self.files = FileActions(self, document, settings)
        self.autosave = Autosave(document, recovery_store or default_store())
        self.docks: dict[str, QDockWidget] = {}
        self.stats = CorpusStats(document.corpus)
        self.menus: dict[str, QMenu] = {}
        self.setWindowIcon(QIcon(str(icon_path())))
        self.resize(*DEFAULT_SIZE)
        self.zoom = Zoom(settings, self)  # the saved font size, before the panels measure their fonts
        self._build_panels()
        self._build_docks()
        self._build_actions()
        self._build_menus()
        self._build_status_bar()
        self._connect()
        self._restore_state()
        self._on_title_changed()
        self._on_loaded()

    # ------------------------------------------------------------ build
    def _build_panels(self) -> None:
        self.editor = TagEditorPanel(self.document, self)
        self.sentence_list = SentenceListPanel(self.document, self)
        self.tagset_panel = TagSetPanel(self.document, self.stats, self)
        self.enter_panel = EnterSentencesPanel(self.document, self)
        self.training_panel = TrainingPanel(self)
        self.training = TrainingController(self.document, self.training_panel, self)
        self.evaluation_panel = EvaluationPanel(self.document, self.training, self)
        self.review_panel = ReviewPanel(self.document, self)
        self.assist = ModelAssist(self)
        self.loop_assist = AssistLoop(self)
        splitter = self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.setObjectName("centralSplitter")
        splitter.addWidget(self.editor)
        splitter.addWidget(self.sentence_list)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([320, 440])
        splitter.setChildrenCollapsible(False)
        self.setCentralWidget(splitter)

    def _build_docks(self) -> None:
        self.setDockOptions(QMainWindow.DockOption.AnimatedDocks | QMainWindow.DockOption.AllowTabbedDocks)
        tags = self.add_dock(self.tagset_panel, "Tag set", "tagSetDock", Qt.DockWidgetArea.RightDockWidgetArea)
        enter = self.add_dock(self.enter_panel, "Add text", "enterDock", Qt.DockWidgetArea.RightDockWidgetArea)
        training = self.add_dock(self.training_panel, "Training", "trainingDock", Qt.DockWidgetArea.RightDockWidgetArea)
        self.tabifyDockWidget(tags, enter)
        self.tabifyDockWidget(tags, training)
        evaluation = self.add_dock(self.evaluation_panel, "Evaluation", "evaluationDock", Qt.DockWidgetArea.RightDockWidgetArea)
        review = self.add_dock(self.review_panel, "Errors", "reviewDock", Qt.DockWidgetArea.RightDockWidgetArea)
        progress = self.add_dock(self.loop_assist.panel, "Progress", "progressDock", Qt.DockWidgetArea.RightDockWidgetArea)
        self.tabifyDockWidget(tags, evaluation)
        self.tabifyDockWidget(tags, review)
        self.tabifyDockWidget(tags, progress)
        tags.raise_()
        # Short titles: the six tabs' titles stay whole at 1280x800 (tests/gui/test_layout.py).
        self.resizeDocks([tags], [400], Qt.Orientation.Horizontal)
        self.assist.add_docks()
        DockShares(self)  # a maximised window widens its docks too, not only the central widget

    def add_dock(self, widget: QWidget, title: str, name: str, area: Qt.DockWidgetArea) -> QDockWidget:
        """Put ``widget`` in a dock named ``name`` (the name keys the saved layout)."""
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        self.docks[name] = dock
        return dock

    def _build_actions(self) -> None:
        from tagger_gui.gui.actions import build_actions

        self.actions = build_actions(self)
        delete = self.actions["delete_sentences"]
        delete.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.sentence_list.table.addAction(delete)
        undo, redo = self.actions["undo"], self.actions["redo"]
        self.addActions([undo, redo])
        self.assist.attach_actions(self.actions)
        self.loop_assist.attach_actions(self.actions)

    def _build_menus(self) -> None:
        from tagger_gui.gui.actions import MENU_LAYOUT

        bar = self.menuBar()
        for title, names in MENU_LAYOUT:
            menu = self.menus[title.replace("&", "")] = bar.addMenu(title)
            for name in names:
                if name == "-":
                    menu.addSeparator()
                elif name == "@recent":
                    self.recent_menu = menu.addMenu("Open &Recent")
                elif name == "@split":
                    self._add_split_menu(menu)
                elif name == "@strategies":
                    self.loop_assist.add_strategy_menu(menu)
                elif name == "@docks":
                    for dock in self.docks.values():
                        menu.addAction(dock.toggleViewAction())
                else:
                    menu.addAction(self.actions[name])
        self._fill_recent_menu()

    def menu(self, name: str) -> QMenu:
        """The top-level menu called ``name`` (``"File"``, ``"Edit"``, ``"Annotate"``, ``"View"``, ``"Help"``)."""
        return self.menus[name]

    def _add_split_menu(self, menu: QMenu) -> None:
        split_menu = menu.addMenu("Move to &split")
        for split in Split:
            action = split_menu.addAction(split.value)
            action.triggered.connect(lambda _=False, s=split: self._on_set_split(s))

    def _build_status_bar(self) -> None:
        self.counts_label = QLabel()
        self.statusBar().addPermanentWidget(self.counts_label)
        self._status_timer = QTimer(self, singleShot=True, interval=STATUS_DELAY_MS)
        self._status_timer.timeout.connect(self._refresh_counts)

    def _connect(self) -> None:
        doc = self.document
        doc.dirty_changed.connect(self._on_title_changed)
        doc.path_changed.connect(self._on_title_changed)
        doc.loaded.connect(self._on_loaded)
        doc.corpus.add_listener(lambda change: self._status_timer.start())
        self.sentence_list.current_changed.connect(self._on_current_sentence_changed)
        self.editor.step_requested.connect(self.sentence_list.step)
        self.enter_panel.added.connect(self._on_sentences_added)
        self.files.recent_changed.connect(self._fill_recent_menu)
        self.files.message.connect(lambda text: self.statusBar().showMessage(text, 5000))
        self.training.running_changed.connect(self._on_training_running)
        self.document.session.jobs.listeners.append(self._on_jobs_changed)
        self.evaluation_panel.jump_requested.connect(self.show_token)
        self.review_panel.jump_requested.connect(self.show_token)
        self._on_training_running(False)

    # ------------------------------------------------------------ state
    def _restore_state(self) -> None:
        geometry = self.settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = self.settings.value("window/state")
        if state is not None:
            self.restoreState(state)
        splitter = self.settings.value("window/splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)

    def save_window_state(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.settings.setValue("window/splitter", self.splitter.saveState())

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.training.confirm_close() or not self.files.maybe_save():
            event.ignore()
            return
        self.document.session.jobs.shutdown()  # corpus prediction, evaluation or error finder
        self.save_window_state()
        self.autosave.discard()  # saved or deliberately discarded: nothing to recover
        event.accept()

    # --------------------------------------------------------- handlers
    def _on_title_changed(self, *_args) -> None:
        self.setWindowTitle(f"{self.document.name}[*] — {APP_NAME}")
        self.setWindowModified(self.document.is_dirty)

    def _on_loaded(self) -> None:
        self._refresh_counts()
        if not self.sentence_list.select_row(0):
            self.editor.show_sentence(None)

    def show_token(self, sentence_id: str, token: int) -> bool:
        """Select the sentence with ``sentence_id`` and put the editor on ``token``; False if it is gone."""
        try:
            row = self.document.corpus.index_of(sentence_id)
        except KeyError:
            self.statusBar().showMessage("That sentence is no longer in the corpus.", 5000)
            return False
        self.sentence_list.select_row(row)  # False when the filter hides it: the editor shows it anyway
        self.editor.show_sentence(row, token)
        self.editor.focus_tokens()
        return True

    def _on_evaluate(self) -> None:
        self.docks["evaluationDock"].raise_()
        self.evaluation_panel.evaluate()

    def _on_find_errors(self) -> None:
        self.docks["reviewDock"].raise_()
        self.review_panel.start()

    def _on_current_sentence_changed(self, row) -> None:
        self.editor.show_sentence(row)

    def _on_sentences_added(self, first_row: int) -> None:
        self.sentence_list.select_row(first_row)
        self.editor.focus_tokens()

    def _on_set_split(self, split: Split) -> None:
        self.document.set_split(self.sentence_list.selected_rows(), split)

    def _on_delete_sentences(self) -> None:
        """Delete the selected sentences after asking; one undoable step, announced in the status bar."""
        rows = self.sentence_list.selected_rows()
        if not rows:
            return
        what = f"“{self.document.corpus[rows[0]].id}”" if len(rows) == 1 else f"{len(rows):,} sentences"
        answer = QMessageBox.question(self, "Delete sentences", f"Delete {what}? (Ctrl+Z undoes it)")
        if answer != QMessageBox.StandardButton.Yes:
            return
        first = min(rows)
        self.document.remove_sentences(rows)
        self.sentence_list.select_row(min(first, len(self.document.corpus) - 1))
        self.statusBar().showMessage(f"Deleted {what} (Ctrl+Z undoes it)", 8000)

    def _on_edit_tokens(self) -> None:
        row = self.editor.sentence_row
        if row is None:
            return
        sentence = self.document.corpus[row]
        text, ok = QInputDialog.getText(
            self, "Edit tokens", "Tokens separated by spaces (tags are kept where the words match):", text=" ".join(sentence.words)
        )
        words = text.split()
        if ok and words and words != sentence.words:
            self.document.replace_sentence(row, retokenized(sentence, words))

    def _on_train(self) -> None:
        self.docks["trainingDock"].raise_()
        self.training_panel.train_button.click()

    def _on_raw_text(self) -> None:
        project = self.document.project
        dialog = RawTextDialog(project.raw_text, self)
        if dialog.exec() and dialog.files() != project.raw_text:
            project.raw_text = dialog.files()
            self.document.mark_dirty()

    def _on_training_running(self, running: bool) -> None:
        self._on_jobs_changed()
        if running:
            self.docks["trainingDock"].raise_()

    def _on_jobs_changed(self, *_args) -> None:
        """One job at a time: Train and Find likely errors are enabled only while the job slot is free."""
        idle = self.document.session.jobs.is_free
        self.actions["train"].setEnabled(idle)
        self.actions["find_errors"].setEnabled(idle)
        self.actions["stop_training"].setEnabled(self.training.is_running)

    def _on_open_recent(self, path: str) -> None:
        self.files.open_path(path)

    def _on_shortcuts(self) -> None:
        ShortcutsDialog(KEY_HELP, list(self.actions.values()), self).exec()

    def _on_about(self) -> None:
        QMessageBox.about(
            self, f"About {APP_NAME}",
            f"<b>{APP_NAME}</b><br>Annotate sentences with per-token tags and train an LSTM tagger that suggests them.",
        )

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        files = self.files.recent_files()
        for number, path in enumerate(files, start=1):
            action = self.recent_menu.addAction(f"&{number % 10}  {Path(path).name}")
            action.setToolTip(path)
            action.triggered.connect(lambda _=False, p=path: self._on_open_recent(p))
        self.recent_menu.addSeparator()
        self.recent_menu.addAction("Clear list", self.files.clear_recent).setEnabled(bool(files))

    def _refresh_counts(self) -> None:
        stats = self.stats
        self.counts_label.setText(
            f"{stats.sentences:,} sentences  ·  {stats.words:,} words  ·  {stats.percent_tagged:.1f}% tagged"
        )
        self.training_panel.set_tagged_words(stats.tagged)

