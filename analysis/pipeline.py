"""The per-article result tables of a dump, computed with pandas or on a Dask cluster, written reproducibly.

``compute_tables`` runs every analysis stage on a dump and returns its tidy result tables;
``write_tables`` writes them as CSV and Parquet with deterministic bytes, atomically, so two runs
on one dump give byte-identical files and a run killed mid-way never leaves a torn table.

Tables (one row per ...; sorted by the keys in ``TABLE_KEYS``):

* ``articles``: article (``analysis.load_articles``); the written copy joins the ``boilerplate``
  list with newlines.
* ``skipped``: file, record or manifest row the loader could not use, with the reason.
* ``mentions`` / ``quotes``: actor mention / attribution (``extract_mentions`` / ``extract_quotes``).
* ``frames_generic`` / ``frames_policy``: sentence and frame the sentence **carries** under that
  codebook (``score_frames`` rows with ``carries`` true; the column is dropped). Non-carrying
  rows are left out: they are most of the sentence x frame grid and are recomputed from the
  disk cache in seconds when a notebook needs them.
* ``article_topics``: non-duplicate article with its dominant topic (``model_topics``).

With ``engine="dask"`` the dump's files are split into groups that workers parse (warming the
corpus cache), the client then assembles the article table with ``load_articles`` (reading
those parses from the cache) because duplicate marking compares every article with every
other; the non-duplicate articles go back to the workers in the same file groups for the
per-article work: spaCy parses (the expensive part of the full actor path, cached) and frame
scores. Actor names are merged across articles and topics are fitted on the client, which
reuse the workers' cached parses. Topic fitting follows ``model_topics``' own rule: above
``max_fit_units`` (``data/topics.yaml``) units it fits on a seeded sample and assigns the rest
to the nearest topic centroid. Every size-dependent choice (actor method, which sentences to
embed) is made once for the whole dump, so both engines return equal tables.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import math
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from tqdm import tqdm

ENGINES = ("pandas", "dask")
CODEBOOKS = ("generic", "policy")
TABLE_KEYS = {
    "articles": ["article_id"],
    "skipped": ["source_file", "reason"],
    "mentions": ["article_id", "start", "end"],
    "quotes": ["article_id", "start", "end"],
    "frames_generic": ["article_id", "start", "frame"],
    "frames_policy": ["article_id", "start", "frame"],
    "article_topics": ["article_id"],
}
FILES_PER_TASK = 200  # files parsed per Dask task (the dump is split into at least one group per worker)
PARQUET_ROWS = 250_000  # rows per Parquet part file on the dask engine
FLOAT_FORMAT = "%.6f"
ACTOR_FILES = ("actors.yaml", "actors.yml")

logger = logging.getLogger(__name__)


def compute_tables(
    dump_dir: str | Path,
    *,
    engine: str = "pandas",
    scheduler: str | None = None,
    n_workers: int = 2,
    seed: int = 42,
    show_progress: bool = False,
) -> dict[str, pd.DataFrame]:
    """Compute every per-article result table of a dump (see the module docstring).

    Args:
        dump_dir: The dump folder; its ``actors.yaml`` (if any) is the analyst's actor file.
        engine: ``"pandas"`` (one process) or ``"dask"`` (file groups spread over Dask workers).
        scheduler: Address of a running Dask scheduler (``tcp://host:8786``); ``None`` starts a
            ``LocalCluster`` of ``n_workers`` single-threaded processes. Only for ``"dask"``.
        n_workers: Workers of the local cluster.
        seed: Seed of the topic model.
        show_progress: Show progress bars.

    Returns:
        Table name -> DataFrame, in ``TABLE_KEYS`` order, each sorted by its keys with a fresh index.

    Raises:
        ValueError: For an unknown engine.
        analysis.corpus.CorpusError: When no article can be loaded from the dump.
    """
    from analysis import extract_mentions, extract_quotes, load_articles, model_topics

    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}, not {engine!r}")
    dump = Path(dump_dir).resolve()
    actors_file = next((dump / name for name in ACTOR_FILES if (dump / name).is_file()), None)
    if engine == "dask":
        with _dask_client(scheduler, n_workers) as client:
            articles, method, frames = _run_dask(client, dump, show_progress=show_progress)
    else:
        articles = load_articles(dump, show_progress=show_progress)
        method, embed = choose_methods(_distinct(articles))
        frames = _score_frames(_distinct(articles), embed=embed, show_progress=show_progress)
    options = {"actors_file": actors_file, "method": method, "show_progress": show_progress}
    tables = {
        "articles": articles,
        "skipped": pd.DataFrame(articles.attrs.get("skipped"), columns=["source_file", "reason"]),
        "mentions": extract_mentions(articles, **options),
        "quotes": extract_quotes(articles, **options),
        **frames,
        "article_topics": model_topics(articles, seed=seed, show_progress=show_progress).article_topics,
    }
    return {name: _sorted(tables[name], TABLE_KEYS[name]) for name in TABLE_KEYS}


def choose_methods(distinct: pd.DataFrame) -> tuple[str, str]:
    """Make the size-dependent choices of the actor and frame stages once, for the whole dump.

    ``extract_mentions(method="auto")`` and ``score_frames(embed="auto")`` decide from the size
    of the frame they are given; a Dask partition is smaller than the dump, so the decision is
    taken here with the same thresholds and passed to both engines.

    Args:
        distinct: The non-duplicate articles.

    Returns:
        ``(actor method, frame embed mode)``, e.g. ``("full", "all")``.
    """
    from analysis import actors, framing
    from analysis.text import split_sentences

    n_sentences = sum(len(split_sentences(text)) for text in distinct["text"].fillna("").astype(str))
    return actors.choose_method(distinct), framing.choose_embed(n_sentences)


def write_tables(
    tables: dict[str, pd.DataFrame], out_dir: str | Path, *, engine: str = "pandas"
) -> list[Path]:
    """Write each table as ``<name>.csv`` and Parquet under ``out_dir``, reproducibly and atomically.

    Bytes depend only on the table contents: rows in the given (sorted) order, no index, floats
    as ``%.6f`` in CSV, Parquet through pyarrow without the pandas schema metadata. Every file
    (or Parquet folder) is written to a hidden temporary name and moved into place with
    ``os.replace``, so a killed run leaves the previous complete file, never a torn one.

    Args:
        tables: Output of ``compute_tables``.
        out_dir: Target folder (created).
        engine: ``"pandas"`` writes ``<name>.parquet``; ``"dask"`` writes a partitioned
            ``<name>/part.N.parquet`` folder with ``dask.dataframe.to_parquet``.

    Returns:
        The written paths (CSV files and Parquet files or folders), in table order.
    """
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}, not {engine!r}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, table in tables.items():
        flat = flatten_table(table)
        csv = out / f"{name}.csv"
        _replace_file(csv, lambda path, flat=flat: flat.to_csv(path, index=False, float_format=FLOAT_FORMAT))
        written.append(csv)
        if engine == "dask":
            folder = out / name
            _replace_folder(folder, lambda path, flat=flat: _write_parquet_parts(flat, path))
            written.append(folder)
        else:
            parquet = out / f"{name}.parquet"
            _replace_file(parquet, lambda path, flat=flat: _write_parquet(flat, path))
            written.append(parquet)
    return written


def flatten_table(table: pd.DataFrame) -> pd.DataFrame:
    """Return ``table`` with CSV/Parquet-safe columns: lists joined by newlines, categories as strings."""
    flat = table.reset_index(drop=True)
    for column in flat.columns:
        values = flat[column]
        if isinstance(values.dtype, pd.CategoricalDtype):
            flat[column] = values.astype("string")
        elif values.dtype == object and values.map(lambda v: isinstance(v, list | tuple)).any():
            flat[column] = values.map(lambda v: "\n".join(map(str, v)) if isinstance(v, list | tuple) else v)
    flat.attrs = {}
    return flat


# --- dask ------------------------------------------------------------------------------------


@contextlib.contextmanager
def _dask_client(scheduler: str | None, n_workers: int) -> Iterator[Any]:
    from distributed import Client, LocalCluster

    if scheduler:
        with Client(scheduler) as client:
            yield client
        return
    with (
        LocalCluster(
            n_workers=n_workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def _run_dask(
    client: Any, dump: Path, *, show_progress: bool
) -> tuple[pd.DataFrame, str, dict[str, pd.DataFrame]]:
    """Parse file groups on the workers, assemble articles here, score frames on the workers."""
    from analysis import formats, load_articles

    files, _ = formats.find_files(dump)
    n_threads = max(1, sum(client.nthreads().values()))
    n_groups = max(1, min(len(files), max(n_threads, math.ceil(len(files) / FILES_PER_TASK))))
    groups = [list(chunk) for chunk in np.array_split(np.arange(len(files)), n_groups) if len(chunk)]
    group_of = {files[index].source_file: number for number, chunk in enumerate(groups) for index in chunk}
    _gather(
        client, _parse_files, [[files[index] for index in chunk] for chunk in groups], "parse", show_progress
    )

    articles = load_articles(dump, show_progress=show_progress)  # every file parse is a cache hit now
    distinct = _distinct(articles)
    method, embed = choose_methods(distinct)
    parts = [part for _, part in distinct.groupby(distinct["source_file"].map(group_of), sort=True)]
    task = functools.partial(_process_articles, method=method, embed=embed)
    results = _gather(client, task, client.scatter(parts), "articles", show_progress)
    frames = {name: pd.concat([result[name] for result in results], ignore_index=True) for name in results[0]}
    return articles, method, frames


def _gather(client: Any, function: Callable, items: list, desc: str, show_progress: bool) -> list:
    """Run ``function`` on each item on the cluster; return the results in item order."""
    from distributed import as_completed

    futures = [client.submit(function, item, pure=False) for item in items]
    for _ in tqdm(
        as_completed(futures), total=len(futures), desc=desc, unit="task", disable=not show_progress
    ):
        pass
    return client.gather(futures)


def _parse_files(files: list) -> int:
    """Worker task: parse a group of dump files into the shared corpus cache; return their number.

    Uses the loader's private per-file batch parser: ``analysis.corpus`` has no public per-file
    entry point, and ``load_articles`` then finds these parses in the cache.
    """
    from analysis import corpus

    patterns = corpus._load_patterns()
    for start in range(0, len(files), corpus._FILES_PER_BATCH):
        for _ in corpus._parse_batch(files[start : start + corpus._FILES_PER_BATCH], patterns):
            pass
    return len(files)


def _process_articles(part: pd.DataFrame, *, method: str, embed: str) -> dict[str, pd.DataFrame]:
    """Worker task: the per-article work of one file group (spaCy parses, frame scores).

    The fast actor path parses only its sample of articles, on the client.
    """
    from analysis.nlp import parse_texts

    if method == "full":
        parse_texts(part["text"].fillna("").astype(str).tolist())
    return _score_frames(part, embed=embed, show_progress=False)


# --- shared helpers --------------------------------------------------------------------------


def _distinct(articles: pd.DataFrame) -> pd.DataFrame:
    return articles.loc[articles["duplicate_of"].isna()]


def _score_frames(distinct: pd.DataFrame, *, embed: str, show_progress: bool) -> dict[str, pd.DataFrame]:
    """Score the articles with every codebook; keep the carried frames (see the module docstring)."""
    from analysis import score_frames

    return {
        f"frames_{codebook}": _carried(
            score_frames(distinct, codebook=codebook, embed=embed, show_progress=show_progress)
        )
        for codebook in CODEBOOKS
    }


def _carried(scores: pd.DataFrame) -> pd.DataFrame:
    """Keep the (sentence, frame) rows that carry the frame, with plain string columns."""
    carried = scores.loc[scores["carries"].to_numpy()].drop(columns="carries")
    for column in ("article_id", "outlet", "sentence", "frame", "lexicon_terms"):
        carried[column] = carried[column].astype("string")
    return carried.reset_index(drop=True)


def _sorted(table: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    ordered = table.sort_values(keys, kind="stable", na_position="last").reset_index(drop=True)
    ordered.attrs = {}
    return ordered


def _write_parquet(table: pd.DataFrame, path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    arrow = pa.Table.from_pandas(table, preserve_index=False).replace_schema_metadata(None)
    pq.write_table(arrow, path)


def _write_parquet_parts(table: pd.DataFrame, folder: Path) -> None:
    import dask.dataframe as dd

    n_parts = max(1, math.ceil(len(table) / PARQUET_ROWS))
    frame = dd.from_pandas(table, npartitions=n_parts, sort=False)
    frame.to_parquet(
        folder, write_index=False, write_metadata_file=False, compute_kwargs={"scheduler": "sync"}
    )


def _replace_file(target: Path, write: Callable[[Path], None]) -> None:
    """Write ``target`` through a hidden temporary file in the same folder, then rename it into place."""
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".partial")
    os.close(handle)
    try:
        os.chmod(temporary, 0o644)  # mkstemp creates owner-only files; tables are for sharing
        write(Path(temporary))
        with open(temporary, "rb") as stream:
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _replace_folder(target: Path, write: Callable[[Path], None]) -> None:
    """Like ``_replace_file`` for a folder: the old folder is swapped out once the new one is complete."""
    temporary = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".partial"))
    try:
        temporary.chmod(0o755)
        write(temporary)
        if target.exists():
            retired = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".old"))
            os.replace(target, retired / target.name)
            os.replace(temporary, target)
            shutil.rmtree(retired)
        else:
            os.replace(temporary, target)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
