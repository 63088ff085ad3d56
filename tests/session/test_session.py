"""The session without a window: train, adopt only a model that is not worse, keep the replaced one,
predict the corpus, refuse what cannot run."""

from __future__ import annotations

import pytest

from tagger_gui.core.corpus import Corpus, Sentence, Split
from tagger_gui.core.project import Project
from tagger_gui.core.resources import sample_project_path
from tagger_gui.ml.config import preset_config
from tagger_gui.session import InlineRunner, Session, SessionError
from tagger_gui.session.models import previous_folder
from tagger_gui.session.training import TrainingOutcome

TINY = dict(embedding_dim=16, hidden_dim=16, num_layers=1, char_hidden=16, batch_size=4, epochs=2, device="cpu",
            scale_to_data=False)


@pytest.fixture
def session(tmp_path) -> Session:
    project = Project.load(sample_project_path())
    project.save(tmp_path / "work.tagproj")
    return Session(project, InlineRunner(), data_folder=tmp_path / "data")


def train(session: Session, events: list | None = None, **overrides) -> TrainingOutcome:
    outcomes = []
    session.start_training(preset_config("default", **{**TINY, **overrides}), session.training_data(),
                           on_event=(events if events is not None else []).append, on_done=outcomes.append,
                           on_failed=lambda message, details: pytest.fail(message))
    return outcomes[0]


def test_a_first_model_is_adopted_and_saved_beside_the_project(session, tmp_path):
    outcome = train(session)
    assert outcome.previous_accuracy is None and session.offer(outcome)
    assert session.tagger is outcome.result.tagger
    assert session.project.model_path == tmp_path / "work.model"
    assert (tmp_path / "work.model" / "model.safetensors").is_file()


def test_a_train_scaled_to_the_data_says_what_it_chose(session):
    from tagger_gui.ml.config import TrainConfig
    from tagger_gui.ml.schedule import TIERS
    from tagger_gui.session.training import Stage

    events = []
    outcome = train(session, events, scale_to_data=True, max_minutes=None)
    config = outcome.result.tagger.config
    tier = TIERS[0]  # under 5,000 words
    assert (config.num_layers, config.hidden_dim, config.epochs, config.batch_size, config.scale_to_data) == (
        tier.num_layers, tier.hidden_dim, tier.train_epochs, tier.batch_size, False)
    assert (config.hidden_dim, config.epochs) != (TrainConfig().hidden_dim, TrainConfig().epochs)
    said = [e.text for e in events if isinstance(e, Stage)]
    assert said and said[0].startswith("settings scaled to")
    assert tier.num_layers == 1
    chosen = f"1 LSTM layer of {tier.hidden_dim} units, {tier.train_epochs} epochs"
    assert f"{chosen}, batches of {tier.batch_size}" in said[0]


def test_a_worse_model_does_not_replace_the_current_one(session):
    first = train(session, epochs=4)
    session.offer(first)
    second = train(session, epochs=1, lr=1e-6)  # barely trained: worse on the same dev sentences
    assert second.previous_accuracy == pytest.approx(first.new_accuracy)
    assert second.new_accuracy < second.previous_accuracy and not second.is_not_worse
    assert not session.offer(second) and session.tagger is first.result.tagger


def test_the_replaced_model_is_kept_aside_and_can_be_restored(session, tmp_path):
    first = train(session)
    session.offer(first)
    words = [s.words for s in session.corpus][:4]
    expected = [p.best for p in first.result.tagger.predict(words)]
    session.adopt(train(session, seed=7, epochs=1).result.tagger)
    assert previous_folder(tmp_path / "work.model").is_dir() and session.has_previous_model()
    session.restore_previous()
    assert [p.best for p in session.tagger.predict(words)] == expected


def test_an_untitled_project_gets_a_model_folder_of_its_own(tmp_path):
    folders = []
    for _ in range(2):
        project = Project.load(sample_project_path())
        project.path = None
        session = Session(project, InlineRunner(), data_folder=tmp_path)
        folders.append(session.model_folder())
    assert folders[0] != folders[1] and all(f.parent == tmp_path / "models" for f in folders)


def test_nothing_to_train_is_refused_with_a_plain_message(tmp_path):
    project = Project(Corpus([Sentence.from_words(["no", "tags"])]))
    with pytest.raises(SessionError, match="Tag a few sentences first"):
        Session(project, InlineRunner(), data_folder=tmp_path).training_data()


def test_corpus_prediction_fills_the_cache_and_an_edit_drops_only_that_sentence(session):
    session.offer(train(session))
    assert session.start_corpus_prediction()
    cache = session.predictions
    assert cache.is_complete and not session.start_corpus_prediction()  # nothing left to predict
    sentence = session.corpus[0]
    session.corpus.replace_sentence(0, Sentence.from_words(["Dogs", "bark"], id=sentence.id))
    assert cache.cached(0) is None and cache.cached(1) is not None
    assert cache.prediction(0) is not None and cache.is_complete


def test_a_new_model_reports_which_predicted_tags_changed(session):
    session.offer(train(session))
    session.start_corpus_prediction()
    changes = []
    session.set_tagger(train(session, seed=3, epochs=1, lr=1e-4).result.tagger)
    session.start_corpus_prediction(on_changes=lambda pairs, words: changes.append((pairs, words)))
    [(pairs, words)] = changes
    assert words == session.corpus.word_count and pairs
    assert all(session.corpus.by_id(sid).words[change.token] == change.word for sid, change in pairs)


def test_the_held_out_sentences_pick_the_epoch_when_none_is_marked_dev(tmp_path):
    corpus = Project.load(sample_project_path()).corpus
    sentences = [s.copy() for s in corpus if s.tagged_count] * 3
    for i, s in enumerate(sentences):
        s.id, s.split = f"x{i}", Split.TRAIN
    session = Session(Project(Corpus(sentences, corpus.tagset)), InlineRunner(), data_folder=tmp_path)
    data = session.training_data()
    assert data.dev and "held-out" in data.dev_description
    assert [s.id for s in data.dev] == [s.id for s in session.dev_sentences()]
