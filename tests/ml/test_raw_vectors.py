"""Word vectors from untagged text: what they hold, how they are saved, and what the tagger does with them."""

from __future__ import annotations

import dataclasses
import itertools
import json
import random

import numpy as np
import pytest
import torch

from tagger_gui.core.corpus import Sentence
from tagger_gui.ml.bundle import FORMAT_VERSION, load_bundle, save_bundle
from tagger_gui.ml.config import preset_config
from tagger_gui.ml.raw_vectors import RawVectors, learn_vectors, text_fingerprint
from tagger_gui.ml.training import Trainer
from tagger_gui.ml.vocab import UNK, Vocab, headline_mask, headline_vote, is_headline, raw_form
from tagger_gui.ml.warm_start import grown_tagger

NOUNS = ["cat", "dog", "bird", "fish", "horse", "cow", "blick"]
VERBS = ["runs", "sleeps", "eats", "sings", "jumps", "swims", "florps"]
DETS = ["the", "a", "this", "that"]
ADVS = ["quickly", "slowly", "often", "today"]


def untagged(count: int = 600, seed: int = 0) -> list[list[str]]:
    """Sentences "DET NOUN VERB ADV": the made-up words blick and florps only ever appear here."""
    rng = random.Random(seed)
    return [[rng.choice(DETS), rng.choice(NOUNS), rng.choice(VERBS), rng.choice(ADVS)] for _ in range(count)]


def tagged() -> list[Sentence]:
    """Tagged sentences of the real words only; each word also alone, so position alone tells nothing."""
    sentences = [Sentence.from_words([d, n, v, a], ["DET", "NOUN", "VERB", "ADV"])
                 for d, n, v, a in zip(DETS * 3, NOUNS[:-1] * 2, VERBS[:-1] * 2, ADVS * 3)]
    singles = [(w, "NOUN") for w in NOUNS[:-1]] + [(w, "VERB") for w in VERBS[:-1]]
    return sentences + [Sentence.from_words([word], [tag]) for word, tag in singles]


def small_config(**overrides):
    settings = dict(embedding_dim=8, hidden_dim=16, char_encoder="none", suffix_length=0, shape_features=False,
                    num_layers=1, epochs=60, batch_size=4, raw_dim=4, max_minutes=None, device="cpu",
                    word_dropout=0.0, dropout=0.0, lr=0.02, seed=3)
    return preset_config("default", **{**settings, **overrides})


def test_words_of_the_same_contexts_get_near_vectors():
    vectors = learn_vectors(untagged(), dim=4)
    row = {w: i for i, w in enumerate(vectors.words)}
    unit = torch.nn.functional.normalize(vectors.vectors, dim=1)

    def similarity(a: str, b: str) -> float:
        return float(unit[row[a]] @ unit[row[b]])

    for noun, verb in itertools.product(["cat", "dog"], ["runs", "sleeps"]):
        assert similarity("blick", noun) > similarity("blick", verb)
        assert similarity("florps", verb) > similarity("florps", noun)
    assert vectors.vectors[:2].abs().sum() == 0  # padding and unknown rows stay zero


def test_how_a_word_is_written_in_running_text_is_part_of_its_vector():
    names = [["we", "visit", "Paris", "and", "NASA"]] * 5 + [["Dog", "food", "runs"]] * 20  # sentence starts do not count
    vectors = learn_vectors(untagged() + names, dim=6)
    row = {w: i for i, w in enumerate(vectors.words)}
    capitalised, all_capitals = vectors.vectors[:, 4], vectors.vectors[:, 5]
    assert capitalised[row["paris"]] > capitalised[row["dog"]]
    assert capitalised[row["nasa"]] > capitalised[row["dog"]]
    assert all_capitals[row["nasa"]] > all_capitals[row["paris"]]
    assert capitalised[row["dog"]] < capitalised[row["food"]]  # neither capitalised: the rarer one is less sure


def test_a_first_word_loses_its_capital_only_where_the_untagged_text_writes_it_in_lower_case():
    names = [["we", "visit", "Paris", "and", "NASA"]] * 5 + [["Paris", "is", "big"]] + [["Zork", "runs"]] * 2
    vectors = learn_vectors(untagged() + names, dim=6)
    assert "paris" in vectors.capitalised and "nasa" in vectors.capitalised and "zork" in vectors.capitalised
    assert "dog" not in vectors.capitalised
    vocab = Vocab.build([["a"]], ["X"])
    assert vocab.as_inside("Dog") == "Dog"  # no untagged text: as written
    vocab = dataclasses.replace(vocab, raw_words=vectors.words, capitalised=vectors.capitalised)
    assert [vocab.as_inside(w) for w in ("Dog", "DOG", "Paris", "NASA", "Zork", "Blorp", "dog", "")] == \
        ["dog", "dOG", "Paris", "NASA", "Zork", "Blorp", "dog", ""]  # names, unseen inside, no vector: kept
    assert Vocab.from_dict(vocab.to_dict()).as_inside("Dog") == "dog"
    old = {k: v for k, v in vocab.to_dict().items() if k != "capitalised"}  # a model saved before the list
    assert Vocab.from_dict(old).as_inside("Dog") == "Dog"


