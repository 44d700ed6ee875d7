"""Load a dump of news articles into one truthful DataFrame: cleaned, split, deduplicated, attributed.

``load_articles`` reads a folder of ``.txt``, ``.html``, ``.json``/``.jsonl`` and ``.csv`` files
and returns one row per article (see ``COLUMNS``). Cleaning moves page furniture into the
``boilerplate`` column instead of deleting it (patterns in ``data/boilerplate.yaml``); the
outlet comes only from evidence (manifest, metadata, URL, footers, self-references listed in
``data/outlets.yaml``) and ``outlet_evidence`` says which; near-verbatim copies are marked
in ``duplicate_of`` with MinHash LSH. Per-file parse results are cached by file content, so a
rerun after changing one file reparses only that file.

The remaining functions build the small tables the corpus-inspection notebook shows.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import pickle
import re
import sys
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from tqdm import tqdm

from analysis import cache, formats, paths, workers

COLUMNS = [
    "article_id",
    "source_file",
    "outlet",
    "outlet_evidence",
    "title",
    "summary",
    "url",
    "published",
    "text",
    "boilerplate",
    "duplicate_of",
    "n_words",
]
# Jaccard similarity of word 5-shingles above which two texts are copies of each other. Copies
# edited lightly (headline, a changed sentence) stay above it; independent reports of one
# event that share quotes and names fall far below it.
DUPLICATE_THRESHOLD = 0.7
SHINGLE_WORDS = 5
NUM_PERM = 128
MAX_TITLE_GAP = 8  # chrome lines allowed between a headline and its repeat
MAX_TITLE_WORDS = 30

_STRING_COLUMNS = tuple(column for column in COLUMNS if column not in {"published", "boilerplate", "n_words"})
_CACHE_NAMESPACE = "corpus_files"
_FILES_PER_BATCH = 2000  # files per cache transaction: fewer commits, a small loss on a crash
_PARALLEL_MIN_BYTES = 1_000_000  # uncached files parsed in worker processes from this much content
_MINHASH_BLOCK = 2**15  # shingles permuted at once: 16 MB of 32-bit values
_BULLET = re.compile(r"^[•·▪▫◦‣►▸●○■□\-*–—]\s+")
_SENTENCE_END = re.compile(r"[.,;:]['\"’”)]*$")
_WORD = re.compile(r"\w+")
_DOMAIN = re.compile(
    r"^(?:[a-z][a-z0-9+.-]*://)?(?:www\.)?([a-z0-9-]+(?:\.[a-z0-9-]+)+)(?::\d+)?(?:[/?#].*)?$"
)
_SAFE_ID = re.compile(r"[A-Za-z0-9._/-]+")
_INLINE_FLAGS = re.compile(r"^\(\?([aiLmsux]+)\)")
_MAX_EVIDENCE_LINE = 20_000

# Evidence levels, strongest first (see data/outlets.yaml).
_MANIFEST, _FIELD, _DOMAIN_LEVEL, _FOOTER, _SELF, _CHROME, _PAGE = range(7)

logger = logging.getLogger(__name__)


class CorpusError(ValueError):
    """Raised when a dump is missing, empty or holds no loadable article."""


class SkippedTable(pd.DataFrame):
    """The ``attrs["skipped"]`` table (``source_file``, ``reason``); compares equal as a whole.

    pandas compares ``attrs`` with ``==`` when it concatenates or merges frames. With a plain
    DataFrame in ``attrs``, ``pd.concat`` or ``merge`` of two slices of the article table
    would raise "truth value of a DataFrame is ambiguous".
    """

    @property
    def _constructor(self) -> type[SkippedTable]:
        return SkippedTable

    def __eq__(self, other: object) -> Any:
        if isinstance(other, SkippedTable):
            return self.equals(other)
        return super().__eq__(other)


@dataclass(frozen=True)
class _Patterns:
    """Compiled patterns from data/boilerplate.yaml and data/outlets.yaml."""

    boilerplate: re.Pattern[str]
    datelines: tuple[re.Pattern[str], ...]
    max_line_chars: int
    footers: re.Pattern[str] | None
    footer_outlets: tuple[tuple[str, str], ...]
    chrome: dict[str, str]
    self_reference: re.Pattern[str] | None
    self_reference_names: re.Pattern[str]
    self_names: dict[str, str]
    names: dict[str, str]
    domains: dict[str, str]
    digest: str


@dataclass
class _Draft:
    """One article of a file before ids, manifest and duplicates are applied."""

    position: int
    title: str | None = None
    summary: list[str] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    boilerplate: list[str] = field(default_factory=list)
    url: str | None = None
    published: str | None = None
    evidence: list[tuple[int, str, str]] = field(default_factory=list)


def load_articles(
    path: str | Path,
    *,
    manifest: str | Path | pd.DataFrame | None = None,
    show_progress: bool = False,
) -> pd.DataFrame:
    """Load every article of a dump folder into one DataFrame, one row per article.

    Args:
        path: The dump folder (searched recursively).
        manifest: A CSV file or DataFrame with columns ``file`` (path relative to the dump)
            and any of ``outlet``, ``url``, ``date``; defaults to ``manifest.csv`` in the dump.
            Manifest values win over inference.
        show_progress: Show a progress bar while files are parsed.

    Returns:
        DataFrame with ``COLUMNS``, sorted by ``article_id``. ``attrs["skipped"]`` lists the
        files (or records, or manifest rows) that could not be used, with a reason.
        ``duplicate_of`` points to the earliest copy (see ``mark_duplicates``).

    Raises:
        CorpusError: When the dump does not exist or no article can be loaded from it.
    """
    root = _resolve_dump(Path(path))
    files, skipped = formats.find_files(root)
    patterns = _load_patterns()
    rows: list[dict[str, Any]] = []
    with tqdm(total=len(files), desc="articles", unit="file", disable=not show_progress) as bar:
        for start in range(0, len(files), _FILES_PER_BATCH):
            batch = files[start : start + _FILES_PER_BATCH]
            for parsed in _parse_batch(batch, patterns):
                rows.extend(parsed["articles"])
                skipped.extend((parsed["source_file"], reason) for reason in parsed["problems"])
            bar.update(len(batch))
    manifest_table, manifest_skipped = _read_manifest(root, manifest, {item.source_file for item in files})
    skipped.extend(manifest_skipped)
    skipped_table = SkippedTable(sorted(set(skipped)), columns=["source_file", "reason"])
    if not rows:
        reasons = "; ".join(
            f"{name}: {reason}" for name, reason in skipped_table.head(5).itertuples(index=False)
        )
        raise CorpusError(
            f"no article could be loaded from dump {root.name!r} ({len(files)} files; {reasons})"
        )
    frame = _frame(rows)
    del rows  # the frame holds the articles now: free the row dicts and their texts
    articles = _assemble(frame, manifest_table)
    _warn_skipped(skipped_table)
    articles.attrs["skipped"] = skipped_table
    return articles


def sample_articles(articles: pd.DataFrame, *, n: int, by: str = "outlet") -> pd.DataFrame:
    """Return a deterministic sample of ``n`` articles spread evenly over the groups of ``by``.

    Within each group articles are ordered by a hash of their ``article_id`` and the groups take
    turns, so each group gives the same number of articles until it runs out (a missing value is
    a group of its own). The sample depends neither on row order nor on the machine.

    Args:
        articles: Article table with ``article_id`` and the ``by`` column.
        n: Sample size; the whole table is returned when it is not larger.
        by: Column whose groups share the sample.

    Returns:
        The sampled rows, in their original order.
    """
    if len(articles) <= n:
        return articles
    order = pd.DataFrame(
        {
            "key": [cache.hash_text(str(article_id)) for article_id in articles["article_id"]],
            "group": articles[by].astype("str").fillna("").to_numpy(),
        }
    )
    order["turn"] = order.sort_values("key").groupby("group", sort=False).cumcount()
    chosen = order.sort_values(["turn", "key"]).index[:n]
    return articles.iloc[np.sort(chosen)]


def _resolve_dump(path: Path) -> Path:
    try:
        resolved = path.resolve(strict=True)
    except (OSError, RuntimeError) as error:
        raise CorpusError(f"dump not found: {path}") from error
    if not resolved.is_dir():
        raise CorpusError(f"a dump is a folder of article files, not a file: {path}")
    return resolved


def _warn_skipped(skipped: pd.DataFrame, *, limit: int = 20) -> None:
    for name, reason in skipped.head(limit).itertuples(index=False):
        logger.warning("skipped %r: %s", name, reason)
    if len(skipped) > limit:
        logger.warning("skipped %d more entries; see articles.attrs['skipped']", len(skipped) - limit)


# --- patterns ---------------------------------------------------------------------------------


_PATTERN_FILES = ("boilerplate.yaml", "outlets.yaml")
_CODE = (formats, sys.modules[__name__])  # cached parses are invalid once the parsing code changes


@functools.cache
def _load_patterns() -> _Patterns:
    texts = [(paths.PACKAGE_DATA_DIR / name).read_text(encoding="utf-8") for name in _PATTERN_FILES]
    boilerplate, outlets = (yaml.safe_load(text) or {} for text in texts)
    line_patterns: list[str] = []
    datelines: list[re.Pattern[str]] = []
    for group, entries in boilerplate.items():
        if group == "max_line_chars":
            continue
        for entry in entries or []:
            if group == "dateline":
                datelines.append(re.compile(entry))
            line_patterns.append(entry.replace("(?P<date>", "(?:"))
    names: dict[str, str] = {}
    domains: dict[str, str] = {}
    self_names: dict[str, str] = {}
    footer_outlets: list[tuple[str, str]] = []
    chrome: dict[str, str] = {}
    for outlet in outlets.get("outlets") or []:
        name = str(outlet["name"])
        for alias in [name, *(outlet.get("aliases") or [])]:
            names[str(alias).lower()] = name
        for domain in outlet.get("domains") or []:
            domains[str(domain).lower()] = name
        for reference in outlet.get("self_references") or []:
            self_names[str(reference)] = name
        for footer in outlet.get("footers") or []:
            footer_outlets.append((str(footer), name))
            line_patterns.append(re.escape(str(footer)) + ".*")
        for line in outlet.get("page_chrome") or []:
            chrome[str(line)] = name
            line_patterns.append(re.escape(str(line)))
    verbs = "|".join(outlets.get("self_reference_verbs") or [])
    references = "|".join(_name_pattern(name) for name in sorted(self_names, key=lambda n: (-len(n), n)))
    # Every self-reference contains one of these literals (the name without its optional "The"),
    # so lines without any skip the slow search for a verb at every word boundary.
    literals = sorted({re.escape(_name_literal(name)) for name in self_names}, key=lambda n: (-len(n), n))
    self_names = {_reference_key(reference): name for reference, name in self_names.items()}
    footers = "|".join(f"(?P<f{index}>{re.escape(text)})" for index, (text, _) in enumerate(footer_outlets))
    return _Patterns(
        boilerplate=re.compile("|".join(f"(?:{_scope_flags(p)})" for p in line_patterns) or "(?!)"),
        datelines=tuple(datelines),
        max_line_chars=int(boilerplate.get("max_line_chars", 400)),
        footers=re.compile(footers) if footers else None,
        footer_outlets=tuple(footer_outlets),
        chrome=chrome,
        self_reference=re.compile(rf"\b(?i:{verbs})\s+(?P<name>{references})(?![\w-])")
        if verbs and references
        else None,
        self_reference_names=re.compile("|".join(literals) or "(?!)"),
        self_names=self_names,
        names=names,
        domains=domains,
        digest=cache.hash_text(
            *texts, *(Path(module.__file__).read_text(encoding="utf-8") for module in _CODE)
        ),
    )


def _scope_flags(pattern: str) -> str:
    """Turn a leading ``(?i)`` into a scoped ``(?i:...)`` so patterns can be combined."""
    match = _INLINE_FLAGS.match(pattern)
    return f"(?{match.group(1)}:{pattern[match.end() :]})" if match else pattern


def _reference_key(name: str) -> str:
    """Return the lookup key of a self-reference name: lower case, without a leading "the"."""
    return re.sub(r"^the\s+", "", " ".join(name.lower().split()))


def _name_pattern(name: str) -> str:
    article, _, rest = name.partition(" ")
    if article.lower() == "the" and rest:
        return rf"[Tt]he\s+{re.escape(rest)}"
    return rf"(?:[Tt]he\s+)?{re.escape(name)}"


def _name_literal(name: str) -> str:
    """Return the part of a self-reference name that ``_name_pattern`` matches verbatim."""
    article, _, rest = name.partition(" ")
    return rest if article.lower() == "the" and rest else name


# --- parsing one file -------------------------------------------------------------------------


def _parse_batch(batch: list[formats.DumpFile], patterns: _Patterns) -> Iterator[dict[str, Any]]:
    """Yield the parse result of each file, from the cache when the content was seen before."""
    keys: list[str] = []
    items: list[tuple[str, bytes]] = []
    for item in batch:
        try:
            data = formats.read_bytes(item)
        except formats.SkipFile as reason:
            yield {"source_file": item.source_file, "articles": [], "problems": [str(reason)]}
            continue
        keys.append(cache.hash_text(patterns.digest, item.source_file, hashlib.sha256(data).hexdigest()))
        items.append((item.source_file, data))

    def compute(missing: list[tuple[str, bytes]]) -> list[bytes]:
        processes = workers.count_processes(
            sum(len(data) for _, data in missing), min_chars=_PARALLEL_MIN_BYTES
        )
        return workers.map_items(
            _parse_to_bytes, missing, shared={"patterns": patterns}, processes=processes, desc="parse files"
        )

    for value in cache.cached_map(_CACHE_NAMESPACE, keys, items, compute):
        yield pickle.loads(value)


def _parse_to_bytes(item: tuple[str, bytes], *, patterns: _Patterns) -> bytes:
    """Parse one ``(source file, content)`` into its cache value."""
    # Pickle, not JSON: several times faster to load, and the cache is trusted like the code.
    return pickle.dumps(_parse_safely(*item, patterns), protocol=pickle.HIGHEST_PROTOCOL)


def _parse_safely(source_file: str, data: bytes, patterns: _Patterns) -> dict[str, Any]:
    """Parse one file; an unexpected failure on hostile content skips the file instead of the run."""
    try:
        return _parse_file(source_file, data, patterns)
    except Exception as error:  # a bug triggered by one file must not lose the other files
        logger.exception("parser failed on %r", source_file)
        return {
            "source_file": source_file,
            "articles": [],
            "problems": [f"parser error ({type(error).__name__})"],
        }


def _parse_file(source_file: str, data: bytes, patterns: _Patterns) -> dict[str, Any]:
    """Parse one file into article rows (without manifest and duplicates) and problems."""
    result: dict[str, Any] = {"source_file": source_file, "articles": [], "problems": []}
    suffix = formats.file_suffix(source_file).lower()
    try:
        text = formats.decode_text(data)
        if suffix in formats.RECORD_SUFFIXES:
            drafts = _parse_records(text, suffix, patterns, result["problems"])
        elif suffix in formats.HTML_SUFFIXES or formats.looks_like_html(text):
            drafts = [_parse_html(text, patterns)]
        else:
            drafts = _parse_text(text, patterns)
            _share_page_evidence(drafts, source_file)
    except formats.SkipFile as reason:
        result["problems"].append(str(reason))
        return result
    base = _base_id(source_file)
    width = len(str(max(draft.position for draft in drafts)))
    for draft in drafts:
        outlet, evidence = _decide_outlet(draft.evidence)
        text = "\n\n".join(draft.paragraphs)
        result["articles"].append(
            {
                "article_id": f"{base}-{draft.position:0{width}d}",
                "source_file": source_file,
                "outlet": outlet,
                "outlet_evidence": evidence,
                "title": draft.title,
                "summary": "\n".join(draft.summary) or None,
                "url": draft.url,
                "published": draft.published,
                "text": text,
                "boilerplate": draft.boilerplate,
                "n_words": len(text.split()),
            }
        )
    return result


def _base_id(source_file: str) -> str:
    """Return the id prefix of a file: its path without ``.txt``, hashed when not filename-safe."""
    is_txt = source_file.lower().endswith(".txt")
    stem = source_file[:-4] if is_txt else source_file
    ambiguous = is_txt and formats.file_suffix(stem).lower() in formats.SUPPORTED_SUFFIXES
    if _SAFE_ID.fullmatch(stem) and "__" not in stem and not ambiguous:
        return stem.replace("/", "__")
    readable = re.sub(r"[^A-Za-z0-9._-]+", "_", stem)[:60].strip("_") or "file"
    return f"{readable}~{hashlib.sha256(source_file.encode('utf-8', 'surrogatepass')).hexdigest()[:8]}"


def _parse_text(text: str, patterns: _Patterns) -> list[_Draft]:
    """Split a plain-text page into articles and clean each one.

    An article starts where a headline is followed (after nothing but chrome lines) by the
    same headline again, the way saved news pages print it; without such blocks the file is
    one article whose first line is its title when it reads like a headline.
    """
    lines = [line.strip() for line in text.split("\n")]
    kinds = [_classify(line, patterns) for line in lines]
    blocks = _title_blocks(lines, kinds)
    drafts: list[_Draft] = []
    if not blocks:
        draft = _Draft(position=1)
        first = next((i for i, kind in enumerate(kinds) if kind == "text"), None)
        if first is not None and _is_headline(lines[first]) and "text" in kinds[first + 1 :]:
            draft.title = lines[first]
            _fill_draft(draft, lines[:first], kinds[:first], patterns)
            _fill_draft(draft, lines[first + 1 :], kinds[first + 1 :], patterns)
        else:
            _fill_draft(draft, lines, kinds, patterns)
        drafts.append(draft)
    else:
        preamble = _Draft(position=0)
        _fill_draft(preamble, lines[: blocks[0][0]], kinds[: blocks[0][0]], patterns)
        ends = [start for start, _ in blocks[1:]] + [len(lines)]
        for number, ((start, repeat), end) in enumerate(zip(blocks, ends, strict=True), start=1):
            draft = _Draft(position=number, title=lines[start])
            _fill_draft(draft, lines[start + 1 : repeat], kinds[start + 1 : repeat], patterns)
            _fill_draft(draft, lines[repeat + 1 : end], kinds[repeat + 1 : end], patterns)
            drafts.append(draft)
        if preamble.paragraphs or preamble.summary:
            drafts.insert(0, preamble)
        else:
            drafts[0].boilerplate[:0] = preamble.boilerplate
            drafts[0].evidence[:0] = preamble.evidence
            drafts[0].published = drafts[0].published or preamble.published
        if drafts[0].position == 0:
            for index, draft in enumerate(drafts, start=1):
                draft.position = index
    if not any(draft.paragraphs or draft.summary for draft in drafts):
        raise formats.SkipFile(f"no article text after removing boilerplate ({sum(map(bool, lines))} lines)")
    return drafts


def _classify(line: str, patterns: _Patterns) -> str:
    if not line:
        return "blank"
    if len(line) <= patterns.max_line_chars and patterns.boilerplate.fullmatch(line):
        return "boilerplate"
    return "text"


def _title_blocks(lines: list[str], kinds: list[str]) -> list[tuple[int, int]]:
    """Return ``(headline line, repeated headline line)`` index pairs that start articles.

    A block counts only when body text follows the repeat and that text is not the headline
    again, so a file of identical lines is one article, not thousands of empty ones.
    """
    filled = [index for index, kind in enumerate(kinds) if kind != "blank"]
    next_text: list[int | None] = [None] * (len(filled) + 1)
    for position in reversed(range(len(filled))):
        next_text[position] = position if kinds[filled[position]] == "text" else next_text[position + 1]
    blocks: list[tuple[int, int]] = []
    position = 0
    while position < len(filled):
        start = filled[position]
        repeat = None
        if kinds[start] == "text" and _is_headline(lines[start]):
            for ahead in range(position + 1, min(len(filled), position + 2 + MAX_TITLE_GAP)):
                if lines[filled[ahead]] == lines[start]:
                    repeat = ahead
                    break
                if kinds[filled[ahead]] != "boilerplate":
                    break
        body = next_text[repeat + 1] if repeat is not None else None
        if repeat is not None and body is not None and lines[filled[body]] != lines[start]:
            blocks.append((start, filled[repeat]))
            position = repeat + 1
        else:
            position += 1
    return blocks


def _is_headline(line: str) -> bool:
    words = len(line.split(maxsplit=MAX_TITLE_WORDS))  # more than MAX_TITLE_WORDS words give one more
    return 2 <= words <= MAX_TITLE_WORDS and not _SENTENCE_END.search(line) and not _BULLET.match(line)


def _fill_draft(draft: _Draft, lines: list[str], kinds: list[str], patterns: _Patterns) -> None:
    """Add cleaned lines to a draft: boilerplate aside, leading bullets to the summary, paragraphs.

    Paragraphs are blank-line separated blocks when the lines use blank separators, else one
    line each. A line equal to the title before the body starts is the repeated headline.
    """
    blank_separated = _uses_blank_lines(kinds)
    current: list[str] = []
    in_lead = not draft.paragraphs
    title_repeated = False
    for line, kind in zip(lines, kinds, strict=True):
        if kind == "blank":
            if current:
                draft.paragraphs.append("\n".join(current))
                current = []
            continue
        draft.evidence.extend(_line_evidence(line, patterns))
        if kind == "boilerplate":
            draft.boilerplate.append(line)
            draft.published = draft.published or _dateline(line, patterns)
        elif in_lead and line == draft.title and not title_repeated:
            title_repeated = True
        elif in_lead and _BULLET.match(line):
            draft.summary.append(_BULLET.sub("", line))
        else:
            in_lead = False
            if blank_separated:
                current.append(line)
            else:
                draft.paragraphs.append(line)
    if current:
        draft.paragraphs.append("\n".join(current))


def _uses_blank_lines(kinds: list[str]) -> bool:
    seen_text = pending_blank = False
    for kind in kinds:
        if kind == "text":
            if seen_text and pending_blank:
                return True
            seen_text, pending_blank = True, False
        elif kind == "blank" and seen_text:
            pending_blank = True
    return False


def _dateline(line: str, patterns: _Patterns) -> str | None:
    for pattern in patterns.datelines:
        match = pattern.fullmatch(line)
        if match and match.group("date"):
            parsed = formats.parse_date(match.group("date"))
            return parsed.isoformat() if parsed else None
    return None


def _parse_records(text: str, suffix: str, patterns: _Patterns, problems: list[str]) -> list[_Draft]:
    drafts: list[_Draft] = []
    for position, record, problem in formats.read_records(text, suffix):
        if problem:
            problems.append(problem)
        if record is None:
            continue
        names = formats.field_names(record)
        field_name, body = formats.pick_field(record, "text", names=names)
        if body is None:
            problems.append(
                f"record {position}: no text field (tried {', '.join(formats.FIELD_ALIASES['text'])})"
            )
            continue
        draft = _Draft(
            position=position,
            title=formats.as_text(formats.pick_field(record, "title", names=names)[1]) or None,
        )
        summary = formats.as_text(formats.pick_field(record, "summary", names=names)[1])
        draft.summary = [summary] if summary else []
        draft.url, problem = formats.web_url(formats.pick_field(record, "url", names=names)[1])
        if problem:
            problems.append(f"record {position}: {problem}")
        published = formats.parse_date(formats.pick_field(record, "date", names=names)[1])
        draft.published = published.isoformat() if published else None
        _add_outlet_field(draft, record, names, patterns)
        _fill_body(draft, formats.as_text(body), patterns)
        if not draft.paragraphs:
            problems.append(f"record {position}: empty {field_name} after removing boilerplate")
            continue
        drafts.append(draft)
    if not drafts:
        raise formats.SkipFile(
            problems[0] if len(problems) == 1 else f"no usable record ({len(problems)} problems)"
        )
    return drafts


def _parse_html(text: str, patterns: _Patterns) -> _Draft:
    page = formats.extract_html(text)
    draft = _Draft(position=1, title=formats.as_text(page["title"]) or None)
    summary = formats.as_text(page["summary"])
    draft.summary = [summary] if summary else []
    draft.url = formats.web_url(page["url"])[0]
    published = formats.parse_date(page["published"])
    draft.published = published.isoformat() if published else None
    sitename = formats.as_text(page["sitename"], limit=200)
    if sitename:
        draft.evidence.append((_FIELD, _canonical_name(sitename, patterns), "html meta site_name"))
    _add_domain_evidence(draft, draft.url, "url domain", patterns)
    _fill_body(draft, page["text"], patterns)
    if not draft.paragraphs:
        raise formats.SkipFile("no article text found in HTML after removing boilerplate")
    return draft


def _fill_body(draft: _Draft, text: str, patterns: _Patterns) -> None:
    lines = [line.strip() for line in text.split("\n")]
    _fill_draft(draft, lines, [_classify(line, patterns) for line in lines], patterns)


# --- outlets ----------------------------------------------------------------------------------


def _line_evidence(line: str, patterns: _Patterns) -> list[tuple[int, str, str]]:
    found: list[tuple[int, str, str]] = []
    if patterns.footers is not None:
        match = patterns.footers.match(line)
        if match and match.lastgroup:
            footer, outlet = patterns.footer_outlets[int(match.lastgroup[1:])]
            found.append((_FOOTER, outlet, f"footer '{footer}'"))
    if line in patterns.chrome:
        found.append((_CHROME, patterns.chrome[line], f"page chrome '{line}'"))
    if (
        patterns.self_reference is not None
        and len(line) <= _MAX_EVIDENCE_LINE
        and patterns.self_reference_names.search(line)
    ):
        for match in patterns.self_reference.finditer(line):
            outlet = patterns.self_names[_reference_key(match.group("name"))]
            found.append((_SELF, outlet, " ".join(match.group(0).split())))
    return found


def _add_outlet_field(
    draft: _Draft, record: dict[str, Any], names: dict[str, Any], patterns: _Patterns
) -> None:
    field_name, value = formats.pick_field(record, "outlet", names=names)
    value = " ".join(formats.as_text(value, limit=200).split())
    if value and not _DOMAIN.match(value.lower()):
        draft.evidence.append((_FIELD, _canonical_name(value, patterns), f"record field {field_name}"))
    elif value:
        _add_domain_evidence(draft, value, f"record field {field_name}", patterns)
    domain_field, domain = formats.pick_field(record, "domain", names=names)
    _add_domain_evidence(draft, formats.as_text(domain, limit=200), f"record field {domain_field}", patterns)
    _add_domain_evidence(draft, draft.url, "url domain", patterns)


def _add_domain_evidence(draft: _Draft, value: str | None, label: str, patterns: _Patterns) -> None:
    host = _host(value)
    if host:
        draft.evidence.append((_DOMAIN_LEVEL, _outlet_for_host(host, patterns), f"{label} {host}"))


def _host(value: str | None) -> str | None:
    match = _DOMAIN.match((value or "").strip().lower())
    return match.group(1) if match else None


def _outlet_for_host(host: str, patterns: _Patterns) -> str:
    parts = host.split(".")
    for start in range(len(parts) - 1):
        name = patterns.domains.get(".".join(parts[start:]))
        if name:
            return name
    return host


def _canonical_name(value: str, patterns: _Patterns) -> str:
    return patterns.names.get(value.lower(), value)


def _decide_outlet(evidence: list[tuple[int, str, str]]) -> tuple[str | None, str]:
    """Return the outlet named by the strongest evidence level, or None when there is none or it conflicts."""
    if not evidence:
        return None, ""
    level = min(item[0] for item in evidence)
    strongest = [item for item in evidence if item[0] == level]
    outlets = sorted({outlet for _, outlet, _ in strongest})
    if len(outlets) == 1:
        return outlets[0], strongest[0][2]
    labels = sorted({f"{label} ({outlet})" for _, outlet, label in strongest})
    return None, "conflicting evidence: " + "; ".join(labels)


def _share_page_evidence(drafts: list[_Draft], source_file: str) -> None:
    """Give articles without evidence the outlet of their page, when the page names one outlet."""
    decided = [(draft, *_decide_outlet(draft.evidence)) for draft in drafts]
    outlets = {outlet for _, outlet, _ in decided if outlet}
    if len(outlets) != 1 or any(label.startswith("conflicting") for _, _, label in decided):
        return
    source, outlet, label = next(item for item in decided if item[1])
    base = _base_id(source_file)
    width = len(str(max(draft.position for draft in drafts)))
    for draft, _, own in decided:
        if not own:
            draft.evidence.append(
                (_PAGE, outlet, f"same page as {base}-{source.position:0{width}d} ({label})")
            )


# --- manifest, assembly, duplicates -----------------------------------------------------------

_MANIFEST_FILE_FIELDS = ("file", "source_file", "path", "filename", "file_name")


def _read_manifest(
    root: Path, manifest: str | Path | pd.DataFrame | None, known: set[str]
) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    """Return the manifest as ``source_file, outlet, url, published`` and its unusable rows."""
    empty = pd.DataFrame(columns=["source_file", "outlet", "url", "published"])
    try:
        records, name = _manifest_records(root, manifest)
    except formats.SkipFile as reason:
        return empty, [(Path(str(manifest or "manifest.csv")).name, f"manifest not used: {reason}")]
    if records is None:
        return empty, []
    rows: dict[str, dict[str, Any]] = {}
    problems: list[tuple[str, str]] = []
    for position, record, problem in records:
        if record is None:
            problems.append((name, f"manifest {problem}"))
            continue
        lowered = {str(key).strip().lower(): value for key, value in record.items()}
        raw = next((lowered[key] for key in _MANIFEST_FILE_FIELDS if lowered.get(key)), None)
        target = _manifest_path(formats.as_text(raw, limit=1000))
        if target is None:
            problems.append(
                (name, f"manifest row {position}: no file path or a path outside the dump, ignored")
            )
        elif target not in known:
            problems.append((name, f"manifest row {position}: no such article file in the dump ({target!r})"))
        elif target in rows:
            problems.append((name, f"manifest row {position}: second entry for {target!r} ignored"))
        else:
            names = formats.field_names(record)
            published = formats.parse_date(formats.pick_field(record, "date", names=names)[1])
            url, problem = formats.web_url(formats.pick_field(record, "url", names=names)[1])
            if problem:
                problems.append((name, f"manifest row {position}: {problem}"))
            rows[target] = {
                "source_file": target,
                "outlet": " ".join(
                    formats.as_text(formats.pick_field(record, "outlet", names=names)[1], limit=200).split()
                )
                or None,
                "url": url,
                "published": published.isoformat() if published else None,
            }
    return pd.DataFrame(list(rows.values()), columns=empty.columns), problems


def _manifest_records(root: Path, manifest: str | Path | pd.DataFrame | None) -> tuple[Any, str]:
    if isinstance(manifest, pd.DataFrame):
        table = manifest.astype(object).where(manifest.notna(), None)
        return (
            (number, record, "") for number, record in enumerate(table.to_dict("records"), start=1)
        ), "manifest"
    if manifest is None:
        location = root / "manifest.csv"
        if not location.exists() and not location.is_symlink():
            return None, ""
        try:
            resolved = location.resolve(strict=True)
        except (OSError, RuntimeError) as error:
            raise formats.SkipFile("broken or looping symlink") from error
        if not resolved.is_relative_to(root):
            raise formats.SkipFile("symlink points outside the dump")
        item = formats.DumpFile("manifest.csv", resolved)
    else:
        item = formats.DumpFile(Path(manifest).name, Path(manifest))
    text = formats.decode_text(formats.read_bytes(item))
    return formats.read_records(text, ".csv"), item.source_file


def _manifest_path(value: str) -> str | None:
    """Normalise a manifest path relative to the dump; None when empty or pointing outside it."""
    value = value.replace("\\", "/").strip()
    if not value or value.startswith("/") or re.match(r"^[A-Za-z]:", value):
        return None
    parts: list[str] = []
    for part in value.split("/"):
        if part in {"", "."}:
            continue
        if part == "..":
            if not parts:
                return None
            parts.pop()
        else:
            parts.append(part)
    return "/".join(parts) or None


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Return the article rows as a DataFrame sorted by ``article_id``.

    The rows are put in order before the frame is built: sorting the built frame would copy
    every column, article texts included. The order is pandas' sort of the same ids.
    """
    ids = pd.DataFrame({"article_id": [row["article_id"] for row in rows]})
    return pd.DataFrame([rows[position] for position in ids.sort_values("article_id").index])


