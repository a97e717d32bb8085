"""``vic-machine version``."""

import click

from vic_machine import __version__


@click.command()
def version() -> None:
    """Show the version of vic-machine."""
    click.echo(f"vic-machine version v{__version__}")
