"""The model's layers computed another way than the textbook one give the textbook's results."""

import torch
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from tagger_gui.ml.gradients import clip_gradients
from tagger_gui.ml.model import CharCNN, split_directions
from tagger_gui.ml.vocab import PAD


def test_char_cnn_equals_a_padded_convolution_with_padding_masked():
    torch.manual_seed(3)
    encoder = CharCNN(n_chars=20, char_dim=8, out_dim=12)
    chars = torch.tensor([[2, 5, 7, 9, 3], [2, 6, 3, PAD, PAD], [2, 3, PAD, PAD, PAD]])
    x = encoder.embedding(chars).transpose(1, 2)
    convolved = torch.relu(F.conv1d(x, encoder.conv.weight, encoder.conv.bias, padding=1))
    expected = (convolved * (chars != PAD).unsqueeze(1)).amax(dim=2)
    assert torch.allclose(encoder(chars), expected, atol=1e-6)
    # a word's vector does not depend on the longest word of its batch
    assert torch.allclose(encoder(chars[1:, :3])[0], encoder(chars)[1], atol=1e-6)


def _gradients(scale: float) -> list[torch.nn.Parameter]:
    torch.manual_seed(0)
    parameters = [torch.nn.Parameter(torch.randn(30, 20)), torch.nn.Parameter(torch.randn(7)),
                  torch.nn.Parameter(torch.randn(3))]
    for parameter in parameters[:2]:  # the last one has no gradient
        parameter.grad = scale * torch.randn_like(parameter)
    return parameters


def test_clip_gradients_equals_torch_to_the_bit_when_clipping_and_when_not():
    for scale in (10.0, 0.01):
        ours, theirs = _gradients(scale), _gradients(scale)
        before = [p.grad.clone() for p in ours[:2]]
        clip_gradients(ours, 5.0)
        torch.nn.utils.clip_grad_norm_(theirs, 5.0)
        for mine, reference, old in zip(ours[:2], theirs[:2], before):
            assert torch.equal(mine.grad, reference.grad)
            assert torch.equal(mine.grad, old) == (scale < 1)  # scaled only when the norm is too large
        assert ours[2].grad is None


def _packed(lstm: torch.nn.LSTM, x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
    return pad_packed_sequence(lstm(packed)[0], batch_first=True, total_length=x.shape[1])[0]


def test_split_directions_give_the_packed_lstm_states_and_gradients():
    torch.manual_seed(5)
    lstm = torch.nn.LSTM(6, 4, bidirectional=True, batch_first=True)
    lengths = torch.tensor([3, 7, 1, 5])
    inputs = torch.randn(4, 7, 6)
    real = torch.arange(7) < lengths[:, None]
    results = []
    for run in (split_directions, _packed):
        x = inputs.clone().requires_grad_(True)
        lstm.zero_grad()
        states = run(lstm, x, lengths)
        (states[real] * torch.linspace(-1, 1, 8)).sum().backward()
        results.append((states[real].detach(), x.grad, lstm.weight_hh_l0_reverse.grad.clone()))
    for ours, theirs in zip(*results):
        assert torch.allclose(ours, theirs, atol=1e-5)
