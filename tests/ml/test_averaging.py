"""Checkpoint averaging (``average_last``): the mean of the last evaluated epochs' weights, kept only if it beats
the best epoch on dev."""

from __future__ import annotations

import pytest
import torch

from tagger_gui.ml.averaging import LastCheckpoints
from tagger_gui.ml.config import preset_config
from tagger_gui.ml.training import Trainer

from .conftest import toy_sentences


def test_last_checkpoints_keep_the_newest_and_average_floats_only():
    kept = LastCheckpoints(2)
    for epoch, value in ((1, 1.0), (2, 2.0), (3, 4.0)):
        kept.add(epoch, {"w": torch.full((2,), value), "n": torch.tensor(epoch)})
    mean = kept.mean()
    assert kept.epochs == [2, 3] and kept.ready()
    assert torch.equal(mean["w"], torch.full((2,), 3.0)) and int(mean["n"]) == 3
    off = LastCheckpoints(1)
    off.add(1, {"w": torch.zeros(1)})
    off.add(2, {"w": torch.zeros(1)})
    assert not off.ready()


def _scripted_run(monkeypatch, accuracies: list[float], average_last: int = 3):
    """Train 4 epochs with dev accuracies ``accuracies`` (the last one scores the average); the weights seen at
    each dev evaluation are recorded."""
    seen: list[dict[str, torch.Tensor]] = []
    scores = iter(accuracies)

    def scripted(run) -> float:
        seen.append({k: v.detach().clone() for k, v in run.tagger.model.state_dict().items()})
        return next(scores)

    monkeypatch.setattr(Trainer, "_dev_accuracy", staticmethod(scripted))
    data = [s for _ in range(10) for s in toy_sentences()]
    config = preset_config("default", epochs=4, average_last=average_last, embedding_dim=16, hidden_dim=16)
    result = Trainer(config).fit(data[2:], data[:2])
    return result, seen


def test_the_mean_of_the_last_epochs_is_kept_when_it_scores_better(monkeypatch):
    result, seen = _scripted_run(monkeypatch, [0.5, 0.6, 0.7, 0.8, 0.9])
    assert len(seen) == 5
    for name, value in result.tagger.model.state_dict().items():
        expected = torch.stack([state[name] for state in seen[1:4]]).mean(dim=0)
        assert torch.allclose(value, expected), name
        assert torch.equal(seen[4][name], value)  # the mean is what dev scored
    assert result.best_dev_accuracy == 0.9 and result.best_epoch == 4
    assert result.tagger.info["averaged_epochs"] == [2, 3, 4] and result.tagger.info["average_dev_accuracy"] == 0.9


@pytest.mark.parametrize(("average_last", "calls"), [(3, 5), (0, 4)])
def test_the_best_epoch_is_kept_when_the_mean_is_not_better_or_averaging_is_off(monkeypatch, average_last, calls):
    result, seen = _scripted_run(monkeypatch, [0.5, 0.9, 0.7, 0.8, 0.85], average_last)
    assert len(seen) == calls and result.best_epoch == 2 and result.best_dev_accuracy == 0.9
    assert all(torch.equal(v, seen[1][k]) for k, v in result.tagger.model.state_dict().items())
    assert result.tagger.info["averaged_epochs"] == []
    assert result.tagger.info["average_dev_accuracy"] == (0.85 if average_last else None)
