"""Per-article work spread over worker processes, one per core, with the result of one process.

The CPU-bound pure-Python stages of a large dump (finding actors in every article, attributing
quotes) run in forked worker processes. Forked workers inherit the shared context (automata,
lexicons) without pickling it; only chunks of items and their results cross process
boundaries, and results come back in item order. Small inputs, daemon processes (a Dask worker
may not start children) and platforms without ``fork`` run in the calling process.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from tqdm import tqdm

MAX_PROCESSES = 4  # each worker process holds its own copy of what it needs
CHUNK_ITEMS = 500  # items sent to a worker at a time

_task: tuple[Callable, dict[str, Any]] | None = None  # set in each worker by ``_share``


def count_processes(n_chars: int, *, min_chars: int) -> int:
    """Return how many processes should work on ``n_chars`` characters of text.

    One per core, up to ``MAX_PROCESSES``, from ``min_chars`` on (below it, starting workers
    costs more than it saves); always one inside a daemon process.
    """
    if n_chars < min_chars or multiprocessing.current_process().daemon:
        return 1
    return min(MAX_PROCESSES, len(os.sched_getaffinity(0)))


def map_items(
    function: Callable,
    items: Sequence,
    *,
    shared: dict[str, Any],
    processes: int,
    desc: str,
    show_progress: bool = False,
) -> list:
    """Return ``[function(item, **shared) for item in items]``, computed in ``processes`` processes.

    Args:
        function: A module-level function of one item plus the keyword arguments in ``shared``.
        items: The items (picklable when ``processes > 1``).
        shared: Keyword arguments for every call, inherited by forked workers, never pickled.
        processes: Worker processes (``count_processes``); 1 works in the calling process.
        desc: Label of the progress bar.
        show_progress: Show a progress bar over the items.

    Returns:
        One result per item, in item order.
    """
    with tqdm(total=len(items), desc=desc, unit="article", disable=not show_progress) as bar:
        if processes <= 1 or "fork" not in multiprocessing.get_all_start_methods():
            results = []
            for item in items:
                results.append(function(item, **shared))
                bar.update()
            return results
        chunks = [items[start : start + CHUNK_ITEMS] for start in range(0, len(items), CHUNK_ITEMS)]
        context = multiprocessing.get_context("fork")
        results = []
        with ProcessPoolExecutor(
            processes, mp_context=context, initializer=_share, initargs=(function, shared)
        ) as pool:
            for chunk_results in pool.map(_run_chunk, chunks):
                results += chunk_results
                bar.update(len(chunk_results))
        return results


def _share(function: Callable, shared: dict[str, Any]) -> None:
    global _task
    _task = (function, shared)


def _run_chunk(chunk: Sequence) -> list:
    function, shared = _task
    return [function(item, **shared) for item in chunk]
