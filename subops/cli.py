"""The `subops` command: one sub-command per module, each with add_parser() and run()."""
from __future__ import annotations

import argparse
import importlib
import sys

# sub-command name -> module that implements it (imported only when used)
COMMANDS = {
    "bench": "subops.bench",
    "churn": "subops.churn",
    "generate": "subops.generate.cli",
    "ingest": "subops.ingest",
    "load": "subops.load",
    "run": "subops.run",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="subops", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    modules = {}
    for name, module_name in COMMANDS.items():
        module = importlib.import_module(module_name)
        module.add_parser(sub, name)
        modules[name] = module
    args = parser.parse_args(argv)
    try:
        return int(modules[args.command].run(args) or 0)
    except UserError as err:
        print(f"subops {args.command}: error: {err}", file=sys.stderr)
        return 2


class UserError(Exception):
    """A problem the user can fix (bad argument, missing input); printed without a traceback."""


if __name__ == "__main__":
    # `python -m subops.cli` runs this file as __main__, a second copy of the module: the
    # commands raise subops.cli.UserError, which only the package's main() catches.
    from subops.cli import main as package_main
    sys.exit(package_main())
