"""Corrigo: readers report misprints, editors fix them."""

__version__ = "0.1.0"
