"""`python -m bench stream|audit [options]`: the live monitor's or the audit's benchmark."""

from __future__ import annotations

import sys

from . import audit, stream

COMMANDS = {"stream": stream.main, "audit": audit.main}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] not in COMMANDS:
        print(f"usage: python -m bench {{{','.join(COMMANDS)}}} [options]  (--help on each)")
        return 2
    return COMMANDS[args[0]](args[1:])
