"""Training settings that scale with the amount of tagged data: retrain in seconds while annotating.

The presets are tuned for a whole treebank (about 200,000 tagged words, 50 epochs).
An annotator spends most of a project with a few hundred to a few thousand tagged
sentences, where that schedule wastes minutes: few words per epoch need more epochs
but not fifty, and measuring dev accuracy after every epoch costs as much as a small
epoch. ``scaled_config(base, tokens)`` keeps ``base``'s features (character CNN,
suffixes, shapes, dropout, learning rate...) and sets the size and schedule from this
table (``tokens`` = tagged words to train on; ``limit``: the time limit):

| tagged words  | layers | hidden | epochs | warm | Train epochs | batch | dev every | limit | untagged | Train layers | near |
| ------------- | ------ | ------ | ------ | ---- | ------------ | ----- | --------- | ----- | -------- | ------------ | ---- |
| up to 5,000   | 1      | 256    | 16     | 6    | 40           | 16    | 20 epochs | 1 min | 1        | 1            | 4    |
| up to 20,000  | 1      | 256    | 12     | 5    | 25           | 32    | 4 epochs  | 1 min | 0.5      | 1            | -    |
| up to 60,000  | 1      | 256    | 8      | 4    | 30           | 64    | 4 epochs  | 1 min | 0.5      | 2            | -    |
| up to 150,000 | 1      | 256    | 12     | 3    | 25           | 64    | 3 epochs  | 5 min | 0.5      | 2            | -    |
| more          | ``base`` unchanged (the full-data preset)                                                                   |

``near``: the loop's training batches hold that many sentences of near lengths (padded,
``batching.near_length_batches``) instead of ``batch`` sentences of one length. The 125
sentences of 1% of EWT have about 52 lengths, so equal-length batches averaged 2.4
sentences, and an LSTM step costs nearly as much for 2 sentences as for 4. The loop's retrain
from scratch there (a first model's profile, 2 threads, idle, dev, seeds 1-6, vectors as the
window learns them): 88.06 against 88.21 in 6.3-7.2 s against 10.5-12.9 s; 18 or 20 epochs of
near batches 88.14 (7.0-9.1 s, 7.9-10.4 s). With vectors of the words seen twice or more: 88.40
against 88.56, and with another first model's profile 88.40 against 88.44; batches of 6 / 8 88.31
/ 88.10 there. At 5% (627 sentences), near batches of 16 gave 91.59 against 91.68 for 0.84
times the time, of 8 91.70 against 91.63 for the same time: not taken. A Train keeps equal
lengths: near batches of 4 gave 89.31 / 89.76 / 89.29 against 89.51 / 90.09 / 89.64 at 1%
(seeds 1-3).

The loop's retrains (``epochs``; ``warm``: the epochs of a warm start) must be done in seconds;
an explicit Train (``full=True``: ``Train epochs``, ``Train layers`` and ``base``'s time
limit) may take minutes for the best model at that size, and learns from the project's untagged
sentences as well (``ml.cross_view``; ``untagged``: the weight of that loss,
``TrainConfig.cross_view``), which costs it about twice the time. Weight 1 against 0.5
(EWT dev, a Train as ``benchmarks/learning_curve.py`` runs it, one thread, seeds 1-3,
the loss's first version, its targets with dropout): 1% 89.39 against 89.31, 2% 90.57
against 90.51, 5% 92.01 against 92.25, 10% 92.96 against 93.03; 2 lost at 5% and 10%
(91.87 and 92.77 against 91.92 and 92.93, seed 1). With the targets as the tagger tags,
10% seed 1: 93.14 against 93.16. A Train of two LSTM layers of 256 units instead of one
(the same measurement): 10% 93.45 / 93.22 / 93.41 against 93.16 / 93.17 / 93.16 for 1.57
times the time (484 against 307 s), 5% 92.51 against 92.40 (seed 1) for 1.73 times; so two
from 20,000 tagged words on; and up to 150,000 (50% of EWT, 97,111 words, seed 1: 95.05
against 94.73 with one layer, for 1.56 times the time, 1,241 against 797 s). With two
layers, 30 Train epochs instead of 20 at 10% (the cross-view loss's first layer only): 93.55 /
93.46 / 93.60 against 93.45 / 93.30 / 93.41 (seed 3 before that fix) for 1.7 times the time
(837 against 484 s, the latter on the faster Xeon); with one layer they had given 93.18 against
93.16 (seed 1).

Measured on EWT (dev accuracy, one thread, with word vectors from the rest of train as
untagged text): 1,254 tagged sentences reached 90.9% after the loop's 8 epochs and 91.9%
after 20 (a second LSTM layer: 90.9%); 627 sentences 89.8% after 12 epochs and 90.3%
after 25; 125 sentences 86.4% after 20 epochs and no better after 40. Below 5,000 words
the loop scores dev once, after the last epoch (every run measured there, 1% of EWT with
seeds 1-3, kept its last epoch): scoring EWT dev every 5 epochs cost 1.8 of 11.2 s (2
threads).

With the untagged text's vectors, their neighbours' tags and a first model's tag profile
(a Train as ``benchmarks/learning_curve.py`` runs it; dev, one thread, seeds 1-6 at 1%,
1-3 above), 256 hidden units instead of 128 gained at every size: 1% 87.77 -> 88.10,
5% 91.48 -> 91.60, 10% 92.35 -> 92.57 (384 units: 87.97 at 1%), for about 1.5 times the
time; and a Train of 40 epochs instead of 20 up to 5,000 words: 1% 88.10 -> 88.21 (with
128 units 87.77 -> 88.01; 2% 89.37 -> 89.48), while 50 instead of 25 at 5% gave 91.54
against 91.48. Tried at 1% (128 units, seeds 1-3, 87.80 as it was), not kept: dropout
0.2 / 0.5 87.75 / 87.45, learning rate 0.002 / 0.008 87.71 / 87.69, word dropout
0.1 / 0.5 87.89 / 87.74, label smoothing 0 / 0.2 87.80 / 87.77, batches of 8 87.76,
embeddings of 50 87.86, a character encoder of 128 87.90 (seeds 1-6), untagged-text
vectors of 96 / 128 values 88.01 (seeds 1-6) / 87.76. With 256 units and 40 epochs, batches
of 16 sentences of mixed lengths (packed; 8 an epoch at 1% instead of about 45 of one length)
trained 1.37 times faster but reached 87.96 against 88.21 (seeds 1-6); vectors of 96 values
gave 88.34 at 1% (seeds 1-6) but 89.36 / 91.73 / 92.45 at 2 / 5 / 10% against 89.39 / 91.60 /
92.57, and two layers of 256 units 91.64 at 5% for 1.8 times the time.

Warm start (``warm=True``: training goes on from the last model, ``ml.warm_start``)
needs far fewer epochs. Measured on UD English-EWT with one CPU thread: from a model
of the first 400 sentences, a warm start on the first 600 (5 epochs, 6 s) reached
88.2% dev accuracy, as training from scratch on them did (14 epochs, 23 s, 88.3%);
halving the warm start's learning rate did not help (88.0%). A smaller model (64
hidden units) saved a quarter of the time on 300 sentences but lost 1.2 to 2.5
points. Below 150,000 words the loop's shape is one BiLSTM layer of 256 units in every
row, which keeps it constant over the whole loop (a warm start needs the old model's
shape, ``warm_start.shape_differences``); after a Train of two layers the loop's warm
starts keep that model's shape (``session.loop``). With 128 units this model trained at about
14,000 words/s on one free thread. Measured with one thread on the project's 2-core machine
while other jobs ran (load about 3.8): retraining on the first 2,000 EWT sentences
(39,802 words) took 21 s warm-started from a model of the first 1,820 and 30 s from
scratch (``benchmarks/annotation_sim.py``, ``retrain_2000_s``); with 256 units, two
one-thread jobs on the two cores, 14.0-15.5 s and 26.8-29.8 s. On an idle machine (2 threads,
with a tag profile) a loop retrain from scratch took 11.5 s on 1% of EWT (20 epochs) and 14.2 s on
10% (8 epochs), a Train 23.0 s and 34.9 s (with 128 units at 1%: 7.9 s for the loop's 20 epochs).
The loop's retrain from scratch up to 5,000 words then went from 20 epochs to 16: at 1% (the loop's
settings with a first model's profile, one thread, dev) 88.06 against 88.10 over seeds 1-6 (12 epochs:
87.76, 14: 87.94, over seeds 1-3), and on a later day, idle, 2 threads, 8.1 s against 10.5 s.
"""

