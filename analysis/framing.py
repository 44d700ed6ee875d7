"""Framing: how outlets tell the same story — distinctive words, frames, labels for actors, voices.

Five views, each a table a reader can check against the articles:

* ``distinctive_terms``: weighted log-odds with an informative Dirichlet prior (Monroe,
  Colaresi & Quinn 2008, "Fightin' Words"), each group against the rest of the dump, with the
  raw counts beside every z-score; ``keyword_in_context`` shows where a term was used.
* ``score_frames``: every sentence scored against every frame of a codebook shipped as YAML
  (``data/frames_generic.yaml``, ``data/frames_policy.yaml``) by a transparent lexicon plus
  sentence-embedding similarity to the frame description; ``frame_shares`` and
  ``frame_evidence`` aggregate and justify the scores.
* ``actor_labels``: the words each outlet uses for the same actor (modifiers, appositions,
  descriptive noun phrases), from the actor mentions and the spaCy parse.
* ``sourcing_by_side``: which side speaks in which outlet, from the quote table.
* ``summarize_framing``: plain sentences generated from those tables, hedged when counts are small.

Articles marked as near-duplicates (``duplicate_of`` set) are left out everywhere, so a story
syndicated twice is not counted twice.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import logging
import operator
import pickle
import re
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
import yaml
from tqdm import tqdm

from analysis import paths
from analysis.cache import cached_map, code_version, hash_text
from analysis.corpus import UNKNOWN_OUTLET
from analysis.nlp import PARALLEL_MIN_CHARS, parse_texts
from analysis.text import split_sentences, stop_words
from analysis.workers import count_processes, map_items

if TYPE_CHECKING:
    from analysis.actors import NamedMention

UNKNOWN_GROUP = UNKNOWN_OUTLET  # group label for articles whose outlet (or other `by` value) is missing
RELIABLE_COUNT = 5  # below this many uses a term's z-score is a lead to check, not a finding
RELIABLE_SENTENCES = 30  # below this many sentences a group's frame share is flagged as unreliable
PRIOR_WEIGHT = 0.1  # strength of the Dirichlet prior, as a share of the dump's word count
AUTO_EMBED_LIMIT = 5_000  # with embed="auto", larger dumps embed only sentences with a lexicon hit
AUTO_HITS_LIMIT = 50_000  # ... and dumps above this many sentences are scored on the lexicon alone
EMBED_CHUNK = 4096  # sentences embedded and scored per step (bounds memory on large dumps)
Z_SIGNIFICANT = 1.96

# Characters that end a phrase: n-grams never span them, so "Kabul. Pakistan" is no bigram.
_BREAK_CHARS = r".,;:!?()\[\]{}\"“”«»…|–—"
# A word (group 1: letters and digits, with inner hyphens or apostrophes: "cross-border", "don't")
# or a break (group 1 empty). An apostrophe ends a phrase unless it stands between two letters,
# and those the word takes, so any other ' or ’ is a break; ‘ is never part of a word.
_WORD_OR_BREAK = re.compile(rf"(\w+(?:(?:-+|['’])\w+)*)|[{_BREAK_CHARS}'’]+|(?<!\w)‘|‘(?!\w)")
_POSSESSIVE = re.compile(r"['’]s$")
_SEPARATOR = rf"[^\w{_BREAK_CHARS}]+"
_DEFINITE = frozenset({"the", "this", "that", "these", "those"})
_MODIFIER_DEPS = frozenset({"amod", "compound", "nmod", "npadvmod"})
_HEAD_DEPS = frozenset({"amod", "compound", "nmod", "poss"})


# ---------------------------------------------------------------------------------------------
# Distinctive vocabulary


def distinctive_terms(
    articles: pd.DataFrame,
    *,
    by: str = "outlet",
    ngram_range: tuple[int, int] = (1, 2),
    prior: pd.DataFrame | pd.Series | None = None,
    prior_weight: float = PRIOR_WEIGHT,
    min_count: int = 1,
    reliable_count: int = RELIABLE_COUNT,
    top: int | None = None,
) -> pd.DataFrame:
    """Rank the terms that set each group apart from the rest of the dump ("Fightin' Words").

    For every group ``i`` and term ``w`` the weighted log-odds ratio of ``w`` in ``i`` against all
    other groups is computed with an informative Dirichlet prior ``alpha_w = alpha_0 * pi_w``,
    where ``pi_w`` is the term's share of all words in the dump (plus the background corpus when
    ``prior`` is given) and ``alpha_0 = prior_weight *`` the dump's word count, and divided by
    its standard error (Monroe, Colaresi & Quinn 2008, eq. 22).
    A z-score above 1.96 means the group uses the term more than the rest beyond what chance
    and the prior explain; small counts shrink towards zero. Only terms a group actually uses
    are listed (a positive z needs at least one use).

    Words are lower-cased; possessive "'s" is dropped; stop words (``analysis.text.stop_words``),
    numbers and one-letter tokens are removed, and n-grams never span a removed word or
    punctuation. Only the clean ``text`` is counted (page furniture was removed by the loader).

    Args:
        articles: Article table (``text`` and the ``by`` column); duplicates are skipped.
        by: Column whose values form the groups; missing values form the group ``UNKNOWN_GROUP``.
        ngram_range: Smallest and largest n-gram length.
        prior: Optional background corpus: an article table with ``text`` or a Series mapping
            term to count. Its counts are added to the dump's before taking ``pi_w``.
        prior_weight: Total pseudo-count of the prior as a share of the dump's word count; larger
            values shrink rare terms harder.
        min_count: Drop terms used fewer times than this in the whole dump.
        reliable_count: Flag (``reliable`` False) terms the group uses fewer times than this.
        top: Keep only the ``top`` highest z-scores per group.

    Returns:
        Columns ``group``, ``term``, ``z``, ``count`` (uses in the group), ``count_rest`` (uses in
        all other groups), ``n_articles`` (the group's articles that use it), ``reliable``;
        sorted by group, then z descending, then term.
    """
    columns = ["group", "term", "z", "count", "count_rest", "n_articles", "reliable"]
    articles = _distinct(articles)
    if articles.empty:
        return pd.DataFrame(columns=columns)
    groups = _group_labels(articles, by)
    names, codes = np.unique(groups.to_numpy(dtype=object), return_inverse=True)
    terms, row, col, count, n_articles = _count_terms(
        articles["text"].fillna("").astype(str), codes, tuple(ngram_range)
    )
    if not len(terms):  # no term survived the stop-word filter
        return pd.DataFrame(columns=columns)
    totals = np.bincount(col, weights=count, minlength=len(terms)).astype(np.int64)
    keep = totals >= min_count
    used = keep[col]
    renumber = np.cumsum(keep) - 1  # position of each kept term among the kept terms
    row, col, count, n_articles = row[used], renumber[col[used]], count[used], n_articles[used]
    terms, totals = terms[keep], totals[keep]

    background = (
        _prior_counts(prior, terms, _ngram_analyzer(tuple(ngram_range))) if prior is not None else 0.0
    )
    pooled = totals + background
    n_all = totals.sum()
    prior_size = prior_weight * n_all
    alpha = prior_size * pooled / pooled.sum()
    y_i = count.astype(float)
    y_j = totals[col] - y_i
    n_i = np.bincount(row, weights=y_i, minlength=len(names))[row]
    a = alpha[col]
    log_odds_i = np.log(y_i + a) - np.log(n_i + prior_size - y_i - a)
    log_odds_j = np.log(y_j + a) - np.log(n_all - n_i + prior_size - y_j - a)
    z = (log_odds_i - log_odds_j) / np.sqrt(1.0 / (y_i + a) + 1.0 / (y_j + a))

    # terms are sorted, so ordering by column index orders by term
    order = np.lexsort((col, -z, row))
    table = pd.DataFrame(
        {
            "group": names[row[order]],
            "term": terms[col[order]],
            "z": z[order],
            "count": count[order],
            "count_rest": y_j[order].astype(np.int64),
            "n_articles": n_articles[order],
        }
    )
    table["reliable"] = table["count"] >= reliable_count
    if top is not None:
        table = table.groupby("group", sort=False).head(top).reset_index(drop=True)
    return table[columns]


def keyword_in_context(
    articles: pd.DataFrame,
    term: str | Sequence[str],
    *,
    window: int = 60,
    by: str = "outlet",
) -> pd.DataFrame:
    """Show every use of a term in its context (a concordance), to check what a number counts.

    Matching is case-insensitive on whole words, with any possessive "'s" allowed after a
    word and any space or slash between the words of a phrase, so every term that
    ``distinctive_terms`` lists is found where it was counted.

    Args:
        articles: Article table with ``article_id``, ``text`` and the ``by`` column; duplicates
            are skipped.
        term: A word or phrase, or several.
        window: Characters of context on each side.
        by: Group column reported beside each line (missing values shown as ``UNKNOWN_GROUP``).

    Returns:
        Columns ``term``, ``article_id``, ``<by>``, ``left``, ``keyword`` (as written), ``right``,
        ``start`` (offset in ``text``); sorted by term, group, article and position.
    """
    terms = [term] if isinstance(term, str) else list(term)
    articles = _distinct(articles)
    groups = _group_labels(articles, by)
    patterns = {wanted: _term_pattern(wanted) for wanted in terms}
    rows = []
    for article_id, group, text in zip(articles["article_id"], groups, articles["text"], strict=True):
        text = str(text)
        lowered = _lower_same_length(text)
        for wanted, pattern in patterns.items():
            for match in _find_term(pattern, wanted, text, lowered):
                left = text[max(0, match.start() - window) : match.start()]
                right = text[match.end() : match.end() + window]
                rows.append(
                    (wanted, article_id, group, _oneline(left), match.group(), _oneline(right), match.start())
                )
    table = pd.DataFrame(rows, columns=["term", "article_id", by, "left", "keyword", "right", "start"])
    return table.sort_values(["term", by, "article_id", "start"], ignore_index=True)


def _count_terms(
    texts: pd.Series, groups: np.ndarray, ngram_range: tuple[int, int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Count the n-grams of every group: uses, and articles that use them.

    Args:
        texts: Article texts.
        groups: Group number of each text.
        ngram_range: Smallest and largest n-gram length.

    Returns:
        The sorted terms, then one entry per group and term it uses: group number, position in
        the sorted terms, uses, articles that use it.
    """
    analyze = _ngram_analyzer(ngram_range)
    rows, found, uses, articles = [], [], [], []
    # One group at a time: counting into dozens of large tables at once is several times slower.
    by_group = np.argsort(groups, kind="stable")
    pairs = zip(groups[by_group].tolist(), texts.iloc[by_group], strict=True)
    for group, members in itertools.groupby(pairs, key=operator.itemgetter(0)):
        in_group: Counter[str] = Counter()
        articles_in_group: Counter[str] = Counter()
        for _, text in members:
            grams = analyze(text)
            in_group.update(grams)
            articles_in_group.update(set(grams))
        rows.append(np.full(len(in_group), group, dtype=np.intp))
        found += in_group
        uses.append(np.fromiter(in_group.values(), np.int64, len(in_group)))
        articles.append(np.fromiter(map(articles_in_group.__getitem__, in_group), np.int64, len(in_group)))
    code, terms = pd.factorize(np.array(found, dtype=object))
    order = np.array(sorted(range(len(terms)), key=terms.__getitem__), dtype=np.intp)
    position = np.empty_like(order)
    position[order] = np.arange(len(order))
    return terms[order], np.concatenate(rows), position[code], np.concatenate(uses), np.concatenate(articles)


def _ngram_analyzer(ngram_range: tuple[int, int]):
    """Return a function that lists the n-grams of a text (see ``distinctive_terms``), in no set order.

    White space separates words but never ends a phrase, so the text is split at white space
    and each chunk ("kabul", "kabul.", "taliban's") is cut into words and breaks only the first
    time it is seen: a large dump repeats the same chunks millions of times.
    """
    low, high = ngram_range
    stop = stop_words()

    @functools.cache
    def words_of(chunk: str) -> tuple[str | None, ...]:
        """The chunk's words in order, ``None`` for a removed word or a break."""
        words = []
        for token in _WORD_OR_BREAK.findall(chunk):  # "" for a break
            word = _POSSESSIVE.sub("", token)
            keep = len(word) > 1 and word not in stop and not word.replace("-", "").isdigit()
            words.append(word if keep else None)
        return tuple(words)

    def analyze(text: str) -> list[str]:
        words = list(itertools.chain.from_iterable(map(words_of, text.lower().split())))
        grams: list[str] = []
        for n in range(low, high + 1):
            if n == 1:
                grams += filter(None, words)
            elif n == 2:
                grams += [
                    f"{first} {second}" for first, second in itertools.pairwise(words) if first and second
                ]
            else:
                grams += [
                    " ".join(gram) for gram in zip(*(words[i:] for i in range(n)), strict=False) if all(gram)
                ]
        return grams

    return analyze


def _find_term(pattern: re.Pattern[str], term: str, text: str, lowered: str) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)``, but trying the pattern only where the term's first word occurs.

    Scanning every text with the case-insensitive pattern took minutes on 100,000 articles;
    ``str.find`` on the lower-cased text skips to the few places where a match can start.
    """
    first = term.lower().split()[0] if term.split() else ""
    position, end = lowered.find(first), 0
    while first and position >= 0:
        match = pattern.match(text, position) if position >= end else None
        if match:
            end = match.end()
            yield match
        position = lowered.find(first, position + 1)


def _term_pattern(term: str) -> re.Pattern[str]:
    words = [re.escape(word) + r"(?:['’]s)?" for word in term.lower().split()]
    return re.compile(r"(?<![\w'’-])" + _SEPARATOR.join(words) + r"(?![\w-])", re.IGNORECASE)


def _prior_counts(prior: pd.DataFrame | pd.Series, terms: np.ndarray, analyze) -> np.ndarray:
    if isinstance(prior, pd.DataFrame):
        counter: Counter[str] = Counter()
        for text in _distinct(prior)["text"].astype(str):
            counter.update(analyze(text))
        prior = pd.Series(counter, dtype=float)
    return prior.reindex(terms).fillna(0.0).to_numpy(dtype=float)


def _oneline(text: str) -> str:
    return re.sub(r"\s+", " ", text)


# ---------------------------------------------------------------------------------------------
# Frames


def load_codebook(codebook: str | Path = "generic") -> dict[str, Any]:
    """Load a frame codebook: ``"generic"``, ``"policy"``, or the path of a YAML file like them.

    Returns:
        The parsed codebook: scoring parameters and ``frames`` (key -> label, description, lexicon).

    Raises:
        ValueError: When a frame has no description or a parameter is missing.
    """
    path = Path(codebook)
    if str(codebook) in ("generic", "policy"):
        path = paths.PACKAGE_DATA_DIR / f"frames_{codebook}.yaml"
    book = yaml.safe_load(path.read_text(encoding="utf-8"))
    required = ("lexicon_weight", "lexicon_saturation", "similarity_floor", "similarity_ceiling", "threshold")
    missing = [key for key in required if key not in book]
    empty = [key for key, frame in book.get("frames", {}).items() if not (frame or {}).get("description")]
    if missing or empty or not book.get("frames"):
        raise ValueError(
            f"codebook {path.name}: missing {missing or 'frames'}; frames without description {empty}"
        )
    return book


def score_frames(
    articles: pd.DataFrame,
    *,
    codebook: str | Path = "generic",
    embed: Literal["auto", "all", "hits", "none"] = "auto",
    embedding_model: Any = None,
    similarity_range: tuple[float, float] | None = None,
    show_progress: bool = False,
) -> pd.DataFrame:
    """Score every sentence of every article against every frame of a codebook.

    Each score combines two transparent parts (parameters in the codebook file):
    ``lexicon_score = min(1, lexicon_hits / lexicon_saturation)`` counts the frame's listed
    words in the sentence, and ``similarity_score`` rescales the cosine similarity between the
    sentence embedding and the frame description's embedding from ``[similarity_floor,
    similarity_ceiling]`` to ``[0, 1]``. ``score = lexicon_weight * lexicon_score + (1 -
    lexicon_weight) * similarity_score`` and a sentence **carries** the frame when ``score >=
    threshold``. With the shipped codebooks that means two listed words, or one listed word
    and a related meaning, or a description-like meaning without any listed word.

    Embeddings are cached on disk per sentence and the sentence split and lexicon matches per
    article, so a rerun only assembles the table (34 s for both codebooks on 100k articles, 1.46M
    sentences, against 106 s cold without embeddings). The packaged MiniLM encodes a few
    hundred sentences a second on two cores, so on large dumps:

    * ``embed="hits"`` embeds only sentences with at least one lexicon hit (a sentence with
      none then scores on the lexicon alone, i.e. 0, and cannot carry a frame);
    * ``embedding_model`` takes any name, path or object ``analysis.embeddings.embed_texts``
      accepts, e.g. a model2vec static model, which is two orders of magnitude faster;
    * ``embed="auto"`` (the default) picks by dump size with ``choose_embed``: every sentence up
      to ``AUTO_EMBED_LIMIT`` sentences, lexicon-hit sentences up to ``AUTO_HITS_LIMIT``, and
      the lexicon alone above it (``embed="none"``), where only sentences with two listed words
      carry a frame. The choice is logged; pass ``embed`` to override it.

    Args:
        articles: Article table with ``article_id``, ``outlet`` and ``text``; duplicates skipped.
        codebook: ``"generic"`` (Semetko & Valkenburg), ``"policy"`` (Boydstun et al.) or a YAML path.
        embed: Which sentences to embed (see above).
        embedding_model: Sentence embedder; ``None`` is the packaged all-MiniLM-L6-v2.
        similarity_range: ``(floor, ceiling)`` overriding the codebook's. The shipped values are
            calibrated for MiniLM; other embedders (static model2vec ones especially) give
            higher cosines throughout, so recalibrate on a few evidence sentences when switching.
        show_progress: Show progress bars.

    Returns:
        One row per sentence and frame: ``article_id``, ``outlet``, ``start``, ``end`` (offsets in
        ``text``), ``sentence``, ``frame`` (codebook key, in codebook order), ``score``,
        ``carries``, ``lexicon_hits``, ``lexicon_terms`` (the words that matched, "; "-joined),
        ``similarity`` (cosine, NaN when not embedded). Text columns are categoricals, which
        keeps millions of rows small; ``observed=True`` is needed when grouping by them.
    """
    book = load_codebook(codebook)
    frame_keys = list(book["frames"])
    sentences, cells = _scan_articles(_distinct(articles), book, show_progress=show_progress)
    hits = np.zeros((len(sentences), len(frame_keys)), dtype=np.int64)
    if cells:
        hits[tuple(np.array(list(cells)).T)] = [count for count, _ in cells.values()]
    n_sentences, n_frames = len(sentences), len(frame_keys)

    mode = choose_embed(n_sentences) if embed == "auto" else embed
    similarity = np.full((n_sentences, n_frames), np.nan, dtype=np.float32)
    if mode in ("all", "hits") and n_sentences:
        rows = np.arange(n_sentences) if mode == "all" else np.flatnonzero(hits.sum(axis=1) > 0)
        similarity[rows] = _description_similarity(
            sentences["sentence"].to_numpy()[rows], book, model=embedding_model, show_progress=show_progress
        )
    elif mode != "none":
        raise ValueError(f"embed must be 'auto', 'all', 'hits' or 'none', not {embed!r}")

    lexicon_score = np.minimum(1.0, hits / float(book["lexicon_saturation"]))
    floor, ceiling = similarity_range or (book["similarity_floor"], book["similarity_ceiling"])
    floor, ceiling = float(floor), float(ceiling)
    similarity_score = np.nan_to_num(np.clip((similarity - floor) / (ceiling - floor), 0.0, 1.0))
    weight = float(book["lexicon_weight"])
    score = weight * lexicon_score + (1.0 - weight) * similarity_score

    sentence_codes = np.repeat(np.arange(n_sentences), n_frames)
    term_names = ["", *sorted({terms for _, terms in cells.values()})]
    term_codes = np.zeros(n_sentences * n_frames, dtype=np.int32)
    term_index = {name: code for code, name in enumerate(term_names)}
    for (sentence, frame), (_, terms) in cells.items():
        term_codes[sentence * n_frames + frame] = term_index[terms]
    return pd.DataFrame(
        {
            "article_id": _categorical(sentences["article_id"]).take(sentence_codes),
            "outlet": _categorical(sentences["outlet"]).take(sentence_codes),
            "start": sentences["start"].to_numpy()[sentence_codes],
            "end": sentences["end"].to_numpy()[sentence_codes],
            "sentence": _categorical(sentences["sentence"]).take(sentence_codes),
            "frame": pd.Categorical.from_codes(np.tile(np.arange(n_frames), n_sentences), frame_keys),
            "score": np.round(score.ravel(), 6),
            "carries": score.ravel() >= float(book["threshold"]),
            "lexicon_hits": hits.ravel(),
            "lexicon_terms": pd.Categorical.from_codes(term_codes, term_names),
            "similarity": similarity.ravel(),
        }
    )


def choose_embed(n_sentences: int) -> str:
    """Return the ``embed`` mode that ``score_frames(embed="auto")`` uses for a dump of this size.

    MiniLM encodes a few hundred sentences a second on two cores, so embedding is bounded: every
    sentence up to ``AUTO_EMBED_LIMIT``, lexicon-hit sentences up to ``AUTO_HITS_LIMIT`` (how
    many hit depends on the dump and the codebook), and none above, where the lexicon alone
    decides.

    Args:
        n_sentences: Sentences of the non-duplicate articles.

    Returns:
        ``"all"``, ``"hits"`` or ``"none"``.
    """
    if n_sentences <= AUTO_EMBED_LIMIT:
        return "all"
    mode = "hits" if n_sentences <= AUTO_HITS_LIMIT else "none"
    logging.getLogger(__name__).warning(
        "frames: %s sentences, embedding %s (pass embed= to score_frames to change this)",
        f"{n_sentences:,}",
        "only sentences with a lexicon hit" if mode == "hits" else "none: lexicon only",
    )
    return mode


def frame_shares(
    scores: pd.DataFrame,
    *,
    by: str = "outlet",
    min_sentences: int = RELIABLE_SENTENCES,
) -> pd.DataFrame:
    """Share of each group's sentences that carry each frame, with a 95% interval.

    A sentence can carry several frames, so shares of one group do not sum to 1; the
    ``n_carrying`` column sums to the number of carrying (sentence, frame) pairs.

    Args:
        scores: Output of ``score_frames``.
        by: Column of ``scores`` to group by (missing values form the group ``UNKNOWN_GROUP``).
        min_sentences: Flag (``reliable`` False) groups with fewer sentences than this.

    Returns:
        Columns ``group``, ``frame``, ``n_sentences``, ``n_carrying``, ``share``, ``ci_low``,
        ``ci_high`` (Wilson score interval), ``reliable``; sorted by group and codebook order.
    """
    frame_order = _frame_order(scores)
    table = pd.DataFrame(
        {"group": _group_labels(scores, by).to_numpy(), "frame": scores["frame"].astype(str).to_numpy()}
    )
    table["carries"] = scores["carries"].to_numpy()
    shares = (
        table.groupby(["group", "frame"], sort=False)["carries"]
        .agg(n_sentences="size", n_carrying="sum")
        .reset_index()
    )
    shares["n_carrying"] = shares["n_carrying"].astype(np.int64)
    shares["share"] = shares["n_carrying"] / shares["n_sentences"]
    shares["ci_low"], shares["ci_high"] = _wilson(shares["n_carrying"], shares["n_sentences"])
    shares["reliable"] = shares["n_sentences"] >= min_sentences
    shares["_order"] = shares["frame"].map(frame_order)
    return shares.sort_values(["group", "_order"], ignore_index=True).drop(columns="_order")


def frame_evidence(scores: pd.DataFrame, *, n: int = 3, by: str = "outlet") -> pd.DataFrame:
    """The ``n`` highest-scoring sentences carrying each frame in each group: the reasons for a share.

    Args:
        scores: Output of ``score_frames``.
        n: Sentences per group and frame.
        by: Column of ``scores`` to group by.

    Returns:
        Columns ``group``, ``frame``, ``rank``, ``score``, ``lexicon_terms``, ``similarity``,
        ``article_id``, ``sentence``; sorted by group, codebook order, rank.
    """
    carrying = scores.loc[scores["carries"].to_numpy()]
    table = pd.DataFrame(
        {
            "group": _group_labels(carrying, by).to_numpy(),
            "frame": carrying["frame"].astype(str).to_numpy(),
            "_order": carrying["frame"].astype(str).map(_frame_order(scores)).to_numpy(),
            "score": carrying["score"].to_numpy(),
            "lexicon_terms": carrying["lexicon_terms"].astype(str).to_numpy(),
            "similarity": carrying["similarity"].to_numpy(),
            "article_id": carrying["article_id"].astype(str).to_numpy(),
            "start": carrying["start"].to_numpy(),
            "sentence": carrying["sentence"].astype(str).to_numpy(),
        }
    )
    table = table.sort_values(
        ["group", "_order", "score", "article_id", "start"], ascending=[True, True, False, True, True]
    )
    table = table.groupby(["group", "frame"], sort=False).head(n).reset_index(drop=True)
    table["rank"] = table.groupby(["group", "frame"], sort=False).cumcount() + 1
    columns = ["group", "frame", "rank", "score", "lexicon_terms", "similarity", "article_id", "sentence"]
    return table[columns]


def plot_frame_shares(shares: pd.DataFrame, *, title: str = "Share of sentences carrying each frame"):
    """Heat map of ``frame_shares``: frames down, groups across, each cell labelled with share and n.

    Args:
        shares: Output of ``frame_shares``.
        title: Figure title.

    Returns:
        The matplotlib figure.
    """
    import matplotlib.pyplot as plt

    order = shares.drop_duplicates("frame")["frame"].tolist()
    table = shares.pivot(index="frame", columns="group", values="share").reindex(order)
    counts = shares.pivot(index="frame", columns="group", values="n_carrying").reindex(order)
    figure, axes = plt.subplots(figsize=(3.2 + 1.1 * table.shape[1], 1.0 + 0.3 * table.shape[0]), dpi=100)
    values = table.to_numpy(dtype=float)
    vmax = max(0.5, float(np.nanmax(values)))
    axes.imshow(values, cmap="Blues", vmin=0, vmax=vmax, aspect="auto")
    for (row, column), value in np.ndenumerate(values):
        colour = "white" if value > 0.6 * vmax else "black"
        label = f"{value:.0%} ({counts.iat[row, column]})"
        axes.text(column, row, label, ha="center", va="center", fontsize=7, color=colour)
    axes.set_xticks(range(table.shape[1]), table.columns, fontsize=8, rotation=20, ha="right")
    axes.set_yticks(range(table.shape[0]), [frame.replace("_", " ") for frame in table.index], fontsize=8)
    axes.set_title(title, fontsize=9)
    figure.tight_layout()
    return figure


def _scan_articles(
    articles: pd.DataFrame, book: dict, *, show_progress: bool
) -> tuple[pd.DataFrame, dict[tuple[int, int], tuple[int, str]]]:
    """Split every article into sentences and find each frame's lexicon words in them.

    The per-article result is cached by text, lexicon and code, so a rerun (or a dump with one
    changed file) only rescans the articles it has not seen.

    Returns:
        The sentence table (``article_id``, ``outlet``, ``start``, ``end``, ``sentence``) and, for
        every (sentence row, frame) cell with a lexicon match, its hit count and the matched
        words ("; "-joined).
    """
    automaton = _lexicon_automaton(book)
    lexicon = hash_text(code_version(), *(repr(frame.get("lexicon")) for frame in book["frames"].values()))
    texts = articles["text"].fillna("").astype(str).tolist()

    def scan(batch: list[str]) -> list[bytes]:
        processes = count_processes(sum(map(len, batch)), min_chars=PARALLEL_MIN_CHARS)
        return map_items(
            _scan_to_bytes,
            batch,
            shared={"automaton": automaton},
            processes=processes,
            desc="frame lexicon",
            show_progress=show_progress,
        )

    scanned = cached_map("frame_lexicon", [hash_text(lexicon, text) for text in texts], texts, scan)
    columns: dict[str, list] = {"article_id": [], "outlet": [], "start": [], "end": [], "sentence": []}
    cells: dict[tuple[int, int], tuple[int, str]] = {}
    for article_id, outlet, blob in zip(articles["article_id"], articles["outlet"], scanned, strict=True):
        spans, lines, matches = pickle.loads(blob)
        first = len(columns["start"])
        columns["article_id"] += [article_id] * len(spans)
        columns["outlet"] += [None if pd.isna(outlet) else outlet] * len(spans)
        columns["start"] += [start for start, _ in spans]
        columns["end"] += [end for _, end in spans]
        columns["sentence"] += lines
        cells.update(((first + sentence, frame), cell) for (sentence, frame), cell in matches.items())
    sentences = pd.DataFrame(columns)
    sentences[["start", "end"]] = sentences[["start", "end"]].astype(np.int64)
    return sentences, cells


def _scan_to_bytes(text: str, *, automaton) -> bytes:
    return pickle.dumps(_scan_text(text, automaton), protocol=pickle.HIGHEST_PROTOCOL)


def _scan_text(text: str, automaton) -> tuple[list, list[str], dict[tuple[int, int], tuple[int, str]]]:
    """One article's sentence spans, one-line sentences and ``{(sentence, frame): (hits, words)}``."""
    spans = split_sentences(text)
    starts = [start for start, _ in spans]
    found: dict[tuple[int, int], Counter[str]] = defaultdict(Counter)
    lowered = _lower_same_length(text)
    for frame, start, end in _frame_matches(automaton, lowered):
        sentence = bisect.bisect_right(starts, start) - 1
        found[sentence, frame][lowered[start:end]] += 1
    matches = {cell: (counter.total(), "; ".join(sorted(counter))) for cell, counter in found.items()}
    return spans, [_oneline(text[start:end]) for start, end in spans], matches


