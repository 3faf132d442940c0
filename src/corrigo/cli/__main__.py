"""`python -m corrigo.cli`: the same as the `corrigo` command."""

from corrigo.cli import main

main()
