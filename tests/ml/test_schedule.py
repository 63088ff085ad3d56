"""The data-scaled schedule gives the documented settings; dev is measured only every N epochs."""

from __future__ import annotations

import re

import pytest

from tagger_gui.ml import schedule
from tagger_gui.ml.config import preset_config
from tagger_gui.ml.schedule import scaled_config, train_config
from tagger_gui.ml.training import Trainer

from .conftest import toy_sentences


def _documented_rows() -> list[list[str]]:
    """The data rows of the table in the module docstring."""
    rows = [line.strip("| ").split("|") for line in schedule.__doc__.splitlines() if re.match(r"\| up to", line)]
    return [[cell.strip() for cell in row] for row in rows]


@pytest.mark.parametrize("mode", ["loop", "warm", "train"])
def test_scaled_config_follows_the_documented_table(mode):
    base = preset_config("default")
    rows = _documented_rows()
    assert len(rows) == len(schedule.TIERS) == 4
    for row in rows:
        limit = int(row[0].removeprefix("up to ").replace(",", ""))
        layers, hidden, epochs, warm_epochs, train_epochs, batch = (int(cell) for cell in row[1:7])
        layers = int(row[10]) if mode == "train" else layers
        every, minutes = int(row[7].split()[0]), float(row[8].split()[0])
        expected_epochs = {"loop": epochs, "warm": warm_epochs, "train": train_epochs}[mode]
        for tokens in (limit, limit - 1):
            config = scaled_config(base, tokens, warm=mode == "warm", full=mode == "train")
            assert (config.num_layers, config.hidden_dim, config.epochs, config.batch_size) == (
                layers, hidden, expected_epochs, batch)
            assert (config.eval_every, config.max_minutes) == (every, base.max_minutes if mode == "train" else minutes)
            assert (config.char_encoder, config.suffix_length, config.lr) == (base.char_encoder, base.suffix_length, base.lr)
            assert not config.scale_to_data
            assert config.near_length_batch == (0 if row[11] == "-" or mode == "train" else int(row[11]))
            weight = float(row[9])
            assert weight > 0 and config.cross_view == (weight if mode == "train" else 0)
    assert scaled_config(base, 150_001, warm=mode == "warm") == base.replace(scale_to_data=False)


def test_an_explicit_train_is_scaled_only_when_its_settings_ask_for_it():
    base = preset_config("default")
    assert train_config(base, 2_000) == scaled_config(base, 2_000, full=True)
    assert train_config(base, 2_000).epochs != base.epochs
    manual = base.replace(scale_to_data=False, epochs=3)
    assert train_config(manual, 2_000) == manual


def test_the_loop_keeps_one_model_shape_below_the_full_data_preset():
    from tagger_gui.ml.warm_start import shape_differences

    base = preset_config("default")
    shapes = [scaled_config(base, tokens) for tokens in (100, 10_000, 50_000, 150_000)]
    assert all(shape_differences(shapes[0], other) == [] for other in shapes)


def test_dev_is_measured_every_n_epochs_and_after_the_last():
    config = preset_config(
        "default", epochs=5, eval_every=2, embedding_dim=8, hidden_dim=8, char_hidden=8, num_layers=1, max_minutes=None
    )
    sentences = toy_sentences()
    result = Trainer(config).fit(sentences * 3, dev=sentences)
    measured = [h.epoch for h in result.history if h.dev_accuracy is not None]
    assert measured == [2, 4, 5]
    assert result.best_epoch in measured
    assert not any(h.is_best for h in result.history if h.epoch > 1 and h.dev_accuracy is None)
