"""Reading posted form fields defensively: strings only, bounded length."""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException


def text_field(form: FormData, name: str, max_length: int) -> str:
    """A text field's value ('' when absent or a file); 400 when longer than `max_length`."""
    value = form.get(name)
    if not isinstance(value, str):
        return ""
    if len(value) > max_length:
        raise HTTPException(400, f"{name} is too long.")
    return value


def text_list(form: FormData, name: str, max_length: int) -> list[str]:
    """Every string value of a repeated field, each bounded like :func:`text_field`."""
    values = [value for value in form.getlist(name) if isinstance(value, str)]
    if any(len(value) > max_length for value in values):
        raise HTTPException(400, f"{name} is too long.")
    return values
