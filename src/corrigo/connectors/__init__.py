"""Connectors: how Corrigo writes an editor's correction into a site's own source.

One module per CMS behind the small interface of :mod:`corrigo.connectors.base`;
nothing outside this package knows a CMS's API.
"""