def _lexicon_automaton(book: dict):
    import ahocorasick

    entries: dict[str, list[tuple[int, bool]]] = {}
    for frame_index, frame in enumerate(book["frames"].values()):
        for term in frame.get("lexicon") or []:
            term = str(term).strip().lower()
            prefix = term.endswith("*")
            key = term.rstrip("*")
            if key:
                entries.setdefault(key, []).append((frame_index, prefix))
    automaton = ahocorasick.Automaton()
    for key, value in entries.items():
        automaton.add_word(key, (len(key), tuple(value)))
    if entries:
        automaton.make_automaton()
    return automaton


def _frame_matches(automaton, lowered: str) -> list[tuple[int, int, int]]:
    """Whole-word (or prefix) matches as (frame, start, end); overlaps keep the longest per frame."""
    if not len(automaton):
        return []
    candidates = []
    for last, (length, frames) in automaton.iter(lowered):
        start, end = last - length + 1, last + 1
        if start > 0 and lowered[start - 1].isalnum():
            continue
        whole = end == len(lowered) or not lowered[end].isalnum()
        for frame, prefix in frames:
            if prefix:
                while end < len(lowered) and (lowered[end].isalnum() or lowered[end] == "-"):
                    end += 1
                candidates.append((frame, start, end))
            elif whole:
                candidates.append((frame, start, end))
    candidates.sort(key=lambda match: (match[0], match[1], -match[2]))
    kept: list[tuple[int, int, int]] = []
    for frame, start, end in candidates:
        if kept and kept[-1][0] == frame and start < kept[-1][2]:
            continue
        kept.append((frame, start, end))
    return kept


