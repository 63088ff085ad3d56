"""Training settings: one versioned dataclass plus named presets.

``TrainConfig`` holds everything that shapes a model and its training run. It is
saved inside every model bundle (``to_dict``) and read back with ``from_dict``,
which rejects unknown keys and newer versions with a message instead of
guessing. Each field carries a one-line help text (``TrainConfig.help``) that the
window shows as a tooltip.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field, fields
from typing import Any

CONFIG_VERSION = 3

ARCHITECTURES = ("tutorial", "bilstm")
CHAR_ENCODERS = ("none", "cnn", "lstm")
OPTIMIZERS = ("adam", "sgd")
LR_SCHEDULES = ("constant", "linear")
PRECISIONS = ("auto", "fp32", "bf16")


def _field(default: Any, help_text: str) -> Any:
    return field(default=default, metadata={"help": help_text})


_AT_LEAST_ONE = (
    "embedding_dim", "hidden_dim", "num_layers", "char_dim", "char_hidden", "max_word_chars", "batch_size", "epochs",
    "min_freq", "eval_every",
)
"""Settings that count something and must be at least 1."""


@dataclass
class TrainConfig:
    """Model shape and training schedule. Defaults are the ``default`` preset."""

    preset: str = _field("default", "Name of the preset these settings started from.")
    architecture: str = _field(
        "bilstm", "'tutorial': the PyTorch tutorial LSTMTagger; 'bilstm': word + character features, BiLSTM."
    )
    embedding_dim: int = _field(100, "Size of the word embedding vectors.")
    hidden_dim: int = _field(128, "LSTM hidden units per direction.")
    num_layers: int = _field(2, "Number of stacked LSTM layers.")
    bidirectional: bool = _field(True, "Read each sentence left-to-right and right-to-left.")
    char_encoder: str = _field(
        "cnn",
        "How a word's spelling is encoded: 'none', 'cnn' (a character CNN) or 'lstm' (a character BiLSTM, slower)."
        " Lets unseen words be tagged.",
    )
    char_dim: int = _field(32, "Size of the character embedding vectors.")
    char_hidden: int = _field(96, "Output size of the character encoder.")
    max_word_chars: int = _field(24, "Longer words keep their first and last half of this many characters.")
    shape_features: bool = _field(True, "Add a small embedding of the word's shape (case, digits, punctuation).")
    suffix_length: int = _field(
        3, "Add embeddings of the word's last 1, 2, ... this many letters (0 = none): endings tag unseen words."
    )
    raw_dim: int = _field(
        64, "Size of the word vectors learned from untagged text, when there is some (0 = do not use untagged text)."
    )
    tag_neighbours: int = _field(
        10, "With untagged-text vectors, extend each word's vector by the tags of its this many nearest tagged"
            " words (0 = do not): a word never tagged is tagged like the tagged words it resembles.",
    )
    cross_view: float = _field(
        0.0, "With untagged sentences, learn from them too: small taggers that see only a word's left or right"
        " context learn, on untagged sentences, to agree with the whole tagger, which trains the layers they"
        " share (cross-view training); the weight of that loss (0 = off). Each step then also reads a batch of"
        " untagged sentences.",
    )
    lowercase: bool = _field(True, "Look words up in lower case (the spelling encoder still sees the case).")
    min_freq: int = _field(1, "Words seen fewer times than this in training are treated as unknown.")
    dropout: float = _field(0.33, "Dropout on the LSTM inputs and outputs (0 = none).")
    word_dropout: float = _field(
        0.25, "Replace a training word by <unk> with probability a/(a + count): teaches the unknown-word vector."
    )
    raw_dropout: float = _field(
        0.1, "With untagged-text vectors, replace a training word's vector by the one of words the untagged text"
        " lacks, with this probability: teaches the tagger how to tag words it meets only when tagging.",
    )
    optimizer: str = _field("adam", "'adam' or 'sgd'.")
    lr: float = _field(0.004, "Learning rate (the starting one with a schedule).")
    lr_schedule: str = _field(
        "linear", "'constant', or 'linear': the learning rate falls steadily to 5% of 'lr' by the last epoch."
    )
    batch_size: int = _field(64, "Sentences per training batch (batches hold sentences of equal length).")
    near_length_batch: int = _field(
        0, "If above 0: training batches of this many sentences of near lengths instead (padded), for few tagged"
        " sentences, where few share a length (batch_size still sizes the batches of untagged sentences).",
    )
    scale_to_data: bool = _field(
        True, "Choose the model size, epochs, batch size and dev checks from the number of tagged words"
        " (the table in the README); off: use the settings below as they are.",
    )
    epochs: int = _field(50, "Maximum passes over the training data.")
    eval_every: int = _field(
        1, "Measure dev accuracy every this many epochs and after the last; the best is picked among those."
    )
    patience: int = _field(0, "Stop after this many epochs without a better dev accuracy (0 = never stop early).")
    average_last: int = _field(
        0, "When training ends, average the weights of the last this many epochs measured on dev and keep the"
        " mean if it beats the best epoch on dev (0 or 1 = off).",
    )
    clip: float = _field(5.0, "Clip the gradient norm to this value (0 = no clipping).")
    label_smoothing: float = _field(
        0.1, "Train towards (1 - s) on the gold tag and s spread over all tags (0 = plain cross-entropy)."
    )
    seed: int = _field(1, "Random seed: the same seed and data give the same model on the same machine.")
    device: str = _field("auto", "'auto', 'cpu', 'cuda', 'cuda:N' or 'mps'. 'auto' picks a GPU when there is one.")
    max_minutes: float | None = _field(
        9.5,
        "Stop training after this many minutes (empty = no limit); a 'linear' schedule that would run"
        " past it is shortened to end on time.",
    )
    dev_fraction: float = _field(
        0.1, "Without a dev set, hold out this fraction of the training sentences to pick the best epoch."
    )
    precision: str = _field(
        "auto",
        "Number format of the computation: 'fp32'; 'bf16' (mixed precision on hardware with bf16, the weights"
        " kept in fp32); 'auto': trains in fp32 (bf16 was measured faster nowhere) and tags in bf16 on a CPU"
        " with AMX or AVX512-BF16, where that was measured 1.5-1.7x faster.",
    )

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """Raise ``ValueError`` naming the first setting that is out of range."""
        checks = [
            (self.architecture in ARCHITECTURES, "architecture", f"one of {ARCHITECTURES}"),
            (self.char_encoder in CHAR_ENCODERS, "char_encoder", f"one of {CHAR_ENCODERS}"),
            (self.optimizer in OPTIMIZERS, "optimizer", f"one of {OPTIMIZERS}"),
            (self.lr_schedule in LR_SCHEDULES, "lr_schedule", f"one of {LR_SCHEDULES}"),
            (self.precision in PRECISIONS, "precision", f"one of {PRECISIONS}"),
            *[(getattr(self, name) >= 1, name, ">= 1") for name in _AT_LEAST_ONE],
            (0 <= self.suffix_length <= 8, "suffix_length", "in [0, 8]"),
            (0 <= self.raw_dim <= 512, "raw_dim", "in [0, 512]"),
            (0 <= self.tag_neighbours <= 1000, "tag_neighbours", "in [0, 1000]"),
            (0.0 <= self.dropout < 1.0, "dropout", "in [0, 1)"),
            (self.word_dropout >= 0.0, "word_dropout", ">= 0"),
            (0.0 <= self.raw_dropout < 1.0, "raw_dropout", "in [0, 1)"),
            (0.0 <= self.cross_view <= 100.0, "cross_view", "in [0, 100]"),
            (self.lr > 0, "lr", "> 0"),
            (self.near_length_batch >= 0, "near_length_batch", ">= 0"),
            *[(getattr(self, name) >= 0, name, ">= 0") for name in ("patience", "clip", "average_last")],
            (0.0 <= self.label_smoothing < 1.0, "label_smoothing", "in [0, 1)"),
            (self.max_minutes is None or self.max_minutes > 0, "max_minutes", "> 0 or empty"),
            (0.0 <= self.dev_fraction < 1.0, "dev_fraction", "in [0, 1)"),
        ]
        for ok, name, expected in checks:
            if not ok:
                raise ValueError(f"invalid training setting {name}: must be {expected}")

    @classmethod
    def help(cls, name: str) -> str:
        """The one-line help text of field ``name`` (``KeyError`` if there is no such field)."""
        for f in fields(cls):
            if f.name == name:
                return f.metadata["help"]
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready settings with a ``version`` key."""
        return {"version": CONFIG_VERSION, **dataclasses.asdict(self)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "TrainConfig":
        """Inverse of ``to_dict``; ``ValueError`` on a newer version or an unknown key.

        Missing keys take their default, so older files keep loading; a setting that
        changes the model's shape is missing from older files as switched off.
        """
        data = dict(data)
        version = data.pop("version", CONFIG_VERSION)
        if not isinstance(version, int) or version > CONFIG_VERSION:
            raise ValueError(f"training settings version {version!r} is newer than this program ({CONFIG_VERSION})")
        if version < 2:
            data.setdefault("suffix_length", 0)
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown training setting(s): {', '.join(unknown)}")
        return cls(**data)

    def replace(self, **changes: Any) -> "TrainConfig":
        """A copy with ``changes`` applied (validated; unknown names raise ``TypeError``)."""
        return dataclasses.replace(self, **changes)


PRESETS: dict[str, TrainConfig] = {
    "tutorial": TrainConfig(
        preset="tutorial",
        architecture="tutorial",
        embedding_dim=6,
        hidden_dim=6,
        num_layers=1,
        bidirectional=False,
        char_encoder="none",
        shape_features=False,
        suffix_length=0,
        lowercase=False,
        dropout=0.0,
        word_dropout=0.0,
        optimizer="sgd",
        lr=0.1,
        lr_schedule="constant",
        batch_size=1,
        epochs=300,
        patience=0,
        clip=0.0,
        label_smoothing=0.0,
        max_minutes=None,
        dev_fraction=0.0,
        raw_dim=0,
        scale_to_data=False,  # the tutorial's own recipe, as it is
    ),
    "default": TrainConfig(),
    "fast": TrainConfig(
        preset="fast",
        num_layers=1,
        epochs=15,
        max_minutes=2.0,
    ),
}
"""Named starting points. ``tutorial`` is the PyTorch sequence-models tutorial's
LSTMTagger and schedule (its toy sizes: embedding = hidden = 6, SGD 0.1, one sentence
per step, 300 epochs); ``default`` is the accurate tagger: a 50-epoch linear schedule
(about 9 minutes on 2 CPU cores for UD English-EWT) that a 9.5-minute limit ends on
time on slower machines; ``fast`` is the default's features with one BiLSTM layer and a
15-epoch schedule (about 2 minutes there), ended on time at 2 minutes. Neither stops
early, which would cut the schedule off before the learning rate has come down; the
best epoch on dev is still the one kept."""


def preset_config(name: str, **overrides: Any) -> TrainConfig:
    """The settings of preset ``name`` with ``overrides`` applied.

    Raises:
        KeyError: if there is no preset called ``name``.
    """
    if name not in PRESETS:
        raise KeyError(f"unknown preset {name!r} (known: {', '.join(PRESETS)})")
    return PRESETS[name].replace(**overrides)
