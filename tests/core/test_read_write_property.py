"""Whatever any reader accepts, every writer writes, and its reader reads back equal (issue 16, class 5)."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tagger_gui.core.corpus import Sentence
from tagger_gui.core.formats import FormatError, read_text, write_text
from tagger_gui.core.formats.errors import decode

PROPERTY = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TAGGED = ("conllu", "columns", "jsonl")

# Pieces that stress the formats: separators, markers, odd whitespace, surrogates, a BOM.
_char = st.sampled_from(list("aZ1é_-.#= '\t\n\r\x85\u2028\ufeff\ud800\udc00"))
_piece = st.one_of(
    st.sampled_from(["a", "dog", "NOUN", "X"]) , st.text(_char, max_size=3),
    st.sampled_from(["-DOCSTART-", "_", " ", "", "1-2", "2.1", "#"]),
)


def _jsonl_line(draw) -> str:
    tokens = draw(st.lists(_piece, min_size=1, max_size=4))
    item = {"tokens": tokens, "tags": draw(st.lists(st.one_of(st.none(), _piece), min_size=len(tokens),
                                                     max_size=len(tokens)))}
    for key, value in (("id", st.one_of(_piece, st.integers(-3, 3))), ("split", st.sampled_from(["train", "dev"])),
                       ("reviewed", st.sampled_from([True, False, "false"]))):
        if draw(st.booleans()):
            item[key] = draw(value)
    return json.dumps(item)  # ensure_ascii: lone surrogates become \ud800 escapes


def _conllu_block(draw) -> str:
    lines = draw(st.lists(st.sampled_from(["# sent_id = s 1", "# text = x", "#"]), max_size=2))
    words = draw(st.lists(st.tuples(_piece, _piece), min_size=1, max_size=4))
    extra = draw(st.sampled_from(["", "1-2", "2-3", "1.1", "0-1"]))
    for i, (form, tag) in enumerate(words, 1):
        if extra and extra.split("-")[0].split(".")[0] == str(i - (1 if "." in extra else 0)):
            lines.append("\t".join([extra, "x"] + ["_"] * 8))
        lines.append("\t".join([str(i), form, "_", tag] + ["_"] * 6))
    return "\n".join(lines)


@st.composite
def documents(draw) -> tuple[str, str]:
    """A document in one format: mostly well formed, with hostile pieces inside."""
    fmt = draw(st.sampled_from(["jsonl", "columns", "conllu", "text"]))
    count = draw(st.integers(1, 3))
    if fmt == "jsonl":
        return fmt, "\n".join(_jsonl_line(draw) for _ in range(count))
    if fmt == "conllu":
        return fmt, "\n\n".join(_conllu_block(draw) for _ in range(count))
    separator = "\t" if fmt == "columns" else " "
    lines = draw(st.lists(st.lists(_piece, min_size=1, max_size=3).map(separator.join), min_size=1, max_size=6))
    return fmt, "\n".join(lines)


def _through_a_file(sentences: list[Sentence], fmt: str) -> list[Sentence]:
    data = write_text(sentences, fmt).encode("utf-8")  # raises if anything cannot be encoded
    return read_text(decode(data, "back"), fmt, path="back")


def _view(sentences: list[Sentence], writer: str, source: str) -> list[tuple]:
    """What a writer promises to keep: words and tags; ids, splits and review marks where it stores them."""
    keeps_ids = writer == "jsonl" or (writer == "conllu" and source != "conllu")
    return [
        (s.words, s.tags, s.id if keeps_ids else None,
         (s.split, s.reviewed) if writer == "jsonl" else None)
        for s in sentences
    ]


@PROPERTY
@given(document=documents())
def test_what_a_reader_accepts_every_writer_writes_and_reads_back_equal(document):
    fmt, text = document
    try:
        sentences = read_text(decode(text.encode("utf-8", "surrogatepass"), "in"), fmt, path="in")
    except FormatError:
        return
    for writer in TAGGED:
        assert _view(_through_a_file(sentences, writer), writer, fmt) == _view(sentences, writer, fmt), writer
    if fmt == "text":
        assert [s.words for s in _through_a_file(sentences, "text")] == [s.words for s in sentences]


@pytest.mark.parametrize(
    ("fmt", "text", "message"),
    [
        ("jsonl", '{"tokens": ["a\\ud800"]}', "lone surrogate"),
        ("jsonl", '{"tokens": ["a\\tb"]}', "a tab"),
        ("jsonl", '{"tokens": ["a"], "id": "x\\n1\\ta\\tX"}', "line feed"),
        ("jsonl", '{"tokens": ["a"], "tags": ["X\\r"]}', "carriage return"),
        ("jsonl", '{"tokens": ["-DOCSTART-"]}', "document marker"),
        ("jsonl", '{"tokens": ["a"], "tags": ["_"]}', "means untagged"),
        ("jsonl", '{"tokens": [" "]}', "blank token"),
        ("jsonl", '{"tokens": ["a"], "reviewed": "false"}', "true or false"),
        ("jsonl", '{"tokens": ["a"], "id": [1]}', "not a string"),
        ("conllu", "1\t \t_\tX\t_\t_\t_\t_\t_\t_", "blank token"),
        ("conllu", "1\ta\t_\t X\t_\t_\t_\t_\t_\t_", "spaces at an end"),
        ("conllu", "1\t-DOCSTART-\t_\tX\t_\t_\t_\t_\t_\t_", "document marker"),
        ("text", "a -DOCSTART- b", "document marker"),
    ],
)
def test_text_no_writer_can_keep_is_refused_with_file_and_line(fmt, text, message):
    with pytest.raises(FormatError, match=message) as caught:
        read_text("\n" + text, fmt, path="in.x")
    assert caught.value.line == 2 and str(caught.value).startswith("in.x:2:")


_ROW = "\t".join(["_"] * 8)


@pytest.mark.parametrize(
    ("lines", "line", "message"),
    [
        ([f"2-1\tab\t{_ROW}", f"1\ta\t{_ROW}", f"2\tb\t{_ROW}"], 1, "bad multiword range"),
        ([f"1\ta\t{_ROW}", f"1-2\tab\t{_ROW}", f"2\tb\t{_ROW}"], 2, "bad multiword range"),
        ([f"1-3\tab\t{_ROW}", f"1\ta\t{_ROW}", f"2\tb\t{_ROW}"], 1, "ends at word 3"),
        ([f"1-2\tab\t{_ROW}", f"1\ta\t{_ROW}", f"2-3\tbc\t{_ROW}", f"2\tb\t{_ROW}", f"3\tc\t{_ROW}"], 3,
         "bad multiword range"),
        ([f"1\ta\t{_ROW}", f"1.2\tx\t{_ROW}"], 2, "empty node"),
        ([f"1\ta\t{_ROW}", f"2.1\tx\t{_ROW}", f"2\tb\t{_ROW}"], 2, "empty node"),
    ],
)
def test_invalid_multiword_ranges_and_empty_nodes_are_refused(lines, line, message):
    with pytest.raises(FormatError, match=message) as caught:
        read_text("\n".join(lines) + "\n", "conllu", path="m.conllu")
    assert caught.value.line == line


def test_valid_multiword_ranges_and_empty_nodes_still_round_trip():
    text = "\n".join(["# sent_id = m1", f"1-2\tab\t{_ROW}", f"1\ta\t{_ROW}", f"2\tb\t{_ROW}", f"2.1\tx\t{_ROW}",
                      f"2.2\ty\t{_ROW}",
                      f"3\tc\t{_ROW}"]) + "\n\n"
    assert write_text(read_text(text, "conllu"), "conllu") == text
