"""Synthetic news dumps of any size for benchmarks and scale tests.

The prose is the seed dump's own prose, recombined: every sentence of the loaded seed articles
becomes a template in which spaCy's names, places, organisations and numbers, and the regular
content words (tags NN, NNS, JJ, VBD, VBN, VBG, RB), are slots. Each of 8-15 invented stories
has its own cast and its own keyword pool drawn from the packaged MiniLM model's word list, so
topic models find structure; each article draws its own mix of templates and fillers, so
articles are never near-copies of each other unless a copy is planted on purpose (5%).

The dump looks like a real scrape: 10-30 invented outlets, each with its own page chrome
("Short Url", "Updated ...", "Follow", comment blocks, footers, "Read ..." links, photo
captions "(... via AP)"), repeated headlines, multi-article pages, ``.txt`` pages in monthly
folders, ``.html`` pages, news-please ``.jsonl`` and Media Cloud ``.csv`` batches, a few
cp1252/CRLF/BOM files, and a ``manifest.csv`` naming outlet, URL and date for most page files.

Run ``python -m benchmarks.synthetic OUT_DIR --n 1000 [--seed 0]``.
"""

from __future__ import annotations

import argparse
import csv
import functools
import html
import io
import json
import random
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

START = datetime(2023, 1, 2)
SPAN_DAYS = 118  # dates spread over about four months
DUPLICATE_SHARE = 0.05
MANIFEST_SHARE = 0.85  # page files (txt, html) listed in manifest.csv
MULTI_PAGE_SHARE = 0.04  # txt pages that hold 2-3 articles
FORMAT_WEIGHTS = {"txt": 0.76, "html": 0.08, "jsonl": 0.09, "csv": 0.07}
ODD_ENCODING_SHARE = 0.03  # each of cp1252, CRLF line ends and UTF-8 BOM among txt files
SWAP_SHARE = (0.45, 0.75)  # range of the share of content words replaced, drawn per article
WORDS_PER_CLASS = 30  # story keywords per word class
_RECORD_FORMATS = ("jsonl", "csv")

