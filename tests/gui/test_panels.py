"""Tag-set panel, enter-sentences box, filtering, sentence edits and the app bootstrap."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QColorDialog, QInputDialog, QMessageBox

from tagger_gui.core.corpus import Sentence, Status
from tagger_gui.gui import app as app_module
from tagger_gui.core.edits import retokenized


def tag_everything(window, tag="NOUN"):
    corpus = window.document.corpus
    for row, sentence in enumerate(corpus):
        for i in range(len(sentence.tokens)):
            window.document.set_tag(row, i, tag)


def answer_text(monkeypatch, *answers):
    replies = iter(answers)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: (next(replies), True))


def test_rename_tag_retags_tokens_and_undoes(window, monkeypatch):
    panel, corpus = window.tagset_panel, window.document.corpus
    tag_everything(window)
    panel.select_tag("NOUN")
    monkeypatch.setattr(QInputDialog, "exec", lambda dialog: (dialog.setTextValue("NN"), 1)[1])
    panel.buttons["rename"].click()
    assert "NN" in corpus.tagset and "NOUN" not in corpus.tagset and corpus[0].tags[0] == "NN"
    assert panel.model.index(0, 1).data() == "NN" and panel.selected_tag() == "NN"
    window.document.undo_stack.undo()
    assert corpus.tagset.names[0] == "NOUN" and corpus[0].tags[0] == "NOUN"


def test_rename_in_place_by_editing_the_cell(window):
    model = window.tagset_panel.model
    assert model.setData(model.index(1, model.NAME), "V")
    assert window.document.corpus.tagset.names[1] == "V"
    assert model.setData(model.index(1, model.DESCRIPTION), "a doing word")
    assert window.document.corpus.tagset["V"].description == "a doing word"


def test_merge_tags_then_undo(window, qtbot, monkeypatch):
    corpus = window.document.corpus
    qtbot.keyClicks(window.editor.view, "31242")  # DET NOUN VERB NUM VERB
    window.tagset_panel.select_tag("NUM")
    monkeypatch.setattr(QInputDialog, "getItem", lambda parent, title, label, items, *a, **k: ("NOUN", True))
    window.tagset_panel.buttons["merge"].click()
    assert "NUM" not in corpus.tagset and corpus[0].tags == ["DET", "NOUN", "VERB", "NOUN", "VERB"]
    window.document.undo_stack.undo()
    assert corpus.tagset.names.index("NUM") == 3 and corpus[0].tags[3] == "NUM"


def test_delete_tag_says_how_many_tokens(window, qtbot, monkeypatch):
    corpus = window.document.corpus
    qtbot.keyClicks(window.editor.view, "2222")
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda p, t, text, *a: asked.append(text) or QMessageBox.StandardButton.Yes)
    window.tagset_panel.select_tag("VERB")
    window.tagset_panel.buttons["delete"].click()
    assert "4 token(s)" in asked[0] and "VERB" not in corpus.tagset and corpus[0].tags[:4] == [None] * 4
    window.document.undo_stack.undo()
    assert corpus[0].tags[:4] == ["VERB"] * 4 and corpus.tagset.names[1] == "VERB"


def test_add_recolour_and_preset(window, monkeypatch):
    panel, corpus = window.tagset_panel, window.document.corpus
    answer_text(monkeypatch, "ADJ", "adjective")
    panel.buttons["add"].click()
    assert corpus.tagset["ADJ"].description == "adjective" and panel.selected_tag() == "ADJ"
    monkeypatch.setattr(QColorDialog, "getColor", lambda *a, **k: QColor("#123456"))
    panel.buttons["color"].click()
    assert corpus.tagset["ADJ"].color == "#123456"
    panel.apply_preset("Penn Treebank")
    assert "NNS" in corpus.tagset and "NNS" in window.editor.palette_label.text()
    assert window.editor.view.tag_names == corpus.tagset.names
    window.document.undo_stack.undo()
    assert corpus.tagset.names[:2] == ["NOUN", "VERB"]


def test_tag_counts_follow_edits(window, qtbot):
    model = window.tagset_panel.model
    qtbot.keyClicks(window.editor.view, "11")
    qtbot.waitUntil(lambda: model.count("NOUN") == 2, timeout=2000)


def test_enter_typed_sentences_with_token_fixes(window, qtbot):
    panel, corpus = window.enter_panel, window.document.corpus
    panel.text_edit.setPlainText("I can't go home.\n\nIt's 5 o'clock")
    qtbot.mouseClick(panel.tokenize_button, Qt.MouseButton.LeftButton)
    assert panel.tokens_edit.toPlainText().splitlines() == ["I ca n't go home .", "It 's 5 o'clock"]
    panel.tokens_edit.setPlainText("I ca n't go home .\nIt 's 5 o' clock")  # split a token by hand
    assert "2 sentence(s), 11 token(s)" == panel.summary.text()
    panel.split_combo.setCurrentText("dev")
    qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    assert len(corpus) == 5 and corpus[4].words == ["It", "'s", "5", "o'", "clock"] and corpus[4].split.value == "dev"
    assert window.editor.sentence_row == 3 and window.editor.view.hasFocus()
    assert panel.tokens_edit.toPlainText() == ""
    window.document.undo_stack.undo()
    assert len(corpus) == 3


def test_filter_by_text_tag_status_and_split(window, qtbot):
    panel = window.sentence_list
    qtbot.keyClicks(window.editor.view, "31212")
    qtbot.keyClicks(panel.filter_edit, "BOOK")
    qtbot.waitUntil(lambda: panel.proxy.rowCount() == 1, timeout=2000)
    assert window.editor.sentence_row == 1  # the current sentence follows the filter
    panel.filter_edit.clear()
    panel.apply_filter()
    assert panel.proxy.rowCount() == 3
    panel.status_combo.setCurrentIndex(panel.status_combo.findData(Status.COMPLETE))
    assert panel.proxy.rowCount() == 1 and panel.current_row() == 0
    panel.status_combo.setCurrentIndex(0)
    panel.tag_combo.setCurrentIndex(panel.tag_combo.findData("VERB"))
    assert panel.proxy.rowCount() == 1
    panel.tag_combo.setCurrentIndex(0)
    window.document.set_split([1, 2], "test")
    panel.split_combo.setCurrentIndex(panel.split_combo.findText("test"))
    assert panel.proxy.rowCount() == 2
    window.document.set_tag(1, 0, "NOUN")  # an edit while filtered keeps the row
    assert panel.proxy.rowCount() == 2


def test_sort_by_token_count_and_back(window):
    table = window.sentence_list.table
    table.sortByColumn(2, Qt.SortOrder.AscendingOrder)
    proxy = window.sentence_list.proxy
    assert [proxy.index(r, 2).data() for r in range(3)] == [4, 4, 5]


def test_delete_sentence_and_edit_tokens_undo(window, qtbot, monkeypatch):
    corpus = window.document.corpus
    window.sentence_list.select_row(1)
    window.sentence_list.table.setFocus()
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda parent, title, text, *a: asked.append(text) or QMessageBox.StandardButton.No)
    qtbot.keyClick(window.sentence_list.table, Qt.Key.Key_Delete)
    assert [s.id for s in corpus] == ["t1", "t2", "t3"] and "“t2”" in asked[0]  # asked, and No keeps it
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Yes)
    qtbot.keyClick(window.sentence_list.table, Qt.Key.Key_Delete)
    assert [s.id for s in corpus] == ["t1", "t3"] and window.editor.sentence_row == 1
    assert "Deleted “t2”" in window.statusBar().currentMessage()
    window.document.undo_stack.undo()
    assert [s.id for s in corpus] == ["t1", "t2", "t3"]
    window.sentence_list.select_row(0)
    qtbot.keyClicks(window.editor.view, "31")
    answer_text(monkeypatch, "the big dog ate the apple")
    window.actions["edit_tokens"].trigger()
    assert corpus[0].words[:3] == ["the", "big", "dog"] and corpus[0].tags[:3] == ["DET", None, "NOUN"]
    assert window.editor.model.rowCount() == 6
    window.document.undo_stack.undo()
    assert corpus[0].words == ["the", "dog", "ate", "the", "apple"] and window.editor.model.rowCount() == 5


def test_retokenized_keeps_tags_of_unchanged_words():
    sentence = Sentence.from_words(["I", "cant", "go"], ["PRON", "VERB", "VERB"])
    new = retokenized(sentence, ["I", "ca", "n't", "go"])
    assert new.tags == ["PRON", None, None, "VERB"] and new.id == sentence.id


def test_status_bar_counts(window, qtbot):
    qtbot.keyClicks(window.editor.view, "11111")
    qtbot.waitUntil(lambda: "38.4% tagged" in window.counts_label.text(), timeout=2000)  # 5 of 13 words, rounded down
    assert "3 sentences" in window.counts_label.text()


def test_no_display_is_a_clean_exit(monkeypatch, capsys):
    monkeypatch.setattr(app_module.sys, "platform", "linux")
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    assert app_module.run_window(None, "/tmp/never.png") == 2
    assert "QT_QPA_PLATFORM=offscreen" in capsys.readouterr().err


def test_missing_xcb_cursor_is_explained(monkeypatch):
    monkeypatch.setattr(app_module.sys, "platform", "linux")
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.setattr(app_module.ctypes.util, "find_library", lambda name: None)
    monkeypatch.setattr(app_module.ctypes, "CDLL", lambda path: None)
    assert "libxcb-cursor0" in app_module.display_problem()


def test_a_missing_xcb_plugin_library_is_named(monkeypatch):
    def fail(path):
        raise OSError("libxcb-icccm.so.4: cannot open shared object file: No such file or directory")

    monkeypatch.setattr(app_module.ctypes, "CDLL", fail)
    assert app_module.missing_xcb_library() == "libxcb-icccm.so.4"
    monkeypatch.setattr(app_module.sys, "platform", "linux")
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    message = app_module.display_problem()
    assert "libxcb-icccm.so.4 is not installed" in message and "libxcb-icccm4" in message


def test_screenshot_of_the_sample(qapp, tmp_path):
    out = tmp_path / "shot.png"
    assert app_module.run_window(None, str(out)) == 0
    from PySide6.QtGui import QImage

    image = QImage(str(out))
    assert (image.width(), image.height()) == (1280, 800)


def test_a_screenshot_of_a_file_that_cannot_be_opened_ends_with_status_2(qapp, tmp_path, capsys):
    missing = tmp_path / "missing.conllu"
    assert app_module.run_window(str(missing), str(tmp_path / "shot.png")) == 2
    err = capsys.readouterr().err
    assert str(missing) in err and ":0:" not in err and not (tmp_path / "shot.png").exists()
