"""An evaluation that remembers its predictions, so a confusion-matrix cell can list its tokens.

``Tagger.evaluate`` gives the figures only; the evaluation view also needs to know
which tokens sit behind each cell of the confusion matrix.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Sequence

from tagger_gui.core.corpus import Sentence
from tagger_gui.ml.metrics import Evaluation, evaluate_predictions
from tagger_gui.ml.predict import Tagger

CONTEXT_WORDS = 5


@dataclass
class TokenHit:
    """One evaluated token: where it is, its context, its gold and predicted tags."""

    row: int
    sentence_id: str
    token: int
    left: str
    word: str
    right: str
    gold: str
    predicted: str


@dataclass
class EvaluationRun:
    """The figures of one evaluation and the predictions behind them.

    Attributes:
        evaluation: the figures (``ml.metrics.Evaluation``).
        rows: the corpus row of each evaluated sentence.
        sentences: the evaluated sentences (a snapshot).
        predicted: the predicted tags, per sentence.
        seconds: how long tagging and counting took.
    """

    evaluation: Evaluation
    rows: list[int]
    sentences: list[Sentence]
    predicted: list[list[str]]
    seconds: float

    def cell_tokens(self, gold: str, predicted: str) -> list[TokenHit]:
        """The tokens with gold tag ``gold`` that were predicted ``predicted``, in corpus order."""
        hits = []
        for row, sentence, tags in zip(self.rows, self.sentences, self.predicted):
            words = sentence.words
            for t, (token, tag) in enumerate(zip(sentence.tokens, tags)):
                if token.tag == gold and tag == predicted:
                    left = " ".join(words[max(0, t - CONTEXT_WORDS):t])
                    right = " ".join(words[t + 1:t + 1 + CONTEXT_WORDS])
                    hits.append(TokenHit(row, sentence.id, t, left, token.form, right, gold, tag))
        return hits


def evaluate_sentences(tagger: Tagger, sentences: Sequence[Sentence], rows: Sequence[int] | None = None) -> EvaluationRun:
    """Tag ``sentences`` (corpus rows ``rows``, default 0..n-1) and compare with their saved tags."""
    started = time.perf_counter()
    sentences = list(sentences)
    predicted = [p.best for p in tagger.predict([s.words for s in sentences])]
    evaluation = evaluate_predictions(
        [s.words for s in sentences],
        [s.tags for s in sentences],
        predicted,
        known_words=tagger.known_words,
        tags=tagger.tag_names,
    )
    rows = list(rows) if rows is not None else list(range(len(sentences)))
    return EvaluationRun(evaluation, rows, sentences, predicted, time.perf_counter() - started)
