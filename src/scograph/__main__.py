"""``python -m scograph``: the same as the ``scograph`` command."""

from .cli import main

main()
