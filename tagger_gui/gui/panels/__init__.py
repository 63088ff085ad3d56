"""Dockable panels of the main window, one widget per module."""
