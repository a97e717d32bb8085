"""``vic-tui``: VCH management in a terminal."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from textual.app import App
from textual.binding import Binding

from vic_machine.errors import InputError
from vic_machine.target import Target, parse_target

from tui.backend import Backend
from tui.isos import installed_isos
from tui.known_hosts import KnownHosts
from tui.screens.connect import ConnectScreen
from tui.screens.vch_list import VchListScreen
from tui.signals import StopOnSignals, driver_class

LIGHT, DARK = "textual-light", "textual-dark"


class VicTui(App):
    """Connect screen first; once logged in, the VCH list."""

    TITLE = "vSphere Integrated Containers"
    CSS_PATH = Path(__file__).parent / "app.tcss"
    # The help screen lists every key; the palette would only take footer room at 80 columns.
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [
        Binding("question_mark", "help", "Help", key_display="?"),
        # Screens with text fields show F1: there "?" is typed into the field.
        Binding("f1", "help_f1", "Help"),
        Binding("ctrl+q", "quit", "Quit", priority=True),
        Binding("ctrl+t", "toggle_theme", "Light/dark theme", show=False),
    ]

    def __init__(
        self,
        target: Target | None = None,
        *,
        open_backend: Callable[[Target], Any] | None = None,
        known_hosts: KnownHosts | None = None,
        auto_connect: bool = False,
        light: bool = False,
    ) -> None:
        super().__init__()
        self.target = target
        self._open_backend = open_backend or (lambda t: Backend.connect(t))
        self.known_hosts = known_hosts or KnownHosts()
        self.auto_connect = auto_connect
        self.backend: Any = None
        self.theme = LIGHT if light else DARK
        self.signals = StopOnSignals(self)

    def get_driver_class(self):
        return driver_class(super().get_driver_class())

    def on_mount(self) -> None:
        self.signals.install()
        self.push_screen(ConnectScreen(self.target, self.known_hosts, auto=self.auto_connect))

    def open_backend(self, target: Target) -> Any:
        """Log in (blocking: called from a worker thread)."""
        return self._open_backend(target)

    def connected(self, backend: Any, rows: list | None = None) -> None:
        """Logged in: the VCH list replaces the connect screen (``rows`` when already read)."""
        self.backend = backend
        self.sub_title = f"{backend.target.display} as {backend.target.user}"
        self.switch_screen(VchListScreen(backend, rows))

    def action_toggle_theme(self) -> None:
        self.theme = LIGHT if self.theme == DARK else DARK

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # A modal shows the footer of the screen under it: that screen says which help key to show.
        from textual.screen import ModalScreen

        base = next((s for s in reversed(self.screen_stack) if not isinstance(s, ModalScreen)), self.screen)
        typing = bool(getattr(base, "TYPING", False))
        if action == "help":
            return not typing
        if action == "help_f1":
            return typing
        return True

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen, keys_of

        screen = self.screen
        if isinstance(screen, HelpScreen):
            return
        self.push_screen(HelpScreen(getattr(screen, "HELP_TITLE", screen.__class__.__name__), keys_of(screen),
                                    list(getattr(screen, "HELP_KEYS", []))))

    def action_help_f1(self) -> None:
        self.action_help()

    async def action_quit(self) -> None:
        """Quit, unless that would silently drop a wizard's values or leave an operation half done."""
        from tui.screens.confirm import ConfirmScreen
        from tui.screens.operation import OperationScreen
        from tui.screens.wizard import WizardScreen

        running = next((s for s in self.screen_stack if isinstance(s, OperationScreen) and not s.finished), None)
        if running is not None:
            self.notify(f"{running.heading} is still running: wait for it to end, or cancel it with Ctrl-C "
                        "(what it did is undone), then quit.", severity="warning", timeout=8)
            return
        if getattr(self.screen, "quit_question", False):
            self.exit()  # Ctrl-Q again on the question itself
            return
        wizard = next((s for s in self.screen_stack if isinstance(s, WizardScreen) and s.has_changes()), None)
        if wizard is None:
            self.exit()
            return

        def answered(go: bool | None) -> None:
            if go:
                self.exit()

        question = ConfirmScreen("Quit and lose the values typed?",
                                 f"{wizard.sub_title or 'The wizard'} has values typed that are not applied yet; "
                                 "quitting loses them.", "Quit", warn=True, keep="Keep editing")
        question.quit_question = True
        self.push_screen(question, answered)

    def on_unmount(self) -> None:
        self.signals.remove()
        if self.backend is not None:
            self.backend.logout()


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--target", "-t", envvar="VIC_MACHINE_TARGET", help="https://[user[:password]@]host[:port][/dc]")
@click.option("--user", "-u", envvar="VIC_MACHINE_USER")
@click.option("--password", "-p", envvar="VIC_MACHINE_PASSWORD")
@click.option("--thumbprint", envvar="VIC_MACHINE_THUMBPRINT")
@click.option("--force", is_flag=True, help="Accept an untrusted certificate without asking")
@click.option("--appliance-iso", "-ai", type=click.Path(dir_okay=False), help="VIC appliance ISO to deploy")
@click.option("--bootstrap-iso", "-bi", type=click.Path(dir_okay=False), help="VIC bootstrap ISO to deploy")
@click.option("--iso-dir", type=click.Path(file_okay=False),
              help="Folder with appliance.iso and bootstrap.iso (default: $VIC_ISO_DIR, else the current directory)")
@click.option("--embedded", is_flag=True, help="Start the embedded vCenter SIMULATOR and connect to it")
@click.option("--esx", is_flag=True, help="With --embedded: simulate an ESXi host that no vCenter manages instead")
@click.option("--light", is_flag=True, help="Light theme (Ctrl-T switches)")
def main(target, user, password, thumbprint, force, appliance_iso, bootstrap_iso, iso_dir, embedded, esx,
         light) -> None:
    """Manage virtual container hosts in a terminal."""
    # Found as the plug-in server finds its ISOs; the wizard's first step shows and checks them.
    isos = installed_isos(appliance_iso, bootstrap_iso, iso_dir)
    stop = None
    if embedded:
        from tui.embedded import Embedded

        click.echo(f"Starting the embedded {'ESXi host' if esx else 'vCenter'} simulator…", err=True)
        started = Embedded.start(esx=esx)
        parsed, isos, stop = started.target(), started.isos, started.stop
    elif target:
        try:
            parsed = parse_target(target, user=user, password=password, thumbprint=thumbprint, env={})
        except InputError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(2)
    else:
        parsed = None
    app = VicTui(parsed, open_backend=lambda t: Backend.connect(t, force=force, isos=isos),
                 auto_connect=bool(parsed and parsed.user and parsed.password), light=light)
    try:
        app.run()
    finally:
        if stop is not None:
            stop()
    if app.return_code:
        sys.exit(app.return_code)  # stopped by a signal, once what it was doing was undone
