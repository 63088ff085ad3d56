"""Round trips and error reports of every corpus format."""

from __future__ import annotations

import pytest

from tagger_gui.core.corpus import Sentence, Split, Token
from tagger_gui.core.formats import FORMATS, FormatError, format_for_path, read_file, read_text, write_file, write_text

CONLLU = (
    "# sent_id = a1\n"
    "# text = I don't know.\n"
    "1\tI\tI\tPRON\tPRP\t_\t3\tnsubj\t_\t_\n"
    "2-3\tdon't\t_\t_\t_\t_\t_\t_\t_\t_\n"
    "2\tdo\tdo\tAUX\tVBP\t_\t3\taux\t_\t_\n"
    "3\tn't\tnot\tPART\tRB\t_\t0\troot\t_\t_\n"
    "3.1\tknow\tknow\tVERB\tVB\t_\t_\t_\t3:conj\t_\n"
    "4\t.\t.\tPUNCT\t.\t_\t3\tpunct\t_\t_\n"
    "\n"
    "# sent_id = a2\n"
    "1\tHi\thi\t_\tUH\t_\t0\troot\t_\t_\n"
    "\n"
)


def sample_sentences() -> list[Sentence]:
    return [
        Sentence.from_words(["The", "dog", "barks", "."], ["DET", "NOUN", "VERB", "PUNCT"], id="x1"),
        Sentence.from_words(["Hi", "there"], ["INTJ", None], id="x2", split=Split.DEV),
        Sentence.from_words(["untagged", "words"], id="x3"),
    ]


def test_conllu_reads_words_tags_ids_and_keeps_non_words():
    sentences = read_text(CONLLU, "conllu")
    assert [s.id for s in sentences] == ["a1", "a2"]
    assert sentences[0].words == ["I", "do", "n't", "."]
    assert sentences[0].tags == ["PRON", "AUX", "PART", "PUNCT"]
    assert [n for n, _ in sentences[0].extra_lines] == [1, 3]
    assert sentences[1].tags == [None]


def test_conllu_xpos_column_and_byte_identical_round_trip():
    assert read_text(CONLLU, "conllu", tag_column="xpos")[0].tags == ["PRP", "VBP", "RB", "."]
    assert write_text(read_text(CONLLU, "conllu"), "conllu") == CONLLU
    assert write_text(read_text(CONLLU, "conllu", tag_column="xpos"), "conllu", tag_column="xpos") == CONLLU


def test_conllu_writes_edited_tags_into_the_tag_column_only():
    sentences = read_text(CONLLU, "conllu")
    sentences[0].tokens[0].tag = "NOUN"
    lines = write_text(sentences, "conllu").split("\n")
    assert lines[2] == "1\tI\tI\tNOUN\tPRP\t_\t3\tnsubj\t_\t_"


def test_conllu_round_trip_is_byte_identical_on_ewt_dev(ewt_dir, tmp_path):
    source = ewt_dir / "en_ewt-ud-dev.conllu"
    target = tmp_path / "dev.conllu"
    sentences = read_file(source)
    assert len(sentences) == 2001
    write_file(target, sentences)
    assert target.read_bytes() == source.read_bytes()


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("1\tA\ta\tX\tX\t_\t0\troot\t_\t_\n2\tB\tb\tX\n", 2, "expected 10"),
        ("1\tA\ta\tX\tX\t_\t0\troot\t_\t_\n3\tB\tb\tX\tX\t_\t0\troot\t_\t_\n", 2, "out of sequence"),
        ("# c\n\n1\tA\ta\tX\tX\t_\t0\troot\t_\t_\n", 1, "without any word"),
        ("1\tA\ta\tX\tX\t_\t0\troot\t_\t_\n# late comment\n", 2, "comment line after"),
        ("1-x\tA\ta\tX\tX\t_\t0\troot\t_\t_\n", 1, "bad word ID"),
    ],
)
def test_conllu_errors_name_file_and_line(text, line, message):
    with pytest.raises(FormatError) as caught:
        read_text(text, "conllu", path="bad.conllu")
    assert caught.value.line == line
    assert message in caught.value.message
    assert str(caught.value).startswith(f"bad.conllu:{line}:")


def test_columns_reads_tabs_spaces_extra_columns_docstart_and_untagged():
    text = "-DOCSTART- -X- O O\n\nEU NNP B-NP B-ORG\nrejects VBZ B-VP O\n\nHi\t_\nthere\t\nyou\n"
    sentences = read_text(text, "columns")
    assert [s.words for s in sentences] == [["EU", "rejects"], ["Hi", "there", "you"]]
    assert sentences[0].tags == ["B-ORG", "O"]
    assert sentences[1].tags == [None, None, None]
    assert write_text(sentences, "columns").split("\n")[0] == "EU\tNNP\tB-NP\tB-ORG"


def test_columns_errors_have_line_numbers():
    with pytest.raises(FormatError) as caught:
        read_text("a\tX\n\tY\n", "columns", path="f.tsv")
    assert caught.value.line == 2


