"""Actors: who each outlet mentions, who it lets speak, through which kind of source.

Mentions come from spaCy named-entity recognition (cached on disk), are cleaned of titles,
possessives and spelling variants, and merged into actors: short forms are resolved within an
article to the full name written earlier ("Asif" after "Khawaja Asif"), role back-references
("the defence minister") to the person introduced with that role, acronyms to the expansion
written next to them ("Tehreek-e-Taliban Pakistan (TTP)"), and full names across articles when
one is a sub-form of another. A bare surname shared by two different full names in the dump is
never merged on its own. An optional analyst file kept with the dump
(``data/raw/<dump>/actors.yaml``) fixes canonical names, aliases, never-merge pairs and sides.

Large dumps take a fast path: NER on a sample discovers the actors and their surface forms, a
multi-pattern matcher (pyahocorasick) finds them in every article, and speech is attributed by
word-order rules around each speech cue word instead of a dependency parse.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import yaml
from tqdm import tqdm

from analysis import paths
from analysis.cache import cached_result, code_version, hash_rows, hash_text
from analysis.corpus import UNKNOWN_OUTLET, sample_articles
from analysis.nlp import PARALLEL_MIN_CHARS, default_pipeline_id, parse_texts
from analysis.quotes import (
    AttributionRules,
    count_words,
    find_attributions,
    find_attributions_by_rule,
    find_quote_spans,
)
from analysis.text import split_sentences
from analysis.workers import count_processes, map_items

MENTION_COLUMNS = ["article_id", "outlet", "actor", "surface", "type", "start", "end"]
QUOTE_COLUMNS = [
    "article_id",
    "outlet",
    "speaker",
    "speaker_kind",
    "cue",
    "content",
    "direct",
    "start",
    "end",
]
SPEAKER_KINDS = ("named", "pronoun-resolved", "institution", "anonymous", "unresolved")
UNKNOWN_SIDE = "unknown"
FULL_PATH_MAX_WORDS = 1_000_000  # above this many words "auto" takes the fast path
SAMPLE_ARTICLES = 1_000  # articles whose NER output seeds the fast path's actor list

_POSSESSIVE = re.compile(r"['\u2019]s?$")
_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
_ACRONYM = re.compile(r"\(\s*([A-Z][A-Za-z0-9&]*[A-Z0-9])\s*\)")
_WORD = re.compile(r"[\w\u2019'-]+")
_WORD_CHAR = re.compile(r"\w")
_ROLE_DEPS = ("compound", "amod", "appos", "nmod")


# --------------------------------------------------------------------------------------------
# Vocabulary and the analyst file


@dataclass(frozen=True)
class Lexicon:
    """The generic vocabulary of ``analysis/data/actors.yaml``, compiled."""

    entity_types: frozenset[str]
    title_pattern: re.Pattern
    variants: dict[str, str]
    roles: tuple[tuple[str, ...], ...]
    ignore: frozenset[str]
    speech_verbs: frozenset[str]
    anonymous_heads: frozenset[str]
    institution_heads: frozenset[str]
    pronouns: dict[str, str]
    min_quote_words: int
    attribution_rules: AttributionRules


@functools.cache
def load_lexicon() -> Lexicon:
    """Load and compile the generic actor vocabulary shipped in ``analysis/data/actors.yaml``."""
    raw = yaml.safe_load((paths.PACKAGE_DATA_DIR / "actors.yaml").read_text(encoding="utf-8"))
    titles = sorted({title.lower() for title in raw["titles"]}, key=lambda title: (-len(title), title))
    title_alternatives = "|".join(r"\.?\s+".join(map(re.escape, title.split())) for title in titles)
    variants = {word: group[0] for group in raw["variants"] for word in group}
    verbs = frozenset(raw["speech_verbs"])
    words = {form for verb in verbs for form in _inflections(verb)} | set(raw["speech_forms"])
    phrases = [r"\s+".join(map(re.escape, phrase.split())) for phrase in raw["speech_phrases"]]
    rules = {name: frozenset(values) for name, values in raw["attribution_rules"].items()}
    anonymous, institutions = frozenset(raw["anonymous_heads"]), frozenset(raw["institution_heads"])
    return Lexicon(
        entity_types=frozenset(raw["entity_types"]),
        title_pattern=re.compile(rf"^(?:(?:{title_alternatives})\.?(?:\s+|$))+", re.IGNORECASE),
        variants=variants,
        roles=tuple(
            sorted(
                {tuple(variants.get(word, word) for word in role.lower().split()) for role in raw["roles"]},
                key=lambda role: (-len(role), role),
            )
        ),
        ignore=frozenset(str(word).lower() for word in raw["ignore"]),
        speech_verbs=verbs,
        anonymous_heads=anonymous,
        institution_heads=institutions,
        pronouns=dict(raw["pronouns"]),
        min_quote_words=int(raw["min_quote_words"]),
        attribution_rules=AttributionRules(
            cue_words=frozenset(words),
            cue_phrases=re.compile(r"(?:" + "|".join(phrases) + r")\b", re.IGNORECASE),
            phrase_openers=frozenset(phrase.split()[0].lower() for phrase in raw["speech_phrases"]),
            head_words=anonymous | institutions,
            pronouns=frozenset(raw["pronouns"]),
            **rules,
        ),
    )


def _inflections(verb: str) -> set[str]:
    """Return the regular forms of a speech verb: say, says, sayed, saying (irregulars are listed)."""
    if verb.endswith("y") and verb[-2:] not in ("ay", "ey", "oy"):
        return {verb, verb[:-1] + "ies", verb[:-1] + "ied", verb + "ing"}
    stem = verb[:-1] if verb.endswith("e") else verb
    third = verb + "es" if verb.endswith(("s", "sh", "ch", "x")) else verb + "s"
    return {verb, third, stem + "ed", stem + "ing"}


@dataclass(frozen=True)
class ActorSpec:
    """An analyst's corrections for one dump (see ``data/raw/<dump>/actors.yaml``).

    Attributes:
        canonical: Name key (see ``name_key``) of every name and alias -> canonical name.
        sides: Canonical name -> side.
        countries: Canonical name -> country.
        types: Canonical name -> entity type overriding NER.
        never_merge: Pairs of canonical names that must stay apart.
        surfaces: Every name and alias as written, searched for verbatim in the texts.
    """

    canonical: dict[str, str] = field(default_factory=dict)
    sides: dict[str, str] = field(default_factory=dict)
    countries: dict[str, str] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)
    never_merge: tuple[tuple[str, str], ...] = ()
    surfaces: tuple[str, ...] = ()


def load_actor_file(path: Path | str | None) -> ActorSpec:
    """Read an analyst's actors file; return an empty spec when ``path`` is None or missing.

    Args:
        path: A YAML file with ``actors`` (``name``, ``aliases``, ``type``, ``side``, ``country``)
            and ``never_merge`` (pairs of names), e.g. ``Path(dump_dir) / "actors.yaml"``.

    Returns:
        The parsed spec; names are matched after title, possessive and spelling normalisation.
    """
    if path is None or not Path(path).is_file():
        return ActorSpec()
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    canonical, sides, countries, types, surfaces = {}, {}, {}, {}, set()
    for entry in raw.get("actors") or []:
        name = str(entry["name"])
        for written in [name, *map(str, entry.get("aliases") or [])]:
            surfaces.add(written)
            for person in (False, True):
                canonical.setdefault(name_key(written, person=person), name)
        for key, target in (("side", sides), ("country", countries), ("type", types)):
            if entry.get(key):
                target[name] = str(entry[key])
    canonical.pop("", None)
    never = tuple(
        tuple(canonical.get(name_key(str(name), person=True), str(name)) for name in pair)
        for pair in raw.get("never_merge") or []
    )
    return ActorSpec(canonical, sides, countries, types, never, tuple(sorted(surfaces)))


def name_key(surface: str, *, person: bool = False) -> str:
    """Return the comparison key of a name: lower-case words, spelling variants unified.

    A leading article and a trailing possessive are dropped; for people, leading titles and
    honorifics too ("Lt. Gen. Nadeem Anjum's" -> "nadeem anjum").
    """
    lexicon = load_lexicon()
    words = re.findall(r"[^\W_]+", _display_name(surface, person=person).lower())
    return " ".join(lexicon.variants.get(word, word) for word in words)


def _display_name(surface: str, *, person: bool) -> str:
    text = _POSSESSIVE.sub("", _ARTICLE.sub("", " ".join(surface.split())))
    if person:
        text = load_lexicon().title_pattern.sub("", text)
    return text.strip(" ,.;:-")


# --------------------------------------------------------------------------------------------
# Public API


def extract_mentions(
    articles: pd.DataFrame,
    *,
    actors_file: Path | str | None = None,
    method: str = "auto",
    show_progress: bool = False,
) -> pd.DataFrame:
    """Find every actor mention in the articles' text and name it by its canonical actor.

    Duplicates (``duplicate_of`` set) are skipped; text in the loader's ``boilerplate`` column is
    not part of ``text`` and so never counts.

    Args:
        articles: The article frame of ``analysis.load_articles``.
        actors_file: Optional analyst file (canonical names, aliases, never-merge pairs, sides);
            ``load_actor_file`` semantics.
        method: ``"full"`` (NER over every article), ``"fast"`` (NER on a sample plus
            multi-pattern matching) or ``"auto"`` (fast above ``FULL_PATH_MAX_WORDS`` words).
        show_progress: Show progress bars.

    Returns:
        One row per mention: ``article_id``, ``outlet``, ``actor``, ``surface``, ``type``,
        ``start``, ``end`` (offsets into ``text``), sorted by article and position.
        ``attrs["articles"]`` holds lists ``article_id``, ``outlet``, ``n_words`` of the articles
        read, which ``count_actors`` uses for rates.
    """
    return _analyse_cached(articles, actors_file, method, show_progress)[0]


def extract_quotes(
    articles: pd.DataFrame,
    *,
    actors_file: Path | str | None = None,
    method: str = "auto",
    show_progress: bool = False,
) -> pd.DataFrame:
    """Find who is quoted or paraphrased with attribution, and how the speaker is identified.

    Direct quotes (straight or curly, possibly over several sentences, attribution before or
    after) and reported speech ("X said that…", "according to X", "X told Y…") are found from
    the dependency parse; the fast path reads them from word order around each speech cue
    (``analysis.quotes.find_attributions_by_rule``; on a 1,000-article synthetic dump its
    (article, speaker) pairs agree with the full path's at F1 0.77). Speakers are typed:
    ``named`` (a named person), ``pronoun-resolved`` ("he added", resolved to the nearest
    preceding person, or "it said" to the last institution speaker), ``institution`` (a named
    organisation or state, or "the foreign office"), ``anonymous`` ("sources say", "official
    sources claimed") or ``unresolved``.

    Args:
        articles: The article frame of ``analysis.load_articles``; duplicates are skipped.
        actors_file: Optional analyst file, as for ``extract_mentions``.
        method: ``"full"``, ``"fast"`` or ``"auto"``, as for ``extract_mentions``.
        show_progress: Show progress bars.

    Returns:
        One row per attribution: ``article_id``, ``outlet``, ``speaker`` (canonical actor, or the
        lower-case source phrase when unnamed), ``speaker_kind``, ``cue``, ``content``,
        ``direct``, ``start``, ``end`` (offsets of ``content`` in ``text``), sorted by article
        and position.
    """
    return _analyse_cached(articles, actors_file, method, show_progress)[1]


def assign_sides(frame: pd.DataFrame, *, actors_file: Path | str | None = None) -> pd.DataFrame:
    """Add ``side`` and ``country`` columns from the analyst file to mentions, quotes or counts.

    Args:
        frame: A frame with an ``actor`` or a ``speaker`` column.
        actors_file: The analyst file; without it every side is ``"unknown"``.

    Returns:
        A copy of ``frame`` with ``side`` and ``country`` (``"unknown"`` when not listed).
    """
    spec = load_actor_file(actors_file)
    names = frame["actor" if "actor" in frame.columns else "speaker"].tolist()

    def look_up(table: dict[str, str]) -> pd.Series:
        return pd.Series([table.get(name, UNKNOWN_SIDE) for name in names], index=frame.index, dtype="string")

    return frame.assign(side=look_up(spec.sides), country=look_up(spec.countries))


def count_actors(
    mentions: pd.DataFrame,
    quotes: pd.DataFrame | None = None,
    *,
    by: str | None = "outlet",
    articles: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Count mentions and attributed quotes per actor and group, side by side, with rates.

    Args:
        mentions: Output of ``extract_mentions``.
        quotes: Output of ``extract_quotes``; speakers that are actors are counted.
        by: Grouping column (``"outlet"``, ``"article_id"``), or None for the whole dump.
            A missing outlet is shown as ``UNKNOWN_OUTLET``.
        articles: Article frame for the word totals; defaults to ``mentions.attrs["articles"]``.
            Duplicates (``duplicate_of`` set) are left out.

    Returns:
        Columns: the group column (``group`` when ``by`` is None), ``actor``, ``type``,
        ``mentions``, ``articles`` (articles mentioning the actor), ``mentions_per_1k_words``,
        ``quotes``, ``direct_quotes``, ``quotes_per_1k_words``, sorted by group, mentions
        (descending), quotes (descending) and actor.
    """
    group = by or "group"
    corpus = articles if articles is not None else pd.DataFrame(mentions.attrs.get("articles") or {})
    if corpus.empty:
        corpus = pd.DataFrame({"article_id": [], "outlet": [], "n_words": []})
    if "duplicate_of" in corpus:
        corpus = corpus[corpus["duplicate_of"].isna()]
    words = _group_column(corpus, by).groupby(group)["n_words"].sum()
    mentioned = _group_column(mentions, by)
    counts = mentioned.groupby([group, "actor"]).agg(
        mentions=("article_id", "size"), articles=("article_id", "nunique"), type=("type", "first")
    )
    if quotes is not None:
        quoted = _group_column(quotes[quotes["speaker"].isin(set(mentions["actor"]))], by)
        quoted = quoted.rename(columns={"speaker": "actor"}).groupby([group, "actor"])
        counts = counts.join(
            pd.DataFrame({"quotes": quoted.size(), "direct_quotes": quoted["direct"].sum()}), how="outer"
        )
        kinds = mentions.drop_duplicates("actor").set_index("actor")["type"]
        counts["type"] = counts["type"].fillna(
            counts.index.get_level_values("actor").map(kinds).to_series(index=counts.index)
        )
    else:
        counts["quotes"] = 0
        counts["direct_quotes"] = 0
    counts = counts.reset_index()
    for column in ("mentions", "articles", "quotes", "direct_quotes"):
        counts[column] = counts[column].fillna(0).astype("int64")
    total = counts[group].map(words).astype("float64")
    counts["mentions_per_1k_words"] = (1000 * counts["mentions"] / total).round(3)
    counts["quotes_per_1k_words"] = (1000 * counts["quotes"] / total).round(3)
    columns = [group, "actor", "type", "mentions", "articles", "mentions_per_1k_words"]
    counts = counts[[*columns, "quotes", "direct_quotes", "quotes_per_1k_words"]]
    order = counts.sort_values([group, "mentions", "quotes", "actor"], ascending=[True, False, False, True])
    return order.reset_index(drop=True)


def count_sources(quotes: pd.DataFrame, *, by: str | None = "outlet") -> pd.DataFrame:
    """Count attributions per speaker kind (named, institution, anonymous, …) and group.

    Args:
        quotes: Output of ``extract_quotes``.
        by: Grouping column, or None for the whole dump.

    Returns:
        Columns: group, ``speaker_kind``, ``quotes``, ``share`` (of the group's attributions),
        with every kind listed for every group, sorted by group and ``SPEAKER_KINDS`` order.
    """
    group = by or "group"
    quoted = _group_column(quotes, by)
    table = pd.crosstab(quoted[group], quoted["speaker_kind"]).reindex(
        columns=list(SPEAKER_KINDS), fill_value=0
    )
    long = table.stack().rename("quotes").reset_index()
    long["share"] = (long["quotes"] / long.groupby(group)["quotes"].transform("sum")).fillna(0.0).round(3)
    long["speaker_kind"] = pd.Categorical(long["speaker_kind"], categories=list(SPEAKER_KINDS), ordered=True)
    long = long.sort_values([group, "speaker_kind"]).reset_index(drop=True)
    long["speaker_kind"] = long["speaker_kind"].astype("string")
    return long


def count_sides(
    quotes: pd.DataFrame, *, actors_file: Path | str | None = None, by: str | None = "outlet"
) -> pd.DataFrame:
    """Count attributions per speaker side (from the analyst file) and group.

    Args:
        quotes: Output of ``extract_quotes``.
        actors_file: The analyst file giving each actor's side; anonymous and unlisted
            speakers count as ``"unknown"``.
        by: Grouping column, or None for the whole dump.

    Returns:
        Columns: group, ``side``, ``quotes``, ``share`` (of the group's attributions), sorted by
        group, quotes (descending) and side.
    """
    group = by or "group"
    sided = _group_column(assign_sides(quotes, actors_file=actors_file), by)
    table = sided.groupby([group, "side"]).size().rename("quotes").reset_index()
    table["share"] = (table["quotes"] / table.groupby(group)["quotes"].transform("sum")).round(3)
    order = table.sort_values([group, "quotes", "side"], ascending=[True, False, True])
    return order.reset_index(drop=True)


def count_cooccurrences(mentions: pd.DataFrame, *, top: int = 25) -> pd.DataFrame:
    """Count, for the ``top`` most mentioned actors, the articles in which two of them appear.

    Args:
        mentions: Output of ``extract_mentions``.
        top: Number of actors (by mentions, ties by name) to pair up; bounds the cost.

    Returns:
        Columns ``source``, ``target`` (alphabetical within a pair), ``articles``, sorted by
        articles (descending), source, target.
    """
    ranked = mentions.groupby("actor").size().reset_index(name="n")
    keep = ranked.sort_values(["n", "actor"], ascending=[False, True]).head(top)["actor"]
    pairs = mentions.loc[mentions["actor"].isin(set(keep)), ["article_id", "actor"]].drop_duplicates()
    joined = pairs.merge(pairs, on="article_id", suffixes=("_a", "_b"))
    joined = joined.loc[joined["actor_a"] < joined["actor_b"]]
    table = joined.groupby(["actor_a", "actor_b"]).size().reset_index(name="articles")
    table = table.rename(columns={"actor_a": "source", "actor_b": "target"})
    order = table.sort_values(["articles", "source", "target"], ascending=[False, True, True])
    return order.reset_index(drop=True)


def list_aliases(mentions: pd.DataFrame) -> pd.DataFrame:
    """List, per actor, how the texts wrote it: the check that alias merging went right.

    Args:
        mentions: Output of ``extract_mentions``.

    Returns:
        Columns ``actor``, ``type``, ``mentions``, ``forms`` (distinct surfaces, most frequent
        first, joined by " | "), sorted by mentions (descending) and actor.
    """
    written = mentions.groupby(["actor", "surface"]).size().rename("n").reset_index()
    written = written.sort_values(["actor", "n", "surface"], ascending=[True, False, True])
    table = written.groupby("actor").agg(mentions=("n", "sum"), forms=("surface", " | ".join))
    table = table.join(mentions.drop_duplicates("actor").set_index("actor")["type"]).reset_index()
    order = table.sort_values(["mentions", "actor"], ascending=[False, True])
    return order[["actor", "type", "mentions", "forms"]].reset_index(drop=True)


def describe_actors(counts: pd.DataFrame, sources: pd.DataFrame, *, by: str = "outlet") -> list[str]:
    """Write one plain sentence per group: its most mentioned and most quoted actor and main source kind.

    Args:
        counts: Output of ``count_actors`` grouped ``by``.
        sources: Output of ``count_sources`` grouped ``by``.
        by: The grouping column of both tables.

    Returns:
        Sentences in group order.
    """
    sentences = []
    for name, table in counts.groupby(by, sort=True):
        top = table.iloc[0]
        quoted = table[table["quotes"] > 0].sort_values(["quotes", "actor"], ascending=[False, True])
        kinds = sources[(sources[by] == name) & (sources["quotes"] > 0)]
        kinds = kinds.sort_values(["quotes", "speaker_kind"], ascending=[False, True])
        sentence = f"{name}: most mentioned is {top['actor']} ({top['mentions']} mentions"
        sentence += f", {top['mentions_per_1k_words']:.1f} per 1,000 words)"
        if len(quoted):
            sentence += f"; most quoted is {quoted.iloc[0]['actor']} ({quoted.iloc[0]['quotes']})"
        if len(kinds):
            top_kind = kinds.iloc[0]
            sentence += f"; {top_kind['share']:.0%} of its attributions are {top_kind['speaker_kind']}"
        sentences.append(sentence + ".")
    return sentences


# --------------------------------------------------------------------------------------------
# Figures


def plot_top_actors(counts: pd.DataFrame, *, by: str = "outlet", n: int = 6):
    """Plot, per group, the ``n`` most mentioned actors: mentions vs quotes per 1,000 words.

    Args:
        counts: Output of ``count_actors`` grouped ``by`` (with quotes).
        by: The grouping column.
        n: Actors per group.

    Returns:
        A matplotlib Figure with one horizontal bar panel per group.
    """
    import matplotlib.pyplot as plt

    groups = sorted(counts[by].unique())
    figure, axes = plt.subplots(
        len(groups), 1, figsize=(6.5, 1.0 + 0.32 * n * len(groups)), dpi=100, squeeze=False
    )
    for axis, name in zip(axes[:, 0], groups, strict=True):
        table = counts[counts[by] == name].head(n).iloc[::-1]
        positions = np.arange(len(table))
        axis.barh(positions + 0.2, table["mentions_per_1k_words"], height=0.4, label="mentioned")
        axis.barh(positions - 0.2, table["quotes_per_1k_words"], height=0.4, label="quoted")
        axis.set_yticks(positions, table["actor"], fontsize=8)
        axis.set_title(str(name), fontsize=9, loc="left")
        axis.tick_params(axis="x", labelsize=8)
    axes[0, 0].legend(fontsize=8, loc="lower right")
    axes[-1, 0].set_xlabel("per 1,000 words", fontsize=8)
    figure.tight_layout()
    return figure


def plot_source_types(sources: pd.DataFrame, *, by: str = "outlet"):
    """Plot each group's attributions as shares of speaker kinds (stacked horizontal bars).

    Args:
        sources: Output of ``count_sources`` grouped ``by``.
        by: The grouping column.

    Returns:
        A matplotlib Figure.
    """
    import matplotlib.pyplot as plt

    table = sources.pivot(index=by, columns="speaker_kind", values="share").reindex(
        columns=list(SPEAKER_KINDS)
    )
    table = table.fillna(0.0).sort_index(ascending=False)
    figure, axis = plt.subplots(figsize=(6.5, 0.6 + 0.45 * len(table)), dpi=100)
    left = np.zeros(len(table))
    colors = plt.get_cmap("tab10").colors
    for index, kind in enumerate(SPEAKER_KINDS):
        axis.barh(table.index, table[kind], left=left, color=colors[index], label=kind)
        left += table[kind].to_numpy()
    axis.set_xlim(0, 1)
    axis.set_xlabel("share of attributions", fontsize=8)
    axis.tick_params(labelsize=8)
    axis.legend(
        fontsize=7,
        ncol=len(SPEAKER_KINDS),
        loc="upper center",
        bbox_to_anchor=(0.5, -0.35 - 0.1 / len(table)),
    )
    figure.tight_layout()
    return figure


def plot_cooccurrence(mentions: pd.DataFrame, *, top: int = 20, seed: int = 42):
    """Draw the co-occurrence network of the ``top`` most mentioned actors.

    Node size follows mentions; edge width follows the number of articles naming both.

    Args:
        mentions: Output of ``extract_mentions``.
        top: Number of actors drawn.
        seed: Seed of the spring layout.

    Returns:
        A matplotlib Figure.
    """
    import matplotlib.pyplot as plt
    import networkx as nx

    edges = count_cooccurrences(mentions, top=top)
    sizes = mentions.groupby("actor").size()
    graph = nx.Graph()
    ranked = sizes.reset_index(name="n").sort_values(["n", "actor"], ascending=[False, True]).head(top)
    graph.add_nodes_from(ranked["actor"])
    graph.add_weighted_edges_from(edges[["source", "target", "articles"]].itertuples(index=False))
    layout = nx.spring_layout(graph, seed=seed, weight="weight")
    figure, axis = plt.subplots(figsize=(7, 5), dpi=100)
    weights = np.array([graph.edges[edge]["weight"] for edge in graph.edges], dtype=float)
    widths = 0.5 + 3.0 * weights / weights.max() if len(weights) else []
    nx.draw_networkx_edges(graph, layout, ax=axis, width=widths, alpha=0.35)
    node_sizes = [60 + 600 * sizes[node] / sizes.max() for node in graph.nodes]
    nx.draw_networkx_nodes(graph, layout, ax=axis, node_size=node_sizes, node_color="#4c72b0", alpha=0.8)
    nx.draw_networkx_labels(graph, layout, ax=axis, font_size=7)
    axis.set_axis_off()
    figure.tight_layout()
    return figure


# --------------------------------------------------------------------------------------------
# Pipeline


@dataclass
class _Mention:
    start: int
    end: int
    label: str
    priority: int
    key: str = ""
    link: str = ""  # key this mention refers to (its own, or the full name it abbreviates)
    full: bool = False  # written with two or more words (after titles are stripped)


def choose_method(distinct: pd.DataFrame) -> str:
    """Return the actor path ``method="auto"`` takes for these non-duplicate articles.

    ``"full"`` up to ``FULL_PATH_MAX_WORDS`` words (``n_words``, else counted in ``text``), else ``"fast"``.
    """
    words = (
        distinct["n_words"]
        if "n_words" in distinct
        else distinct["text"].fillna("").astype(str).map(count_words)
    )
    return "full" if int(words.sum()) <= FULL_PATH_MAX_WORDS else "fast"


def _analyse_cached(articles: pd.DataFrame, actors_file, method: str, show_progress: bool):
    """``_analyse`` through the result cache, keyed by the articles, the actors file, method and code.

    Mentions and quotes are computed together (quotes need the mentions to name speakers), so
    ``extract_mentions`` followed by ``extract_quotes`` computes once.
    """
    if method not in ("auto", "full", "fast"):
        raise ValueError(f"method must be 'auto', 'full' or 'fast', not {method!r}")
    corpus = _corpus(articles)
    if method == "auto":
        method = choose_method(corpus)
    path = Path(actors_file) if actors_file is not None else None
    analyst = path.read_text(encoding="utf-8") if path is not None and path.is_file() else ""
    sample = str(SAMPLE_ARTICLES) if method == "fast" else ""
    digest = hash_rows(corpus, ["article_id", "outlet", "n_words", "text"])
    key = hash_text(code_version(), default_pipeline_id(), method, sample, analyst, digest)
    return cached_result(
        "actor_results",
        key,
        lambda: _analyse(corpus, load_actor_file(actors_file), method, show_progress),
    )


def _analyse(corpus: pd.DataFrame, spec: ActorSpec, method: str, show_progress: bool):
    texts = corpus["text"].tolist()
    lexicon = load_lexicon()
    acronyms = _collect_acronyms(texts)
    if method == "full":
        docs = parse_texts(texts, show_progress=show_progress)
        per_article = [
            _resolve_article(text, _ner_mentions(text, doc, lexicon), lexicon, spec, acronyms, doc)
            for text, doc in zip(tqdm(texts, desc="actors", disable=not show_progress), docs, strict=True)
        ]
    else:
        docs = None
        per_article = _fast_mentions(corpus, texts, lexicon, spec, acronyms, show_progress)
    names, kinds = _cluster(per_article, texts, lexicon, spec, acronyms)
    mentions = _mention_frame(corpus, texts, per_article, names, kinds)
    # Plain lists, not a frame: pandas compares attrs when merging and cannot compare frames.
    mentions.attrs["articles"] = {
        "article_id": corpus["article_id"].astype(str).tolist(),
        "outlet": [None if pd.isna(outlet) else str(outlet) for outlet in corpus["outlet"]],
        "n_words": corpus["n_words"].astype(int).tolist(),
    }
    # The fast path attributes by word order: parsing every speech sentence of a large dump took
    # longer than all other stages together (about 500 sentences a second).
    return mentions, _quote_frame(corpus, texts, docs, mentions, names, lexicon, show_progress)


def _corpus(articles: pd.DataFrame) -> pd.DataFrame:
    """Return the non-duplicate articles with text, outlet and word count."""
    keep = articles if "duplicate_of" not in articles else articles[articles["duplicate_of"].isna()]
    keep = keep.assign(text=keep["text"].fillna("").astype(str))
    if "n_words" not in keep:
        keep = keep.assign(n_words=keep["text"].map(count_words))
    return keep.sort_values("article_id").reset_index(drop=True)


def _group_column(frame: pd.DataFrame, by: str | None) -> pd.DataFrame:
    if by is None:
        return frame.assign(group="all")
    if by == "outlet":
        return frame.assign(outlet=frame["outlet"].astype("string").fillna(UNKNOWN_OUTLET))
    return frame


def _ner_mentions(text: str, doc, lexicon: Lexicon) -> list[_Mention]:
    return [
        _Mention(entity.start_char, entity.end_char, entity.label_, 1)
        for entity in doc.ents
        if entity.label_ in lexicon.entity_types
    ]


def _collect_acronyms(texts: Iterable[str]) -> dict[str, list[tuple[str, str]]]:
    """Map each acronym to the ``(long key, long form)`` pairs written as "Long Form (LF)"."""
    found: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for text in texts:
        for acronym, (start, end) in _acronym_definitions(text):
            found[acronym].add((name_key(text[start:end]), text[start:end]))
    return {acronym: sorted(pairs) for acronym, pairs in found.items()}


def _acronym_definitions(text: str) -> list[tuple[str, tuple[int, int]]]:
    definitions = []
    for match in _ACRONYM.finditer(text):
        letters = [char for char in match.group(1) if char.isupper()]
        before = text[max(0, match.start() - 200) : match.start()].rstrip()
        base = match.start() - 200 if match.start() > 200 else 0
        words = list(_WORD.finditer(before))
        for size in range(1, min(len(words), 12) + 1):
            chosen = words[-size:]
            parts = [part for word in chosen for part in re.split(r"[-\u2019']", word.group()) if part]
            initials = [part[0] for part in parts if part[0].isupper()]
            if initials == letters and chosen[0].group()[0].isupper():
                definitions.append((match.group(1), (base + chosen[0].start(), base + chosen[-1].end())))
                break
    return definitions


def _spec_type(spec: ActorSpec, surface: str) -> str:
    return spec.types.get(spec.canonical.get(name_key(surface), ""), "")


@functools.cache
def _spec_matcher(surfaces: tuple[str, ...]):
    import ahocorasick

    automaton = ahocorasick.Automaton()
    for surface in surfaces:
        automaton.add_word(surface, surface)
    if len(automaton):
        automaton.make_automaton()
    return automaton


def _match_surfaces(text: str, automaton, labels: dict[str, str], priority: int) -> list[_Mention]:
    """Find whole-word, case-sensitive occurrences of the automaton's surfaces."""
    if not len(automaton):
        return []
    found = []
    for end, surface in automaton.iter(text):
        start = end + 1 - len(surface)
        if _whole_word(text, start, end + 1):
            found.append(_Mention(start, end + 1, labels.get(surface, "ORG"), priority))
    return found


def _whole_word(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not (_WORD_CHAR.match(before) or before == "-" or _WORD_CHAR.match(after) or after == "-")


def _select(candidates: list[_Mention]) -> list[_Mention]:
    """Keep non-overlapping mentions, preferring higher priority, then longer spans."""
    chosen: list[_Mention] = []
    starts: list[int] = []  # the chosen spans, disjoint, sorted by start
    ends: list[int] = []
    for mention in sorted(candidates, key=lambda m: (-m.priority, -(m.end - m.start), m.start)):
        at = bisect.bisect_right(starts, mention.start)
        if (at and ends[at - 1] > mention.start) or (at < len(starts) and starts[at] < mention.end):
            continue
        chosen.append(mention)
        starts.insert(at, mention.start)
        ends.insert(at, mention.end)
    return sorted(chosen, key=lambda m: m.start)


def _resolve_article(
    text: str,
    candidates: list[_Mention],
    lexicon: Lexicon,
    spec: ActorSpec,
    acronyms: dict[str, list[tuple[str, str]]],
    doc=None,
) -> list[_Mention]:
    """Clean, de-overlap and link one article's mentions (short forms -> earlier full names)."""
    extra = [
        _Mention(
            m.start,
            m.end,
            _spec_type(spec, text[m.start : m.end]) or _overlapping_label(candidates, m) or "ORG",
            3,
        )
        for m in _match_surfaces(text, _spec_matcher(spec.surfaces), {}, 3)
        if not any(
            c.start <= m.start and m.end <= c.end and c.end - c.start > m.end - m.start for c in candidates
        )
    ]
    extra += [_Mention(start, end, "ORG", 2) for _, (start, end) in _acronym_definitions(text)]
    selected = _select(candidates + extra)
    if doc is not None:
        selected = _select(selected + _repeats(text, selected))
    mentions = []
    for mention in selected:
        mention.start, mention.end = _trim_mention(text, mention.start, mention.end)
        display = _display_name(text[mention.start : mention.end], person=mention.label == "PERSON")
        mention.key = name_key(display)
        mention.full = len(display.split()) > 1
        if mention.key and mention.key not in lexicon.ignore and mention.end > mention.start:
            mentions.append(mention)
    full_names = {m.key for m in mentions if m.label == "PERSON" and m.full}
    earlier: set[str] = set()  # full person names written before the current mention
    for mention in mentions:
        mention.link = mention.key
        if mention.full:
            if mention.label == "PERSON":
                earlier.add(mention.key)
            continue
        if mention.key in spec.canonical or mention.key in acronyms:
            continue
        target = _unique_holder(mention.key, earlier) or _unique_holder(mention.key, full_names)
        if target:
            mention.link, mention.label = target, "PERSON"
    if doc is not None:
        mentions = sorted(mentions + _role_references(text, doc, mentions, lexicon), key=lambda m: m.start)
    return mentions


def _repeats(text: str, mentions: list[_Mention]) -> list[_Mention]:
    """Return the other whole-word occurrences of names recognised somewhere in the article.

    NER often tags a name once and misses it when it opens a later sentence.
    """
    labels = {text[m.start : m.end]: m.label for m in mentions if m.end - m.start > 1}
    return [
        _Mention(match.start(), match.end(), label, 0)
        for surface, label in sorted(labels.items())
        for match in re.finditer(re.escape(surface), text)
        if _whole_word(text, match.start(), match.end())
    ]


def _overlapping_label(candidates: list[_Mention], mention: _Mention) -> str:
    labels = [m.label for m in candidates if m.start < mention.end and mention.start < m.end]
    return labels[0] if labels else ""


def _trim_mention(text: str, start: int, end: int) -> tuple[int, int]:
    surface = text[start:end]
    article = _ARTICLE.match(surface)
    if article:
        start += article.end()
    possessive = _POSSESSIVE.search(text[start:end])
    if possessive and end - start > possessive.end() - possessive.start():
        end -= possessive.end() - possessive.start()
    return start, end


def _unique_holder(short: str, names: set[str]) -> str:
    """Return the one full name holding the words of ``short`` (a name ending in them preferred)."""
    words = short.split()
    holders = sorted(name for name in names if _contains(name.split(), tuple(words)))
    if len(holders) > 1:
        holders = [name for name in holders if name.split()[-len(words) :] == words]
    return holders[0] if len(holders) == 1 else ""


def _role_references(text: str, doc, mentions: list[_Mention], lexicon: Lexicon) -> list[_Mention]:
    """Resolve "the <role>" to the one person introduced earlier in the article with that role.

    A role introduces a person when it modifies the name in the dependency parse (compound,
    modifier or apposition: "Pakistan's defence minister Khawaja Asif", "Baradar, the deputy
    prime minister"). A reference is "the <role>" or "<Name>'s <role>" not followed by a name.
    If two people were introduced with the role before the reference, it stays unresolved.
    """
    introductions: dict[tuple[str, ...], list[tuple[int, str]]] = defaultdict(list)
    for mention in mentions:
        if mention.label != "PERSON":
            continue
        span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
        if span is None:
            continue
        inside = {token.i for token in span}
        phrases = [
            list(token.subtree)
            for token in doc[max(0, span.start - 12) : min(len(doc), span.end + 12)]
            if token.i not in inside and token.head.i in inside and token.dep_ in _ROLE_DEPS
        ]
        if span.root.dep_ in _ROLE_DEPS and span.root.head.i not in inside:  # "the minister, Asif"
            head = span.root.head
            phrases.append(list(doc[head.left_edge.i : head.i + 1]))
        for phrase in phrases:
            words = [lexicon.variants.get(t.lower_, t.lower_) for t in phrase]
            role = next((role for role in lexicon.roles if _contains(words, role)), None)
            if role:
                introductions[role].append((mention.start, mention.link))
    references = []
    taken = [(m.start, m.end) for m in mentions]
    for role, people in sorted(introductions.items()):
        for match in _role_pattern(role).finditer(text):
            start, end = match.span("role")
            before = {link for position, link in people if position < start}
            if len(before) != 1 or any(start < b and a < end for a, b in taken):
                continue
            link = before.pop()
            references.append(_Mention(start, end, "PERSON", 0, link, link))
    return references


@functools.cache
def _role_pattern(role: tuple[str, ...]) -> re.Pattern:
    spellings = defaultdict(list)
    for word, head in load_lexicon().variants.items():
        spellings[head].append(word)
    words = ["(?:" + "|".join(sorted(map(re.escape, spellings.get(word, [word])))) + ")" for word in role]
    return re.compile(
        r"\b(?:the|(?-i:[A-Z])[\w-]*['\u2019]s)\s+(?P<role>"
        + r"\s+".join(words)
        + r")\b(?!\s*,?\s*(?-i:[A-Z]))",
        re.IGNORECASE,
    )


def _contains(words: list[str], phrase: tuple[str, ...]) -> bool:
    size = len(phrase)
    return any(tuple(words[index : index + size]) == phrase for index in range(len(words) - size + 1))


class _Clusters:
    """Union-find over name keys that refuses unions joining a never-merge pair."""

    def __init__(self, never: list[tuple[str, str]]):
        self.parent: dict[str, str] = {}
        self.members: dict[str, set[str]] = {}
        self.never = never

    def find(self, key: str) -> str:
        self.parent.setdefault(key, key)
        self.members.setdefault(key, {key})
        while self.parent[key] != key:
            self.parent[key] = self.parent[self.parent[key]]
            key = self.parent[key]
        return key

    def union(self, a: str, b: str) -> bool:
        root_a, root_b = self.find(a), self.find(b)
        if root_a == root_b:
            return True
        for left, right in self.never:
            if (left in self.members[root_a] and right in self.members[root_b]) or (
                right in self.members[root_a] and left in self.members[root_b]
            ):
                return False
        keep, drop = sorted((root_a, root_b))
        self.parent[drop] = keep
        self.members[keep] |= self.members.pop(drop)
        return True


def _cluster(per_article, texts, lexicon: Lexicon, spec: ActorSpec, acronyms):
    """Merge the linked keys of all articles into actors; return key -> (name, type) maps."""
    never = [tuple(name_key(name, person=True) for name in pair) for pair in spec.never_merge]
    clusters = _Clusters([(a, b) for a, b in never])
    labels: dict[str, Counter] = defaultdict(Counter)
    surfaces: dict[str, Counter] = defaultdict(Counter)
    for text, mentions in zip(texts, per_article, strict=True):
        for mention in mentions:
            clusters.find(mention.link)
            labels[mention.link][mention.label] += 1
            if mention.priority > 0 and mention.link == mention.key:
                display = _display_name(text[mention.start : mention.end], person=mention.label == "PERSON")
                surfaces[mention.key][display] += 1
    anchors = {}
    for key, name in sorted(spec.canonical.items()):
        anchor = anchors.setdefault(name, name_key(name, person=True))
        clusters.union(anchor, key)
    for acronym, longs in sorted(acronyms.items()):
        if len({key for key, _ in longs}) == 1:
            clusters.union(name_key(longs[0][0]), name_key(acronym))
    people = sorted(
        (key for key, counter in labels.items() if " " in key and counter["PERSON"] > 0),
        key=lambda key: (-len(key.split()), key),
    )
    for key in people:
        words = key.split()
        roots = {
            clusters.find(other)
            for other in people
            if len(other.split()) > len(words) and _sub_name(words, other.split())
        }
        if len(roots) == 1:
            clusters.union(roots.pop(), key)
    for key in sorted(key for key, counter in labels.items() if " " not in key and counter["PERSON"] > 0):
        roots = {clusters.find(name) for name in people if name.split()[-1] == key}
        if len(roots) == 1:
            clusters.union(roots.pop(), key)
    members: dict[str, list[str]] = defaultdict(list)
    for key in list(clusters.parent):
        members[clusters.find(key)].append(key)
    names, kinds = {}, {}
    for root, keys in members.items():
        canonical = next((spec.canonical[key] for key in sorted(keys) if key in spec.canonical), None)
        label_counts = sum((labels[key] for key in keys), Counter())
        written = sum((surfaces[key] for key in keys), Counter())
        name = canonical or _preferred_name(written, root)
        kind = spec.types.get(name) or _majority(label_counts)
        for key in keys:
            names[key], kinds[key] = name, kind
    return names, kinds


def _sub_name(short: list[str], long: list[str]) -> bool:
    """True when ``short`` is ``long`` with words left out, same first word, same last word or a prefix."""
    if short[0] != long[0] or not (short[-1] == long[-1] or long[: len(short)] == short):
        return False
    position = 0
    for word in long:
        if position < len(short) and word == short[position]:
            position += 1
    return position == len(short)


def _preferred_name(written: Counter, fallback: str) -> str:
    """Pick the most frequent full form (spellings pooled), then its most frequent spelling."""
    if not written:
        return fallback
    multiword = [name for name in written if len(name.split()) > 1 or "-" in name]
    pooled: Counter = Counter()
    for name in multiword or list(written):
        pooled[name_key(name)] += written[name]
    key = min(pooled, key=lambda key: (-pooled[key], -len(key), key))
    spellings = [name for name in multiword or list(written) if name_key(name) == key]
    return min(spellings, key=lambda name: (-written[name], name))


def _majority(counter: Counter) -> str:
    return min(counter, key=lambda label: (-counter[label], label)) if counter else "ORG"


def _mention_frame(corpus, texts, per_article, names, kinds) -> pd.DataFrame:
    rows = [
        (article_id, outlet, names[m.link], text[m.start : m.end], kinds[m.link], m.start, m.end)
        for article_id, outlet, text, mentions in zip(
            corpus["article_id"], corpus["outlet"], texts, per_article, strict=True
        )
        for m in mentions
    ]
    frame = pd.DataFrame(rows, columns=MENTION_COLUMNS)
    frame = frame.astype({"start": "int64", "end": "int64"})
    for column in ("article_id", "outlet", "actor", "surface", "type"):
        frame[column] = frame[column].astype("string")
    return frame.sort_values(["article_id", "start", "end"]).reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# Fast path


def _fast_mentions(corpus, texts, lexicon, spec, acronyms, show_progress):
    """NER on a sample to learn surface forms, then pattern matching over every article."""
    import ahocorasick

    picked = sample_articles(corpus, n=SAMPLE_ARTICLES).index.tolist()  # corpus has a RangeIndex
    docs = parse_texts([texts[index] for index in picked], show_progress=show_progress)
    labels: dict[str, Counter] = defaultdict(Counter)
    for index, doc in zip(picked, docs, strict=True):
        for mention in _resolve_article(
            texts[index], _ner_mentions(texts[index], doc, lexicon), lexicon, spec, acronyms
        ):
            surface = texts[index][mention.start : mention.end]
            if len(surface) > 1 and any(char.isupper() for char in surface):
                labels[surface][mention.label] += 1
    for acronym, longs in acronyms.items():
        for _, long_form in longs:
            labels[long_form]["ORG"] += 1
        labels[acronym]["ORG"] += 1
    automaton = ahocorasick.Automaton()
    for surface in sorted(labels):
        automaton.add_word(surface, surface)
    if len(automaton):
        automaton.make_automaton()
    shared = {
        "automaton": automaton,
        "labels": {surface: _majority(counter) for surface, counter in labels.items()},
        "lexicon": lexicon,
        "spec": spec,
        "acronyms": acronyms,
    }
    processes = count_processes(sum(map(len, texts)), min_chars=PARALLEL_MIN_CHARS)
    return map_items(
        _match_article,
        texts,
        shared=shared,
        processes=processes,
        desc="actors (fast)",
        show_progress=show_progress,
    )


def _match_article(
    text: str, *, automaton, labels, lexicon: Lexicon, spec: ActorSpec, acronyms
) -> list[_Mention]:
    """The fast path's mentions of one article: the sample's surface forms, found and resolved."""
    return _resolve_article(text, _match_surfaces(text, automaton, labels, 1), lexicon, spec, acronyms)


# --------------------------------------------------------------------------------------------
# Quotes


class NamedMention(NamedTuple):
    """One row of a mention table, without its article: offsets into ``text``, actor, entity type."""

    start: int
    end: int
    actor: str
    type: str


def group_mentions(mentions: pd.DataFrame) -> dict[str, list[NamedMention]]:
    """Return a mention table's rows as plain tuples per ``article_id``, in table order.

    Per-article work over a large dump reads these instead of one small frame per article,
    which costs milliseconds per article to build and to index.
    """
    by_article: dict[str, list[NamedMention]] = defaultdict(list)
    columns = ["article_id", "start", "end", "actor", "type"]
    for article_id, *mention in zip(*(mentions[column].tolist() for column in columns), strict=True):
        by_article[article_id].append(NamedMention(*mention))
    return by_article


def _quote_frame(corpus, texts, docs, mentions: pd.DataFrame, names, lexicon: Lexicon, show_progress: bool):
    """One row per attribution: from the parses ``docs``, or by word-order rules when ``None``."""
    by_article = group_mentions(mentions)
    named = [by_article.get(article_id, []) for article_id in corpus["article_id"]]
    if docs is None:
        items = list(zip(texts, named, [None] * len(texts), strict=True))
        processes = count_processes(sum(map(len, texts)), min_chars=PARALLEL_MIN_CHARS)
    else:  # parses stay in this process: pickling them costs more than attributing
        items = list(zip(texts, named, docs, strict=True))
        processes = 1
    found = map_items(
        _article_quotes,
        items,
        shared={"names": names, "lexicon": lexicon},
        processes=processes,
        desc="quotes",
        show_progress=show_progress,
    )
    rows = [
        (article_id, outlet, *row)
        for article_id, outlet, article_rows in zip(
            corpus["article_id"], corpus["outlet"], found, strict=True
        )
        for row in article_rows
    ]
    frame = pd.DataFrame(rows, columns=QUOTE_COLUMNS)
    frame = frame.astype({"direct": "bool", "start": "int64", "end": "int64"})
    for column in ("article_id", "outlet", "speaker", "speaker_kind", "cue", "content"):
        frame[column] = frame[column].astype("string")
    return frame.sort_values(["article_id", "start", "end"]).reset_index(drop=True)


def _article_quotes(item, *, names: dict[str, str], lexicon: Lexicon) -> list[tuple]:
    """The quote rows of one article ``(text, named mentions, parse or None)``, without its ids."""
    text, named, doc = item
    quotes = [
        span
        for span in find_quote_spans(text)
        if count_words(text[span[0] : span[1]]) >= lexicon.min_quote_words
    ]
    if doc is None:
        sentences = split_sentences(text)
        found = find_attributions_by_rule(
            text, sentences=sentences, quotes=quotes, rules=lexicon.attribution_rules
        )
    else:
        found = find_attributions(doc, text, offset=0, quotes=quotes, speech_verbs=lexicon.speech_verbs)
    rows = []
    previous: list[tuple[str, str]] = []
    for attribution in found:
        speaker, kind = _speaker(attribution, named, quotes, previous, names, lexicon)
        previous.append((speaker, kind))
        start, end = attribution.content_start, attribution.content_end
        rows.append((speaker, kind, attribution.cue, text[start:end], attribution.direct, start, end))
    return rows


def _speaker(
    attribution, mentions: list[NamedMention], quotes, previous, names, lexicon: Lexicon
) -> tuple[str, str]:
    """Name the speaker of one attribution and say what kind of source it is.

    An unnamed institution phrase ("the foreign office") takes the name of an actor with the
    same name key, or of an organisation or person named after it ("a report by VOA").
    """
    head = attribution.head_lemma
    if head in lexicon.pronouns:
        if lexicon.pronouns[head] == "person":
            before = [
                m
                for m in mentions
                if m.end <= attribution.speaker_start
                and m.type == "PERSON"
                and _outside_quotes(m.start, quotes)
            ]
            if before:
                return before[-1].actor, "pronoun-resolved"
        else:
            groups = [speaker for speaker, kind in previous if kind in ("institution", "anonymous")]
            if groups:
                return groups[-1], "pronoun-resolved"
        return head, "unresolved"
    inside = [m for m in mentions if m.start < attribution.speaker_end and m.end > attribution.speaker_start]
    on_head = [m for m in inside if m.start <= attribution.head_start and m.end >= attribution.head_end]
    if on_head:
        return _actor_kind(on_head[0])
    phrase = attribution.phrase.lower()
    if head in lexicon.anonymous_heads:
        return phrase, "anonymous"
    if head in lexicon.institution_heads:
        after = [m for m in inside if m.start >= attribution.head_end and m.type in ("ORG", "PERSON")]
        if after:
            return _actor_kind(after[0])
        return names.get(name_key(phrase), phrase), "institution"
    people = [m for m in inside if m.type == "PERSON"]
    if people or inside:
        return _actor_kind((people or inside)[0])
    return phrase, "unresolved"


def _actor_kind(mention: NamedMention) -> tuple[str, str]:
    return mention.actor, "named" if mention.type == "PERSON" else "institution"


def _outside_quotes(position: int, quotes) -> bool:
    return not any(start <= position < end for start, end in quotes)
