"""Hostile and odd input: every reader either parses or raises FormatError with a line number."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tagger_gui.core.corpus import Sentence
from tagger_gui.core.formats import FORMATS, FormatError, read_text, write_text
from tagger_gui.core.formats.errors import decode

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TAGGED_FORMATS = ["conllu", "columns", "jsonl"]


def parse_or_format_error(data: bytes, fmt: str) -> list[Sentence] | None:
    try:
        return read_text(decode(data, "fuzz"), fmt, path="fuzz")
    except FormatError as error:
        assert error.path == "fuzz" and error.line >= 0 and error.message
        return None


@pytest.mark.parametrize("fmt", FORMATS)
@FUZZ
@given(data=st.binary(max_size=400))
def test_random_bytes_parse_or_raise_format_error(fmt, data):
    parse_or_format_error(data, fmt)


_conllu_line = st.one_of(
    st.builds(
        lambda i, cols: "\t".join([i, *cols]),
        st.sampled_from(["1", "2", "3", "1-2", "2.1", "x", ""]),
        st.lists(st.sampled_from(["_", "A", "NOUN", "", "a b", "#"]), min_size=7, max_size=10),
    ),
    st.sampled_from(["", "# sent_id = s", "# text = x", "\t", " "]),
)
_column_line = st.one_of(
    st.sampled_from(["", "-DOCSTART- O", "a\tB", "a B C", "\tX", "a\t_", " ", "a\t\tB"]),
    st.text(alphabet="ab \t_", max_size=8),
)
_json_line = st.one_of(
    st.sampled_from(['{"tokens": ["a"]}', '{"tokens": ["a"], "tags": [null]}', "{}", "[", '{"tokens": "a"}', ""]),
    st.builds(lambda a, b: f'{{"tokens": {a}, "tags": {b}}}', st.sampled_from(['["a","b"]', "[]", "[1]", "null"]),
              st.sampled_from(['["X",null]', '["X"]', "null", "[[]]", '{"a": 1}'])),
)


@FUZZ
@given(lines=st.lists(_conllu_line, max_size=12), newline=st.sampled_from(["\n", "\r\n"]))
def test_near_valid_conllu(lines, newline):
    parse_or_format_error(newline.join(lines).encode(), "conllu")


@FUZZ
@given(lines=st.lists(_column_line, max_size=12), newline=st.sampled_from(["\n", "\r\n", "\r"]))
def test_near_valid_columns(lines, newline):
    parse_or_format_error(newline.join(lines).encode(), "columns")


@FUZZ
@given(lines=st.lists(_json_line, max_size=8))
def test_near_valid_jsonl(lines):
    parse_or_format_error("\n".join(lines).encode(), "jsonl")


# Words as a user might type them: any printable text without whitespace (formats split on it).
_word = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp"), blacklist_characters="\x85\u180e"),
    min_size=1,
    max_size=6,
).filter(lambda w: w.strip() == w and w not in ("_", "-DOCSTART-") and not w.startswith("#") and w.isprintable())
_tag = st.one_of(st.none(), st.sampled_from(["NOUN", "VERB", "B-PER", "I-LOC", "X"]))


@st.composite
def corpora(draw) -> list[Sentence]:
    sentences = []
    for _ in range(draw(st.integers(1, 4))):
        words = draw(st.lists(_word, min_size=1, max_size=6))
        tags = draw(st.lists(_tag, min_size=len(words), max_size=len(words)))
        sentences.append(Sentence.from_words(words, tags))
    return sentences


@FUZZ
@given(sentences=corpora(), fmt=st.sampled_from(TAGGED_FORMATS))
def test_generated_corpora_round_trip_through_every_tagged_format(sentences, fmt):
    back = read_text(write_text(sentences, fmt), fmt)
    assert [s.words for s in back] == [s.words for s in sentences]
    assert [s.tags for s in back] == [s.tags for s in sentences]


@pytest.mark.parametrize("fmt", FORMATS)
def test_empty_file_is_an_empty_corpus(fmt):
    assert read_text("", fmt) == [] and read_text("\n\n", fmt) == []


def test_one_megabyte_single_line_is_read_as_one_token_or_sentence():
    line = "x" * 1_000_000
    assert len(read_text(line, "columns")[0].words[0]) == 1_000_000
    assert len(read_text(line, "text")[0].words) == 1


@pytest.mark.parametrize("fmt", TAGGED_FORMATS)
def test_a_5000_token_sentence_round_trips(fmt):
    sentence = Sentence.from_words([f"w{i}" for i in range(5000)], ["X"] * 5000)
    back = read_text(write_text([sentence], fmt), fmt)
    assert len(back) == 1 and back[0].words == sentence.words


@pytest.mark.parametrize("fmt", TAGGED_FORMATS)
def test_emoji_combining_marks_and_right_to_left_text_survive(fmt):
    words = ["😀", "e\u0301te\u0301", "שלום", "مرحبا", "👩‍👩‍👧"]
    back = read_text(write_text([Sentence.from_words(words, ["X"] * 5)], fmt), fmt)
    assert back[0].words == words


def test_spaces_inside_tokens_need_tabs_and_tabs_inside_tokens_become_spaces():
    assert read_text("New York\tPROPN\n", "columns")[0].words == ["New York"]
    written = write_text([Sentence.from_words(["a\tb"], ["X"])], "columns")
    assert read_text(written, "columns")[0].words == ["a b"]


def test_mixed_line_endings_read_like_lf():
    data = b"a\tX\r\nb\tY\n\rc\tZ\r\n"
    assert [s.words for s in read_text(decode(data, "m"), "columns")] == [["a", "b"], ["c"]]


def test_tags_outside_the_tag_set_are_kept():
    assert read_text("a\tNOT-IN-ANY-SET\n", "columns")[0].tags == ["NOT-IN-ANY-SET"]
