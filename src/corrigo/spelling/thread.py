"""The one thread that uses the dictionaries, so each is loaded once and never shared.

pyenchant crashes when two threads use one dictionary object, and loading a
dictionary takes up to a second; running every spelling task on this thread
keeps one loaded set (see :func:`corrigo.spelling.dictionaries.speller`).
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="corrigo-spelling")


async def on_spelling_thread(work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run ``work(*args, **kwargs)`` on the spelling thread and wait for its result."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_executor, functools.partial(work, *args, **kwargs))
