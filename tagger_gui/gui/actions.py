"""The window's actions as a table (name, text, shortcut, tip, slot) and the menu layout.

Keys that only mean something inside the tag editor (arrows, digits, Delete) are
shown after a tab in the action text, which menus display in the shortcut column,
instead of being registered as window shortcuts that would steal them from the
other widgets.
"""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence

StandardKey = QKeySequence.StandardKey

MENU_LAYOUT = (
    ("&File", ("new", "open", "@recent", "-", "save", "save_as", "-", "import", "export", "-", "quit")),
    ("&Edit", ("undo", "redo", "-", "find", "-", "edit_tokens", "delete_sentences", "@split")),
    ("&Annotate", ("focus_editor", "-", "prev_sentence", "next_sentence", "prev_unfinished", "next_unfinished",
                   "-", "clear_tag", "mark_reviewed",
                   "-", "accept_prediction", "accept_sentence", "next_uncertain", "ranked_palette")),
    ("&Model", ("train", "stop_training", "-", "evaluate", "find_errors", "-", "load_model", "save_model", "restore_model",
                "-", "raw_text", "-", "predict_corpus", "pre_annotate", "sort_uncertainty",
                "-", "assist", "annotate_next", "@strategies")),
    ("&View", ("@docks", "-", "zoom_in", "zoom_out", "zoom_reset")),
    ("&Help", ("shortcuts", "about")),
)