def _assemble(articles: pd.DataFrame, manifest: pd.DataFrame) -> pd.DataFrame:
    """Apply the manifest, parse dates, mark duplicates and set the column types of ``COLUMNS``."""
    articles = articles.copy(deep=False)  # copy-on-write: the caller's frame stays as it was
    if len(manifest):
        listed = manifest.set_index("source_file")
        for column in ("outlet", "url", "published"):
            values = articles["source_file"].map(listed[column])
            articles[column] = values.where(values.notna(), articles[column])
        from_manifest = articles["source_file"].map(listed["outlet"]).notna()
        articles.loc[from_manifest, "outlet_evidence"] = "manifest"
    published = pd.to_datetime(articles["published"], errors="coerce", format="ISO8601")
    latest = pd.Timestamp.now(tz="UTC").tz_localize(None) + timedelta(days=1)
    articles["published"] = published.where(published <= latest).astype("datetime64[ns]")
    articles = mark_duplicates(articles.assign(duplicate_of=None))
    for column in _STRING_COLUMNS:
        articles[column] = articles[column].astype("str")
    articles["n_words"] = articles["n_words"].astype("int64")
    return articles[COLUMNS]


def mark_duplicates(
    articles: pd.DataFrame, *, threshold: float = DUPLICATE_THRESHOLD, show_progress: bool = False
) -> pd.DataFrame:
    """Set ``duplicate_of`` on every article whose text is a near-verbatim copy of an earlier one.

    Texts are compared as sets of word 5-shingles with MinHash LSH (bands chosen by
    datasketch), so the cost grows linearly with the number of articles. "Earlier" means
    published earlier; articles without a date come after dated ones, and ties go to the
    smaller ``article_id``. A copy points to the first article of its group, never to
    another copy.

    Args:
        articles: Article table with ``article_id``, ``text`` and optionally ``published``.
        threshold: Estimated Jaccard similarity of shingle sets from which texts are copies.
        show_progress: Show a progress bar.

    Returns:
        A copy of ``articles`` with ``duplicate_of`` (article id or missing).

    Raises:
        ValueError: When two articles that are not copies of each other share an ``article_id``.
    """
    keys = ["published", "article_id"] if "published" in articles else ["article_id"]
    # Sort the keys only, not the whole table with its texts.
    order = articles[keys].reset_index(drop=True).sort_values(keys, na_position="last", kind="stable").index
    texts = articles["text"].fillna("").astype(str).tolist()
    ids = articles["article_id"].tolist()
    signatures = _signatures([texts[position] for position in order], show_progress)
    duplicate_of = _find_copies([ids[position] for position in order], signatures, threshold=threshold)
    result = articles.copy()
    result["duplicate_of"] = result["article_id"].map(duplicate_of)
    return result


