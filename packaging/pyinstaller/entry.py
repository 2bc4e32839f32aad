"""The frozen app's entry point: the ``crm`` command (``gui`` when given no command).

The import's worker process is started as ``<python> -c <its line>``; in a frozen app
``sys.executable`` is this program, so that one line (and no other code) is run here.
"""

from __future__ import annotations

import sys


def run() -> int:
    from crm.services.imports import prepare

    if sys.argv[1:3] == ["-c", prepare._SERVE]:
        prepare.serve()
        return 0
    from crm.cli import main

    return main()


if __name__ == "__main__":
    sys.exit(run())