def _lower_same_length(text: str) -> str:
    lowered = re.sub(r"\s", " ", text.lower())
    if len(lowered) != len(text):  # a few characters (e.g. "İ") lower-case to two
        lowered = "".join(char.lower()[:1] for char in re.sub(r"\s", " ", text))
    return lowered


def _description_similarity(
    sentences: np.ndarray, book: dict, *, model: Any, show_progress: bool
) -> np.ndarray:
    from analysis.embeddings import embed_texts

    descriptions = embed_texts([frame["description"] for frame in book["frames"].values()], model=model)
    descriptions = _normalize(descriptions)
    unique, inverse = np.unique(sentences.astype(str), return_inverse=True)
    out = np.empty((len(unique), len(descriptions)), dtype=np.float32)
    steps = range(0, len(unique), EMBED_CHUNK)
    for start in tqdm(steps, desc="frame embeddings", unit="chunk", disable=not show_progress):
        chunk = unique[start : start + EMBED_CHUNK].tolist()
        out[start : start + len(chunk)] = _normalize(embed_texts(chunk, model=model)) @ descriptions.T
    return out[inverse.ravel()]


def _normalize(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1.0, norms)


def _frame_order(scores: pd.DataFrame) -> dict[str, int]:
    frames = scores["frame"]
    names = (
        list(frames.cat.categories)
        if isinstance(frames.dtype, pd.CategoricalDtype)
        else sorted(frames.unique())
    )
    return {str(name): index for index, name in enumerate(names)}


