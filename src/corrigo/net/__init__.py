"""Reaching other servers on a reader's behalf: the SSRF-safe page fetcher."""
