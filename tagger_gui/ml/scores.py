"""The per-word tag score table as TSV text: ``tagger-gui predict --scores`` and the window's export.

Layout: a header ``sentence  word_index  word  <tag 1>  <tag 2> ...`` then one row per
word; ``sentence`` and ``word_index`` count from 1, and each tag column holds the
model's log-softmax score written with ``%.5g``. Tabs and line breaks inside words
are written as spaces.
"""

from __future__ import annotations

from typing import Sequence

from tagger_gui.core.corpus import Sentence
from tagger_gui.ml.predict import Prediction


def score_table(
    sentences: Sequence[Sentence | Sequence[str]], predictions: Sequence[Prediction], first_number: int = 1,
    numbers: Sequence[int] | None = None, header: bool = True,
) -> str:
    """The TSV text for ``sentences`` (``Sentence`` objects or word lists) and their predictions.

    Args:
        sentences: the scored sentences, in order.
        predictions: one ``Prediction`` per sentence.
        first_number: the ``sentence`` number of the first one (counting on from there).
        numbers: explicit ``sentence`` numbers, one per sentence (overrides ``first_number``).
        header: start with the header line (``False``: rows only, to append to a table).
    """
    tag_names = predictions[0].tag_names if predictions else []
    numbers = list(numbers) if numbers is not None else range(first_number, first_number + len(sentences))
    lines = ["\t".join(["sentence", "word_index", "word", *tag_names])] if header else []
    for number, sentence, prediction in zip(numbers, sentences, predictions):
        words = sentence.words if isinstance(sentence, Sentence) else list(sentence)
        for index, (word, scores) in enumerate(zip(words, prediction.log_probs), 1):
            lines.append(f"{number}\t{index}\t{tsv_word(word)}\t" + "\t".join(format_score(v) for v in scores.tolist()))
    return "".join(line + "\n" for line in lines)


def tsv_word(word: str) -> str:
    """``word`` with tabs and line breaks turned into spaces."""
    return " ".join(word.replace("\t", " ").splitlines()) or word


def format_score(value: float) -> str:
    """One score as written in the table."""
    return f"{value:.5g}"