def _wilson(
    successes: pd.Series, totals: pd.Series, z: float = Z_SIGNIFICANT
) -> tuple[np.ndarray, np.ndarray]:
    n = totals.to_numpy(dtype=float)
    p = successes.to_numpy(dtype=float) / np.where(n == 0, 1.0, n)
    denominator = 1 + z**2 / n
    centre = (p + z**2 / (2 * n)) / denominator
    half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denominator
    return np.clip(centre - half, 0.0, 1.0), np.clip(centre + half, 0.0, 1.0)


def _categorical(values: pd.Series) -> pd.Categorical:
    return pd.Categorical(values.astype("str"))


# ---------------------------------------------------------------------------------------------
# Word choice for the same actor


@functools.cache
def load_referents(path: str | None = None) -> dict[str, Any]:
    """Load the head-noun lexicon for unnamed references (default ``data/referents.yaml``).

    Returns:
        ``heads`` (lemma -> allowed actor types), ``link_heads`` and ``window_sentences``.
    """
    path = Path(path) if path else paths.PACKAGE_DATA_DIR / "referents.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["heads"] = {str(key).lower(): list(value) for key, value in data["heads"].items()}
    data["link_heads"] = [str(key).lower() for key in data.get("link_heads", [])]
    return data


def actor_labels(
    articles: pd.DataFrame,
    mentions: pd.DataFrame,
    *,
    referents: str | None = None,
    max_articles: int | Literal["auto"] | None = "auto",
    show_progress: bool = False,
) -> pd.DataFrame:
    """Collect the words each outlet uses for each actor, beyond the actor's name.

    Four kinds of label, all read off the spaCy dependency parse around the mention offsets:

    * ``modifier``: words directly before the name in its own noun phrase ("*banned* TTP",
      "*Pakistan's defence minister* Khawaja Asif");
    * ``apposition``: a common-noun phrase set beside the name ("a *proscribed network*,
      Tehreek-e-Taliban Pakistan (TTP)");
    * ``head noun``: a phrase whose head is a generic referent noun from ``referents.yaml``
      with the name inside it ("*Taliban administration*", "*current regime in* Afghanistan");
    * ``linked NP``: a singular definite phrase on a ``link_heads`` noun with no name in it
      ("the banned terrorist outfit"), linked to an earlier mention of a compatible type within
      a few sentences: first the actor whose other labels in the dump share a word with the
      phrase ("banned"), then the most recent actor named before the phrase's sentence, then
      earlier in the same sentence. This is a heuristic, not coreference resolution: check the
      ``example`` column, or drop these rows.

    Args:
        articles: Article table with ``article_id``, ``outlet``, ``text``; duplicates skipped.
        mentions: Actor mentions (``article_id``, ``actor``, ``type``, ``start``, ``end`` into ``text``).
        referents: Path of a referents YAML; default ``data/referents.yaml``.
        max_articles: Read labels from at most this many articles, a sample spread evenly over
            outlets (``corpus.sample_articles``); ``None`` reads all. ``"auto"`` reads all when
            the actors stage parses whole articles (``actors.choose_method``), else the same
            sample the fast actor path parses (``actors.SAMPLE_ARTICLES``), whose parses are
            cached already: parsing 100,000 articles would take hours.
        show_progress: Show a progress bar while parsing uncached articles.

    Returns:
        Columns ``actor``, ``outlet``, ``label``, ``kind``, ``count``, ``n_articles``, ``example``
        (first sentence using it); sorted by actor, outlet, count descending, label.
        ``attrs["articles_read"]`` and ``attrs["articles_with_mentions"]`` say how much was read.
    """
    from analysis.actors import SAMPLE_ARTICLES, choose_method
    from analysis.corpus import sample_articles

    columns = ["actor", "outlet", "label", "kind", "count", "n_articles", "example"]
    config = load_referents(referents)
    articles = _distinct(articles)
    with_mentions = articles["article_id"].isin(set(mentions["article_id"]))
    if max_articles == "auto":
        max_articles = None if choose_method(articles) == "full" else SAMPLE_ARTICLES
    read = with_mentions
    if max_articles is not None:  # drawn from all articles, as the fast actor path's NER sample is
        read = with_mentions & articles["article_id"].isin(
            set(sample_articles(articles, n=max_articles)["article_id"])
        )
    sizes = {"articles_read": int(read.sum()), "articles_with_mentions": int(with_mentions.sum())}
    rows = _read_labels(articles.loc[read], mentions, config, show_progress=show_progress)
    if not rows:
        table = pd.DataFrame(columns=columns)
    else:
        found = pd.DataFrame(rows).sort_values(["article_id", "position"], kind="stable")
        table = (
            found.groupby(["actor", "outlet", "label", "kind"], sort=False)
            .agg(
                count=("position", "size"), n_articles=("article_id", "nunique"), example=("example", "first")
            )
            .reset_index()
            .sort_values(
                ["actor", "outlet", "count", "label", "kind"],
                ascending=[True, True, False, True, True],
                ignore_index=True,
            )[columns]
        )
    table.attrs.update(sizes)
    return table


