"""Measure topic quality on a labelled news corpus, next to plain BERTopic defaults.

Usage::

    .venv/bin/python scripts/evaluate_topics.py PATH/TO/ag_news_test.csv [--limit N] [--seed 42]

The CSV has no header and three columns: class label, title, description (the AG News
layout). Each row becomes one article (title + description). The script fits
``analysis.model_topics`` with its defaults and ``BERTopic()`` with its own defaults on the
same texts and the same (cached) embeddings, and prints NMI and ARI of each article's topic
against the labels, the share of outliers (topic -1), the number of topics and the seconds
taken. Development tool only: tests never use it.
"""

from __future__ import annotations

import argparse
import time

import pandas as pd
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from analysis.topics import model_topics


def read_labelled(path: str, *, limit: int | None = None, seed: int = 42) -> pd.DataFrame:
    """Return an article table (plus a ``category`` column) from a header-less class,title,description CSV."""
    raw = pd.read_csv(
        path, header=None, names=["category", "title", "description"], dtype=str, keep_default_na=False
    )
    if limit:
        raw = raw.sample(n=min(limit, len(raw)), random_state=seed).sort_index()
    raw = raw.reset_index(drop=True)
    return pd.DataFrame(
        {
            "article_id": [f"item{n:06d}" for n in range(len(raw))],
            "outlet": pd.array([pd.NA] * len(raw), dtype="string"),
            "title": raw["title"].astype("string"),
            "summary": pd.array([pd.NA] * len(raw), dtype="string"),
            "published": pd.NaT,
            "text": raw["description"].str.replace("\\", " ", regex=False),
            "duplicate_of": pd.array([pd.NA] * len(raw), dtype="string"),
            "category": raw["category"],
        }
    )


def score(labels: pd.Series, topics: pd.Series) -> dict[str, float]:
    """Return NMI, ARI, outlier share and topic count of ``topics`` against ``labels``."""
    return {
        "nmi": normalized_mutual_info_score(labels, topics),
        "ari": adjusted_rand_score(labels, topics),
        "outlier_share": float((topics == -1).mean()),
        "n_topics": int(topics[topics != -1].nunique()),
    }


def evaluate(articles: pd.DataFrame, *, seed: int = 42) -> pd.DataFrame:
    """Return one row of scores for ``model_topics`` and one for BERTopic defaults on the same embeddings."""
    from bertopic import BERTopic

    start = time.perf_counter()
    fitted = model_topics(articles, seed=seed)
    ours = fitted.article_topics.merge(articles[["article_id", "category"]], on="article_id")
    choices = f"{fitted.settings['unit']}, {fitted.embedder}, {fitted.settings['clustering']}"
    rows = [
        {
            "method": f"model_topics ({choices})",
            **score(ours["category"], ours["topic"]),
            "seconds": time.perf_counter() - start,
        }
    ]
    start = time.perf_counter()
    baseline = BERTopic()
    topics, _ = baseline.fit_transform(fitted.units["text"].tolist(), fitted.embeddings)
    per_unit = fitted.units.assign(topic=topics).merge(articles[["article_id", "category"]], on="article_id")
    rows.append(
        {
            "method": "BERTopic() defaults, same texts and embeddings",
            **score(per_unit["category"], per_unit["topic"]),
            "seconds": time.perf_counter() - start,
        }
    )
    return pd.DataFrame(rows)


def main() -> None:
    """Parse the command line and print the comparison table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", help="header-less CSV: class label, title, description")
    parser.add_argument("--limit", type=int, default=None, help="score a seeded random sample of N rows")
    parser.add_argument("--seed", type=int, default=42)
    options = parser.parse_args()
    articles = read_labelled(options.csv, limit=options.limit, seed=options.seed)
    with pd.option_context("display.width", 200, "display.max_colwidth", 120):
        print(f"{len(articles)} labelled items, {articles['category'].nunique()} classes")
        print(evaluate(articles, seed=options.seed).round(3).to_string(index=False))


if __name__ == "__main__":
    main()
