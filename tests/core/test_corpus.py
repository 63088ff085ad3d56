"""The data model: statuses, unique ids, edits and the notifications they send."""

from __future__ import annotations

import pytest

from tagger_gui.core.corpus import Change, ChangeKind, Corpus, Sentence, Split, Status, Tag, TagSet


@pytest.fixture
def corpus() -> Corpus:
    tagset = TagSet(["DET", "NOUN", "VERB", Tag("PUNCT", "punctuation", "#bab0ac")])
    return Corpus(
        [
            Sentence.from_words(["The", "dog", "barks"], ["DET", "NOUN", "VERB"], id="a"),
            Sentence.from_words(["A", "cat"], ["DET", None], id="b"),
            Sentence.from_words(["Stop", "!"], id="c"),
        ],
        tagset,
    )


@pytest.fixture
def changes(corpus) -> list[Change]:
    seen: list[Change] = []
    corpus.add_listener(seen.append)
    return seen


def test_status_follows_tagging_and_review(corpus):
    assert [s.status for s in corpus] == [Status.COMPLETE, Status.PARTIAL, Status.UNTAGGED]
    corpus.set_reviewed(0, True)
    assert corpus[0].status == Status.REVIEWED
    assert corpus.word_count == 7 and corpus.tagged_word_count == 4


def test_duplicate_ids_get_a_suffix_and_lookup_stays_right(corpus):
    corpus.append_sentences([Sentence.from_words(["x"], id="a"), Sentence.from_words(["y"], id="a")])
    assert [s.id for s in corpus][-2:] == ["a-2", "a-3"]
    corpus.remove_sentences(0)
    assert corpus.index_of("a-3") == 3 and corpus.by_id("c").words == ["Stop", "!"]
    with pytest.raises(KeyError):
        corpus.index_of("a")


def test_set_tag_notifies_with_sentence_and_token(corpus, changes):
    previous = corpus.set_tag(1, 1, "NOUN")
    assert previous is None and corpus[1].tags == ["DET", "NOUN"]
    assert changes == [Change(ChangeKind.TAGS, 1, 1, (1,))]


def test_set_many_tags_returns_what_undoes_it(corpus, changes):
    before = [s.tags for s in corpus]
    previous = corpus.set_many_tags({1: {1: "NOUN"}, 2: {0: "VERB", 1: "PUNCT"}})
    assert corpus[2].tags == ["VERB", "PUNCT"]
    corpus.set_many_tags(previous)
    assert [s.tags for s in corpus] == before
    assert changes[0] == Change(ChangeKind.SENTENCE, 1, 2)


def test_insert_and_remove_notify_ranges(corpus, changes):
    corpus.insert_sentences(1, [Sentence.from_words(["new"], id="n")])
    removed = corpus.remove_sentences(0, 2)
    assert [s.id for s in removed] == ["a", "n"] and [s.id for s in corpus] == ["b", "c"]
    assert changes == [Change(ChangeKind.INSERTED, 1, 1), Change(ChangeKind.REMOVED, 0, 1)]


def test_rename_merge_and_remove_tags_update_tokens(corpus, changes):
    assert corpus.rename_tag("NOUN", "N") == 1
    assert corpus[0].tags == ["DET", "N", "VERB"] and "NOUN" not in corpus.tagset
    where = corpus.merge_tags("DET", "N")
    assert where == {0: [0], 1: [0]} and corpus[1].tags == ["N", None] and "DET" not in corpus.tagset
    where = corpus.remove_tag("N")
    assert corpus[0].tags == [None, None, "VERB"] and where == {0: [0, 1], 1: [0]}
    assert {c.kind for c in changes} == {ChangeKind.TAGSET}
    with pytest.raises(ValueError):
        corpus.rename_tag("VERB", "PUNCT")


def test_split_marker_and_tagset_round_trip(corpus):
    assert corpus.set_split(2, Split.DEV) == Split.TRAIN
    assert [s.id for s in corpus.in_split(Split.DEV)] == ["c"]
    assert TagSet.from_dict(corpus.tagset.to_dict()) == corpus.tagset
    assert corpus.tagset["PUNCT"].description == "punctuation"


def test_sentence_copy_is_independent(corpus):
    copy = corpus[0].copy()
    copy.tokens[0].tag = "X"
    assert corpus[0].tags[0] == "DET" and copy.id == "a"


def test_the_tagged_share_shows_100_percent_only_when_every_word_is_tagged():
    from tagger_gui.core.stats import CorpusStats

    corpus = Corpus([Sentence.from_words(["w"] * 3000, ["X"] * 2999 + [None])])
    stats = CorpusStats(corpus)
    assert stats.percent_tagged == 99.9  # 99.97 rounded down, not up to 100.0
    corpus.set_tags(0, {2999: "X"})
    assert stats.percent_tagged == 100.0 and CorpusStats(Corpus()).percent_tagged == 0.0