def _read_labels(
    articles: pd.DataFrame, mentions: pd.DataFrame, config: dict, *, show_progress: bool
) -> list[dict]:
    """One row per label found in ``articles`` (parsed with spaCy), linked noun phrases resolved."""
    from analysis.actors import group_mentions

    if articles.empty:
        return []
    outlets = _group_labels(articles, "outlet")
    docs = parse_texts(articles["text"].astype(str).tolist(), show_progress=show_progress)
    ordered = mentions.loc[mentions["article_id"].isin(set(articles["article_id"]))]
    by_article = group_mentions(ordered.sort_values(["article_id", "start", "end"]))
    rows, pending = [], []
    for article_id, outlet, doc in zip(articles["article_id"], outlets, docs, strict=True):
        labels, unnamed = _labels_in_doc(doc, by_article[article_id], config)
        rows += [{"article_id": article_id, "outlet": outlet, **label} for label in labels]
        pending += [(article_id, outlet, phrase) for phrase in unnamed]
    evidence = Counter((word, row["actor"]) for row in rows for word in row.pop("words"))
    for article_id, outlet, phrase in pending:
        label = phrase.resolve(evidence)
        if label is not None:
            rows.append({"article_id": article_id, "outlet": outlet, **label})
    return rows


def compare_labels(labels: pd.DataFrame, *, min_outlets: int = 2, per_cell: int = 4) -> pd.DataFrame:
    """Side-by-side view of ``actor_labels``: one row per actor, one column per outlet.

    Args:
        labels: Output of ``actor_labels``.
        min_outlets: Keep actors labelled by at least this many outlets.
        per_cell: Most frequent labels shown per actor and outlet.

    Returns:
        Actors (rows, most labels first) by outlets (columns); cells read ``label (count); ...``.
    """
    cells = labels.assign(text=labels["label"] + " (" + labels["count"].astype(str) + ")")
    cells = cells.groupby(["actor", "outlet"], sort=True)["text"].agg(
        lambda texts: "; ".join(texts.head(per_cell))
    )
    wide = cells.unstack("outlet").fillna("")
    spread = labels.groupby("actor").agg(n_outlets=("outlet", "nunique"), total=("count", "sum"))
    keep = spread.loc[spread["n_outlets"] >= min_outlets]
    keep = keep.sort_values(["total", "n_outlets"], ascending=False, kind="stable")  # ties: actor name
    return wide.loc[keep.index].rename_axis(columns=None)


