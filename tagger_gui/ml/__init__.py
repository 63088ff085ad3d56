"""The learning side: vocabularies, the LSTM taggers, training, inference, metrics and model files.

Nothing here imports Qt. Importing this package caps oneDNN's primitive cache
(``ONEDNN_PRIMITIVE_CACHE_CAPACITY``, unless already set): every distinct batch
shape gets its own cached LSTM primitive, and with the default capacity the cache
kept growing by tens of MiB per epoch on EWT; 64 entries was also slightly faster.
oneDNN reads the variable when it creates its first primitive, so this works as
long as no LSTM has run before the import.
"""

import os

os.environ.setdefault("ONEDNN_PRIMITIVE_CACHE_CAPACITY", "64")
