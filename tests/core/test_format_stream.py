"""Reading a file in chunks gives read_file's sentences and errors; writing chunks gives write_file's bytes."""

from __future__ import annotations

import itertools

import pytest

from tagger_gui.core import corpus
from tagger_gui.core.corpus import Sentence
from tagger_gui.core.formats import FormatError, module_for, read_file, write_file
from tagger_gui.core.formats import stream
from tagger_gui.core.formats.stream import ChunkReader, writing

from .test_formats import CONLLU

COLUMNS = "-DOCSTART- O\n\nThe y DET\ndog\tx\tNOUN\n\n  \nHi _\n\nA DET\nb NOUN\n"
JSONL = '{"tokens": ["a", "b"], "tags": ["X", null], "id": "s1"}\n\n{"tokens": ["c"], "split": "dev"}\n'
TEXT = "The dog barks.\n\nI don't know!\n  \nok\n"
SAMPLES = {"c.conllu": CONLLU * 3, "c.tsv": COLUMNS * 3, "c.jsonl": JSONL * 3, "c.txt": TEXT * 3}


def _sentence_data(sentences: list[Sentence]) -> list[tuple]:
    """All a sentence holds but a generated id (from a process-wide counter)."""
    return [(s.words, s.tags, s.id if s.id.startswith("a") or s.id == "s1" else "", s.comments, s.extra_lines, s.split, [t.columns for t in s.tokens])
            for s in sentences]


@pytest.mark.parametrize("name", sorted(SAMPLES))
@pytest.mark.parametrize("chunk_bytes", [1, 40, 10**6])
@pytest.mark.parametrize("line_end", ["\n", "\r\n"])
def test_chunks_hold_the_sentences_of_read_file(tmp_path, name, chunk_bytes, line_end):
    path = tmp_path / name
    path.write_bytes(b"\xef\xbb\xbf" + SAMPLES[name].replace("\n", line_end).encode())
    chunks = list(ChunkReader(path, chunk_bytes=chunk_bytes))
    assert all(chunks) and (len(chunks) > 1) == (chunk_bytes < 100)
    whole = read_file(path)
    assert _sentence_data([s for chunk in chunks for s in chunk]) == _sentence_data(whole)


@pytest.mark.parametrize("name", ["c.conllu", "c.tsv", "c.jsonl", "c.txt"])
def test_chunks_written_as_they_come_equal_write_file(tmp_path, monkeypatch, name):
    path = tmp_path / name
    path.write_text(SAMPLES[name], encoding="utf-8")
    monkeypatch.setattr(corpus, "_generated_ids", itertools.count(1))  # as in a fresh process
    write_file(tmp_path / f"whole_{name}", read_file(path))
    monkeypatch.setattr(corpus, "_generated_ids", itertools.count(1))
    with writing(tmp_path / f"stream_{name}") as out:
        for chunk in ChunkReader(path, chunk_bytes=30):
            out.write(chunk)
    assert (tmp_path / f"stream_{name}").read_bytes() == (tmp_path / f"whole_{name}").read_bytes()


@pytest.mark.parametrize(("name", "bad"), [
    ("c.conllu", "1\tx\tx\tNOUN\n"),  # 4 columns, not 10
    ("c.jsonl", "{not json\n"),
    ("c.tsv", "\t\tNOUN\n"),
])
def test_an_error_in_a_later_chunk_names_the_line_in_the_whole_file(tmp_path, name, bad):
    path = tmp_path / name
    path.write_text(SAMPLES[name] * 4 + bad + "\n" + SAMPLES[name], encoding="utf-8")
    with pytest.raises(FormatError) as whole:
        read_file(path)
    with pytest.raises(FormatError) as streamed:
        list(ChunkReader(path, chunk_bytes=50))
    assert str(streamed.value) == str(whole.value) and streamed.value.line > 20


def test_invalid_utf8_in_a_later_chunk_names_its_line(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_bytes(JSONL.encode() * 5 + b'{"tokens": ["\xff"]}\n')
    with pytest.raises(FormatError, match=r":16: not valid UTF-8"):
        list(ChunkReader(path, chunk_bytes=10))


def test_a_failed_stream_leaves_the_old_output(tmp_path):
    source, target = tmp_path / "c.jsonl", tmp_path / "out.jsonl"
    source.write_text(JSONL * 5 + "{broken\n", encoding="utf-8")
    target.write_text("old\n", encoding="utf-8")
    with pytest.raises(FormatError), writing(target) as out:
        for chunk in ChunkReader(source, chunk_bytes=10):
            out.write(chunk)
    assert target.read_text(encoding="utf-8") == "old\n" and sorted(p.name for p in tmp_path.iterdir()) == [
        "c.jsonl", "out.jsonl"]


TRICKY = {  # blank-looking lines, document markers, text without a final line break
    "columns": "-DOCSTART- O\n\nA x\n-DOCSTART- O\nB y\n\n\u00a0\n-DOCSTART-\n\n \t\nC\tz",
    "text": "a b\n \u2003 \n\nc.\n\n\n",
    "jsonl": '\n{"tokens": ["a"]}\n  \n{"tokens": ["b"]}',
    "conllu": CONLLU + "\n\n\n" + CONLLU.rstrip("\n"),
}


@pytest.mark.parametrize("fmt", sorted(TRICKY))
def test_count_sentences_counts_what_the_reader_makes(fmt):
    text = TRICKY[fmt]
    assert stream.count_sentences(text, fmt) == len(module_for(fmt, "x").read(text, "x")) > 1


@pytest.mark.parametrize("name", sorted(SAMPLES))
@pytest.mark.parametrize("chunk_bytes", [1, 40, 10**6])
def test_spans_read_in_any_order_give_the_chunks_and_ids_of_one_reader(tmp_path, monkeypatch, name, chunk_bytes):
    """As other processes would: each span read apart, last first, numbering generated ids from its place."""
    path = tmp_path / name
    path.write_bytes(b"\xef\xbb\xbf" + SAMPLES[name].replace("\n", "\r\n").encode())
    monkeypatch.setattr(corpus, "_generated_ids", itertools.count(1))
    whole = read_file(path)
    monkeypatch.setattr(corpus, "_generated_ids", itertools.count(1))
    reader = ChunkReader(path, chunk_bytes=chunk_bytes)
    spans = list(reader.spans())
    first = corpus.reserve_sentence_ids(reader.sentences)
    assert first == 1 and corpus.new_sentence_id() == f"s{len(whole) + 1}"  # the reserved ids are not given again
    parts = {}
    for span in reversed(spans):
        corpus.generate_sentence_ids_from(first + span.sentences_before)
        parts[span.start] = reader.read_span(span)
    read = [s for start in sorted(parts) for s in parts[start]]
    assert [s.id for s in read] == [s.id for s in whole] and _sentence_data(read) == _sentence_data(whole)
    assert [len(parts[span.start]) for span in spans] == [span.sentences for span in spans] == [
        len(chunk) for chunk in ChunkReader(path, chunk_bytes=chunk_bytes)]