def _labels_in_doc(
    doc, mentions: list[NamedMention], config: dict
) -> tuple[list[dict], list[_UnnamedPhrase]]:
    """Labels attached to a name in one parsed article, and the unnamed phrases still to link."""
    heads = config["heads"]
    owner: dict[int, int] = {}  # token index -> mention row
    spans = []
    for row, mention in enumerate(mentions):
        span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
        spans.append(span)
        if span is not None:
            owner.update({token.i: row for token in span if token.i not in owner})
    actors = [mention.actor for mention in mentions]
    labels: list[dict] = []
    used_heads: set[int] = set()

    def add(row: int, tokens: list, kind: str, anchor) -> None:
        label = _label(actors[row], tokens, kind, anchor, owner)
        if label is not None:
            labels.append(label)

    for row, span in enumerate(spans):
        if span is None:
            continue
        root = span.root
        modifiers = [
            token
            for child in root.lefts
            if child.i < span.start
            and child.dep_ in _MODIFIER_DEPS
            and child.i not in owner
            and _describes(child)
            for token in child.subtree
        ]
        if modifiers and max(token.i for token in modifiers) == span.start - 1:
            add(row, modifiers, "modifier", root)
        for child in root.children:
            if child.dep_ == "appos" and child.pos_ == "NOUN" and child.i not in owner:
                add(row, _noun_phrase(child), "apposition", child)
                used_heads.add(child.i)
        head = root.head
        if root.dep_ == "appos" and head.pos_ == "NOUN" and head.i not in owner:
            add(row, _noun_phrase(head), "apposition", head)
            used_heads.add(head.i)
        elif root.dep_ in _HEAD_DEPS and head.lemma_.lower() in heads and head.i not in owner:
            add(row, _noun_phrase(head), "head noun", head)
            used_heads.add(head.i)
        elif root.dep_ == "pobj" and head.dep_ == "prep" and head.head.lemma_.lower() in heads:
            noun = head.head
            if noun.i not in owner and noun.i not in used_heads and head.i == noun.i + 1:
                add(row, [*_noun_phrase(noun), head, *span], "head noun", noun)
                used_heads.add(noun.i)

    link_heads = set(config["link_heads"])
    sentence_index = {token.i: index for index, sent in enumerate(doc.sents) for token in sent}
    window = int(config.get("window_sentences", 3))
    unnamed = []
    for token in doc:
        lemma = token.lemma_.lower()
        if token.pos_ != "NOUN" or token.tag_ == "NNS" or lemma not in link_heads:
            continue
        phrase = _noun_phrase(token)
        definite = any(child.dep_ == "det" and child.lower_ in _DEFINITE for child in token.children)
        if not definite or token.i in used_heads or any(t.i in owner for t in phrase):
            continue
        here = sentence_index[token.i]
        candidates = [
            (actors[row], sentence_index[span.start] < here, span.start)
            for row, span in enumerate(spans)
            if span is not None
            and span.start < token.i
            and mentions[row].type in heads[lemma]
            and here - sentence_index[span.start] <= window
        ]
        if candidates:
            unnamed.append(_UnnamedPhrase(_label("", phrase, "linked NP", token, owner), candidates))
    return labels, unnamed


