"""Turning notices and digests into each channel's format, escaped for it (pure functions).

Every string a reader sent (title, URL, quote, comment, suggestion, author) is
hostile: each module here escapes it for the markup it lands in.
"""
