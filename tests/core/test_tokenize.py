from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


# ------------------------------------------------------------ linear time (issue 16, class 8)
def reference_tokenize(text: str) -> list[str]:
    """The rules as first written: the obvious slicing loops, quadratic on long runs of marks."""
    from tagger_gui.core import tokenize as module

    def split_chunk(chunk: str) -> list[str]:
        leading: list[str] = []
        while len(chunk) > 1 and chunk[0] in module._OPENING and not module._WHOLE.fullmatch(chunk):
            leading.append(chunk[0])
            chunk = chunk[1:]
        trailing: list[str] = []
        while len(chunk) > 1 and chunk[-1] in module._CLOSING and not module._stays_whole(chunk):
            mark = next((run for run in module._RUNS if chunk.endswith(run) and chunk != run), chunk[-1])
            trailing.insert(0, mark)
            chunk = chunk[: -len(mark)]
        return leading + module._split_word(chunk) + trailing

    return [token for chunk in text.split() for token in split_chunk(chunk)]


_MARKS = st.sampled_from(list("aZk1.,;:!?)]}\"'”’»([{`“‘«@-/+_ ")
                         + ["http://", "www.", "n't", "'s", "Mr.", "U.S.", "...", "e.g.", "ſ", "K"])


@settings(max_examples=600, deadline=None)
@given(pieces=st.lists(_MARKS, max_size=20))
def test_the_linear_tokenizer_splits_exactly_as_the_reference(pieces):
    text = "".join(pieces)
    assert tokenize(text) == reference_tokenize(text)


def long_lines(n: int) -> list[tuple[str, list[str]]]:
    """Lines of runs ``n`` long that tripped the first tokenizer, with the tokens the rules give."""
    return [
        ("." * 3 * n, ["..."] * n),
        ("(" * n + "a" + ")" * n, ["("] * n + ["a"] + [")"] * n),
        ("http://x" + ")" * 2 * n, ["http://x"] + [")"] * 2 * n),
        ("1" * n + "," * n, ["1" * n] + [","] * n),
        ("a." * n + "!", ["a." * n, "!"]),
        ("a@b" + "." * 3 * n, ["a@b"] + ["..."] * n),
        ("word, " * n, ["word", ","] * n),
    ]


@pytest.mark.parametrize("case", range(len(long_lines(1))))
def test_long_runs_are_split_by_the_rules_in_linear_time(case):
    for text, expected in [long_lines(2)[case], long_lines(300)[case]]:
        assert reference_tokenize(text) == expected
    n = 1_000_000 // (len(long_lines(2)[case][0]) - len(long_lines(1)[case][0])) + 1
    text, expected = long_lines(n)[case]  # a 1 MB line: hours for the first, quadratic loops
    assert len(text) >= 1_000_000
    assert tokenize(text) == expected