@dataclass(frozen=True)
class _UnnamedPhrase:
    """A definite description with no name in it, and the actors it may refer to."""

    label: dict | None
    candidates: list[tuple[str, bool, int]]  # actor, named in an earlier sentence, token position

    def resolve(self, evidence: Counter) -> dict | None:
        """Pick the actor (see ``actor_labels``) and return the finished label, or None."""
        if self.label is None:
            return None
        words = self.label["words"]
        actor = max(
            self.candidates,
            key=lambda c: (sum(evidence[(word, c[0])] for word in words), c[1], c[2]),
        )[0]
        return {key: value for key, value in self.label.items() if key != "words"} | {"actor": actor}


def _label(actor: str, tokens: list, kind: str, anchor, owner: dict[int, int]) -> dict | None:
    phrase = _phrase(tokens, owner)
    if not phrase or (kind == "apposition" and any(token.dep_ == "cc" for token in tokens)):
        return None
    words = sorted(
        {
            t.lemma_.lower()
            for t in tokens
            if t.pos_ in ("ADJ", "VERB", "NOUN") and t.i != anchor.i and t.i not in owner
        }
    )
    return {
        "actor": actor,
        "label": phrase,
        "kind": kind,
        "position": anchor.idx,
        "example": _sentence_of(anchor),
        "words": words,
    }


def _describes(token) -> bool:
    """True for words that describe (adjectives, nouns, past participles such as "banned")."""
    return token.pos_ in ("ADJ", "NOUN", "PROPN") or token.tag_ == "VBN"


def _noun_phrase(noun) -> list:
    """The noun with its left dependents (modifiers, determiners), without trailing clauses."""
    return [token for child in noun.lefts for token in child.subtree] + [noun]


def _phrase(tokens: list, owner: dict[int, int]) -> str:
    tokens = sorted({token.i: token for token in tokens}.values(), key=lambda token: token.i)
    while tokens and (tokens[0].dep_ in ("det", "punct", "cc") or tokens[0].pos_ in ("DET", "PRON")):
        tokens = tokens[1:]
    while tokens and tokens[-1].dep_ in ("punct", "cc", "case"):
        tokens = tokens[:-1]
    words = []
    for index, token in enumerate(tokens):
        keep_case = token.pos_ == "PROPN" or token.i in owner or token.text.isupper()
        adjacent = index + 1 < len(tokens) and tokens[index + 1].i == token.i + 1
        words.append((token.text if keep_case else token.lower_) + (token.whitespace_ if adjacent else " "))
    return _oneline("".join(words)).strip()


def _sentence_of(token) -> str:
    return _oneline(token.sent.text).strip()


# ---------------------------------------------------------------------------------------------
# Sourcing


def sourcing_by_side(
    quotes: pd.DataFrame,
    *,
    sides: Mapping[str, str] | pd.DataFrame | None = None,
    by: str = "outlet",
    top_speakers: int = 3,
    unknown_side: str = "unknown",
) -> pd.DataFrame:
    """Count who speaks in each outlet, by side (e.g. Pakistani officials, Afghan Taliban).

    A quote's side comes from ``sides`` (speaker -> side), else from a ``side`` column of
    ``quotes`` (as added by ``analysis.actors.assign_sides``); quotes still without a side (or
    with ``unknown_side``) are ``"anonymous"`` when ``speaker_kind`` is anonymous and
    ``"unassigned"`` otherwise.

    Args:
        quotes: Quote table (``speaker``, ``speaker_kind``, ``direct`` and the ``by`` column).
        sides: Mapping of canonical speaker to side, or a table with ``actor`` and ``side``.
        by: Group column.
        top_speakers: How many of the side's most quoted speakers to name.
        unknown_side: Side value that means "not assigned" in the ``side`` column.

    Returns:
        Columns ``group``, ``side``, ``n_quotes``, ``n_direct``, ``share`` (of the group's
        quotes), ``speakers`` ("name (count); ..."); sorted by group, n_quotes descending, side.
    """
    columns = ["group", "side", "n_quotes", "n_direct", "share", "speakers"]
    if quotes.empty:
        return pd.DataFrame(columns=columns)
    if isinstance(sides, pd.DataFrame):
        sides = dict(zip(sides["actor"].astype(str), sides["side"].astype(str), strict=True))
    side = quotes["speaker"].astype(str).map(sides or {})
    if "side" in quotes:
        side = side.fillna(quotes["side"])
    side = side.astype(object).where(side.astype(object) != unknown_side)
    fallback = np.where(quotes["speaker_kind"].astype(str) == "anonymous", "anonymous", "unassigned")
    table = pd.DataFrame(
        {
            "group": _group_labels(quotes, by).to_numpy(),
            "side": side.astype(object)
            .where(side.notna(), pd.Series(fallback, index=quotes.index))
            .to_numpy(),
            "speaker": quotes["speaker"].astype(str).to_numpy(),
            "direct": quotes["direct"].astype(bool).to_numpy(),
        }
    )
    table["side"] = table["side"].astype(str)
    counted = table.groupby(["group", "side"]).agg(n_quotes=("speaker", "size"), n_direct=("direct", "sum"))
    counted = counted.reset_index()
    counted["n_direct"] = counted["n_direct"].astype(np.int64)
    counted["share"] = counted["n_quotes"] / counted.groupby("group")["n_quotes"].transform("sum")
    speakers = table.groupby(["group", "side", "speaker"]).size().rename("n").reset_index()
    speakers = speakers.sort_values(["group", "side", "n", "speaker"], ascending=[True, True, False, True])
    speakers["text"] = speakers["speaker"] + " (" + speakers["n"].astype(str) + ")"
    named = speakers.groupby(["group", "side"])["text"].apply(
        lambda names: "; ".join(names.head(top_speakers))
    )
    counted = counted.merge(named.rename("speakers").reset_index(), on=["group", "side"])
    counted = counted.sort_values(
        ["group", "n_quotes", "side"], ascending=[True, False, True], ignore_index=True
    )
    return counted[columns]


