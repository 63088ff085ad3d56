"""tagger-gui: annotate sentences with per-token tags and train an LSTM tagger that suggests them."""

__version__ = "0.1.0"
