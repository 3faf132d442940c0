"""Reading posted form fields defensively: strings only, bounded length, no NUL.

Every form field is read through these functions, the edge where form text enters
(the README's rule: U+0000 is removed from every text that enters).
"""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException

from corrigo.domain.text import without_nul


def text_field(form: FormData, name: str, max_length: int) -> str:
    """A text field's value ('' when absent or a file); 400 when longer than `max_length`."""
    value = form.get(name)
    if not isinstance(value, str):
        return ""
    if len(value) > max_length:
        raise HTTPException(400, f"{name} is too long.")
    return without_nul(value)


def text_list(form: FormData, name: str, max_length: int) -> list[str]:
    """Every string value of a repeated field, each bounded like :func:`text_field`."""
    values = [value for value in form.getlist(name) if isinstance(value, str)]
    if any(len(value) > max_length for value in values):
        raise HTTPException(400, f"{name} is too long.")
    return [without_nul(value) for value in values]
