"""Quoted passages and speech attributions in parsed text: the mechanics behind ``extract_quotes``.

Works on character offsets into an article's ``text`` and on spaCy dependency parses of either
the whole article or of single sentences (the fast path), so both paths share one rule set.
Speakers are only located here (the subject phrase of a speech cue); naming them as actors,
anonymous sources or institutions happens in ``analysis.actors``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

from analysis.text import split_paragraphs

_DOUBLE = re.compile('[\u201c\u201d\u201e\u00ab\u00bb"]')
_OPENERS = "\u201c\u201e\u00ab"
_CLOSERS = "\u201d\u00bb"
_SINGLE = re.compile(r"(?<![\w])[\u2018'](?=\w)(.+?)(?<=\S)[\u2019'](?!\w)")
# Between a quote and its attribution only punctuation on the same line may stand: `,” he said`,
# `?” she asked`, `said: “`. A full stop ends the sentence, so “….” He said… is not glued.
_GLUE_AFTER = re.compile(r"[ \t,!?:;\u2014\u2013\-\u201d\u2019\"']*")
_GLUE_BEFORE = re.compile(r"[ \t,:;\u2014\u2013\-\u201c\u2018\"']*")
# Reported speech without a clausal complement needs a separator: `…, the ministry announced`.
_SEPARATOR = re.compile(r"[ \t]*[,:;\u2014\u2013-][ \t]*")
_EDGE = " \t\n,;:\u2014\u2013-"


class Attribution(NamedTuple):
    """One speech attribution found in a parse; offsets are into the article text."""

    cue: str
    cue_start: int
    speaker_start: int
    speaker_end: int
    head_start: int
    head_end: int
    head_lemma: str
    phrase: str
    content_start: int
    content_end: int
    direct: bool


def find_quote_spans(text: str) -> list[tuple[int, int]]:
    """Return ``(start, end)`` spans of quoted passages (without the marks), in order.

    Straight and curly double quotes are paired within a paragraph, mixed styles included
    (“…"); single quotes count only when they open at a word start and close at a word end, so
    apostrophes are not quotes. A quote left open runs to the end of its paragraph (the news
    convention for quotes that continue over paragraphs); unbalanced marks never raise.
    """
    spans: list[tuple[int, int]] = []
    for para_start, para_end in split_paragraphs(text):
        paragraph = text[para_start:para_end]
        doubles: list[tuple[int, int]] = []
        opened: int | None = None
        for match in _DOUBLE.finditer(paragraph):
            mark, at = match.group(), match.start()
            if mark in _OPENERS or (mark in '"' and opened is None):
                if opened is not None:
                    doubles.append((opened, at))
                opened = at + 1
            elif opened is not None and mark in _CLOSERS + '"':
                doubles.append((opened, at))
                opened = None
        if opened is not None:
            doubles.append((opened, len(paragraph)))
        singles = [
            match.span(1)
            for match in _SINGLE.finditer(paragraph)
            if not any(start <= match.start() < end for start, end in doubles)
        ]
        spans.extend((para_start + start, para_start + end) for start, end in doubles + singles)
    return sorted(_trim(text, start, end) for start, end in spans if text[start:end].strip())


def count_words(text: str) -> int:
    """Return the number of whitespace-separated words in ``text``."""
    return len(text.split())


def find_attributions(
    doc,
    text: str,
    *,
    offset: int,
    quotes: Sequence[tuple[int, int]],
    speech_verbs: frozenset[str],
) -> list[Attribution]:
    """Return the speech attributions in a parsed piece of an article.

    A speech cue is a verb whose lemma is in ``speech_verbs`` (its subject is the speaker;
    coordinated verbs share their subject, "quoted X as saying" names X) or the phrase
    "according to X". The content is the direct quote the attribution is glued to by punctuation
    only (before or after it), else the verb's clausal complement, else the rest of the
    sentence. Cues inside quotes are ignored.

    Args:
        doc: spaCy ``Doc`` of ``text[offset:offset + len(doc.text)]``.
        text: The whole article text (offsets refer to it).
        offset: Character offset of ``doc`` in ``text``.
        quotes: Direct-quote spans of the article (long enough to count as quotes).
        speech_verbs: Lemmas of speech cue verbs.

    Returns:
        Attributions in text order, at most one per content span.
    """
    found: dict[tuple[int, int], Attribution] = {}
    for token in doc:
        if _inside(offset + token.idx, quotes):
            continue
        cue = _cue(token, speech_verbs)
        if cue is None:
            continue
        name, subject, cue_end = cue
        left, right = subject.left_edge, subject.right_edge
        if name == "according to":  # "according to X, …": X ends at the comma
            right = next((t.nbor(-1) for t in doc[subject.i : right.i + 1] if t.text == ","), right)
        speaker = (offset + left.idx, offset + right.idx + len(right.text))
        attribution_span = (min(speaker[0], offset + token.idx), max(speaker[1], offset + cue_end))
        content = _direct_content(text, attribution_span, quotes)
        direct = content is not None
        if content is None:
            content = _reported_content(text, token, name, offset, attribution_span)
            if content is None:
                continue
            direct = any(start < content[1] and content[0] < end for start, end in quotes)
        if content[1] - content[0] < 2 or content in found:
            continue
        found[content] = Attribution(
            cue=name,
            cue_start=offset + token.idx,
            speaker_start=speaker[0],
            speaker_end=speaker[1],
            head_start=offset + subject.idx,
            head_end=offset + subject.idx + len(subject.text),
            head_lemma=subject.lemma_.lower(),
            phrase=_noun_phrase(subject),
            content_start=content[0],
            content_end=content[1],
            direct=direct,
        )
    nested = [
        item
        for item in found.values()
        if not any(other.content_start <= item.cue_start < other.content_end for other in found.values())
    ]
    return sorted(nested, key=lambda item: (item.content_start, item.content_end))


def _cue(token, speech_verbs: frozenset[str]):
    """Return ``(cue, subject token, cue end char in doc)`` when ``token`` opens an attribution."""
    if token.lower_ == "according" and token.i + 1 < len(token.doc) and token.nbor().lower_ == "to":
        objects = [child for child in token.nbor().children if child.dep_ == "pobj"]
        if objects:
            return "according to", objects[0], token.nbor().idx + 2
        return None
    if token.pos_ not in ("VERB", "AUX") or token.lemma_.lower() not in speech_verbs:
        return None
    subject = _subject(token)
    if subject is None:
        return None
    return token.lower_, subject, token.idx + len(token.text)


def _subject(verb):
    node = verb
    for _ in range(4):
        if node is not verb and node.lemma_.lower() == "quote":
            objects = [child for child in node.children if child.dep_ == "dobj"]
            return objects[0] if objects else None
        subjects = [child for child in node.children if child.dep_ == "nsubj"]
        if subjects:
            return subjects[0]
        if node.dep_ not in ("conj", "pcomp", "advcl", "prep") or node.head.i == node.i:
            return None
        node = node.head
    return None


def _noun_phrase(head) -> str:
    """Return the words of ``head``'s phrase up to the head itself, without a leading article."""
    tokens = [token for token in head.subtree if token.i <= head.i]
    while tokens and tokens[0].dep_ in ("det", "punct"):
        tokens = tokens[1:]
    return "".join(token.text_with_ws for token in tokens).strip() if tokens else head.text


def _direct_content(text: str, attribution: tuple[int, int], quotes) -> tuple[int, int] | None:
    start, end = attribution
    for quote_start, quote_end in quotes:
        if quote_end <= start and _GLUE_AFTER.fullmatch(text, quote_end, start):
            return quote_start, quote_end
        if quote_start >= end and _GLUE_BEFORE.fullmatch(text, end, quote_start):
            return quote_start, quote_end
    return None


def _reported_content(text: str, verb, cue: str, offset: int, attribution: tuple[int, int]):
    """Return the cue's clausal complement, else the rest of its sentence, else None.

    The rest of the sentence counts only when a comma, colon or dash separates it from the
    attribution ("…, the ministry announced").
    """
    if cue != "according to":
        clauses = [child for child in verb.children if child.dep_ == "ccomp"]
        if clauses:
            left, right = clauses[0].left_edge, clauses[0].right_edge
            return _trim(text, offset + left.idx, offset + right.idx + len(right.text))
    root = verb  # the root's subtree is the sentence; cheaper than ``verb.sent``
    while root.head.i != root.i:
        root = root.head
    sent_start = offset + root.left_edge.idx
    sent_end = offset + root.right_edge.idx + len(root.right_edge.text)
    start, end = attribution
    if start - sent_start >= sent_end - end:
        content = _trim(text, sent_start, start)
        glue = (content[1], start)
    else:
        content = _trim(text, end, sent_end)
        glue = (end, content[0])
    return content if _SEPARATOR.fullmatch(text, *glue) else None


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _EDGE:
        start += 1
    while end > start and text[end - 1] in _EDGE + ".":
        end -= 1
    return start, end


def _inside(position: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(start <= position < end for start, end in spans)