def _find_copies(ids: list[str], signatures: list[bytes], *, threshold: float) -> dict[str, str]:
    """Map each copy's id to the smallest id among the earlier originals it matches.

    Articles are taken in the order given. Candidates are earlier originals that share at least
    one LSH band with the article; the copies are those whose estimated Jaccard similarity (the
    share of equal MinHash values) reaches ``threshold``. Band buckets are computed for all
    articles at once, so only articles that share a bucket with another one are visited.
    """
    rows = [index for index, value in enumerate(signatures) if value]
    if not rows:
        return {}
    matrix = np.frombuffer(b"".join(signatures[index] for index in rows), dtype=np.uint32)
    matrix = matrix.reshape(len(rows), NUM_PERM)
    bands = _band_ranges(threshold)
    buckets = np.empty((len(rows), len(bands)), dtype=np.int64)
    shared = np.zeros(len(rows), dtype=bool)
    offset = 0
    for column, (start, end) in enumerate(bands):
        band = np.ascontiguousarray(matrix[:, start:end]).view(np.dtype((np.void, 4 * (end - start))))
        _, inverse, counts = np.unique(band.ravel(), return_inverse=True, return_counts=True)
        buckets[:, column] = inverse + offset
        shared |= counts[inverse] > 1
        offset += len(counts)
    members: dict[int, list[int]] = {}
    copy_of: dict[int, str] = {}
    for row in np.flatnonzero(shared).tolist():
        row_buckets = buckets[row].tolist()
        candidates = {member for bucket in row_buckets for member in members.get(bucket, ())}
        matches = [
            ids[rows[member]]
            for member in candidates
            if np.count_nonzero(matrix[member] == matrix[row]) / NUM_PERM >= threshold
        ]
        if matches:
            copy_of[row] = min(matches)
        else:
            for bucket in row_buckets:
                members.setdefault(bucket, []).append(row)
    originals = [ids[index] for row, index in enumerate(rows) if row not in copy_of]
    if len(set(originals)) != len(originals):
        raise ValueError("two different articles share an article_id")
    return {ids[rows[row]]: original for row, original in copy_of.items()}


