from __future__ import annotations

import pytest

from tagger_gui.core.tokenize import tokenize


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("I don't know.", ["I", "do", "n't", "know", "."]),
        ("You can't, won't!", ["You", "ca", "n't", ",", "wo", "n't", "!"]),
        ("It's Maria's and they're we'll I'm", ["It", "'s", "Maria", "'s", "and", "they", "'re", "we", "'ll", "I", "'m"]),
        ("She’s here", ["She", "’s", "here"]),
        ('"Hello," she said...', ['"', "Hello", ",", '"', "she", "said", "..."]),
        ("(see www.example.com).", ["(", "see", "www.example.com", ")", "."]),
        ("Mail a.b@c.org now", ["Mail", "a.b@c.org", "now"]),
        ("Mr. Smith paid 1,000.50 in the U.S.", ["Mr.", "Smith", "paid", "1,000.50", "in", "the", "U.S."]),
        ("a long-term e-mail", ["a", "long", "-", "term", "e-mail"]),
        ("Call 713-853-3989 now?!", ["Call", "713-853-3989", "now", "?!"]),
        ("the dogs' bones", ["the", "dogs", "'", "bones"]),
        ("  ", []),
    ],
)
def test_tokenize_follows_ud_english_conventions(text, tokens):
    assert tokenize(text) == tokens
