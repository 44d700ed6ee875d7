"""One benchmark stage per process: ``python -m benchmarks.stages STAGE DUMP RESULT_JSON [--cold]``.

``benchmarks.bench`` runs every stage in a fresh interpreter so that peak memory is the stage's
own, and points ``ANALYSIS_CACHE_DIR`` at the cache folder of the run (empty for a cold run).
A stage loads the articles first when it needs them (from the ``load`` stage's cache), then
times only its own work (``seconds``; ``process_seconds`` is the whole process) and writes its
figures as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

SEED = 42


def dump_files(dump: Path) -> list[Path]:
    """Return every regular file under ``dump``, sorted."""
    return sorted(path for path in dump.rglob("*") if path.is_file() and not path.is_symlink())


def evict(files: list[Path]) -> None:
    """Drop the files' pages from the OS page cache (no root needed), so the next read hits the disk."""
    for path in files:
        with path.open("rb") as handle:
            os.posix_fadvise(handle.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)


def _read_all(files: list[Path]) -> int:
    total = 0
    for path in files:
        with path.open("rb", buffering=0) as handle:
            while chunk := handle.read(1 << 20):
                total += len(chunk)
    return total


def stage_read(dump: Path, cold: bool) -> dict[str, Any]:
    """Raw read rate of the dump: every byte of every file, like ``cat``, from disk and from page cache."""
    files = dump_files(dump)
    evict(files)
    started = time.perf_counter()
    n_bytes = _read_all(files)
    disk = time.perf_counter() - started
    started = time.perf_counter()
    _read_all(files)
    cached = time.perf_counter() - started
    return {
        "seconds": disk,
        "bytes": n_bytes,
        "files": len(files),
        "disk_seconds": disk,
        "page_cache_seconds": cached,
        "disk_mb_per_s": n_bytes / disk / 1e6,
        "page_cache_mb_per_s": n_bytes / cached / 1e6,
    }


def _articles(dump: Path):
    from analysis import load_articles

    return load_articles(dump)


def stage_load(dump: Path, cold: bool) -> dict[str, Any]:
    """``load_articles``: find, decode, parse, clean, dedupe (files evicted from page cache when cold)."""
    from analysis import load_articles

    files = dump_files(dump)
    if cold:
        evict(files)
    n_bytes = sum(path.stat().st_size for path in files)
    started = time.perf_counter()
    articles = load_articles(dump)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "bytes": n_bytes,
        "mb_per_s": n_bytes / seconds / 1e6,
        "articles": len(articles),
        "duplicates": int(articles["duplicate_of"].notna().sum()),
        "words": int(articles["n_words"].sum()),
        "skipped": len(articles.attrs["skipped"]),
    }


def stage_embed(dump: Path, cold: bool) -> dict[str, Any]:
    """Embed the units ``model_topics`` would embed, with the embedder it would pick."""
    from analysis.embeddings import BATCH_SIZE, embed_texts
    from analysis.topics import _choose_unit, split_units, static_embedder, topic_settings

    articles = _articles(dump)
    settings = topic_settings()
    kept = articles[articles["duplicate_of"].isna()]
    started = time.perf_counter()
    unit = _choose_unit(kept, settings)  # model_topics' own rule for unit="auto"
    units = split_units(kept, unit=unit, lead_words=settings["lead_words"])
    static = len(units) > settings["max_minilm_units"]
    embedder = static_embedder() if static else None
    batch_size = settings["static_batch_size"] if static else BATCH_SIZE
    vectors = embed_texts(units["text"].tolist(), model=embedder, batch_size=batch_size)
    return {
        "seconds": time.perf_counter() - started,
        "unit": unit,
        "units": len(units),
        "embedder": "model2vec static" if static else "MiniLM",
        "dims": int(vectors.shape[1]),
        "units_per_s": len(units) / (time.perf_counter() - started),
    }


def stage_topics(dump: Path, cold: bool) -> dict[str, Any]:
    """``model_topics`` with its defaults (embeddings come from the embed stage's cache)."""
    from analysis import model_topics

    articles = _articles(dump)
    started = time.perf_counter()
    model = model_topics(articles, seed=SEED)
    seconds = time.perf_counter() - started
    topics = model.units["topic"]
    return {
        "seconds": seconds,
        "unit": model.settings["unit"],
        "units": len(model.units),
        "embedder": model.embedder,
        "clustering": model.settings["clustering"],
        "topics": int((model.topics["topic"] != -1).sum()),
        "outlier_share": float((topics == -1).mean()),
    }


def stage_baseline(dump: Path, cold: bool) -> dict[str, Any]:
    """Plain ``BERTopic()`` defaults, ``fit_transform`` on the non-duplicate article texts.

    BERTopic's default embedder is all-MiniLM-L6-v2 fetched from the hub; the packaged copy of
    the same model is passed instead (offline). Everything else is left at its default.
    """
    from bertopic import BERTopic

    from analysis.embeddings import load_embedder

    articles = _articles(dump)
    texts = articles.loc[articles["duplicate_of"].isna(), "text"].astype(str).tolist()
    started = time.perf_counter()
    topics, _ = BERTopic(embedding_model=load_embedder(None)).fit_transform(texts)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "units": len(texts),
        "topics": len(set(topics) - {-1}),
        "outlier_share": sum(topic == -1 for topic in topics) / len(topics),
    }


