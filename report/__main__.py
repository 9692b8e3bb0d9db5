"""``python -m report COMMAND …``: board outputs from the command line.

One module per command (``report/cli_<name>.py``), each with ``NAME``, ``HELP``,
``add_arguments(parser)`` and ``run(args) -> int`` (the exit status); add a command by writing
its module and listing it in :data:`COMMANDS`. ``python -m report --help`` lists them.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from report import cli_goals, cli_map, cli_pack, cli_track

#: The commands, in the order ``--help`` lists them.
COMMANDS = (cli_pack, cli_map, cli_goals, cli_track)


def parser() -> argparse.ArgumentParser:
    """The argument parser: one subcommand per module of :data:`COMMANDS`."""
    top = argparse.ArgumentParser(prog="python -m report", description="WardLens board outputs from the "
                                  "command line.")
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        child = sub.add_parser(command.NAME, help=command.HELP, description=command.__doc__,
                               formatter_class=argparse.RawDescriptionHelpFormatter)
        command.add_arguments(child)
        child.set_defaults(run=command.run)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command ``argv`` names (default: the process's arguments); returns its exit status."""
    args = parser().parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())
