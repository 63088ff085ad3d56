"""The annotation window: thin PySide6 adapters over ``tagger_gui.core``.

Nothing here holds domain state of its own: the ``Document`` owns the project and
its undo stack, Qt models translate corpus ``Change`` notifications into model
signals, and the panels only display and forward user intent.
"""
