"""The annotation cost model: cheapest key presses under the editor's bindings, Ringger et al. seconds."""

from __future__ import annotations

import pytest

from tagger_gui.core.tagset import match_tags
from tagger_gui.ml.annotation_cost import ringger_seconds, sentence_cost, tag_keys, typeahead_keys

UPOS = ["ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "INTJ", "NOUN", "NUM", "PART", "PRON", "PROPN", "PUNCT", "SCONJ",
        "SYM", "VERB", "X"]
NAMES = tuple(UPOS)


def test_typeahead_takes_the_shortest_unique_prefix_or_an_exact_match_with_return():
    assert typeahead_keys("NOUN", NAMES) == ("N", "Return")  # "N" matches NOUN, NUM: Return takes the first
    assert typeahead_keys("PRON", NAMES) == ("P", "R", "Return")  # "PR": PRON before PROPN in the tag set
    assert typeahead_keys("PROPN", NAMES) == ("P", "R", "O", "P")  # unique at "PROP"
    assert typeahead_keys("PUNCT", NAMES) == ("P", "U")  # "P" would take PART
    assert typeahead_keys("X", NAMES) == ("X",)
    assert typeahead_keys("VERB", NAMES) == ("V",)
    assert typeahead_keys("A", ("A", "AB")) == ("A", "Return")  # exact name first, Return takes it
    assert typeahead_keys("1st", ("1st", "B")) is None  # a digit typed first picks from the palette
    assert match_tags(["AB", "A", "B"], "a") == ["A", "AB"]


def test_tag_keys_prefer_one_digit_on_the_palette():
    assert tag_keys("DET", UPOS) == ("6",)  # sixth tag of the tag set
    assert tag_keys("VERB", UPOS) == ("V",)  # 16th tag: no digit, one letter
    assert tag_keys("PROPN", UPOS) == ("P", "R", "O", "P")
    ranked = ["NOUN", "PROPN", "ADJ", "VERB", "X", "NUM", "SYM", "INTJ", "PRON", "DET"]
    assert tag_keys("PROPN", UPOS, ranked) == ("2",)
    assert tag_keys("DET", UPOS, ranked) == ("D",)  # 10th ranked is beyond the nine digits; "D" is unique
    with pytest.raises(ValueError, match="not in the tag set"):
        tag_keys("NN", UPOS)


def test_from_scratch_every_token_is_typed_and_corrected():
    gold = ["PRON", "VERB", "DET", "NOUN", "PUNCT"]  # "I saw the dog ."
    cost = sentence_cost(gold, UPOS)
    assert cost.presses == ("P", "R", "Return", "V", "6", "8", "P", "U")
    assert (cost.tokens, cost.changed, cost.keys) == (5, 5, 9)  # and PageDown to the next sentence
    assert cost.seconds == pytest.approx(3.795 * 5 + 5.387 * 5 + 12.57)


def test_with_suggestions_accept_the_sentence_and_fix_only_the_wrong_tokens():
    gold = ["PRON", "VERB", "DET", "NOUN", "PUNCT", "ADV"]
    suggested = ["PRON", "NOUN", "DET", "NOUN", "PUNCT", "ADV"]
    ranked = [["PRON"], ["NOUN", "VERB"], ["DET"], ["NOUN"], ["PUNCT"], ["ADV"]]
    cost = sentence_cost(gold, UPOS, suggested, ranked)
    assert cost.presses == ("Shift+Space", "Right", "2")
    assert (cost.changed, cost.keys) == (1, 4)
    assert cost.seconds == pytest.approx(ringger_seconds(6, 1))
    perfect = sentence_cost(gold, UPOS, gold, ranked)
    assert perfect.presses == ("Shift+Space",) and perfect.changed == 0


def test_with_suggestions_token_by_token_wins_when_the_last_token_is_wrong():
    gold = ["DET", "NOUN"]
    suggested = ["DET", "VERB"]
    ranked = [["DET"], ["VERB", "NOUN"]]
    # Space, 2 (2 keys) beats Shift+Space, Right, 2 (3 keys)
    assert sentence_cost(gold, UPOS, suggested, ranked).presses == ("Space", "2")


def test_moves_use_end_when_the_wrong_token_is_near_the_end():
    gold = ["DET"] * 9 + ["NOUN", "PUNCT"]
    suggested = ["DET"] * 9 + ["VERB", "PUNCT"]
    ranked = [["DET"]] * 9 + [["VERB", "NOUN"], ["PUNCT"]]
    assert sentence_cost(gold, UPOS, suggested, ranked).presses == ("Shift+Space", "End", "Left", "2")


def test_moves_jump_with_tab_to_an_unsure_wrong_token():
    gold = ["DET"] * 5 + ["NOUN"] + ["DET"] * 6
    suggested = ["DET"] * 5 + ["VERB"] + ["DET"] * 6
    ranked = [["DET"]] * 5 + [["VERB", "NOUN"]] + [["DET"]] * 6
    stops = [False] * 12
    stops[5] = True
    assert sentence_cost(gold, UPOS, suggested, ranked, stops).presses == ("Shift+Space", "Tab", "2")
    # a sure wrong token: Tab goes past it to the last token, so plain moves stay cheaper
    assert sentence_cost(gold, UPOS, suggested, ranked, [False] * 12).presses == (
        "Shift+Space", *["Right"] * 5, "2")


def test_moves_combine_tab_with_arrows_when_the_wrong_token_is_next_to_a_stop():
    gold = ["DET"] * 7 + ["NOUN"] + ["DET"] * 7
    suggested = ["DET"] * 7 + ["VERB"] + ["DET"] * 7
    ranked = [["DET"]] * 7 + [["VERB", "NOUN"]] + [["DET"]] * 7
    stops = [t == 8 for t in range(15)]  # the model is unsure of the token after the wrong one
    assert sentence_cost(gold, UPOS, suggested, ranked, stops).presses == ("Shift+Space", "Tab", "Left", "2")