@functools.cache
def _band_ranges(threshold: float) -> tuple[tuple[int, int], ...]:
    """Return the ``(start, end)`` MinHash ranges of the LSH bands datasketch picks for ``threshold``.

    The band layout minimises the weighted sum of false positive and false negative rates;
    candidates are checked against the estimated similarity afterwards, so the weights favour
    false positives (few true copies missed). The layout is cached on disk: computing it
    imports datasketch and scipy, which takes longer than a warm load of a small dump.
    """
    from importlib.metadata import version

    weights = (0.1, 0.9)

    def compute() -> tuple[tuple[int, int], ...]:
        from datasketch import MinHashLSH

        lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM, weights=weights)
        return tuple((int(start), int(end)) for start, end in lsh.hashranges)

    key = cache.hash_text(version("datasketch"), repr(threshold), str(NUM_PERM), repr(weights))
    return cache.cached_result("minhash", key, compute)


def _signatures(texts: list[str], show_progress: bool) -> list[bytes]:
    """MinHash values of each text's shingles (empty for a text without words), cached by text.

    The values are those of datasketch's ``MinHash(seed=1, scheme="affine32")`` updated with
    the shingle hashes, computed here with numpy on whole arrays.
    """
    codebook = _WordCodes()

    def compute(batch: list[str]) -> list[bytes]:
        multipliers, increments = _permutations()
        values = []
        for text in tqdm(batch, desc="duplicates", unit="article", disable=not show_progress):
            hashes = _fmix32(_shingle_hashes(text, codebook).astype(np.uint32))
            if not len(hashes):
                values.append(b"")
                continue
            signature = np.full(NUM_PERM, np.iinfo(np.uint32).max, dtype=np.uint32)
            for start in range(0, len(hashes), _MINHASH_BLOCK):  # bounded memory on huge texts
                permuted = np.multiply.outer(hashes[start : start + _MINHASH_BLOCK], multipliers)
                permuted += increments  # uint32 arithmetic wraps modulo 2**32, as in datasketch
                np.minimum(signature, permuted.min(axis=0), out=signature)
            values.append(signature.tobytes())
        return values

    method = cache.hash_text(_WORD.pattern, str(SHINGLE_WORDS), str(NUM_PERM), "affine32")
    return cache.cached_map("minhash", [cache.hash_text(method, text) for text in texts], texts, compute)