def stage_actors(
    dump: Path, cold: bool, method: str = "auto", pairs_out: Path | None = None
) -> dict[str, Any]:
    """``extract_mentions`` then ``extract_quotes`` with the given method, timed together.

    The first call computes and caches both tables (quotes name their speakers from the
    mentions), so the second only reads the cache; one time covers both.
    """
    from analysis import extract_mentions, extract_quotes
    from analysis.actors import choose_method

    articles = _articles(dump)
    distinct = articles.loc[articles["duplicate_of"].isna()]
    words = int(distinct["n_words"].sum())
    chosen = method if method != "auto" else choose_method(distinct)
    started = time.perf_counter()
    mentions = extract_mentions(articles, method=method)
    quotes = extract_quotes(articles, method=method)
    seconds = time.perf_counter() - started
    if pairs_out is not None:
        pairs = {
            "mentions": sorted(
                {(a, b) for a, b in zip(mentions["article_id"], mentions["actor"], strict=True)}
            ),
            "quotes": sorted({(a, b) for a, b in zip(quotes["article_id"], quotes["speaker"], strict=True)}),
        }
        pairs_out.write_text(json.dumps(pairs), encoding="utf-8")
    return {
        "seconds": seconds,
        "method": chosen,
        "words": words,
        "words_per_s": words / seconds,
        "mentions": len(mentions),
        "quotes": len(quotes),
        "actors": int(mentions["actor"].nunique()),
    }


def stage_actors_full(dump: Path, cold: bool, pairs_out: Path | None = None) -> dict[str, Any]:
    """Actors with ``method="full"`` (NER on every article); writes (article, actor) pairs."""
    return stage_actors(dump, cold, method="full", pairs_out=pairs_out)


def stage_actors_fast(dump: Path, cold: bool, pairs_out: Path | None = None) -> dict[str, Any]:
    """Actors with ``method="fast"`` (NER on a sample, matcher everywhere); writes pairs."""
    return stage_actors(dump, cold, method="fast", pairs_out=pairs_out)


def stage_frames(dump: Path, cold: bool) -> dict[str, Any]:
    """``score_frames`` with both shipped codebooks (generic, then policy), each timed."""
    from analysis import score_frames
    from analysis.framing import choose_embed

    articles = _articles(dump)
    result: dict[str, Any] = {}
    started = time.perf_counter()
    for codebook in ("generic", "policy"):
        step = time.perf_counter()
        scores = score_frames(articles, codebook=codebook)
        sentences = scores.drop_duplicates(["article_id", "start"])
        result[f"{codebook}_seconds"] = time.perf_counter() - step
        result["sentences"] = len(sentences)
        result["embedded_sentences"] = int(sentences["similarity"].notna().sum())
    result["seconds"] = time.perf_counter() - started
    result["embed_mode"] = choose_embed(result["sentences"])
    result["sentences_per_s"] = 2 * result["sentences"] / result["seconds"]
    return result


def stage_report(dump: Path, cold: bool) -> dict[str, Any]:
    """``analysis.report.build_report``: result tables, every notebook through papermill, HTML.

    The report is kept next to the dump (``report-cold`` / ``report-warm``); the seconds each
    notebook took come from papermill's metadata, the rest is the result tables and rendering.
    """
    import shutil

    import nbformat

    from analysis.report import build_report

    out = dump.parent / f"report-{'cold' if cold else 'warm'}"
    shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    _, pages = build_report(dump, out_dir=out, show_progress=False)
    seconds = time.perf_counter() - started
    notebooks = {
        page.notebook: round(nbformat.read(out / page.notebook, as_version=4).metadata.papermill.duration, 1)
        for page in pages
    }
    failed = [f"{page.notebook}: {page.error}" for page in pages if page.error]
    return {
        "seconds": seconds,
        "notebooks": len(pages),
        "notebook_seconds": notebooks,
        "other_seconds": seconds - sum(notebooks.values()),
        "failed": "; ".join(failed),
    }


STAGES: dict[str, Callable[..., dict[str, Any]]] = {
    "read": stage_read,
    "load": stage_load,
    "embed": stage_embed,
    "topics": stage_topics,
    "baseline": stage_baseline,
    "actors": stage_actors,
    "actors_full": stage_actors_full,
    "actors_fast": stage_actors_fast,
    "frames": stage_frames,
    "report": stage_report,
}


def main(argv: list[str] | None = None) -> int:
    """Run one stage and write its figures (plus ``process_seconds``) to a JSON file."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.stages")
    parser.add_argument("stage", choices=sorted(STAGES))
    parser.add_argument("dump", type=Path)
    parser.add_argument("result", type=Path)
    parser.add_argument("--cold", action="store_true", help="the cache folder is empty (cold run)")
    parser.add_argument(
        "--pairs", type=Path, help="actors_full/actors_fast: write (article, actor) pairs here"
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    kwargs = {"pairs_out": args.pairs} if args.stage in ("actors_full", "actors_fast") else {}
    figures = STAGES[args.stage](args.dump, args.cold, **kwargs)
    figures["process_seconds"] = time.perf_counter() - started
    args.result.write_text(json.dumps(figures, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
