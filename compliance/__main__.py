"""``python -m compliance``: the same as the ``compliance`` command."""
from .cli import main

main()
