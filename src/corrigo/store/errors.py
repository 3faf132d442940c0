"""A refusal of one input value, naming the field, for the store's callers to show."""

from __future__ import annotations


class FieldError(ValueError):
    """A value the store cannot use; `field` names the parameter or form field."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name
