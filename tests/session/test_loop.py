"""The model in the loop without a window: retrain after enough completed sentences, warm-started and
scaled, keep only a model that is not worse, and rank what to annotate next."""

from __future__ import annotations

import numpy as np
import pytest

from tagger_gui.core.corpus import Corpus, Sentence, Split
from tagger_gui.core.project import Project
from tagger_gui.core.resources import sample_project_path
from tagger_gui.ml.config import preset_config
from tagger_gui.ml.predict import Prediction
from tagger_gui.session import InlineRunner, Session
from tagger_gui.session.effort import EffortLog
from tagger_gui.session.loop import AnnotationLoop

TINY = dict(embedding_dim=16, hidden_dim=16, char_hidden=16, device="cpu")


def loop_on(sentences, tagset, tmp_path, every=3) -> tuple[AnnotationLoop, Session]:
    session = Session(Project(Corpus(sentences, tagset)), InlineRunner(), data_folder=tmp_path)
    loop = AnnotationLoop(session, lambda: preset_config("default", **TINY))
    loop.every = every
    return loop, session


@pytest.fixture
def half_tagged(tmp_path):
    """The sample project's tagged sentences, the second half with their tags removed (kept aside as gold)."""
    corpus = Project.load(sample_project_path()).corpus
    sentences = [s.copy() for s in corpus if s.tagged_count == len(s.tokens)]
    gold = {}
    for i, s in enumerate(sentences):
        s.split = Split.TRAIN
        if i >= len(sentences) // 2:
            gold[s.id] = s.tags
            for t in s.tokens:
                t.tag = None
    return sentences, corpus.tagset, gold


def annotate(session: Session, sentence_id: str, tags) -> None:
    row = session.corpus.index_of(sentence_id)
    session.corpus.set_tags(row, dict(enumerate(tags)))


def test_a_retrain_starts_after_every_n_completed_sentences_and_adopts_the_first_model(half_tagged, tmp_path):
    sentences, tagset, gold = half_tagged
    loop, session = loop_on(sentences, tagset, tmp_path)
    reports = []
    loop.listeners.append(reports.append)
    ids = list(gold)
    for sid in ids[:2]:
        annotate(session, sid, gold[sid])
        assert not loop.maybe_retrain()
    annotate(session, ids[2], gold[ids[2]])
    assert loop.maybe_retrain() and not loop.pending
    [report] = reports
    assert report.adopted and session.tagger is not None and report.tagged_tokens > 0
    assert session.tagger.config.epochs <= 20  # the scaled schedule, not the 50-epoch preset


def test_a_warm_started_retrain_learns_a_new_tag_and_keeps_the_old_ones(half_tagged, tmp_path):
    sentences, tagset, gold = half_tagged
    loop, session = loop_on(sentences, tagset, tmp_path, every=1)
    ids = list(gold)
    annotate(session, ids[0], gold[ids[0]])
    loop.maybe_retrain()
    first = session.tagger
    new_tags = ["NEWTAG"] + gold[ids[1]][1:]
    annotate(session, ids[1], new_tags)
    loop.maybe_retrain()
    assert "NEWTAG" in session.tagger.tag_names or session.tagger is first  # adopted only if not worse
    config = loop.config_for(session.training_data(), first)
    assert config.num_layers == first.config.num_layers and config.hidden_dim == first.config.hidden_dim


def test_a_worse_retrain_is_not_adopted(half_tagged, tmp_path, monkeypatch):
    sentences, tagset, gold = half_tagged
    loop, session = loop_on(sentences, tagset, tmp_path, every=1)
    ids = list(gold)
    annotate(session, ids[0], gold[ids[0]])
    loop.maybe_retrain()
    first = session.tagger
    monkeypatch.setattr("tagger_gui.session.training.TrainingOutcome.is_not_worse", False)
    reports = []
    loop.listeners.append(reports.append)
    annotate(session, ids[1], gold[ids[1]])
    loop.maybe_retrain()
    assert not reports[0].adopted and session.tagger is first


def test_nothing_happens_while_switched_off_or_with_too_little_tagged(tmp_path):
    sentences = [Sentence.from_words(["a"], ["X"], id=f"s{i}") for i in range(3)]
    loop, session = loop_on(sentences, None, tmp_path, every=1)
    session.corpus.set_tags(0, {0: "Y"})
    assert not loop.due()  # 3 tagged sentences: too few for a first model
    loop.enabled = False
    assert not loop.due(paused=True)


def planted(uncertain_row: int, n: int = 5) -> list[Prediction]:
    """Confident predictions except one sentence whose every word is a coin toss."""
    sure = np.log(np.array([[0.98, 0.01, 0.01]] * 4, np.float32))
    unsure = np.log(np.array([[0.34, 0.33, 0.33]] * 4, np.float32))
    return [Prediction(unsure if i == uncertain_row else sure, ["A", "B", "C"]) for i in range(n)]


@pytest.mark.parametrize("strategy", ["least_confidence", "margin", "entropy"])
def test_annotate_next_puts_a_planted_uncertain_sentence_first(tmp_path, strategy):
    sentences = [Sentence.from_words(["w"] * 4, id=f"s{i}") for i in range(5)]
    loop, session = loop_on(sentences, None, tmp_path)
    cache = session.predictions
    cache.tagger = object()  # the ranking reads the cache only
    for row, prediction in enumerate(planted(3)):
        cache._store(sentences[row].id, sentences[row].words, prediction)
    loop.set_strategy(strategy)
    pick = loop.next_sentence()
    assert pick.sentence == 3 and pick.uncertain  # and it says which tokens made it
    assert loop.next_sentence(exclude=3).sentence != 3


def test_the_effort_log_counts_and_round_trips():
    log = EffortLog()
    log.add_time("s1", 30.0)
    log.add_time("s1", 1000.0)  # capped: the user was away
    for tag, suggested in (("NOUN", "NOUN"), ("VERB", "NOUN"), ("DET", None)):
        log.add_key("s1")
        log.note_tagging("s1", tag, suggested)
    log.add_point(3, 0.8)
    record = log.sentences["s1"]
    assert (record.seconds, record.keys, record.tagged, record.changed) == (150.0, 3, 3, 1)
    assert EffortLog.from_dict(log.to_dict()) == log and log.tokens_per_hour == pytest.approx(3 / (150 / 3600))
    assert log.to_tsv().splitlines()[1] == "s1\t150.0\t3\t3\t1"
    assert log.summary() == "3 tokens tagged in 2.5 min: 72 tokens/hour, 1.00 keys/token"
    first = EffortLog()
    first.add_time("s1", 4.0)
    first.add_key("s1")
    first.note_tagging("s1", "NOUN", None)
    assert first.summary() == "1 token tagged in 0.1 min (the speed shows after 1 minute of work)"
    idle = EffortLog()
    idle.add_time("s1", 90.0)
    assert idle.summary() == "0 tokens tagged in 1.5 min"
    with pytest.raises(ValueError):
        EffortLog.from_dict({"version": 99})


def test_a_loop_retrain_never_runs_the_full_data_schedule(tmp_path):
    from tagger_gui.core.corpus import TagSet
    from tagger_gui.session.training import TrainingData

    loop, _ = loop_on([Sentence.from_words(["a"], ["X"], id="s0")], None, tmp_path)
    loop.base_config = lambda: preset_config("default")  # 50 epochs, 9.5 minutes
    huge = TrainingData([Sentence.from_words(["a"] * 200_001, ["X"] * 200_001)], [], TagSet(["X"]))
    config = loop.config_for(huge, None)
    assert config.epochs <= 8 and config.max_minutes <= 5.0
