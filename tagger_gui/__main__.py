"""``python -m tagger_gui`` behaves exactly like the ``tagger-gui`` command."""

import sys

from tagger_gui.launch import main

sys.exit(main())
