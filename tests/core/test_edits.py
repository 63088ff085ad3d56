"""Sentence edits that keep annotation: re-tokenising, and ids for typed sentences."""

from __future__ import annotations

from tagger_gui.core.corpus import Sentence, Split
from tagger_gui.core.data_split import split_from_name
from tagger_gui.core.edits import next_ids, retokenized
from tagger_gui.core.formats import read_text, write_text


def test_typed_sentences_get_their_own_ids_not_an_imported_documents():
    ewt = ["weblog-x_ENG_2005-0040", "weblog-x_ENG_2005-0041"]
    assert next_ids(ewt, 2) == ["s1", "s2"]  # not ...-0042, the id of that document's next sentence
    assert next_ids(["s1", "s2", "s4"], 2) == ["s5", "s6"]
    assert next_ids(["intro", "a9", "s7-1", "outro"], 1) == ["s1"]
    assert next_ids([], 2) == ["s1", "s2"]
    assert next_ids(["s3", "s1"], 1) == ["s4"]  # after the highest


def test_retokenising_keeps_the_tags_of_untouched_words():
    sentence = Sentence.from_words(["I", "can't", "go"], ["PRON", None, "VERB"], split=Split.DEV)
    new = retokenized(sentence, ["I", "ca", "n't", "go"])
    assert new.tags == ["PRON", None, None, "VERB"] and new.id == sentence.id and new.split == Split.DEV


def test_retokenising_a_conllu_sentence_renumbers_heads_and_rewrites_its_text():
    conllu = ("# sent_id = a1\n# text = Dogs bark loudly.\n"
              "1\tDogs\tdog\tNOUN\t_\t_\t2\tnsubj\t2:nsubj\t_\n"
              "2\tbark\tbark\tVERB\t_\t_\t0\troot\t0:root\t_\n"
              "3\tloudly\tloudly\tADV\t_\t_\t2\tadvmod\t2:advmod|1:dep\t_\n"
              "4\t.\t.\tPUNCT\t_\t_\t2\tpunct\t2:punct\t_\n\n")
    sentence = read_text(conllu, "conllu")[0]
    new = retokenized(sentence, ["Well", ",", "bark", "loudly", "."])  # "Dogs" replaced, two words in front
    lines = write_text([new], "conllu").splitlines()
    assert lines[1] == "# text = Well , bark loudly ."
    assert lines[4] == "3\tbark\tbark\tVERB\t_\t_\t0\troot\t0:root\t_"
    assert lines[5] == "4\tloudly\tloudly\tADV\t_\t_\t3\tadvmod\t3:advmod\t_"  # 1:dep pointed at "Dogs"
    assert lines[6] == "5\t.\t.\tPUNCT\t_\t_\t3\tpunct\t3:punct\t_"
    typo_fixed = retokenized(read_text(conllu.replace("\tbark\t", "\tbrak\t"), "conllu")[0],
                             ["Dogs", "bark", "loudly", "."])  # the root corrected in place: still the others' head
    assert [t.columns.split("\t")[6] for t in typo_fixed.tokens if t.columns] == ["2", "2", "2"]
    without_head = retokenized(read_text(conllu, "conllu")[0], ["Dogs", "loudly", "."])  # "bark" removed
    assert [t.columns.split("\t")[6:9] for t in without_head.tokens] == [
        ["_", "_", "_"], ["_", "_", "1:dep"], ["_", "_", "_"]]


def test_a_file_name_offers_its_split():
    assert split_from_name("en_ewt-ud-dev.conllu") == Split.DEV
    assert split_from_name("/data/test.tsv") == Split.TEST
    assert split_from_name("my_validation_set.jsonl") == Split.DEV
    assert split_from_name("en_ewt-ud-train.conllu") is None and split_from_name("latest.txt") is None