@functools.cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """Return the affine permutations ``(a, b)`` of datasketch's ``MinHash(seed=1)`` (affine32)."""
    from datasketch import MinHash

    multipliers, increments = MinHash(num_perm=NUM_PERM, seed=1, scheme="affine32").permutations
    return multipliers.astype(np.uint32), increments.astype(np.uint32)


def _fmix32(values: np.ndarray) -> np.ndarray:
    """Apply the MurmurHash3 32-bit finalizer, as datasketch does before its permutations."""
    values = values ^ (values >> np.uint32(16))
    values = values * np.uint32(0x85EBCA6B)
    values = values ^ (values >> np.uint32(13))
    values = values * np.uint32(0xC2B2AE35)
    return values ^ (values >> np.uint32(16))


def _shingles(text: str) -> set[str]:
    words = _WORD.findall(text.lower())
    if len(words) < SHINGLE_WORDS:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)}


class _WordCodes(dict):
    """Stable 32-bit code per word (``str``, or ASCII ``bytes`` with the same code), computed once."""

    def __missing__(self, word: str | bytes) -> int:
        code = self[word] = zlib.crc32(word if isinstance(word, bytes) else word.encode("utf-8"))
        return code


def _shingle_hashes(text: str, codebook: _WordCodes) -> np.ndarray:
    """Return the distinct 32-bit hashes of the word 5-shingles of ``text`` (vectorised, stable)."""
    words = _words(text)
    codes = np.fromiter(map(codebook.__getitem__, words), dtype=np.uint64, count=len(words))
    width = min(SHINGLE_WORDS, len(codes))
    hashes = np.zeros(len(codes) - width + 1 if len(codes) else 0, dtype=np.uint64)
    for offset in range(width):
        hashes = (hashes * np.uint64(1_000_003) + codes[offset : offset + len(hashes)]) & np.uint64(
            0xFFFFFFFF
        )
    return np.unique(hashes)