from __future__ import annotations

from dataclasses import dataclass

from tagger_gui.ml.config import TrainConfig


@dataclass(frozen=True)
class Tier:
    """One row of the table: the settings for up to ``max_tokens`` tagged words."""

    max_tokens: int
    num_layers: int
    hidden_dim: int
    epochs: int
    warm_epochs: int
    train_epochs: int
    batch_size: int
    eval_every: int
    max_minutes: float
    train_cross_view: float
    """The weight of learning from untagged sentences in an explicit Train (``TrainConfig.cross_view``)."""
    train_layers: int
    """The LSTM layers of an explicit Train's model (the loop's keep ``num_layers``)."""
    near_batch: int
    """The loop's batches: this many sentences of near lengths instead of equal-length ones (0: equal lengths)."""


TIERS = (
    Tier(5_000, 1, 256, 16, 6, 40, 16, 20, 1.0, 1.0, 1, 4),
    Tier(20_000, 1, 256, 12, 5, 25, 32, 4, 1.0, 0.5, 1, 0),
    Tier(60_000, 1, 256, 8, 4, 30, 64, 4, 1.0, 0.5, 2, 0),
    Tier(150_000, 1, 256, 12, 3, 25, 64, 3, 5.0, 0.5, 2, 0),
)
"""The rows of the module's table, smallest first; above the last one ``base`` applies."""