def test_a_tagger_with_untagged_text_reads_a_capitalised_first_word_as_written_inside():
    text = untagged() + [["we", "visit", "Paris"]] * 5
    settings = dict(raw_dim=6, epochs=3, shape_features=True)  # the shape sees the capital
    tagger = Trainer(small_config(**settings), threads=1).fit(tagged(), raw_vectors=learn_vectors(text, 6)).tagger
    capital, lower = tagger.predict([["Cat", "runs"], ["cat", "runs"]])
    assert np.array_equal(capital.log_probs, lower.log_probs)
    table = tagger.form_table()
    assert table.sentence_rows(["Cat", "runs"]).tolist() == table.rows(["cat", "runs"]).tolist()
    assert table.sentence_rows(["Paris", "runs"])[0] != table.rows(["paris"])[0]
    plain = Trainer(small_config(**settings), threads=1).fit(tagged()).tagger  # no untagged text: as written
    capital, lower = plain.predict([["Cat", "runs"], ["cat", "runs"]])
    assert not np.array_equal(capital.log_probs, lower.log_probs)


def test_a_sentence_written_as_a_title_is_told_from_one_with_names():
    assert is_headline("Fantastic Nova Scotia Cottage".split())
    assert is_headline("The # 1 Newsgroup Service in the World !".split())  # short words and symbols do not count
    assert not is_headline("Please contact Customer Service today".split())
    assert not is_headline("We met Mary in Paris today".split())  # 2 of 3 longer words
    assert is_headline("We met Mary in Paris".split())  # names keep their capitals there all the same (below)
    assert not is_headline("THE BEST DEALS EVER".split())  # all in capitals: not title case
    assert not is_headline(["Hello"]) and not is_headline([])
    sentences = [s.split() for s in ("Fantastic Nova Scotia Cottage", "", "Hello", "We met Mary in Paris today",
                                     "Noida Location not Gurgaon Location", "THE BEST DEALS EVER")]
    lengths = np.array([len(s) for s in sentences])
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    mask = headline_mask(np.array([headline_vote(w) for s in sentences for w in s], dtype=np.int64), starts, lengths)
    assert mask.tolist() == [is_headline(s) for s in sentences] == [True, False, False, False, True, False]


def test_capitals_in_a_title_say_nothing_about_names():
    titles = [["Great", "Horse", "Sleeps", "Quickly"]] * 200  # more often than "horse" in running text
    vectors = learn_vectors(untagged() + titles + [["we", "visit", "Paris", "and", "NASA"]] * 5, dim=6)
    assert "horse" not in vectors.capitalised and "sleeps" not in vectors.capitalised  # titles not counted
    assert "paris" in vectors.capitalised
    vocab = dataclasses.replace(Vocab.build([["a"]], ["X"]), raw_words=vectors.words, capitalised=vectors.capitalised)
    assert vocab.as_read(["Great", "Horse", "Sleeps", "Paris", "Zonk"]) == ["Great", "horse", "sleeps", "Paris", "Zonk"]
    assert vocab.as_read(["Great", "Horse", "runs", "in", "Paris", "today"]) == \
        ["Great", "Horse", "runs", "in", "Paris", "today"]  # not a title
    assert vocab.as_read(["The", "CAT", "Sleeps", "Quickly"]) == ["The", "CAT", "sleeps", "quickly"]
    assert vocab.as_read([]) == []  # "Great", "The": never seen inside a sentence, so kept as written
    assert Vocab.build([["a"]], ["X"]).as_read(["Great", "Horse", "Food"]) == ["Great", "Horse", "Food"]