def _words(text: str) -> list[str] | list[bytes]:
    """Return the ``_WORD`` matches of the lower-cased text, as ASCII bytes when that is exact.

    When every non-ASCII character of the text separates words (curly quotes, dashes), the
    words are the ASCII letters, digits and underscores between separators, which bytes
    methods find several times faster than the regular expression.
    """
    if all(map(_separates_words, set(_NON_ASCII.findall(text)))):
        return text.encode("utf-8", "surrogatepass").translate(_ASCII_WORD_BYTES).split()
    return _WORD.findall(text.lower())


@functools.cache
def _separates_words(char: str) -> bool:
    return not _WORD.search(char.lower())


_NON_ASCII = re.compile(r"[^\x00-\x7f]")
# Lower-cases ASCII word characters and turns every other byte into a space.
_ASCII_WORD_BYTES = bytes(
    ord(chr(code).lower()) if code < 128 and _WORD.fullmatch(chr(code)) else 32 for code in range(256)
)


# --- tables for the inspection notebook -------------------------------------------------------

UNKNOWN_OUTLET = "(unknown outlet)"


def describe_corpus(articles: pd.DataFrame) -> str:
    """Return a few sentences that summarise a loaded dump (counts only, no interpretation).

    Args:
        articles: Output of ``load_articles``.

    Returns:
        Plain-text summary.
    """
    unique = articles[articles["duplicate_of"].isna()]
    known = unique["outlet"].dropna()
    dated = unique["published"].dropna()
    skipped = articles.attrs.get("skipped", pd.DataFrame(columns=["source_file", "reason"]))
    n_copies = len(articles) - len(unique)
    n_unknown = len(unique) - len(known)
    median_words = int(unique["n_words"].median()) if len(unique) else 0
    sentences = [
        f"{_count(articles['source_file'].nunique(), 'file')} gave {_count(len(articles), 'article')}; "
        f"{_count(n_copies, 'near-duplicate')} of an earlier article set aside.",
        f"{_count(len(unique), 'unique article')} from {_count(known.nunique(), 'identified outlet')}; "
        f"{_count(n_unknown, 'article')} without outlet evidence.",
        f"{_count(len(dated), 'unique article')} with a publication date"
        + (f" (from {dated.min():%Y-%m-%d} to {dated.max():%Y-%m-%d})." if len(dated) else "."),
        f"{_count(skipped['source_file'].nunique(), 'file')} with skipped content "
        f"({_count(len(skipped), 'entry', 'entries')} in the skipped table).",
        f"Median length of unique articles: {_count(median_words, 'word')}.",
    ]
    return "\n".join(sentences)


