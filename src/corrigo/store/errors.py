"""The store's refusals that its callers answer: a bad input value, something not visible."""

from __future__ import annotations


class FieldError(ValueError):
    """A value the store cannot use; `field` names the parameter or form field."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name


class NotVisible(LookupError):
    """A group or site that does not exist or belongs to a site the editor may not see."""


class AdminError(ValueError):
    """A request the store refuses, with a sentence for the person who made it."""