def tier_for(tagged_tokens: int) -> Tier | None:
    """The table row for ``tagged_tokens`` tagged words (``None``: more than the last row, use the preset)."""
    return next((tier for tier in TIERS if tagged_tokens <= tier.max_tokens), None)


def scaled_config(base: TrainConfig, tagged_tokens: int, *, warm: bool = False, full: bool = False) -> TrainConfig:
    """``base`` resized and rescheduled for ``tagged_tokens`` tagged words (see the module's table).

    The result has ``scale_to_data`` off: its settings are final.

    Args:
        base: the settings to start from (features, learning rate, seed, device...).
        tagged_tokens: how many tagged words the run will train on.
        warm: the run goes on from a previous model (fewer epochs).
        full: an explicit Train, not a loop retrain: more epochs, ``base``'s time limit.
    """
    tier = tier_for(tagged_tokens)
    if tier is None:
        return base.replace(scale_to_data=False)
    return base.replace(
        num_layers=tier.train_layers if full else tier.num_layers,
        hidden_dim=tier.hidden_dim,
        epochs=tier.warm_epochs if warm else tier.train_epochs if full else tier.epochs,
        batch_size=tier.batch_size,
        near_length_batch=0 if full else tier.near_batch,
        eval_every=tier.eval_every,
        max_minutes=base.max_minutes if full else tier.max_minutes,
        cross_view=tier.train_cross_view if full else 0.0,
        patience=0,
        scale_to_data=False,
    )


def train_config(base: TrainConfig, tagged_tokens: int) -> TrainConfig:
    """The settings of an explicit Train on ``tagged_tokens`` tagged words: scaled when ``base.scale_to_data``."""
    return scaled_config(base, tagged_tokens, full=True) if base.scale_to_data else base


def describe_scaled(config: TrainConfig) -> str:
    """What scaling chose in ``config``, in words: "1 LSTM layer of 256 units, 40 epochs, batches of 16, ..."."""
    layers = "1 LSTM layer" if config.num_layers == 1 else f"{config.num_layers} LSTM layers"
    untagged = ", learning from any untagged sentences too" if config.cross_view > 0 else ""
    return f"{layers} of {config.hidden_dim} units, {config.epochs} epochs, batches of {config.batch_size}{untagged}"
