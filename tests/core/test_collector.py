"""Readers build a corpus with the cyclic garbage collector paused, and leave it as they found it."""

from __future__ import annotations

import gc

import pytest

from tagger_gui.core.collector import collector_paused
from tagger_gui.core import project as project_module
from tagger_gui.core.corpus import Corpus, Sentence
from tagger_gui.core.formats import FormatError, conllu, read_file, read_text
from tagger_gui.core.formats.stream import ChunkReader
from tagger_gui.core.project import Project, ProjectError


@pytest.fixture
def collector_on():
    was = gc.isenabled()
    gc.enable()
    yield
    gc.enable() if was else gc.disable()


def test_the_collector_is_back_on_after_the_block_even_after_an_error(collector_on):
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError), collector_paused():
        raise ValueError("boom")
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off(collector_on):
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()


def test_every_reader_parses_with_the_collector_paused(collector_on, monkeypatch, tmp_path):
    seen = []
    original = conllu.read

    def recording_read(*args):
        seen.append(gc.isenabled())
        return original(*args)

    monkeypatch.setattr(conllu, "read", recording_read)
    text = "1\tThe\t_\tDET\t_\t_\t_\t_\t_\t_\n2\tdog\t_\tNOUN\t_\t_\t_\t_\t_\t_\n\n"
    path = tmp_path / "two.conllu"
    path.write_text(text)
    assert read_text(text, "conllu")[0].tags == ["DET", "NOUN"]
    assert read_file(path)[0].words == ["The", "dog"]
    assert [s.words for chunk in ChunkReader(path, "conllu") for s in chunk] == [["The", "dog"]]
    assert seen == [False, False, False] and gc.isenabled()
    with pytest.raises(FormatError, match="<text>:1: expected 10"):
        read_text("1\tThe\n", "conllu")
    assert gc.isenabled()


def test_a_project_loads_with_the_collector_paused_and_a_damaged_one_leaves_it_on(collector_on, monkeypatch, tmp_path):
    path = tmp_path / "p.tagproj"
    Project(Corpus([Sentence.from_words(["The", "dog"], ["DET", "NOUN"])])).save(path)
    seen = []
    original = project_module.sentences_from_dicts

    def recording(*args, **kwargs):
        seen.append(gc.isenabled())
        return original(*args, **kwargs)

    monkeypatch.setattr(project_module, "sentences_from_dicts", recording)
    assert Project.load(path).corpus[0].words == ["The", "dog"]
    assert seen == [False] and gc.isenabled()
    path.write_text("{not json")
    with pytest.raises(ProjectError):
        Project.load(path)
    assert gc.isenabled()
