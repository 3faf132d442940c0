"""Spelling: dictionaries, word frequencies and the one thread that uses them."""