def _count(number: int, singular: str, plural: str | None = None) -> str:
    return f"{number} {singular if number == 1 else plural or singular + 's'}"


def summarize_outlets(articles: pd.DataFrame) -> pd.DataFrame:
    """Count articles, duplicates and dated articles per outlet, with the evidence used.

    Args:
        articles: Output of ``load_articles``.

    Returns:
        One row per outlet (``UNKNOWN_OUTLET`` for missing), sorted by unique articles
        (descending) then outlet: ``outlet, articles, duplicates, dated, first_published,
        last_published, evidence`` (the most frequent evidence label).
    """
    table = articles.assign(
        outlet=articles["outlet"].fillna(UNKNOWN_OUTLET),
        is_duplicate=articles["duplicate_of"].notna(),
        evidence=articles["outlet_evidence"].fillna("").str.replace(r" \(.*", "", regex=True),
    )
    unique = table[~table["is_duplicate"]]
    grouped = table.groupby("outlet", sort=True)
    summary = pd.DataFrame(
        {
            "articles": unique.groupby("outlet")["article_id"].count(),
            "duplicates": grouped["is_duplicate"].sum(),
            "dated": unique.groupby("outlet")["published"].count(),
            "first_published": unique.groupby("outlet")["published"].min().dt.strftime("%Y-%m-%d"),
            "last_published": unique.groupby("outlet")["published"].max().dt.strftime("%Y-%m-%d"),
            "evidence": grouped["evidence"].agg(_most_common),
        }
    )
    summary = summary.rename_axis("outlet").reset_index()
    for column in ("articles", "duplicates", "dated"):
        summary[column] = summary[column].fillna(0).astype("int64")
    for column in ("first_published", "last_published"):
        summary[column] = summary[column].fillna("")
    return summary.sort_values(["articles", "outlet"], ascending=[False, True], ignore_index=True)


