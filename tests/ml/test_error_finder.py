"""The k-fold error finder: folds, ranking of planted errors, stopping, the evaluation helper."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from tagger_gui.core.corpus import Sentence
from tagger_gui.ml.error_finder import ErrorFinderHooks, find_errors, finder_config, fold_of_each, rank_quality
from tagger_gui.ml.training import TrainingError

@pytest.fixture(autouse=True)
def one_thread():
    """Tiny models on a shared 2-core machine: one torch thread avoids oversubscription stalls."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


TINY = dict(embedding_dim=16, hidden_dim=16, char_dim=8, char_hidden=16, epochs=6, batch_size=8, device="cpu")

_DETS, _NOUNS, _VERBS = ("the", "a", "this", "that"), ("dog", "cat", "bird", "man", "car", "house"), ("sees", "likes", "eats", "finds")


def synthetic_corpus(n: int = 120, seed: int = 0) -> list[Sentence]:
    """``DET NOUN VERB DET NOUN .`` sentences: an easy grammar a tiny model learns at once."""
    rng = np.random.default_rng(seed)
    sentences = []
    for i in range(n):
        words = [rng.choice(_DETS), rng.choice(_NOUNS), rng.choice(_VERBS), rng.choice(_DETS), rng.choice(_NOUNS), "."]
        sentences.append(Sentence.from_words([str(w) for w in words], ["DET", "NOUN", "VERB", "DET", "NOUN", "PUNCT"], id=f"s{i}"))
    return sentences


def plant_errors(sentences: list[Sentence], count: int, seed: int = 1) -> set[tuple[int, int]]:
    rng = np.random.default_rng(seed)
    planted = set()
    wrong = {"DET": "VERB", "NOUN": "PUNCT", "VERB": "DET", "PUNCT": "NOUN"}
    while len(planted) < count:
        i, t = int(rng.integers(len(sentences))), int(rng.integers(6))
        if (i, t) not in planted:
            token = sentences[i].tokens[t]
            token.tag = wrong[token.tag]
            planted.add((i, t))
    return planted


def test_folds_are_balanced_and_seeded():
    folds = fold_of_each(23, 5, seed=3)
    assert sorted(np.bincount(folds).tolist()) == [4, 4, 5, 5, 5]
    assert folds.tolist() == fold_of_each(23, 5, seed=3).tolist()


def test_planted_errors_rank_at_the_top():
    sentences = synthetic_corpus()
    planted = plant_errors(sentences, 8)
    folds_seen = []

    class Hooks(ErrorFinderHooks):
        def on_fold_end(self, fold, folds, suspects):
            folds_seen.append(fold)

    result = find_errors(sentences, finder_config(**TINY), folds=3, hooks=Hooks())
    assert folds_seen == [1, 2, 3] and not result.stopped and result.folds_done == 3
    assert result.checked_tokens == 120 * 6
    top = {(s.sentence, s.token) for s in result.suspects[:10]}
    assert len(top & planted) >= 7, result.suspects[:10]
    scores = [s.score for s in result.suspects]
    assert scores == sorted(scores, reverse=True)
    first = result.suspects[0]
    assert first.sentence_id == sentences[first.sentence].id and first.saved == sentences[first.sentence].tags[first.token]
    quality = rank_quality(result.suspects, planted, [8, 16])
    assert quality[16]["recall"] >= 7 / 8


def test_stop_ends_the_run_with_the_folds_done():
    sentences = synthetic_corpus(60)
    stop = threading.Event()

    class Hooks(ErrorFinderHooks):
        def on_progress(self, progress):
            if progress.fold == 2:
                stop.set()

    result = find_errors(sentences, finder_config(**TINY), folds=4, hooks=Hooks(), should_stop=stop)
    assert result.stopped and result.folds_done == 1 and result.folds == 4
    assert 0 < result.checked_tokens < 60 * 6


def test_too_few_tagged_sentences_is_an_error():
    with pytest.raises(TrainingError, match="at least 3"):
        find_errors(synthetic_corpus(2) + [Sentence.from_words(["x"])], finder_config(**TINY), folds=3)


def test_evaluation_run_lists_the_tokens_of_a_confusion_cell():
    from tagger_gui.ml.evaluation import EvaluationRun
    from tagger_gui.ml.metrics import evaluate_predictions

    sentences = [Sentence.from_words(["the", "dog", "runs"], ["DET", "NOUN", "VERB"], id="a"),
                 Sentence.from_words(["a", "cat"], ["DET", "NOUN"], id="b")]
    predicted = [["DET", "VERB", "VERB"], ["DET", "VERB"]]
    evaluation = evaluate_predictions([s.words for s in sentences], [s.tags for s in sentences], predicted)
    run = EvaluationRun(evaluation, [4, 9], sentences, predicted, 0.0)
    hits = run.cell_tokens("NOUN", "VERB")
    assert [(h.row, h.sentence_id, h.token, h.word) for h in hits] == [(4, "a", 1, "dog"), (9, "b", 1, "cat")]
    assert hits[0].left == "the" and hits[0].right == "runs"
    assert run.cell_tokens("NOUN", "NOUN") == []


def test_a_review_list_round_trips_and_refuses_what_it_cannot_read():
    import pytest

    from tagger_gui.ml.error_finder import FinderResult, Suspect
    from tagger_gui.ml.review import Decision, ReviewItem, review_from_dict, review_to_dict

    suspect = Suspect(3, "s3", 1, "dog", "VERB", "NOUN", 0.98, 0.01, 4.6)
    result = FinderResult([suspect], 3, 3, 240, 0.99, False, 1.0)
    back, items = review_from_dict(review_to_dict(result, [ReviewItem(suspect, Decision.KEPT)]))
    assert items == [ReviewItem(suspect, Decision.KEPT)] and back.checked_tokens == 240 and back.suspects == [suspect]
    for bad in ({"version": 2}, {"version": 1, "items": [{"decision": "maybe"}]}, []):
        with pytest.raises(ValueError):
            review_from_dict(bad)
