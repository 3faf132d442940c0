"""Senders, one per channel kind: each renders a notice or digest and transmits it."""
