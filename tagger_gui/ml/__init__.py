"""The learning side: vocabularies, the LSTM taggers, training, inference, metrics and model files.

Nothing here imports Qt. Importing this package applies the environment settings of
``tagger_gui.ml.runtime`` (the one place for process-wide settings) before PyTorch
creates anything.
"""

from tagger_gui.ml.runtime import configure_environment

configure_environment()
