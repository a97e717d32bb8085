"""Flags read the way vic-machine 1.5.8's Go command line reads them, so its users' command lines work unchanged.

Go's flag parsing (under urfave/cli) takes every name of a flag, long or short, with one dash or two
(``-vs``, ``--vs``, ``-name``, ``--n``), and a value after ``=`` (``-n=vch1``, ``--force=true``). Click takes each
option only as declared. Each option is declared once, under the names 1.5.8 gives it; before a subcommand parses
its arguments, :class:`GoFlagsGroup` rewrites the other-dash spelling of a declared name into the declared one and
splits ``name=value``. Anything click already understands is left as it is, and values are never rewritten.
"""

from __future__ import annotations

import click

_TRUE = {"true", "t", "1"}
_FALSE = {"false", "f", "0"}


def _other_dash(name: str) -> str:
    """``--vs`` for ``-vs`` and ``-vs`` for ``--vs``; ``""`` for anything else."""
    if name.startswith("---") or not name.startswith("-") or len(name) < 2:
        return ""
    return name[1:] if name.startswith("--") else f"-{name}"


def go_style_args(command: click.Command, ctx: click.Context, args: list[str]) -> list[str]:
    """``args`` with every flag spelled as ``command`` declares it (see the module's docstring)."""
    options: dict[str, click.Option] = {}
    for param in command.get_params(ctx):
        if isinstance(param, click.Option):
            for name in (*param.opts, *param.secondary_opts):
                options[name] = param
    out: list[str] = []
    rest = iter(args)
    for arg in rest:
        if arg == "--":
            out += [arg, *rest]
            break
        name, equals, value = arg.partition("=")
        known = name if name in options else _other_dash(name)
        option = options.get(known)
        if option is None:
            out.append(arg)
            continue
        if not (option.is_flag or option.count):
            out.append(known)
            following = value if equals else next(rest, None)
            if following is not None:  # a missing value is click's to report
                out.append(following)
            continue
        if not equals or value.lower() in _TRUE:
            out.append(known)
        elif value.lower() in _FALSE:
            if option.secondary_opts and known in option.opts:
                out.append(option.secondary_opts[0])
            # else: the flag left off is the flag set false
        else:
            out.append(arg)  # click names the bad value
    return out


class GoFlagsGroup(click.Group):
    """A command group whose subcommands take their flags as vic-machine 1.5.8 does."""

    def resolve_command(self, ctx: click.Context, args: list[str]):
        name, command, rest = super().resolve_command(ctx, args)
        if command is not None and not isinstance(command, click.Group):
            rest = go_style_args(command, ctx, rest)
        return name, command, rest
