"""``python -m aftercall``: the same as the ``aftercall`` command."""

from aftercall.cli import main

main()
