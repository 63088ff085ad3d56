"""The keyboard-driven tag editor: digits, type-ahead, moving, sentences, reviewed, the popup."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tagger_gui.core.tagset import match_tags


def tags_of(window, row=None):
    row = window.editor.sentence_row if row is None else row
    return window.document.corpus[row].tags


def test_sample_launches_populated(sample_window):
    win = sample_window
    corpus = win.document.corpus
    assert len(corpus) >= 40 and win.sentence_list.proxy.rowCount() == len(corpus)
    assert win.editor.sentence_row == 0 and win.editor.model.rowCount() == len(corpus[0].tokens)
    assert f"{len(corpus)} sentences" in win.counts_label.text() and "% tagged" in win.counts_label.text()
    assert win.document.path is None  # the bundled sample opens untitled: Save never writes into resources/
    assert not win.isWindowModified()


def test_digits_assign_the_nth_tag_and_advance(window, qtbot):
    view = window.editor.view
    assert window.editor.current_token() == 0
    qtbot.keyClicks(view, "31")  # DET, NOUN
    assert tags_of(window)[:2] == ["DET", "NOUN"]
    assert window.editor.current_token() == 2
    qtbot.keyClick(view, Qt.Key.Key_2)
    assert tags_of(window)[2] == "VERB"
    qtbot.keyClick(view, Qt.Key.Key_9)  # there is no 9th tag: nothing happens
    assert tags_of(window)[3] is None and window.editor.current_token() == 3


def test_type_ahead_unique_prefix_assigns_at_once(window, qtbot):
    view, label = window.editor.view, window.editor.typeahead_label
    qtbot.keyClicks(view, "d")  # DET is the only tag starting with d
    assert tags_of(window)[0] == "DET" and window.editor.current_token() == 1
    qtbot.keyClicks(view, "n")  # NOUN, NUM: ambiguous, shown as you type
    assert tags_of(window)[1] is None and view.typeahead == "n"
    assert "NOUN" in label.text() and "NUM" in label.text()
    qtbot.keyClicks(view, "o")
    assert tags_of(window)[1] == "NOUN" and view.typeahead == "" and label.text() == ""


def test_type_ahead_enter_backspace_escape(window, qtbot):
    view = window.editor.view
    qtbot.keyClicks(view, "n")
    qtbot.keyClick(view, Qt.Key.Key_Backspace)
    assert view.typeahead == ""
    qtbot.keyClicks(view, "nx")  # x matches nothing: ignored, buffer kept
    assert view.typeahead == "n"
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    assert view.typeahead == "" and tags_of(window)[0] is None
    qtbot.keyClicks(view, "n")
    qtbot.keyClick(view, Qt.Key.Key_Return)  # first match in tag-set order
    assert tags_of(window)[0] == "NOUN" and window.editor.current_token() == 1


def test_match_tags_puts_an_exact_match_first():
    names = ["NNS", "NN", "NNP", "VB"]
    assert match_tags(names, "nn") == ["NN", "NNS", "NNP"]
    assert match_tags(names, "v") == ["VB"] and match_tags(names, "q") == []


def test_arrows_home_end_and_without_a_model_tab_move_between_tokens(window, qtbot):
    view = window.editor.view
    for key, expected in ((Qt.Key.Key_Right, 1), (Qt.Key.Key_Tab, 2), (Qt.Key.Key_Left, 1),
                          (Qt.Key.Key_Backtab, 0), (Qt.Key.Key_End, 4), (Qt.Key.Key_Right, 4), (Qt.Key.Key_Home, 0)):
        qtbot.keyClick(view, key)
        assert window.editor.current_token() == expected, key
    assert view.hasFocus()  # Tab did not move the keyboard focus away


def test_delete_clears_the_tag_and_stays(window, qtbot):
    view = window.editor.view
    qtbot.keyClick(view, Qt.Key.Key_1)
    qtbot.keyClick(view, Qt.Key.Key_Left)
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert tags_of(window)[0] is None and window.editor.current_token() == 0


def test_up_down_page_keys_change_sentence(window, qtbot):
    view, corpus = window.editor.view, window.document.corpus
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert window.editor.sentence_row == 1 and window.sentence_list.current_row() == 1
    qtbot.keyClick(view, Qt.Key.Key_Up)
    assert window.editor.sentence_row == 0
    window.document.set_tagset  # noqa: B018 - keep linters quiet about the fixture use below
    for i in range(len(corpus[1].tokens)):
        window.document.set_tag(1, i, "NOUN")  # sentence 1 complete: PageDown skips it
    qtbot.keyClick(view, Qt.Key.Key_PageDown)
    assert window.editor.sentence_row == 2
    qtbot.keyClick(view, Qt.Key.Key_PageUp)
    assert window.editor.sentence_row == 0
    assert view.hasFocus()


def test_ctrl_return_marks_reviewed(window, qtbot):
    view = window.editor.view
    qtbot.keyClicks(view, "31212")  # the dog ate the apple -> complete
    assert window.document.corpus[0].status.value == "complete"
    qtbot.keyClick(view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert window.document.corpus[0].reviewed and window.editor.reviewed_button.isChecked()
    qtbot.keyClick(view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert not window.document.corpus[0].reviewed


def test_click_a_token_picks_from_the_popup(window, qtbot, monkeypatch):
    shown = {}

    def choose_verb(menu, *args):
        shown["texts"] = [a.text() for a in menu.actions()]
        return next(a for a in menu.actions() if a.data() == "VERB")

    monkeypatch.setattr("tagger_gui.gui.panels.tag_editor.exec_menu", choose_verb)
    view = window.editor.view
    rect = view.visualRect(window.editor.model.index(2))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert tags_of(window)[2] == "VERB"
    assert any("verb" in text and "\t2" in text for text in shown["texts"])  # description and key shown


def test_undo_redo_of_tag_edits_with_the_keyboard(window, qtbot):
    view = window.editor.view
    qtbot.keyClicks(view, "31")
    assert window.isWindowModified() and "*" in window.windowTitle()
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert tags_of(window)[:2] == ["DET", None]
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert tags_of(window)[:2] == [None, None] and not window.isWindowModified()
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert tags_of(window)[:2] == ["DET", None] and window.isWindowModified()
    assert window.actions["undo"].isEnabled() and window.actions["redo"].isEnabled()


def test_shortcuts_are_listed_in_menus_tooltips_and_help(window, monkeypatch):
    from tagger_gui.gui.dialogs import ShortcutsDialog

    texts = [a.text() for a in window.menu("Annotate").actions()]
    assert any(t.endswith("\tDown") for t in texts) and any("Del" in t for t in texts)
    assert "Ctrl+Z" in window.actions["undo"].toolTip()
    seen = {}

    def look(dialog):
        table = dialog.table
        seen["headings"] = [table.item(r, 0).text() for r in range(table.rowCount()) if table.columnSpan(r, 0) == 2]
        seen["keys"] = [table.item(r, 0).text() for r in range(table.rowCount())]

    monkeypatch.setattr(ShortcutsDialog, "exec", look)
    window.actions["shortcuts"].trigger()
    assert len(seen["keys"]) > 15 and len(seen["headings"]) == 2
    menus = seen["keys"].index(seen["headings"][1])
    assert "Ctrl+Z" in seen["keys"][menus:] and "Ctrl+Z" not in seen["keys"][:menus]  # menu keys under their heading


def test_the_popup_marks_the_clicked_tokens_current_tag(window, qtbot, monkeypatch):
    window.document.set_tag(0, 1, "NOUN")
    marked = {}

    def look(menu, *args):
        marked["checked"] = [a.data() for a in menu.actions() if a.isChecked()]
        marked["active"] = menu.activeAction().data() if menu.activeAction() else None
        return None

    monkeypatch.setattr("tagger_gui.gui.panels.tag_editor.exec_menu", look)
    view = window.editor.view
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(window.editor.model.index(1)).center())
    assert marked == {"checked": ["NOUN"], "active": "NOUN"} and tags_of(window)[1] == "NOUN"


def test_a_type_ahead_key_that_matches_nothing_says_so(window, qtbot):
    view = window.editor.view
    qtbot.keyClicks(view, "q")
    assert "No tag starts with <b>q</b>" in window.editor.typeahead_label.text()
    assert tags_of(window)[0] is None and view.typeahead == ""
    qtbot.keyClick(view, Qt.Key.Key_Down)  # the warning belongs to the sentence it was typed in
    assert window.editor.typeahead_label.text() == ""
    qtbot.keyClicks(view, "N")  # NOUN and NUM: a buffer is kept
    assert view.typeahead == "N"
    qtbot.keyClick(view, Qt.Key.Key_Down)  # the next sentence starts afresh
    assert window.editor.typeahead_label.text() == "" and view.typeahead == ""
