"""``vic-tui``: VCH management in a terminal."""

from __future__ import annotations

import sys

import click
from textual.app import App

from tui.screens.home import HomeScreen
from vic_machine.errors import InputError
from vic_machine.target import Target, parse_target


class VicTui(App):
    TITLE = "vSphere Integrated Containers"

    def __init__(self, target: Target, force: bool = False) -> None:
        super().__init__()
        self.target = target
        self.force = force

    def on_mount(self) -> None:
        self.sub_title = self.target.display
        self.push_screen(HomeScreen(self.target, self.force))


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--target", "-t", envvar="VIC_MACHINE_TARGET", help="https://[user[:password]@]host[:port][/dc]")
@click.option("--user", "-u", envvar="VIC_MACHINE_USER")
@click.option("--password", "-p", envvar="VIC_MACHINE_PASSWORD")
@click.option("--thumbprint", envvar="VIC_MACHINE_THUMBPRINT")
@click.option("--force", is_flag=True, help="Accept an untrusted certificate")
def main(target, user, password, thumbprint, force) -> None:
    """Manage virtual container hosts in a terminal."""
    try:
        parsed = parse_target(target, user=user, password=password, thumbprint=thumbprint, env={})
    except InputError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)
    if parsed.user and not parsed.password:
        parsed = parse_target(target, user=user, thumbprint=thumbprint, env={},
                              password=click.prompt(f"Password for {parsed.user}", hide_input=True))
    VicTui(parsed, force).run()
