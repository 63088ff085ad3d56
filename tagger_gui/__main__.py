"""``python -m tagger_gui`` behaves exactly like the ``tagger-gui`` command."""

import sys

from tagger_gui.cli import main

sys.exit(main())
