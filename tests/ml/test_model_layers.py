"""The model's layers computed another way than the textbook one give the textbook's results."""

import torch
import torch.nn.functional as F

from tagger_gui.ml.gradients import clip_gradients
from tagger_gui.ml.model import CharCNN
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