def _specs(w) -> list[tuple]:
    """``(name, text, shortcut, tip, slot)`` for every action of window ``w``."""
    files, editor = w.files, w.editor
    return [
        ("new", "&New project…", StandardKey.New, "Start an empty project", files.new_project),
        ("open", "&Open…", StandardKey.Open, "Open a project, or a corpus file as a new project", files.open_dialog),
        ("save", "&Save", StandardKey.Save, "Save the project", files.save),
        ("save_as", "Save &As…", StandardKey.SaveAs, "Save the project under another name", files.save_as),
        ("import", "&Import…", "Ctrl+I", "Add sentences from a corpus file (with a preview)", files.import_dialog),
        ("export", "&Export…", "Ctrl+Shift+E", "Write the corpus in a corpus format", files.export_dialog),
        ("quit", "&Quit", StandardKey.Quit, "Close the window", w.close),
        ("undo", "&Undo", StandardKey.Undo, "Undo the last change", None),
        ("redo", "&Redo", "Ctrl+Shift+Z", "Redo the last undone change", None),
        ("find", "&Filter sentences…", StandardKey.Find, "Filter the sentence list", w.sentence_list.focus_filter),
        ("edit_tokens", "Edit &tokens…", "Ctrl+E", "Fix, split or merge the tokens of the sentence", w._on_edit_tokens),
        ("delete_sentences", "&Delete sentences", StandardKey.Delete, "Delete the selected sentences", w._on_delete_sentences),
        ("focus_editor", "Go to the &tag editor", "F6", "Put the keyboard in the tag editor", editor.focus_tokens),
        ("prev_sentence", "&Previous sentence\tUp", None, "Previous sentence in the list", lambda: w.sentence_list.step(-1)),
        ("next_sentence", "&Next sentence\tDown", None, "Next sentence in the list", lambda: w.sentence_list.step(1)),
        ("prev_unfinished", "Previous &unfinished sentence\tPgUp", None, "Previous sentence not fully tagged", lambda: w.sentence_list.step(-2)),
        ("next_unfinished", "Next u&nfinished sentence\tPgDown", None, "Next sentence not fully tagged", lambda: w.sentence_list.step(2)),
        ("clear_tag", "&Clear tag\tDel", None, "Untag the current token", lambda: editor.assign(None)),
        ("mark_reviewed", "Mark &reviewed", "Ctrl+Return", "Mark the sentence reviewed (again: unmark)", editor.toggle_reviewed),
        ("train", "&Train", "Ctrl+T", "Train a tagger on the tagged sentences, with the settings of the Training panel",
         w._on_train),
        ("stop_training", "&Stop training", "Ctrl+.", "Stop after the current batch, keeping the best model so far",
         w.training.stop),
        ("evaluate", "&Evaluate", "Ctrl+Shift+V", "Tag the chosen split with the current model: accuracy, per-tag scores, "
         "confusion matrix", w._on_evaluate),
        ("find_errors", "Find likely &errors", "Ctrl+Shift+R", "Cross-validate over the tagged sentences and list the "
         "tokens whose saved tag the held-out models contradict", w._on_find_errors),
        ("load_model", "&Load model…", None, "Make a saved model the project's model", w.training.load_model_dialog),
        ("save_model", "Save model &as…", None, "Save the current model into a folder", w.training.save_model_dialog),
        ("restore_model", "&Restore the previous model", None,
         "Go back to the model the current one replaced (the current one is kept aside in turn)",
         w.training.restore_previous_model),
        ("accept_prediction", "&Accept the model's tag\tSpace", None, "Give the current token the model's tag",
         w.assist.accept_token),
        ("accept_sentence", "Accept the model's tags for the se&ntence\tShift+Space", None,
         "Give every token of the sentence the model's tag (one undo step)", w.assist.accept_sentence),
        ("next_uncertain", "Next &uncertain token", "F8",
         "Jump to the next most uncertain untagged or disagreeing token of the corpus", w.assist.next_uncertain),
        ("ranked_palette", "Model-ranked &palette", "Ctrl+R",
         "Digits 1..9 pick the model's most probable tags for the current token", w.assist.toggle_ranked_palette),
        ("raw_text", "Untagged te&xt files…", None, "Text files new models also learn from (word vectors, no tags "
         "needed)", w._on_raw_text),
        ("predict_corpus", "&Predict the corpus", None, "Predict every sentence in the background (for sorting by uncertainty)",
         w.assist.predict_corpus),
        ("pre_annotate", "Pre-&annotate untagged tokens", None,
         "Give every untagged token of the corpus the model's tag (one undo step)", w.assist.pre_annotate),
        ("sort_uncertainty", "Sort sentences by &uncertainty", None,
         "Most uncertain sentences first (lowest best-tag probability)", w.assist.sort_by_uncertainty),
        ("assist", "A&ssist: retrain while annotating", None,
         "Retrain in the background after every few completed sentences or a pause, keeping a model only if it is "
         "not worse", w.loop_assist.toggle),
        ("annotate_next", "Annotate &next sentence", "F9",
         "Go to the most useful untagged sentence (Annotate next by: the ranking) and say why", w.loop_assist.annotate_next),
        ("zoom_in", "Zoom &in", "Ctrl++", "Larger text everywhere (kept for the next start)", w.zoom.zoom_in),
        ("zoom_out", "Zoom &out", "Ctrl+-", "Smaller text everywhere (kept for the next start)", w.zoom.zoom_out),
        ("zoom_reset", "&Reset zoom", "Ctrl+0", "The system's text size", w.zoom.reset),
        ("shortcuts", "&Keyboard shortcuts", StandardKey.HelpContents, "List every key", w._on_shortcuts),
        ("about", "&About", None, "About this program", w._on_about),
    ]


def build_actions(window) -> dict[str, QAction]:
    """Create the actions of ``window``; the tooltip names the shortcut."""
    actions: dict[str, QAction] = {}
    stack = window.document.undo_stack
    for name, text, shortcut, tip, slot in _specs(window):
        if name in ("undo", "redo"):  # Qt keeps their text ("Undo Tag 1 token(s) NOUN") and state up to date
            action = (stack.createUndoAction if name == "undo" else stack.createRedoAction)(window, text)
        else:
            action = QAction(text, window)
            action.triggered.connect(lambda _=False, s=slot: s())
        action.setObjectName(f"action_{name}")
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText) or text.partition("\t")[2]
        action.setToolTip(f"{tip} ({keys})" if keys else tip)
        action.setStatusTip(tip)
        actions[name] = action
    return actions