_SLOT_ENTITIES = {
    "PERSON": "person",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
    "ORG": "org",
    "NORP": "group",
    "DATE": "numeric",
    "TIME": "numeric",
    "CARDINAL": "numeric",
    "MONEY": "numeric",
    "PERCENT": "numeric",
    "QUANTITY": "numeric",
}
# Penn tag -> word class; a word is swapped only for words of its class (same inflection).
_TAG_CLASSES = {
    "NN": "noun",
    "NNS": "nouns",
    "JJ": "adj",
    "VBD": "ed",
    "VBN": "ed",
    "VBG": "ing",
    "RB": "adv",
}
_CLASS_TESTS: dict[str, Callable[[str], bool]] = {
    "ing": lambda w: w.endswith("ing") and len(w) >= 6,
    "ed": lambda w: w.endswith("ed") and len(w) >= 5,
    "adv": lambda w: w.endswith("ly") and len(w) >= 5,
    "adj": lambda w: w.endswith(
        ("al", "ive", "ous", "ful", "ic", "able", "ible", "less", "ary", "ent", "ant")
    ),
    "nouns": lambda w: w.endswith(
        ("tions", "ments", "ers", "ors", "ies", "ists", "ances", "ences", "ts", "ds")
    ),
    "noun": lambda w: w.endswith(
        ("tion", "sion", "ment", "ness", "ity", "ance", "ence", "ship", "ism", "er", "or")
    ),
}
# Kept out of generated news copy (the model word list is web text).
_EXCLUDED_WORDS = frozenset(
    "fucking fucked bullshit shitty sexy sexual sexually sexuality homosexual heterosexual bisexual "
    "raped pornography pornographic penis tits whores bitches".split()
)
_WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
_MONTHS = "January February March April May June July August September October November December".split()
_CALENDAR = re.compile(r"\b(?:%s)\b" % "|".join(_WEEKDAYS + _MONTHS))  # noqa: UP031 - a regex, not text
_DIGITS = re.compile(r"\d+")
_ONSETS = "b d f g h k l m n p r s t v z br dr kh sh st tr gr j y".split()
_VOWELS = "a e i o u a e o ai ou ee ia".split()
_CODAS = ["", "", "", "n", "r", "l", "s", "m", "k", "d", "sh"]
_MASTHEADS = (
    "Herald Tribune Times Post Gazette Observer Chronicle Courier Standard Dispatch Ledger Sentinel".split()
)
_ORG_HEADS = "Front Council Alliance Movement Authority Commission Party Agency Union Forum Corps".split()
_TITLE_TAIL = re.compile(
    r"(?:\s+(?:the|a|an|of|to|in|on|at|for|and|or|with|by|as|from|that|its|his|her))+$", re.I
)
_HEADERS = (
    "Short Url",
    "Updated {date}",
    "Follow",
    "Share",
    "Published: {date}",
    "Last updated: {date}",
    "Share this article",
    "Listen to this article",
    "{minutes} min read",
    "Advertisement",
    "Published on {date}",
)
_FOOTERS = (
    (
        "COMMENTS",
        "Comments are moderated and generally will be posted if they are on-topic and not abusive.",
        "For more information, please see our Comments FAQ",
    ),
    ("© {year} {outlet}. All rights reserved.",),
    ("Subscribe to our newsletter for the latest updates from {outlet}",),
    ("Follow us on Twitter @{slug} for the latest news",),
    ("Read all the latest news from {outlet} here. Follow us on Facebook, Twitter and Instagram.",),
    (),
)
_RELATED = ("Read {title}", "READ MORE: {title}", "Also Read: {title}", "RELATED: {title}")
_CREDITS = ("({org} via AP)", "(AP Photo/{person})", "(Reuters)", "(AFP)", "(File Photo)")
_DATE_FORMATS = (
    lambda d: f"{d.day} {d:%B %Y}",
    lambda d: f"{d:%B} {d.day}, {d:%Y}",
    lambda d: f"{d:%Y-%m-%d}",
    lambda d: f"{d:%b} {d.day}, {d:%Y} {d:%I:%M %p}",
)
_HTML_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{title} | {outlet}</title>
<meta property="og:title" content="{title}">
<meta property="og:site_name" content="{outlet}">
<meta property="article:published_time" content="{published}">
<meta name="description" content="{summary}">
<link rel="canonical" href="{url}">
<style>body{{font-family:Georgia,serif}} .ad{{display:none}}</style>
<script>window.dataLayer=window.dataLayer||[];window.dataLayer.push({{"page":"article"}});</script>
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/politics">Politics</a></nav>
<div class="ad">Advertisement</div>
<article><h1>{title}</h1>
<p class="byline">By {author} | {shown_date}</p>
{body}
</article>
<aside><h3>Most read</h3><ul>{related}</ul></aside>
<footer><p>&copy; {year} {outlet}. All rights reserved.</p></footer>
</body></html>
"""


@dataclass(frozen=True)
class _Outlet:
    name: str
    domain: str
    title_style: str  # "repeat" (headline, chrome, headline), "single" or "none"
    paragraph_sep: str
    headers: tuple[str, ...]
    footer: tuple[str, ...]
    date_format: int
    caption_share: float
    bullets: bool
    dateline: bool
    related: str | None
    self_reference_share: float
    byline: bool


@dataclass
class _Story:
    persons: list[str]
    places: list[str]
    orgs: list[tuple[str, str]]
    pools: dict[str, list[str]]  # slot kind -> fillers (person, surname, place, group, proper)
    words: dict[str, list[str]]
    templates: list[tuple]
    peak: datetime


@dataclass
class _Article:
    outlet: _Outlet
    title: str
    summary: list[str]
    paragraphs: list[str]
    published: datetime
    url: str
    author: str
    caption: str | None = None
    related_title: str | None = None


@dataclass
class _Stats:
    files: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FORMAT_WEIGHTS, 0))
    articles: int = 0
    duplicates: int = 0
    multi_article_pages: int = 0
    articles_in_multi_pages: int = 0
    manifest_rows: int = 0
    bytes: int = 0
    duplicate_pairs: list[dict[str, str]] = field(default_factory=list)


def write_synthetic_dump(folder: str | Path, *, n_articles: int, seed: int = 0) -> dict[str, Any]:
    """Write a synthetic news dump of ``n_articles`` articles into ``folder``, file by file.

    The same ``n_articles`` and ``seed`` always give byte-identical files. About 5% of the
    articles are planted near-duplicates (a syndicated or republished copy of an earlier
    article with small edits, under the same or another outlet, in any format).

    Args:
        folder: Output folder; created if missing, must be empty.
        n_articles: Number of articles, planted duplicates included (at least 1).
        seed: Random seed.

    Returns:
        Summary: ``seed``, ``files`` (total), ``files_by_format``, ``articles``, ``duplicates``,
        ``multi_article_pages``, ``articles_in_multi_pages``, ``manifest_rows``, ``bytes``,
        ``outlets`` (sorted names), ``domains`` (outlet -> web domain) and ``duplicate_pairs``:
        one dict per planted copy with ``file`` (the copy's file), ``original_file`` and
        ``snippet``, a sentence found in both texts.

    Raises:
        ValueError: When ``n_articles`` < 1 or ``folder`` is not empty.
    """
    if n_articles < 1:
        raise ValueError(f"n_articles must be at least 1, got {n_articles}")
    root = Path(folder)
    if root.exists() and any(root.iterdir()):
        raise ValueError(f"output folder is not empty: {root}")
    root.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    world = _World(rng)
    stats = _Stats()
    writer = _Writer(root, rng, stats)
    n_duplicates = round(n_articles * DUPLICATE_SHARE) if n_articles >= 20 else 0
    n_originals = n_articles - n_duplicates
    to_copy = set(rng.sample(range(n_originals), n_duplicates))
    made = 0
    try:
        while made < n_originals:
            outlet = rng.choice(world.outlets)
            fmt = _pick(rng, FORMAT_WEIGHTS)
            size = 1
            if fmt == "txt" and rng.random() < MULTI_PAGE_SHARE:
                size = min(rng.randint(2, 3), n_originals - made)
            articles = [world.article(rng, outlet) for _ in range(size)]
            location = writer.write_page(articles) if size > 1 else writer.write(articles[0], fmt)
            for article in articles:
                if made in to_copy:
                    copy, snippet = world.copy(rng, article)
                    copy_fmt = _pick(rng, FORMAT_WEIGHTS)
                    if copy_fmt == fmt and size == 1 and fmt in _RECORD_FORMATS:
                        copy_fmt = "txt"  # never in the same batch file: the pair must be told apart
                    copy_location = writer.write(copy, copy_fmt)
                    stats.duplicate_pairs.append(
                        {"file": copy_location, "original_file": location, "snippet": snippet}
                    )
                    stats.duplicates += 1
                made += 1
    finally:
        writer.close()
    return {
        "seed": seed,
        "files": sum(stats.files.values()),
        "files_by_format": dict(sorted(stats.files.items())),
        "articles": stats.articles,
        "duplicates": stats.duplicates,
        "multi_article_pages": stats.multi_article_pages,
        "articles_in_multi_pages": stats.articles_in_multi_pages,
        "manifest_rows": stats.manifest_rows,
        "bytes": stats.bytes,
        "outlets": sorted(outlet.name for outlet in world.outlets),
        "domains": {outlet.name: outlet.domain for outlet in sorted(world.outlets, key=lambda o: o.name)},
        "duplicate_pairs": stats.duplicate_pairs,
    }


def _pick(rng: random.Random, weights: dict[str, float]) -> str:
    value = rng.random() * sum(weights.values())
    for key, weight in weights.items():
        value -= weight
        if value < 0:
            return key
    return key


# --- seed templates and vocabulary ------------------------------------------------------------


@functools.cache
def _seed_templates() -> tuple[tuple[str, tuple], ...]:
    """Return sentence templates built from the seed dump's (unique) articles."""
    from analysis import paths
    from analysis.corpus import load_articles
    from analysis.nlp import parse_texts
    from analysis.text import split_sentences

    articles = load_articles(paths.DEFAULT_DUMP_DIR)
    articles = articles[articles["duplicate_of"].isna()]
    sentences = []
    for text in articles["text"]:
        for start, end in split_sentences(text):
            sentence = " ".join(text[start:end].split())
            if 8 <= len(sentence.split()) <= 70 and sentence[-1] in ".!?\"”’'":
                sentences.append(sentence)
    return tuple(_template(doc) for doc in parse_texts(list(dict.fromkeys(sentences))))


def _template(doc) -> tuple[str, tuple]:
    """Turn a parsed sentence into ``(format string, slots)``: one ``{}`` per slot tuple."""
    from analysis.text import ABBREVIATIONS

    pieces: list[str] = []
    slots: list[tuple] = []

    def emit(slot: tuple, whitespace: str) -> None:
        pieces.append("{}" + whitespace)
        slots.append(slot)

    index = 0
    tokens = list(doc)
    while index < len(tokens):
        token = tokens[index]
        kind = _SLOT_ENTITIES.get(token.ent_type_) if token.ent_iob_ == "B" else None
        if kind:
            entity = next(ent for ent in doc.ents if ent.start == token.i)
            text = entity.text
            if kind == "org" and text.isupper() and len(text) <= 6:
                kind = "acronym"
            if kind == "person" and len(entity) == 1:
                kind = "surname"
            emit((kind, text), doc[entity.end - 1].whitespace_)
            index = entity.end
            continue
        word_class = _TAG_CLASSES.get(token.tag_)
        lowered = token.text.lower()
        if (
            word_class
            and token.is_alpha
            and not token.is_stop
            and (word_class in ("noun", "adj") or _CLASS_TESTS[word_class](lowered))
            and (token.text.islower() or token.i == 0)
        ):
            emit(("word", word_class, token.text, token.text[0].isupper()), token.whitespace_)
        elif (
            token.tag_ in ("NNP", "NNPS") and token.is_alpha and lowered not in ABBREVIATIONS and token.i > 0
        ):
            emit(("proper", token.text), token.whitespace_)
        else:
            pieces.append(token.text_with_ws.replace("{", "{{").replace("}", "}}"))
        index += 1
    return "".join(pieces), tuple(slots)


@functools.cache
def _vocabulary() -> dict[str, tuple[str, ...]]:
    """Return common English words by class, most frequent first (the packaged MiniLM word list)."""
    from analysis.embeddings import default_model_path
    from analysis.text import stop_words

    stop = stop_words()
    words = (Path(default_model_path()) / "vocab.txt").read_text(encoding="utf-8").split("\n")
    usable = [
        word
        for word in words[:24000]
        if word.isascii() and word.isalpha() and word.islower() and 4 <= len(word) <= 14
    ]
    usable = [word for word in usable if word not in stop and word not in _EXCLUDED_WORDS]
    classes: dict[str, list[str]] = {name: [] for name in _CLASS_TESTS}
    for word in usable:
        for name, test in _CLASS_TESTS.items():
            if test(word):
                classes[name].append(word)
                break
    return {name: tuple(found) for name, found in classes.items()}


# --- the invented world -----------------------------------------------------------------------


class _World:
    """Outlets, stories and the generators of articles and their planted copies."""

    def __init__(self, rng: random.Random) -> None:
        self.templates = _seed_templates()
        self.unquoted = [template for template in self.templates if not re.search('["“”]', template[0])]
        self.vocabulary = _vocabulary()
        self._used_names: set[str] = set()
        self.outlets = [self._outlet(rng) for _ in range(rng.randint(10, 30))]
        self.stories = [self._story(rng) for _ in range(rng.randint(8, 15))]
        self._story_weights = [1 / (rank + 1) ** 0.7 for rank in range(len(self.stories))]
        self._titles: set[str] = set()
        self._recent_titles: list[str] = []
        self._serial = 0

    # names

    def _word(self, rng: random.Random, syllables: int) -> str:
        while True:
            word = "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(syllables))
            word = (word + rng.choice(_CODAS)).capitalize()
            if word not in self._used_names:
                self._used_names.add(word)
                return word

    def _place(self, rng: random.Random) -> str:
        return self._word(rng, rng.randint(2, 3)) + rng.choice(["", "", "", "abad", "pur", "stan", " Valley"])

    def _outlet(self, rng: random.Random) -> _Outlet:
        place = self._word(rng, 2)
        pattern = rng.randrange(5)
        name = (
            f"The {place} {rng.choice(_MASTHEADS)}",
            f"{place} Daily",
            f"{place} News",
            f"{place} Today",
            f"Radio {place}",
        )[pattern]
        domain = re.sub(r"[^a-z]", "", name.lower().removeprefix("the ")) + ".example"
        title_style = _pick(rng, {"repeat": 0.4, "single": 0.4, "none": 0.2})
        headers = [line for line in _HEADERS if rng.random() < 0.25]
        if title_style == "repeat" and not headers:
            headers = ["Updated {date}"]
        return _Outlet(
            name=name,
            domain=domain,
            title_style=title_style,
            paragraph_sep=rng.choice(["\n\n", "\n\n", "\n"]),
            headers=tuple(headers),
            footer=rng.choice(_FOOTERS),
            date_format=rng.randrange(len(_DATE_FORMATS)),
            caption_share=rng.choice([0.0, 0.0, 0.4, 0.7]),
            bullets=rng.random() < 0.3,
            dateline=rng.random() < 0.5,
            related=rng.choice([None, None, *_RELATED]),
            self_reference_share=rng.choice([0.0, 0.2, 0.5]),
            byline=rng.random() < 0.3,
        )

    def _story(self, rng: random.Random) -> _Story:
        persons = [
            f"{self._word(rng, rng.randint(1, 2))} {self._word(rng, rng.randint(2, 3))}" for _ in range(8)
        ]
        places = [self._place(rng) for _ in range(5)]
        orgs = []
        for _ in range(4):
            head = rng.choice(_ORG_HEADS)
            name = rng.choice(
                [
                    f"{rng.choice(places)} {head}",
                    f"{self._word(rng, 2)} {head}",
                    f"Ministry of {self._word(rng, 2)}",
                ]
            )
            orgs.append((name, "".join(part[0] for part in name.split() if part[0].isupper())))
        words = {}
        for name, pool in self.vocabulary.items():
            top = pool[: max(WORDS_PER_CLASS * 20, len(pool) // 2)]
            words[name] = rng.sample(top, min(WORDS_PER_CLASS, len(top)))
        peak = START + timedelta(days=rng.randint(10, SPAN_DAYS - 10))
        groups = [
            re.sub(r"[aeiou ]+$", "", place.split()[0]) + rng.choice(["i", "ian", "ese"]) for place in places
        ]
        return _Story(
            persons=persons,
            places=places,
            orgs=orgs,
            pools={
                "person": persons,
                "surname": [person.split()[-1] for person in persons],
                "place": places,
                "group": groups,
                "proper": [self._word(rng, 2) for _ in range(6)],
            },
            words=words,
            templates=rng.sample(self.templates, max(1, len(self.templates) * 3 // 5)),
            peak=peak,
        )

    # articles

    def article(self, rng: random.Random, outlet: _Outlet) -> _Article:
        """Return a new article of a random story for ``outlet``."""
        story = rng.choices(self.stories, weights=self._story_weights)[0]
        swap = rng.uniform(*SWAP_SHARE)
        fill = functools.partial(_fill, story=story, rng=rng, swap=swap, vocabulary=self.vocabulary)
        count = min(rng.randint(6, 24), len(story.templates))
        sentences = [fill(template) for template in rng.sample(story.templates, count)]
        paragraphs: list[str] = []
        while sentences:
            take = rng.randint(1, 3)
            paragraphs.append(" ".join(sentences[:take]))
            sentences = sentences[take:]
        published = story.peak + timedelta(days=round(rng.gauss(0, 12)), minutes=rng.randint(5 * 60, 22 * 60))
        published = min(max(published, START), START + timedelta(days=SPAN_DAYS, hours=23))
        title = self._title(rng, fill)
        self._serial += 1
        slug = "-".join(re.findall(r"[a-z0-9]+", title.lower())[:8])
        article = _Article(
            outlet=outlet,
            title=title,
            summary=[_shorten(fill(rng.choice(story.templates)), 24) for _ in range(2)]
            if outlet.bullets
            else [],
            paragraphs=paragraphs,
            published=published,
            url=f"https://www.{outlet.domain}/{published:%Y/%m/%d}/{slug}-{self._serial}",
            author=rng.choice(story.persons) if rng.random() < 0.5 else f"{outlet.name} Staff",
        )
        if rng.random() < outlet.caption_share:
            credit = rng.choice(_CREDITS).format(
                org=rng.choice(story.orgs)[0], person=rng.choice(story.persons)
            )
            article.caption = f"{_shorten(fill(rng.choice(story.templates)), 40)}. {credit}"
        if outlet.related and self._recent_titles and len(paragraphs) > 2:
            article.related_title = rng.choice(self._recent_titles)
        if rng.random() < outlet.self_reference_share:
            index = rng.randrange(len(paragraphs))
            quote = fill(rng.choice(self.unquoted)).rstrip(".!?'’")
            paragraphs[index] += f" “{quote},” {rng.choice(story.persons)} told {outlet.name}."
        if outlet.dateline:
            paragraphs[0] = f"{rng.choice(story.places).upper()}: {paragraphs[0]}"
        self._recent_titles = [*self._recent_titles[-49:], title]
        return article

    def _title(self, rng: random.Random, fill: Callable[[tuple], str]) -> str:
        while True:
            title = re.split(r",\s|;\s|\s[-–—]\s|:\s", fill(rng.choice(self.templates)))[0]
            title = re.sub(r"[\"“”‘’'()]", "", _shorten(title, 14)).strip(" .,;:!?")
            title = _TITLE_TAIL.sub("", title)
            title = title[:1].upper() + title[1:]
            if len(title.split()) >= 4 and title not in self._titles:
                self._titles.add(title)
                return title

    def copy(self, rng: random.Random, original: _Article) -> tuple[_Article, str]:
        """Return a lightly edited copy of ``original`` and a sentence both texts share."""
        paragraphs = list(original.paragraphs)
        if len(paragraphs) >= 8 and rng.random() < 0.5:
            paragraphs.pop()
        for _ in range(rng.randint(1, 3)):
            index = rng.randrange(len(paragraphs))
            words = paragraphs[index].split(" ")
            words[rng.randrange(len(words))] = rng.choice(self.vocabulary["noun"][:2000])
            paragraphs[index] = " ".join(words)
        text = "\n".join(original.paragraphs)
        shared = [s for p in paragraphs for s in re.split(r"(?<=[.!?])\s+", p) if s in text]
        snippet = max(shared, key=len)
        outlet = rng.choice(self.outlets) if rng.random() < 0.6 else original.outlet
        published = original.published + timedelta(hours=rng.randint(0, 30))
        self._serial += 1
        copy = _Article(
            outlet=outlet,
            title=original.title,
            summary=list(original.summary),
            paragraphs=paragraphs,
            published=published,
            url=f"https://www.{outlet.domain}/{published:%Y/%m/%d}/{self._serial}",
            author=original.author,
        )
        return copy, snippet


def _fill(
    template: tuple[str, tuple],
    *,
    story: _Story,
    rng: random.Random,
    swap: float,
    vocabulary: dict[str, tuple[str, ...]],
) -> str:
    """Fill one template with the story's cast and keywords; returns the sentence."""
    # The hot loop of the generator: plain indexing instead of rng.choice, local names.
    draw = rng.random
    pools = story.pools
    pattern, slots = template
    out: list[str] = []
    acronym = None
    for slot in slots:
        kind = slot[0]
        pool = pools.get(kind)
        if pool is not None:
            out.append(pool[int(draw() * len(pool))])
        elif kind == "word":
            if draw() < swap:
                pool = story.words[slot[1]] if draw() < 0.8 else vocabulary[slot[1]]
                word = pool[int(len(pool) * draw() ** 2)]
                out.append(word.capitalize() if slot[3] else word)
            else:
                out.append(slot[2])
        elif kind == "org":
            name, acronym = story.orgs[int(draw() * len(story.orgs))]
            out.append(name)
        elif kind == "acronym":
            out.append(acronym or story.orgs[int(draw() * len(story.orgs))][1])
        else:
            out.append(_vary_numbers(slot[1], rng))
    sentence = pattern.format(*out).strip()
    return sentence[0].upper() + sentence[1:] if sentence else sentence


def _vary_numbers(text: str, rng: random.Random) -> str:
    def number(match: re.Match[str]) -> str:
        digits = match.group(0)
        if len(digits) == 4 and digits[:2] in ("19", "20"):
            return str(rng.randint(2015, 2023))
        return str(rng.randint(10 ** (len(digits) - 1) if len(digits) > 1 else 1, 10 ** len(digits) - 1))

    def calendar(match: re.Match[str]) -> str:
        return rng.choice(_WEEKDAYS if match.group(0) in _WEEKDAYS else _MONTHS)

    return _CALENDAR.sub(calendar, _DIGITS.sub(number, text))


def _shorten(text: str, max_words: int) -> str:
    words = text.split()
    return " ".join(words[:max_words]).rstrip(" ,;:") if len(words) > max_words else text


# --- rendering and writing --------------------------------------------------------------------


def _header_lines(article: _Article) -> list[str]:
    shown = _DATE_FORMATS[article.outlet.date_format](article.published)
    minutes = max(1, sum(len(p.split()) for p in article.paragraphs) // 230)
    return [line.format(date=shown, minutes=minutes) for line in article.outlet.headers]


def _body_lines(article: _Article) -> list[str]:
    """Return the article's text lines: bullets, byline, paragraphs with a related link, footer."""
    outlet = article.outlet
    lines = [f"  • {line}" for line in article.summary]
    if outlet.byline:
        lines.append(f"By {article.author}")
    for index, paragraph in enumerate(article.paragraphs):
        if article.related_title and index == len(article.paragraphs) // 2:
            lines.append(outlet.related.format(title=article.related_title))
        lines.append(paragraph)
    slug = re.sub(r"[^a-z]", "", outlet.domain.split(".")[0])
    lines.extend(
        line.format(year=article.published.year, outlet=outlet.name, slug=slug) for line in outlet.footer
    )
    return lines


def _render_text(article: _Article, *, force_repeat: bool = False) -> str:
    outlet = article.outlet
    style = "repeat" if force_repeat else outlet.title_style
    top: list[str] = []
    if style == "repeat":
        top = [article.title, ""]
        if article.caption:
            top.append(article.caption)
        top += [*_header_lines(article), "", article.title]
    elif style == "single":
        top = [article.title, "", *([article.caption] if article.caption else []), *_header_lines(article)]
    elif article.caption:
        top = [article.caption]
    lines = [line for line in top if line is not None]
    sep = outlet.paragraph_sep
    body = _body_lines(article)
    text = "\n".join(lines).strip("\n")
    return (text + "\n\n" if text else "") + sep.join(body)


def _render_html(article: _Article) -> str:
    esc = html.escape
    paragraphs = [f"<p>{esc(line)}</p>" for line in article.paragraphs]
    if article.caption:
        paragraphs.insert(0, f"<figure><figcaption>{esc(article.caption)}</figcaption></figure>")
    related = f'<li><a href="/related">{esc(article.related_title)}</a></li>' if article.related_title else ""
    return _HTML_PAGE.format(
        title=esc(article.title),
        outlet=esc(article.outlet.name),
        published=article.published.isoformat(),
        summary=esc(" ".join(article.summary)),
        url=esc(article.url),
        author=esc(article.author),
        shown_date=esc(_DATE_FORMATS[article.outlet.date_format](article.published)),
        body="\n".join(paragraphs),
        related=related,
        year=article.published.year,
    )


class _Writer:
    """Writes files as they come: pages one by one, records into rotating batch files, the manifest."""

    def __init__(self, root: Path, rng: random.Random, stats: _Stats) -> None:
        self.root = root
        self.rng = rng
        self.stats = stats
        self.serial = 0
        self.folders: set[Path] = set()
        self.manifest_handle = (root / "manifest.csv").open("w", encoding="utf-8", newline="")
        self.manifest = csv.writer(self.manifest_handle)
        self.manifest.writerow(["file", "outlet", "url", "date"])
        self.batches: dict[str, tuple[Any, str, int, int]] = {}  # fmt -> (handle, name, written, capacity)
        self.batch_serial = dict.fromkeys(_RECORD_FORMATS, 0)

    def _name(self, article: _Article, suffix: str) -> str:
        self.serial += 1
        return f"{article.published:%Y-%m}/{self.serial:06d}_{self.rng.getrandbits(64):016x}{suffix}"

    def _save(self, name: str, data: bytes) -> None:
        path = self.root / name
        if path.parent not in self.folders:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.folders.add(path.parent)
        path.write_bytes(data)
        self.stats.bytes += len(data)

    def write(self, article: _Article, fmt: str) -> str:
        """Write one article in ``fmt``; returns its file path relative to the dump."""
        self.stats.articles += 1
        if fmt in _RECORD_FORMATS:
            return self._write_record(article, fmt)
        self.stats.files[fmt] += 1
        if fmt == "html":
            name = self._name(article, ".html")
            self._save(name, _render_html(article).encode("utf-8"))
        else:
            name = self._name(article, ".txt")
            self._save(name, self._encode(_render_text(article)))
        if self.rng.random() < MANIFEST_SHARE:
            self.manifest.writerow([name, article.outlet.name, article.url, article.published.isoformat()])
            self.stats.manifest_rows += 1
        return name

    def write_page(self, articles: list[_Article]) -> str:
        """Write several articles of one outlet as one text page; returns its path."""
        self.stats.articles += len(articles)
        self.stats.files["txt"] += 1
        self.stats.multi_article_pages += 1
        self.stats.articles_in_multi_pages += len(articles)
        name = self._name(articles[0], ".txt")
        text = "\n\n\n".join(_render_text(article, force_repeat=True) for article in articles)
        self._save(name, text.encode("utf-8"))
        if self.rng.random() < MANIFEST_SHARE:
            self.manifest.writerow([name, articles[0].outlet.name, "", ""])
            self.stats.manifest_rows += 1
        return name

    def _encode(self, text: str) -> bytes:
        roll = self.rng.random()
        if roll < ODD_ENCODING_SHARE:
            try:
                return text.encode("cp1252")
            except UnicodeEncodeError:
                return text.encode("utf-8")
        if roll < 2 * ODD_ENCODING_SHARE:
            return text.replace("\n", "\r\n").encode("utf-8")
        if roll < 3 * ODD_ENCODING_SHARE:
            return b"\xef\xbb\xbf" + text.encode("utf-8")
        return text.encode("utf-8")

    def _write_record(self, article: _Article, fmt: str) -> str:
        handle, name, written, capacity = self.batches.get(fmt) or self._open_batch(fmt)
        body = "\n\n".join(_body_lines(article))
        if fmt == "jsonl":
            record = {
                "title": article.title,
                "description": " ".join(article.summary) or None,
                "maintext": body,
                "date_publish": f"{article.published:%Y-%m-%d %H:%M:%S}",
                "url": article.url,
                "source_domain": article.outlet.domain,
                "language": "en",
            }
            line = json.dumps(record, ensure_ascii=False) + "\n"
        else:
            buffer = io.StringIO()
            csv.writer(buffer).writerow(
                [
                    self.stats.articles,
                    f"{article.published:%Y-%m-%d %H:%M:%S}",
                    article.title,
                    article.url,
                    "en",
                    article.outlet.name,
                    f"https://www.{article.outlet.domain}",
                    body,
                ]
            )
            line = buffer.getvalue()
        handle.write(line)
        self.stats.bytes += len(line.encode("utf-8"))
        written += 1
        if written >= capacity:
            handle.close()
            del self.batches[fmt]
        else:
            self.batches[fmt] = (handle, name, written, capacity)
        return name

    def _open_batch(self, fmt: str) -> tuple[Any, str, int, int]:
        self.batch_serial[fmt] += 1
        self.stats.files[fmt] += 1
        prefix = "newsplease" if fmt == "jsonl" else "mediacloud"
        name = f"batches/{prefix}_{self.batch_serial[fmt]:04d}.{fmt}"
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = path.open("w", encoding="utf-8", newline="")
        if fmt == "csv":
            header = "id,publish_date,title,url,language,media_name,media_url,text\r\n"
            handle.write(header)
            self.stats.bytes += len(header)
        return handle, name, 0, self.rng.randint(20, 200)

    def close(self) -> None:
        """Close the manifest and any open batch file."""
        for handle, *_ in self.batches.values():
            handle.close()
        self.batches.clear()
        self.manifest_handle.close()


def main(argv: list[str] | None = None) -> int:
    """Command line: write a dump and print its summary (without the duplicate list) as JSON."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.synthetic", description=__doc__.split("\n")[0]
    )
    parser.add_argument("out_dir", help="empty or new folder to write the dump into")
    parser.add_argument("--n", type=int, default=1000, help="number of articles (default 1000)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        summary = write_synthetic_dump(args.out_dir, n_articles=args.n, seed=args.seed)
    except ValueError as error:
        parser.error(str(error))
    summary.pop("duplicate_pairs")
    summary["seconds"] = round(time.perf_counter() - started, 2)
    json.dump(summary, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
