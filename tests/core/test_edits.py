"""Sentence edits that keep annotation: re-tokenising, and ids for new sentences that follow the corpus."""

from __future__ import annotations

from tagger_gui.core.corpus import Sentence, Split
from tagger_gui.core.data_split import split_from_name
from tagger_gui.core.edits import next_ids, retokenized


def test_new_ids_follow_the_corpus_pattern_with_its_padding():
    ewt = ["weblog-x_ENG_2005-0040", "weblog-x_ENG_2005-0041"]
    assert next_ids(ewt, 2) == ["weblog-x_ENG_2005-0042", "weblog-x_ENG_2005-0043"]
    assert next_ids(["s1", "s2", "s4"], 2) == ["s5", "s6"]
    assert next_ids(["intro", "a9", "outro"], 1) == ["a10"]
    assert next_ids([], 2) == ["s1", "s2"]
    assert next_ids(["s2", "s1"], 1) == ["s3"]  # the last numbered id is counted on; taken ids are skipped


def test_retokenising_keeps_the_tags_of_untouched_words():
    sentence = Sentence.from_words(["I", "can't", "go"], ["PRON", None, "VERB"], split=Split.DEV)
    new = retokenized(sentence, ["I", "ca", "n't", "go"])
    assert new.tags == ["PRON", None, None, "VERB"] and new.id == sentence.id and new.split == Split.DEV


def test_a_file_name_offers_its_split():
    assert split_from_name("en_ewt-ud-dev.conllu") == Split.DEV
    assert split_from_name("/data/test.tsv") == Split.TEST
    assert split_from_name("my_validation_set.jsonl") == Split.DEV
    assert split_from_name("en_ewt-ud-train.conllu") is None and split_from_name("latest.txt") is None