def test_columns_lines_of_one_sentence_with_other_column_counts_are_errors():
    with pytest.raises(FormatError, match="4 columns, where the sentence's lines before have 2") as caught:
        read_text("The\tDET\ncat\tNOUN\tX\tY\nsat\n", "columns", path="f.tsv")
    assert caught.value.line == 2
    sentences = read_text("The\tDET\nsat\n\nA\tx\tDET\ndog\ty\tNOUN\n", "columns")  # a token alone: untagged
    assert [s.tags for s in sentences] == [["DET", None], ["DET", "NOUN"]]
    sentences[1].tokens.append(Token("barks", "VERB"))  # added in the window: no kept columns
    written = write_text(sentences, "columns")
    assert written.split("\n")[5] == "barks\t_\tVERB" and read_text(written, "columns")[1].tags == ["DET", "NOUN", "VERB"]
    numbered = read_text("a\tX\tk\nb\tY\tk2\n", "columns", tag_column=1)  # the tag in the middle column
    assert write_text(numbered, "columns", tag_column=1) == "a\tX\tk\nb\tY\tk2\n\n"
    with pytest.raises(FormatError, match="xpos names a CoNLL-U column"):  # not silently the last column
        read_text("The\tDT\tDET\n", "columns", tag_column="xpos")


def test_conllu_writes_the_current_sent_id_over_a_stale_one():
    sentences = read_text(CONLLU, "conllu")
    sentences[0].id = "a1-2"  # renamed, as an import renames a sentence whose id is taken
    written = write_text(sentences, "conllu")
    assert written.startswith("# sent_id = a1-2\n# text = I don't know.\n")
    assert [s.id for s in read_text(written, "conllu")] == ["a1-2", "a2"]


def test_jsonl_reads_optional_tags_nulls_and_metadata():
    text = '{"tokens": ["a", "b"], "tags": ["X", null]}\n\n{"tokens": ["c"], "id": "k", "split": "test"}\n'
    sentences = read_text(text, "jsonl")
    assert sentences[0].tags == ["X", None]
    assert sentences[1].id == "k" and sentences[1].split == Split.TEST and sentences[1].tags == [None]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ('{"tokens": ["a"]}\n{"tokens": ["a"\n', 2, "invalid JSON"),
        ('{"tokens": ["a"]}\n\n[1, 2]\n', 3, "JSON object"),
        ('{"tokens": ["a", "b"], "tags": ["X"]}\n', 1, "as long as"),
        ('{"tokens": []}\n', 1, "non-empty"),
        ('{"tokens": ["a"], "tags": [3]}\n', 1, "strings or null"),
        ('{"tokens": ["a"], "split": "holdout"}\n', 1, "split"),
    ],
)
def test_jsonl_errors_have_line_numbers(text, line, message):
    with pytest.raises(FormatError) as caught:
        read_text(text, "jsonl", path="f.jsonl")
    assert caught.value.line == line and message in caught.value.message


def test_text_format_tokenizes_one_sentence_per_line():
    sentences = read_text("I don't know.\n\n  Hello, world!\n", "text")
    assert [s.words for s in sentences] == [["I", "do", "n't", "know", "."], ["Hello", ",", "world", "!"]]
    assert all(tag is None for s in sentences for tag in s.tags)
    assert write_text(sentences, "text") == "I do n't know .\nHello , world !\n"


@pytest.mark.parametrize("fmt", ["conllu", "columns", "jsonl"])
def test_tagged_formats_round_trip_words_and_tags(fmt, tmp_path):
    path = tmp_path / f"out.{ {'conllu': 'conllu', 'columns': 'tsv', 'jsonl': 'jsonl'}[fmt] }"
    write_file(path, sample_sentences())
    back = read_file(path)
    assert [s.words for s in back] == [s.words for s in sample_sentences()]
    assert [s.tags for s in back] == [s.tags for s in sample_sentences()]
    assert read_file(path, fmt) and format_for_path(path) == fmt


def test_bom_and_crlf_are_accepted(tmp_path):
    path = tmp_path / "crlf.tsv"
    path.write_bytes(b"\xef\xbb\xbfThe\tDET\r\ndog\tNOUN\r\n\r\nHi\tINTJ\n")
    sentences = read_file(path)
    assert [s.words for s in sentences] == [["The", "dog"], ["Hi"]]
    assert sentences[0].tags == ["DET", "NOUN"]


def test_invalid_utf8_names_the_line(tmp_path):
    path = tmp_path / "bad.tsv"
    path.write_bytes(b"a\tX\nb\xff\tY\n")
    with pytest.raises(FormatError) as caught:
        read_file(path)
    assert caught.value.line == 2 and "UTF-8" in caught.value.message


def test_unknown_extension_and_missing_file_raise_format_error(tmp_path):
    with pytest.raises(FormatError, match="unknown file extension"):
        read_file(tmp_path / "corpus.xyz")
    with pytest.raises(FormatError, match="cannot read") as caught:
        read_file(tmp_path / "missing.conllu")
    assert str(caught.value).startswith(f"{tmp_path / 'missing.conllu'}: cannot read")  # no line 0 for a whole file
    assert set(FORMATS) == {"conllu", "columns", "jsonl", "text"}
