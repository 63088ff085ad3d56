"""The untagged text of a project: vectors learned once, cached, reused, relearned when the text changes."""

from __future__ import annotations

import os

import pytest

from tagger_gui.core.corpus import Corpus, Sentence, TagSet
from tagger_gui.core.project import Project
from tagger_gui.ml import raw_vectors
from tagger_gui.ml.config import preset_config
from tagger_gui.ml.neighbour_tags import SCALE
from tagger_gui.ml.tag_profile import predicted_profile
from tagger_gui.ml.training import TrainingInfo
from tagger_gui.session import untagged as untagged_module
from tagger_gui.session.jobs import InlineRunner
from tagger_gui.session.session import Session
from tagger_gui.session.training import Stage
from tagger_gui.session.untagged import UntaggedText, UntaggedTextError, VectorCache
from tests.ml.test_raw_vectors import tagged, untagged


@pytest.fixture
def learned(monkeypatch):
    """Counts the calls of ``learn_vectors`` made by the cache."""
    calls = []

    def counting(*args, **kwargs):
        calls.append(1)
        return raw_vectors.learn_vectors(*args, **kwargs)

    monkeypatch.setattr(untagged_module, "learn_vectors", counting)
    monkeypatch.setattr(untagged_module, "MIN_SENTENCES", 10)
    return calls


def write_lines(path, sentences) -> None:
    path.write_text("".join(" ".join(words) + "\n" for words in sentences), encoding="utf-8")


def test_vectors_are_learned_once_and_reused_from_memory_and_disk(tmp_path, learned):
    text = UntaggedText(untagged(300), [], tmp_path / "p.vectors.safetensors")
    first = VectorCache().vectors(text, 4)
    assert first is not None and learned == [1]
    assert VectorCache.vectors(cache := VectorCache(), text, 4) is not None and learned == [1]  # from disk
    assert cache.vectors(text, 4) is cache.vectors(text, 4)
    assert learned == [1]


def test_changed_text_or_a_changed_file_learns_again(tmp_path, learned):
    raw = tmp_path / "raw.txt"
    write_lines(raw, untagged(200, seed=1))
    cache = VectorCache()
    text = UntaggedText(untagged(100), [raw])
    cache.vectors(text, 4)
    cache.vectors(UntaggedText(untagged(100), [raw]), 4)
    assert learned == [1]
    write_lines(raw, untagged(250, seed=2))
    os.utime(raw, ns=(1, 1))  # a new time even on file systems with coarse clocks
    with_more = cache.vectors(UntaggedText(untagged(100), [raw]), 4)
    assert learned == [1, 1]
    cache.vectors(UntaggedText(untagged(101), [raw]), 4)
    assert learned == [1, 1, 1]
    assert "florps" in with_more.words


def test_a_raw_file_with_bad_encoding_or_binary_content_is_named(tmp_path, learned):
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("the cat\nthe caf\xe9 runs\n".encode("latin-1"))
    with pytest.raises(UntaggedTextError, match=r"latin1.txt:2: not valid UTF-8"):
        VectorCache().vectors(UntaggedText(untagged(50), [bad]), 4)
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"the cat\n\x00\x01\x02\x03 runs\n")
    with pytest.raises(UntaggedTextError, match="image.txt:2"):
        VectorCache().vectors(UntaggedText(untagged(50), [binary]), 4)
    with pytest.raises(UntaggedTextError, match="missing.txt"):
        VectorCache().vectors(UntaggedText(untagged(50), [tmp_path / "missing.txt"]), 4)


def test_no_untagged_text_means_no_vectors():
    assert VectorCache().vectors(UntaggedText(untagged(20)), 4) is None
    assert VectorCache().vectors(UntaggedText(untagged(300)), 0) is None


SMALL = preset_config("default", embedding_dim=8, hidden_dim=8, char_hidden=8, epochs=2, raw_dim=4,
                      scale_to_data=False, max_minutes=None, device="cpu")
"""A model small enough to train in a test, with untagged-text vectors."""


def _session_with_untagged_text(folder, save: bool = False) -> Session:
    """A session over the tagged sentences and 300 untagged ones (the project saved in ``folder`` if ``save``)."""
    sentences = tagged() + [Sentence.from_words(words) for words in untagged(300)]
    project = Project(Corpus(sentences, TagSet(["DET", "NOUN", "VERB", "ADV"])))
    if save:
        project.save(folder / "p.tagger.json")
    return Session(project, InlineRunner(), data_folder=folder)


def test_a_session_trains_with_the_projects_text_and_keeps_the_vectors_beside_the_project(tmp_path, learned):
    session, config = _session_with_untagged_text(tmp_path, save=True), SMALL
    outcomes = []
    session.start_training(config, session.training_data(), on_event=lambda _: None, on_done=outcomes.append,
                           on_failed=lambda *error: pytest.fail(str(error)))
    tagger = outcomes[0].result.tagger
    assert "blick" in tagger.vocab.raw_words and learned == [1]
    assert (tmp_path / "p.tagger.vectors.safetensors").exists()


def test_a_session_with_a_model_gives_the_next_one_its_view_of_the_untagged_words(tmp_path, learned):
    session, config = _session_with_untagged_text(tmp_path), SMALL
    outcomes, events = [], []

    def train() -> None:
        session.start_training(config, session.training_data(), on_event=events.append, on_done=outcomes.append,
                               on_failed=lambda *error: pytest.fail(str(error)))

    train()
    first = outcomes[0].result.tagger
    assert not any(isinstance(e, Stage) and "current model" in e.text for e in events)
    session.adopt(first)
    profile = predicted_profile(first, [list(s.words) for s in session.corpus])
    train()
    assert any(isinstance(e, Stage) and e.text == "tagging the untagged text with the current model" for e in events)
    second = outcomes[1].result.tagger
    table, blick = second.model.raw_embedding.weight, second.vocab.raw_id("blick")
    expected = SCALE * profile.shares[profile.words.index("blick")]
    assert table[blick, 4:4 + len(expected)].tolist() == pytest.approx(expected.tolist(), abs=1e-5)


def test_stop_while_reading_a_large_file_learns_nothing(tmp_path, learned, monkeypatch):
    from tagger_gui.core.formats import stream

    monkeypatch.setattr(stream, "CHUNK_BYTES", 4096)  # the file is read in several chunks
    raw = tmp_path / "big.txt"
    write_lines(raw, untagged(2_000))
    stages = []
    asked = iter([False, True])
    assert VectorCache().vectors(UntaggedText([], [raw]), 4, stages.append, lambda: next(asked, True)) is None
    assert learned == [] and stages[1].startswith("reading big.txt (")


def test_a_train_learns_from_the_projects_untagged_sentences_and_says_how_many(tmp_path, learned):
    session, config = _session_with_untagged_text(tmp_path), SMALL.replace(epochs=1)
    events = []
    for weight in (1.0, 0.0):
        session.start_training(config.replace(cross_view=weight), session.training_data(), on_event=events.append,
                               on_done=lambda _: None, on_failed=lambda *error: pytest.fail(str(error)))
    starts = [event for event in events if isinstance(event, TrainingInfo)]
    tagged_words = {tuple(s.words) for s in tagged()}
    new = [words for words in untagged(300) if tuple(words) not in tagged_words]  # a few repeat a tagged sentence
    assert 250 < len(new) and [info.untagged_sentences for info in starts] == [len(new), 0]