def test_a_tagger_reads_a_title_as_it_would_read_running_text():
    text = untagged() + [["we", "visit", "Paris"]] * 5
    settings = dict(raw_dim=6, epochs=3, shape_features=True)
    tagger = Trainer(small_config(**settings), threads=1).fit(tagged(), raw_vectors=learn_vectors(text, 6)).tagger
    title, lower = tagger.predict([["The", "Horse", "Sleeps", "Quickly"], ["The", "horse", "sleeps", "quickly"]])
    assert np.array_equal(title.log_probs, lower.log_probs)
    table = tagger.form_table()
    sentences = [["The", "Horse", "Sleeps", "Quickly"], ["The", "Horse", "sleeps", "in", "Paris"], []]
    encoded = table.encode(sentences)
    assert encoded.rows.tolist() == [r for s in sentences for r in table.sentence_rows(s).tolist()]
    assert table.sentence_rows(sentences[1])[1] != table.rows(["horse"])[0]  # not a title: "Horse" as written


def test_the_fingerprint_follows_the_text_and_the_settings():
    text = untagged(50)
    assert text_fingerprint(text, 4, 1) == text_fingerprint([list(s) for s in text], 4, 1)
    assert text_fingerprint(text, 4, 1) != text_fingerprint(text, 8, 1)
    assert text_fingerprint(text, 4, 1) != text_fingerprint(text[:-1], 4, 1)


def test_too_little_text_is_refused_with_a_reason():
    with pytest.raises(ValueError, match="need more than 64"):
        learn_vectors([["a", "b"], ["a", "b"]], dim=64)


def test_saved_vectors_load_identically_and_a_damaged_file_is_named(tmp_path):
    vectors = learn_vectors(untagged(100), dim=4)
    path = tmp_path / "v.safetensors"
    vectors.save(path)
    loaded = RawVectors.load(path)
    assert loaded.words == vectors.words and loaded.fingerprint == vectors.fingerprint
    assert loaded.capitalised == vectors.capitalised
    assert torch.equal(loaded.vectors, vectors.vectors)
    path.write_bytes(path.read_bytes()[:-7])
    with pytest.raises(ValueError, match="v.safetensors"):
        RawVectors.load(path)


def test_digits_share_one_form():
    assert raw_form("Born1999") == raw_form("born2024") == "born0000"


def test_the_tagger_tags_words_never_seen_tagged_by_their_untagged_contexts():
    vectors = learn_vectors(untagged(), dim=4)
    tagger = Trainer(small_config(), threads=1).fit(tagged(), raw_vectors=vectors).tagger
    assert tagger.vocab.raw_id("blick") != UNK and tagger.vocab.word_id("blick") == UNK
    tags = [p.best for p in tagger.predict([["blick"], ["florps"], ["the", "blick", "florps"]])]
    assert tags == [["NOUN"], ["VERB"], ["DET", "NOUN", "VERB"]]


def test_without_vectors_the_model_has_no_such_input(tmp_path):
    tagger = Trainer(small_config(epochs=1), threads=1).fit(tagged()).tagger
    assert tagger.vocab.raw_words == [] and tagger.model.raw_embedding is None
    save_bundle(tagger, tmp_path / "m")  # nothing in it that a program reading version 1 would miss
    assert json.loads((tmp_path / "m" / "model.json").read_text())["format_version"] == 1
    off = Trainer(small_config(epochs=1, raw_dim=0), threads=1).fit(tagged(), raw_vectors=learn_vectors(untagged(), 4))
    assert off.tagger.model.raw_embedding is None


def test_the_vectors_stay_frozen_travel_in_the_bundle_and_survive_a_warm_start(tmp_path):
    vectors = learn_vectors(untagged(), dim=4)
    tagger = Trainer(small_config(epochs=3, tag_neighbours=0), threads=1).fit(tagged(), raw_vectors=vectors).tagger
    assert torch.equal(tagger.model.raw_embedding.weight.cpu(), vectors.vectors)
    save_bundle(tagger, tmp_path / "m")
    loaded = load_bundle(tmp_path / "m")
    words = [["the", "blick", "florps"], ["a", "cat", "runs", "slowly"]]
    assert [p.best for p in loaded.predict(words)] == [p.best for p in tagger.predict(words)]
    assert loaded.vocab.raw_words == vectors.words and loaded.vocab.capitalised == vectors.capitalised
    assert json.loads((tmp_path / "m" / "model.json").read_text())["format_version"] == 2
    grown = grown_tagger(loaded, [["a", "zork", "runs"]], ["NOUN"], loaded.config)
    assert grown.vocab.raw_words == vectors.words
    assert torch.equal(grown.model.raw_embedding.weight.cpu(), vectors.vectors)


def test_vectors_of_another_size_than_the_setting_are_refused():
    from tagger_gui.ml.devices import TrainingError

    with pytest.raises(TrainingError, match="raw_dim"):
        Trainer(small_config(raw_dim=8, epochs=1), threads=1).fit(tagged(), raw_vectors=learn_vectors(untagged(), 4))
