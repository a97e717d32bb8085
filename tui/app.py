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
from tui.known_hosts import KnownHosts
from tui.screens.connect import ConnectScreen
from tui.screens.vch_list import VchListScreen

LIGHT, DARK = "textual-light", "textual-dark"


class VicTui(App):
    """Connect screen first; once logged in, the VCH list."""

    TITLE = "vSphere Integrated Containers"
    CSS_PATH = Path(__file__).parent / "app.tcss"
    BINDINGS = [Binding("ctrl+t", "toggle_theme", "Light/dark", show=False)]

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

    def on_mount(self) -> None:
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

    def on_unmount(self) -> None:
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
@click.option("--embedded", is_flag=True, help="Start the embedded vCenter SIMULATOR and connect to it")
@click.option("--light", is_flag=True, help="Light theme (Ctrl-T switches)")
def main(target, user, password, thumbprint, force, appliance_iso, bootstrap_iso, embedded, light) -> None:
    """Manage virtual container hosts in a terminal."""
    isos: tuple[Path | None, Path | None] = (
        Path(appliance_iso) if appliance_iso else None, Path(bootstrap_iso) if bootstrap_iso else None)
    stop = None
    if embedded:
        from tui.embedded import Embedded

        click.echo("Starting the embedded vCenter simulator…", err=True)
        started = Embedded.start()
        parsed, isos, stop = started.target(), started.isos, started.stop
    elif target:
        try:
            parsed = parse_target(target, user=user, password=password, thumbprint=thumbprint, env={})
        except InputError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(2)
    else:
        parsed = None
    try:
        VicTui(
            parsed,
            open_backend=lambda t: Backend.connect(t, force=force, isos=isos),
            auto_connect=bool(parsed and parsed.user and parsed.password),
            light=light,
        ).run()
    finally:
        if stop is not None:
            stop()
