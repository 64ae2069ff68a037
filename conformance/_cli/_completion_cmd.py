"""``casedev-conformance completion SHELL``: the shell completion script, to source or save."""

from __future__ import annotations

import click

PROG = "casedev-conformance"
#: The variable click's completion protocol reads (derived from the program's name).
COMPLETE_VAR = "_CASEDEV_CONFORMANCE_COMPLETE"

INSTALL = {
    "bash": 'eval "$(casedev-conformance completion bash)"   # in ~/.bashrc',
    "zsh": 'eval "$(casedev-conformance completion zsh)"    # in ~/.zshrc',
    "fish": "casedev-conformance completion fish > ~/.config/fish/completions/"
    "casedev-conformance.fish",
}


@click.command("completion")
@click.argument("shell", type=click.Choice(sorted(INSTALL)))
def completion(shell: str) -> None:
    """Print the completion script for SHELL (bash, zsh or fish).

    \b
    bash:  eval "$(casedev-conformance completion bash)"    (in ~/.bashrc)
    zsh:   eval "$(casedev-conformance completion zsh)"     (in ~/.zshrc)
    fish:  casedev-conformance completion fish > ~/.config/fish/completions/casedev-conformance.fish
    """
    from click.shell_completion import get_completion_class

    from . import cli

    cls = get_completion_class(shell)
    assert cls is not None  # the choice above lists only shells click supports
    click.echo(cls(cli, {}, PROG, COMPLETE_VAR).source())
