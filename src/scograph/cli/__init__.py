"""The ``scograph`` command line: thin commands over :class:`scograph.graph.ClaimsGraph`, each module imported only when asked for.

Results go to stdout; messages go to stderr as one ``Error: …`` line with the
documented exit code (README, "Errors and exit codes").
"""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer
from typer.core import TyperCommand, TyperGroup
from typer.main import get_command_from_info
from typer.models import CommandInfo

from ..errors import printable
from .common import one_line_errors, refuse_undecodable

COMMANDS = {
    "demands": "lookups", "drivers": "lookups", "responses": "lookups", "findings": "lookups", "actors": "lookups",
    "show": "lookups", "paths": "lookups", "search": "lookups", "stats": "lookups",
    "push": "push", "validate": "build", "build": "build",
    "analyse": "analyse", "export": "export", "plot": "plot", "serve": "serve", "sparql": "sparql", "synth": "synth",
}
"""Every command, in the order ``scograph --help`` lists them, and the module (``scograph.cli.…``) that defines it.

A lookup is the common call and should start fast: only the module of the command called is imported."""


class _Command(TyperCommand):
    def invoke(self, ctx):
        refuse_undecodable(ctx)
        return super().invoke(ctx)

    def format_epilog(self, ctx, formatter) -> None:
        from .help import command_epilog  # only when help is printed

        self.epilog = command_epilog(self.name)
        super().format_epilog(ctx, formatter)


class _Commands(TyperGroup):
    """The command group: commands imported when called, every error as one ``Error: …`` line.

    Usage errors (a bad option value, an unknown option or command, a missing argument) are one line with
    the hint to ``--help``, like the library's named errors, instead of click's usage, hint, blank line and error."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.commands = dict.fromkeys(COMMANDS) | self.commands  # every name known (typer suggests from them), none built
        self._own_options: list = []

    def list_commands(self, ctx) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx, name: str):
        if self.commands.get(name) is None and name in COMMANDS:
            # The import statement's machinery (not importlib.import_module), so -X importtime shows it too.
            callback = getattr(__import__(f"{__name__}.{COMMANDS[name]}", fromlist=[name]), name)
            self.commands[name] = get_command_from_info(
                CommandInfo(callback=callback, cls=_Command),
                pretty_exceptions_short=app.pretty_exceptions_short, rich_markup_mode=app.rich_markup_mode)
        return self.commands.get(name)

    def parse_args(self, ctx, args):
        if not self._own_options and (not args or args[0].startswith("-")):
            # Built only when the group's own options are given (or its help, or completion of them):
            # --version and typer's --install-completion and --show-completion cost a lookup 0.4 ms to build.
            self._own_options = _group_options()
            self.params[-1:-1] = self._own_options  # before --help
        return super().parse_args(ctx, args)

    def invoke(self, ctx):
        with one_line_errors():
            return super().invoke(ctx)

    def format_epilog(self, ctx, formatter) -> None:
        from .help import group_epilog  # only when help is printed

        self.epilog = group_epilog()
        super().format_epilog(ctx, formatter)

    def main(self, args=None, *rest, standalone_mode: bool = True, **kwargs):
        from typer.completion import completion_init  # typer's own completion formats (cheap; typer imports it)

        completion_init()
        if not standalone_mode:
            return super().main(args, *rest, standalone_mode=False, **kwargs)
        given = sys.argv[1:] if args is None else list(args)
        for position, arg in enumerate(given, 1):
            if isinstance(arg, str) and not _argv_can_hold(arg):  # only from Python: a real argv cannot
                typer.echo(f"Error: argument {position} ({printable(repr(arg))}) holds a NUL or a lone surrogate,"
                           " which no command line can", err=True)
                sys.exit(2)
        try:
            code = super().main(args, *rest, standalone_mode=False, **kwargs)  # an exit code, from typer.Exit
        except typer.Abort:
            typer.echo("Error: aborted", err=True)
            sys.exit(1)
        except Exception as error:
            message = error.format_message() if hasattr(error, "format_message") else None
            if message is None or not hasattr(error, "exit_code"):
                raise  # not a usage error: a bug, which shows its traceback
            context = getattr(error, "ctx", None)
            if context is None or message == context.get_help():
                error.show()  # an error outside any command, or the help that no arguments at all ask for
            else:
                if hasattr(error, "option_name") and hasattr(error, "possibilities"):  # an unknown option (NoSuchOption)
                    message = _unknown_option(error.option_name, context)
                one_line = message.replace("\n\t", " ").rstrip(".")  # "Choose from:" puts each choice on a line of its own
                typer.echo(f"Error: {printable(one_line)} (see: {context.command_path} --help)", err=True)
            sys.exit(error.exit_code)
        sys.exit(code if isinstance(code, int) else 0)


def _unknown_option(name: str, context) -> str:
    """``No such option: --contry (did you mean --country?); options: --country/-c, …``: the options that exist,
    where click names only the near ones (or ``--help`` alone, when none is near)."""
    import difflib

    params = [param for param in context.command.get_params(context)
              if getattr(param, "param_type_name", "") == "option" and not param.hidden]
    options = ", ".join("/".join(sorted(param.opts, key=lambda opt: not opt.startswith("--"))) for param in params)
    # Nearer than click's own guesses, which offer --help for --levle.
    close = difflib.get_close_matches(name, [opt for param in params for opt in param.opts if opt.startswith("--")],
                                      n=3, cutoff=0.7)
    hint = f" (did you mean {', '.join(close)}?)" if close else ""
    return f"No such option: {name}{hint}; options: {options}"


def _argv_can_hold(arg: str) -> bool:
    try:
        os.fsencode(arg)  # what Python made of a real argv's bytes turns back into them
    except UnicodeEncodeError:
        return False
    return "\0" not in arg


app = typer.Typer(
    cls=_Commands,
    name="scograph",
    help="Query a knowledge graph of what Central Asian SCO members expect of the SCO, why, and what the paper recommends.",
    no_args_is_help=True,
    add_completion=False,  # typer's --install-completion and --show-completion, added by _Commands when asked for
    context_settings={"help_option_names": ["-h", "--help"]},  # every command's too: its context inherits them
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _print_version(asked: bool) -> None:
    if asked:
        from .. import __version__

        typer.echo(f"scograph {__version__}")
        raise typer.Exit(0)


def _version_flag(version: Annotated[bool, typer.Option(
        "--version", "-V", callback=_print_version, is_eager=True, help="Print the version and exit.")] = False) -> None:
    """Declares --version the way typer reads options (:func:`_group_options`)."""


def _group_options() -> list:
    """The group's own options: --version, --install-completion, --show-completion."""
    from typer.main import get_click_param, get_install_completion_arguments
    from typer.utils import get_params_from_function

    version = [get_click_param(meta)[0] for meta in get_params_from_function(_version_flag).values()]
    return version + list(get_install_completion_arguments())


@app.callback()
def _group() -> None:
    # typer builds a group only for an app with a callback or commands; the commands are the group's to find.
    pass


def main() -> None:
    """The ``scograph`` console script."""
    command = next((arg for arg in sys.argv[1:] if not arg.startswith("-")), None)
    if command != "serve":
        # One call, then exit: a lookup or an export allocates hundreds of thousands of small acyclic
        # dicts and strings, and the cyclic collector's passes over them cost a quarter of the time;
        # reference counting frees them all. The library never touches the collector (server threads
        # and notebooks call it too); the long-running server keeps it.
        import gc

        gc.disable()
    app()
