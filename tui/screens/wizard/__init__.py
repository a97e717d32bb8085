"""The Create VCH wizard: one generated form per step of the core's wizard description, then a summary."""

from tui.screens.wizard.wizard import WizardScreen

__all__ = ["WizardScreen"]
