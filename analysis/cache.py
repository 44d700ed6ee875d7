"""On-disk key-value cache for expensive work: per-text (embeddings, NER) and per-dump results.

Values live in one SQLite file per namespace under ``data/cache/``. SQLite commits are
atomic, so a run killed mid-way leaves either the old or the new rows, never a torn file,
and a rerun only computes the keys that are missing. Whole results (an actor table, a fitted
topic model) are keyed by their inputs and by ``code_version()``, so any change to the
package's code or data files recomputes them.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import pickle
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from analysis import paths

T = TypeVar("T")

_CHUNK = 500  # SQLite caps the number of bound parameters per statement.
_LOCK_TIMEOUT = 60  # seconds a process waits for another one's write lock


def cache_dir() -> Path:
    """Return the cache folder: ``$ANALYSIS_CACHE_DIR`` when set, else ``data/cache``."""
    return Path(os.environ.get("ANALYSIS_CACHE_DIR") or paths.CACHE_DIR)


def hash_text(*parts: str) -> str:
    """Return a stable hex digest of the given strings (joined unambiguously)."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogatepass")
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()


def hash_rows(frame: Any, columns: Sequence[str]) -> str:
    """Return a digest of a DataFrame's values in ``columns``, row by row (values as ``str``)."""
    rows = frame[list(columns)].itertuples(index=False)
    return hash_text(*("\x1f".join(map(str, row)) for row in rows))


@functools.cache
def code_version() -> str:
    """Return a digest of the package's source and data files and of every installed distribution.

    Results keyed by it go stale on any edit to the package or any change to the environment.
    """
    from importlib import metadata

    files = sorted(
        path
        for path in paths.PACKAGE_DIR.rglob("*")
        if path.is_file() and path.suffix in {".py", ".yaml", ".txt"} and "__pycache__" not in path.parts
    )
    sources = (f"{path.relative_to(paths.PACKAGE_DIR)}\n{path.read_text('utf-8')}" for path in files)
    # The project's own metadata is left out (its files are hashed above): Python also finds an
    # ``analysis.egg-info`` through the working directory, so a notebook kernel started in
    # ``notebooks/`` listed it once less than the report process and missed every cached result.
    installed = sorted(
        {
            f"{dist.metadata['Name']}=={dist.version}"
            for dist in metadata.distributions()
            if dist.metadata["Name"] != paths.PACKAGE_DIR.name
        }
    )
    return hash_text(*sources, *installed)


def cached_result(namespace: str, key: str, compute: Callable[[], T]) -> T:
    """Return the result stored under ``key``, or compute, store and return it.

    Results are pickled into this project's own cache folder, which is trusted like the code;
    never point ``ANALYSIS_CACHE_DIR`` at files from elsewhere. A result that cannot be pickled
    is returned without being stored.

    Args:
        namespace: Cache file name.
        key: Digest of everything the result depends on, ``code_version()`` included.
        compute: Produces the result when it is not cached.
    """
    found = read_values(namespace, [key])
    if key in found:
        return pickle.loads(found[key])
    result = compute()
    try:
        value = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError) as error:
        logging.getLogger(__name__).info("result not cached (%s): %s", namespace, error)
        return result
    write_values(namespace, {key: value})
    return result


def _connect(namespace: str) -> sqlite3.Connection:
    folder = cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + _LOCK_TIMEOUT
    # Switching a new file to WAL takes an exclusive lock for which SQLite skips its busy
    # handler, so processes that open the same new cache at once (Dask workers) retry here.
    while True:
        connection = sqlite3.connect(folder / f"{namespace}.sqlite", timeout=_LOCK_TIMEOUT)
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value BLOB NOT NULL)")
        except sqlite3.OperationalError as error:
            connection.close()
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.01 + os.getpid() % 10 / 100)  # staggered so the processes do not retry in step
            continue
        return connection


def read_values(namespace: str, keys: Iterable[str]) -> dict[str, bytes]:
    """Return the cached values for those of ``keys`` that are present."""
    wanted = sorted(set(keys))
    found: dict[str, bytes] = {}
    if not wanted:
        return found
    with _connect(namespace) as connection:
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = connection.execute(f"SELECT key, value FROM kv WHERE key IN ({marks})", chunk)
            found.update(rows)
    connection.close()
    return found


def write_values(namespace: str, items: dict[str, bytes]) -> None:
    """Store ``items`` in one transaction (all or nothing)."""
    if not items:
        return
    with _connect(namespace) as connection:
        connection.executemany("INSERT OR REPLACE INTO kv VALUES (?, ?)", sorted(items.items()))
    connection.close()


def cached_map(
    namespace: str,
    keys: Sequence[str],
    items: Sequence[T],
    compute: Callable[[list[T]], list[bytes]],
) -> list[bytes]:
    """Return one value per item, computing only the items whose key is not cached yet.

    Args:
        namespace: Cache file name; include the model or method identity in it or in the keys.
        keys: One content key per item (equal keys share one value).
        items: The inputs, aligned with ``keys``.
        compute: Called once with the missing items (first occurrence of each key, in order);
            returns their serialized values in the same order.

    Returns:
        The serialized values aligned with ``items``.
    """
    found = read_values(namespace, keys)
    missing: dict[str, T] = {}
    for key, item in zip(keys, items, strict=True):
        if key not in found and key not in missing:
            missing[key] = item
    if missing:
        computed = dict(zip(missing, compute(list(missing.values())), strict=True))
        write_values(namespace, computed)
        found.update(computed)
    return [found[key] for key in keys]
