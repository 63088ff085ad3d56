"""``tagger-gui predict`` streams: its output equals the in-memory path's byte for byte, in every tagged format."""

from __future__ import annotations

import itertools

import pytest
import torch

from tagger_gui import cli_predict
from tagger_gui.cli import main
from tagger_gui.core import corpus
from tagger_gui.core.corpus import Sentence
from tagger_gui.core.formats import read_file, write_file
from tagger_gui.core.formats import stream
from tagger_gui.ml.bundle import load_bundle, save_bundle
from tagger_gui.ml.config import preset_config
from tagger_gui.ml.model import build_model
from tagger_gui.ml.predict import Tagger
from tagger_gui.ml.scores import score_table
from tagger_gui.ml.vocab import Vocab

TAGS = ["DET", "NOUN", "VERB", "PUNCT"]
WORDS = ["the", "a", "dog", "Cats", "ate", "read", "3.5", "naïve", "UNSEEN", ".", "book", "x-ray"]


def _corpus(count: int) -> list[Sentence]:
    """Sentences of 1 to 23 words (deterministic), some tagged."""
    sentences = []
    for i in range(count):
        words = [WORDS[(i * 5 + j * 7) % len(WORDS)] for j in range(1 + (i * 11) % 23)]
        tags = [TAGS[(i + j) % len(TAGS)] if i % 3 else None for j in range(len(words))]
        sentences.append(Sentence.from_words(words, tags))
    return sentences


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    """An untrained (seeded) model: its scores are as deterministic as a trained one's, and it takes no time."""
    config = preset_config("fast", max_word_chars=12)
    vocab = Vocab.build([s.words for s in _corpus(40)], TAGS, suffix_length=config.suffix_length)
    torch.manual_seed(1)
    path = tmp_path_factory.mktemp("stream") / "model"
    save_bundle(Tagger(build_model(config, vocab), vocab, config), path)
    return path


def _in_memory(model, source, out, scores) -> None:
    """The tagging path before streaming: read everything, tag everything, write everything.

    The score table's reference is tagged in the stream's groups of chunks: a sentence's scores
    can differ by about 1e-6 with the other sentences of its batch (the LSTM's matrix
    products sum in another order), which may change the 5th digit written.
    """
    tagger = load_bundle(model, device="cpu")
    sentences = read_file(source)
    predictions = tagger.predict([s.words for s in sentences])
    for sentence, prediction in zip(sentences, predictions):
        for token, tag in zip(sentence.tokens, prediction.best):
            token.tag = tag
    write_file(out, sentences)
    groups = cli_predict.tagging_groups(stream.ChunkReader(source))
    sizes = itertools.accumulate([0] + [len(group) for group in groups])
    chunked = [p for start, end in itertools.pairwise(sizes)
               for p in tagger.predict([s.words for s in sentences[start:end]])]
    scores.write_text(score_table(sentences, chunked), encoding="utf-8")


@pytest.mark.parametrize("name", ["in.conllu", "in.tsv", "in.jsonl"])
def test_streamed_predict_equals_in_memory_byte_for_byte(model, tmp_path, monkeypatch, capsys, name):
    source = tmp_path / name
    write_file(source, _corpus(300))
    monkeypatch.setattr(stream, "CHUNK_BYTES", 2000)  # many chunks
    monkeypatch.setattr(cli_predict, "STREAM_WORDS", 150)  # tagged in several groups of chunks
    monkeypatch.setattr(corpus, "_generated_ids", itertools.count(1))  # sentence ids as in a fresh process
    _in_memory(model, source, tmp_path / f"memory_{name}", tmp_path / "memory.tsv")
    monkeypatch.setattr(corpus, "_generated_ids", itertools.count(1))
    args = ["predict", str(model), str(source), "--out", str(tmp_path / f"stream_{name}"),
            "--scores", str(tmp_path / "stream.tsv"), "--device", "cpu"]
    assert main(args) == 0
    assert "tagged" in capsys.readouterr().out
    assert len(list(stream.ChunkReader(source))) > 5
    assert (tmp_path / f"stream_{name}").read_bytes() == (tmp_path / f"memory_{name}").read_bytes()
    assert (tmp_path / "stream.tsv").read_bytes() == (tmp_path / "memory.tsv").read_bytes()


def test_chunks_are_tagged_in_groups_and_a_small_rest_joins_the_group_before(tmp_path, monkeypatch):
    source = tmp_path / "in.conllu"
    write_file(source, _corpus(300))
    monkeypatch.setattr(stream, "CHUNK_BYTES", 2000)
    words = lambda group: sum(len(s.tokens) for s in group)  # noqa: E731
    total = words(read_file(source))
    monkeypatch.setattr(cli_predict, "STREAM_WORDS", total // 6)
    groups = list(cli_predict.tagging_groups(stream.ChunkReader(source)))
    assert [s.words for group in groups for s in group] == [s.words for s in read_file(source)]
    assert len(groups) >= 3 and all(words(group) >= total // 6 for group in groups)
    assert max(map(words, groups)) <= 2 * total // 6 + 2 * words(next(iter(stream.ChunkReader(source))))
    monkeypatch.setattr(cli_predict, "STREAM_WORDS", total * 3 // 5)  # the rest is smaller than the first group
    assert len(list(cli_predict.tagging_groups(stream.ChunkReader(source)))) == 1


def test_an_error_late_in_the_input_names_its_line_and_writes_nothing(model, tmp_path, monkeypatch, capsys):
    source, out, scores = tmp_path / "in.jsonl", tmp_path / "out.jsonl", tmp_path / "scores.tsv"
    write_file(source, _corpus(200))
    with source.open("a", encoding="utf-8") as file:
        file.write('{"tokens": []}\n')
    monkeypatch.setattr(stream, "CHUNK_BYTES", 2000)
    assert main(["predict", str(model), str(source), "--out", str(out), "--scores", str(scores)]) == 2
    assert f"{source}:201:" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]


def test_an_empty_input_gives_an_empty_output_and_a_header(model, tmp_path):
    source, out, scores = tmp_path / "in.conllu", tmp_path / "out.conllu", tmp_path / "scores.tsv"
    source.write_text("\n\n", encoding="utf-8")
    assert main(["predict", str(model), str(source), "--out", str(out), "--scores", str(scores)]) == 0
    assert out.read_text(encoding="utf-8") == "" and scores.read_text(encoding="utf-8").startswith("sentence\t")
