"""The sentence table announces row changes before the corpus changes, as Qt's models and proxies require."""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel
from PySide6.QtTest import QAbstractItemModelTester

from tagger_gui.core.corpus import Corpus, Sentence
from tagger_gui.gui.qt_models import SentenceTableModel


def sentences(n: int, start: int = 0) -> list[Sentence]:
    return [Sentence.from_words(["w", str(i)], id=f"s{i}") for i in range(start, start + n)]


def test_rows_are_announced_while_the_corpus_still_has_its_old_length(qtbot, qtlog):
    corpus = Corpus(sentences(5))
    model = SentenceTableModel(corpus)
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    QAbstractItemModelTester(proxy, QAbstractItemModelTester.FailureReportingMode.Warning)
    counts_when_announced = []
    model.rowsAboutToBeInserted.connect(lambda *_: counts_when_announced.append(model.rowCount()))
    model.rowsAboutToBeRemoved.connect(lambda *_: counts_when_announced.append(model.rowCount()))
    model.modelAboutToBeReset.connect(lambda: counts_when_announced.append(model.rowCount()))
    corpus.insert_sentences(2, sentences(3, 10))
    corpus.remove_sentences(0, 4)
    corpus.reset(sentences(2, 20))
    assert counts_when_announced == [5, 8, 4]
    assert proxy.rowCount() == 2
    assert not [r for r in qtlog.records if "FAIL" in r.message]


def test_before_listeners_see_the_change_that_the_listeners_then_get():
    corpus = Corpus(sentences(3))
    seen = []
    corpus.add_before_listener(lambda change: seen.append(("before", change, len(corpus))))
    corpus.add_listener(lambda change: seen.append(("after", change, len(corpus))))
    corpus.append_sentences(sentences(2, 10))
    assert [(when, n) for when, _, n in seen] == [("before", 3), ("after", 5)]
    assert seen[0][1] == seen[1][1]