def _most_common(values: pd.Series) -> str:
    counts = values[values != ""].value_counts()
    if counts.empty:
        return ""
    return sorted(counts.index, key=lambda label: (-counts[label], label))[0]


def count_by_date(articles: pd.DataFrame, *, freq: str = "D") -> pd.DataFrame:
    """Count unique articles per publication period and outlet.

    Args:
        articles: Output of ``load_articles``.
        freq: Pandas period frequency ("D" day, "W" week, "M" month).

    Returns:
        ``period, outlet, articles`` sorted by period then outlet; undated articles have
        period "undated" and come last.
    """
    unique = articles[articles["duplicate_of"].isna()]
    period = unique["published"].dt.to_period(freq).astype(str).where(unique["published"].notna(), "undated")
    table = (
        pd.DataFrame({"period": period, "outlet": unique["outlet"].fillna(UNKNOWN_OUTLET)})
        .value_counts()
        .rename("articles")
        .reset_index()
    )
    table["undated"] = table["period"] == "undated"
    return table.sort_values(["undated", "period", "outlet"], ignore_index=True).drop(columns="undated")


def list_duplicates(articles: pd.DataFrame) -> pd.DataFrame:
    """List near-duplicate articles next to the article they copy, with their text similarity.

    Args:
        articles: Output of ``load_articles``.

    Returns:
        ``article_id, outlet, title, duplicate_of, original_outlet, original_title,
        similarity`` (exact Jaccard similarity of word 5-shingles), sorted by ``article_id``.
    """
    copies = articles[articles["duplicate_of"].notna()]
    originals = articles.set_index("article_id").loc[copies["duplicate_of"]]
    similarity = [
        len(a & b) / len(a | b) if a | b else 0.0
        for a, b in zip(map(_shingles, copies["text"]), map(_shingles, originals["text"]), strict=True)
    ]
    return pd.DataFrame(
        {
            "article_id": copies["article_id"].to_numpy(),
            "outlet": copies["outlet"].fillna(UNKNOWN_OUTLET).to_numpy(),
            "title": copies["title"].fillna("").to_numpy(),
            "duplicate_of": copies["duplicate_of"].to_numpy(),
            "original_outlet": originals["outlet"].fillna(UNKNOWN_OUTLET).to_numpy(),
            "original_title": originals["title"].fillna("").to_numpy(),
            "similarity": [round(value, 3) for value in similarity],
        }
    ).sort_values("article_id", ignore_index=True)


def list_boilerplate(articles: pd.DataFrame, *, n_examples: int = 3, max_chars: int = 60) -> pd.DataFrame:
    """Show per file how many lines were removed as boilerplate, with the first distinct examples.

    Args:
        articles: Output of ``load_articles``.
        n_examples: Distinct removed lines shown per file.
        max_chars: Each example is shortened to this many characters.

    Returns:
        ``source_file, articles, removed_lines, examples`` sorted by ``source_file``.
    """
    rows = []
    for source_file, group in articles.groupby("source_file", sort=True):
        lines = [line for removed in group["boilerplate"] for line in removed]
        examples = list(dict.fromkeys(_shorten(line, max_chars) for line in lines))[:n_examples]
        rows.append(
            {
                "source_file": source_file,
                "articles": len(group),
                "removed_lines": len(lines),
                "examples": " | ".join(examples),
            }
        )
    return pd.DataFrame(rows, columns=["source_file", "articles", "removed_lines", "examples"])


def list_skipped(articles: pd.DataFrame) -> pd.DataFrame:
    """Return the files, records and manifest rows that were not loaded, with the reason.

    Args:
        articles: Output of ``load_articles``.

    Returns:
        ``source_file, reason`` sorted by both.
    """
    skipped = articles.attrs.get("skipped", pd.DataFrame(columns=["source_file", "reason"]))
    return skipped.sort_values(["source_file", "reason"], ignore_index=True)


def preview_articles(articles: pd.DataFrame, *, n_chars: int = 200) -> pd.DataFrame:
    """Show each article's outlet, date, title and opening characters.

    Args:
        articles: Output of ``load_articles``.
        n_chars: Length of the opening shown (cut at a word boundary).

    Returns:
        ``article_id, outlet, published, title, opening`` sorted by ``article_id``.
    """
    return pd.DataFrame(
        {
            "article_id": articles["article_id"],
            "outlet": articles["outlet"].fillna(UNKNOWN_OUTLET),
            "published": articles["published"].dt.strftime("%Y-%m-%d").fillna(""),
            "title": articles["title"].fillna(""),
            "opening": [_shorten(" ".join(text.split()), n_chars) for text in articles["text"]],
        }
    ).sort_values("article_id", ignore_index=True)


def _shorten(text: str, n_chars: int) -> str:
    if len(text) <= n_chars:
        return text
    cut = text[:n_chars].rsplit(" ", 1)[0]
    return cut + "…"


def plot_lengths(articles: pd.DataFrame, *, ax: Any = None) -> Any:
    """Plot the distribution of article lengths in words (duplicates excluded).

    Args:
        articles: Output of ``load_articles``.
        ax: Matplotlib axes to draw on; a new small figure when None.

    Returns:
        The matplotlib figure.
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    if ax is None:
        figure, ax = plt.subplots(figsize=(5, 2.5), dpi=100)
        plt.close(figure)  # returned for display; closing keeps inline backends from drawing it twice
    lengths = articles.loc[articles["duplicate_of"].isna(), "n_words"]
    ax.hist(lengths, bins=min(30, max(5, len(lengths))), color="#4c72b0", edgecolor="white")
    ax.set_xlabel("words per article")
    ax.set_ylabel("articles")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(f"Article length ({len(lengths)} unique articles)", fontsize=10)
    ax.figure.tight_layout()
    return ax.figure