# ---------------------------------------------------------------------------------------------
# Generated summary


def summarize_framing(
    *,
    terms: pd.DataFrame | None = None,
    shares: pd.DataFrame | None = None,
    labels: pd.DataFrame | None = None,
    sourcing: pd.DataFrame | None = None,
    reliable_count: int = RELIABLE_COUNT,
    min_sentences: int = RELIABLE_SENTENCES,
    n_terms: int = 3,
    n_frames: int = 3,
    n_actors: int = 3,
) -> list[str]:
    """Write the comparison as plain sentences generated from the tables, hedged when counts are small.

    Args:
        terms: Output of ``distinctive_terms``.
        shares: Output of ``frame_shares``.
        labels: Output of ``actor_labels``.
        sourcing: Output of ``sourcing_by_side``.
        reliable_count: Fewer uses (or quotes) than this are called out as thin evidence.
        min_sentences: Frame shares over fewer sentences than this are called out.
        n_terms: Terms named per group.
        n_frames: Frames with the widest spread between groups to describe.
        n_actors: Actors with the most labels to describe.

    Returns:
        One sentence per finding, in a stable order (distinctive terms, frames, labels, sourcing).
    """
    sentences: list[str] = []
    if terms is not None and not terms.empty:
        sentences += _summarize_terms(terms, reliable_count, n_terms)
    if shares is not None and not shares.empty:
        sentences += _summarize_shares(shares, min_sentences, n_frames)
    if labels is not None and not labels.empty:
        sentences += _summarize_labels(labels, reliable_count, n_actors)
    if sourcing is not None and not sourcing.empty:
        sentences += _summarize_sourcing(sourcing, reliable_count)
    return sentences


def _summarize_terms(terms: pd.DataFrame, reliable_count: int, n_terms: int) -> list[str]:
    out = []
    for group, rows in terms.groupby("group", sort=True):
        rows = rows.loc[rows["z"] >= Z_SIGNIFICANT].sort_values(["z", "term"], ascending=[False, True])
        if rows.empty:
            out.append(
                f"{group}: no term stands out from the other outlets (no z-score reaches {Z_SIGNIFICANT})."
            )
            continue
        top = rows.head(n_terms)
        listed = ", ".join(
            f'"{r.term}" (z {r.z:.1f}; {r.count} uses vs {r.count_rest} elsewhere)' for r in top.itertuples()
        )
        sentence = f"{group} uses {listed} more than the other outlets do"
        if (top["count"] < reliable_count).any():
            sentence += f"; this rests on fewer than {reliable_count} uses per term, so read the contexts"
        out.append(sentence + ".")
    return out


def _summarize_shares(shares: pd.DataFrame, min_sentences: int, n_frames: int) -> list[str]:
    spread = shares.groupby("frame", sort=False)["share"].agg(lambda s: s.max() - s.min()).rename("spread")
    order = spread.reset_index().sort_values(["spread", "frame"], ascending=[False, True])
    out = []
    for frame in order.loc[order["spread"] > 0, "frame"].head(n_frames):
        rows = shares.loc[shares["frame"] == frame].sort_values(["share", "group"], ascending=[False, True])
        high, low = rows.iloc[0], rows.iloc[-1]
        sentence = (
            f'The "{frame.replace("_", " ")}" frame differs most between {high.group} '
            f"({high.share:.0%} of {high.n_sentences} sentences) and {low.group} "
            f"({low.share:.0%} of {low.n_sentences})"
        )
        if min(high.n_sentences, low.n_sentences) < min_sentences:
            sentence += f"; one of them rests on fewer than {min_sentences} sentences"
        elif high.ci_low <= low.ci_high:
            sentence += ", but the 95% intervals overlap"
        out.append(sentence + ".")
    if not out:
        out.append("Every group carries every frame in the same share of sentences.")
    return out


def _summarize_labels(labels: pd.DataFrame, reliable_count: int, n_actors: int) -> list[str]:
    per_actor = (
        labels.groupby("actor").agg(n_outlets=("outlet", "nunique"), total=("count", "sum")).reset_index()
    )
    per_actor = per_actor.loc[per_actor["n_outlets"] >= 2].sort_values(
        ["total", "actor"], ascending=[False, True]
    )
    out = []
    for actor, total in zip(
        per_actor["actor"].head(n_actors), per_actor["total"].head(n_actors), strict=True
    ):
        parts = []
        for outlet, rows in labels.loc[labels["actor"] == actor].groupby("outlet", sort=True):
            named = ", ".join(f'"{r.label}" ({r.count})' for r in rows.head(3).itertuples())
            parts.append(f"{outlet}: {named}")
        sentence = f"Outlets describe {actor} differently — " + "; ".join(parts)
        if total < reliable_count:
            sentence += f" (fewer than {reliable_count} labels in all)"
        out.append(sentence + ".")
    if not out:
        out.append("No actor is labelled by two or more outlets, so word choice cannot be compared.")
    return out


def _summarize_sourcing(sourcing: pd.DataFrame, reliable_count: int) -> list[str]:
    out = []
    for group, rows in sourcing.groupby("group", sort=True):
        total = int(rows["n_quotes"].sum())
        first = rows.sort_values(["n_quotes", "side"], ascending=[False, True]).iloc[0]
        sentence = (
            f'In {group}, the side quoted most is "{first.side}" ({first.n_quotes} of {total} statements)'
        )
        if total < reliable_count:
            sentence += f" (fewer than {reliable_count} statements in all)"
        out.append(sentence + ".")
    return out


# ---------------------------------------------------------------------------------------------
# Shared helpers


def _distinct(articles: pd.DataFrame) -> pd.DataFrame:
    """Articles that are not near-duplicates of an earlier one."""
    if "duplicate_of" not in articles:
        return articles
    return articles.loc[articles["duplicate_of"].isna()]


def _group_labels(frame: pd.DataFrame, by: str) -> pd.Series:
    values = frame[by].astype(object)
    return values.where(values.notna(), UNKNOWN_GROUP).astype(str)
