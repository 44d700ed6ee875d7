"""Quoted passages and speech attributions in parsed text: the mechanics behind ``extract_quotes``.

Works on character offsets into an article's ``text``. The full path reads attributions from a
spaCy dependency parse (``find_attributions``); the fast path, for dumps too large to parse,
from word-order rules over the sentence around each speech cue (``find_attributions_by_rule``).
Both return the same ``Attribution`` records and share the quote, glue and content rules.
Speakers are only located here (the subject phrase of a speech cue); naming them as actors,
anonymous sources or institutions happens in ``analysis.actors``.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
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


class AttributionRules(NamedTuple):
    """Word classes of the parse-free attribution rules (``attribution_rules`` in ``actors.yaml``)."""

    cue_words: frozenset[str]
    cue_phrases: re.Pattern
    phrase_openers: frozenset[str]
    auxiliaries: frozenset[str]
    clause_words: frozenset[str]
    prepositions: frozenset[str]
    determiners: frozenset[str]
    passive_auxiliaries: frozenset[str]
    clause_openers: frozenset[str]
    listener_forms: frozenset[str]
    head_words: frozenset[str]
    pronouns: frozenset[str]


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
    return _outermost(found)


def find_attributions_by_rule(
    text: str,
    *,
    sentences: Sequence[tuple[int, int]],
    quotes: Sequence[tuple[int, int]],
    rules: AttributionRules,
) -> list[Attribution]:
    """Return the speech attributions of an article from word order alone, without a parse.

    The fast path's counterpart of ``find_attributions``, with the same cues and content rules.
    A cue word counts as a verb when it is written in lower case and no determiner stands
    before it ("the state", "his claim"); passives ("was said") and participles other than
    "quoted X as saying" are skipped. The speaker is the phrase read back from the verb over
    auxiliaries and adverbs ("the ministry has also said") up to a clause word or punctuation,
    past a relative clause or apposition between commas ("the TTP, which …, has claimed");
    after a comma or quote mark with no such phrase, the phrase after the verb (", said the
    foreign office"); after "according to", the phrase up to the next comma. Its head is the
    last word before the first preposition, or the source word before trailing modifiers
    ("sources familiar with …"). Reported content is the "that" clause, else what follows
    the verb (after the listener of "told", "urged" …), else the rest of the sentence across a
    comma, colon or dash.

    Args:
        text: The article text.
        sentences: Sentence spans of ``text`` (``analysis.text.split_sentences``).
        quotes: Direct-quote spans of the article (long enough to count as quotes).
        rules: The word classes (``analysis.actors.load_lexicon().attribution_rules``).

    Returns:
        Attributions in text order, at most one per content span.
    """
    by_sentence: dict[tuple[int, int], list[re.Match]] = defaultdict(list)
    starts = [start for start, _ in sentences]
    for match in _find_cues(text, rules):
        at = bisect.bisect_right(starts, match.start()) - 1
        if at >= 0 and match.end() <= sentences[at][1] and not _inside(match.start(), quotes):
            by_sentence[sentences[at]].append(match)
    found: dict[tuple[int, int], Attribution] = {}
    for sentence, cues in by_sentence.items():
        tokens = [
            _Token(*match.span(), match.group(), match.group().lower())
            for match in _TOKEN.finditer(text, *sentence)
        ]
        position = {token.start: index for index, token in enumerate(tokens)}
        for match in cues:
            if match.start() not in position:
                continue
            attribution = _rule_attribution(
                text, tokens, position[match.start()], match, sentence, quotes, rules
            )
            if attribution is not None and (attribution.content_start, attribution.content_end) not in found:
                found[attribution.content_start, attribution.content_end] = attribution
    return _outermost(found)


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
    sentence = (offset + root.left_edge.idx, offset + root.right_edge.idx + len(root.right_edge.text))
    return _rest_of_sentence(text, sentence, attribution)


def _rest_of_sentence(text: str, sentence: tuple[int, int], attribution: tuple[int, int]):
    """Return the longer side of ``sentence`` around ``attribution`` if punctuation separates them."""
    (sent_start, sent_end), (start, end) = sentence, attribution
    if start - sent_start >= sent_end - end:
        content = _trim(text, sent_start, start)
        glue = (content[1], start)
    else:
        content = _trim(text, end, sent_end)
        glue = (end, content[0])
    return content if _SEPARATOR.fullmatch(text, *glue) else None


def _outermost(found: dict[tuple[int, int], Attribution]) -> list[Attribution]:
    """Drop attributions whose cue sits inside another one's content; sort by content."""
    nested = [
        item
        for item in found.values()
        if not any(other.content_start <= item.cue_start < other.content_end for other in found.values())
    ]
    return sorted(nested, key=lambda item: (item.content_start, item.content_end))


# --- parse-free rules ------------------------------------------------------------------------


class _Token(NamedTuple):
    start: int
    end: int
    text: str
    lower: str  # ``text`` in lower case, compared against the word classes


_LETTERS = re.compile(r"[A-Za-z]+")
# A word (with inner apostrophes, dots, hyphens: "Pakistan’s", "U.S", "Bhutto-Zardari") or one mark.
_TOKEN = re.compile(r"\w+(?:['\u2019.&-]\w+)*|[^\w\s]")
_PHRASE_MARKS = "()"  # an acronym in brackets stays inside its phrase: "Public Relations (ISPR)"
_BEFORE_INVERSION = ",\u201d\u2019\"'\u2014\u2013-:"
_PHRASE_WORDS = 8  # a subject phrase longer than this is more likely a clause


def _find_cues(text: str, rules: AttributionRules) -> Iterator[re.Match]:
    """Yield the speech cues of ``text``: lower-case cue verb forms and cue phrases, in order.

    One pass over the words with set look-ups: an alternation of every cue form is several
    times slower on long texts.
    """
    for match in _LETTERS.finditer(text):
        word = match.group()
        if word in rules.cue_words:
            yield match
        elif word.lower() in rules.phrase_openers:
            phrase = rules.cue_phrases.match(text, match.start())
            if phrase:
                yield phrase


def _rule_attribution(text, tokens, index, match, sentence, quotes, rules) -> Attribution | None:
    """Return the attribution opened by the cue ``match`` at ``tokens[index]``, or None."""
    cue = match.group()
    last = index + len(_TOKEN.findall(cue)) - 1  # "according to" spans two tokens
    if cue.lower().startswith("according"):
        speaker = _right_phrase(tokens, last + 1, rules)
        name = "according to"
    else:
        speaker = _verb_subject(tokens, index, rules)
        name = cue  # cue verb forms are matched in lower case
    if speaker is None:
        return None
    first, final, head = speaker
    speaker_span = (tokens[first].start, tokens[final].end)
    attribution_span = (min(speaker_span[0], match.start()), max(speaker_span[1], match.end()))
    content = _direct_content(text, attribution_span, quotes)
    direct = content is not None
    if content is None:
        if name == "according to":
            content = _rest_of_sentence(text, sentence, attribution_span)
        elif first > index:  # ", said the foreign office": what was said comes before
            content = _trim(text, sentence[0], match.start())
            content = content if _SEPARATOR.fullmatch(text, content[1], match.start()) else None
        else:
            after = _skip_listener(tokens, last + 1, name, rules)
            if _starts_clause(tokens, after, rules):
                content = _trim(text, tokens[after].start, sentence[1])
            else:
                content = _rest_of_sentence(text, sentence, attribution_span)
        if content is None or content[1] - content[0] < 2:
            return None
        direct = any(start < content[1] and content[0] < end for start, end in quotes)
    phrase_start = first
    while phrase_start < head and tokens[phrase_start].lower in rules.determiners:
        phrase_start += 1
    return Attribution(
        cue=name,
        cue_start=match.start(),
        speaker_start=speaker_span[0],
        speaker_end=speaker_span[1],
        head_start=tokens[head].start,
        head_end=tokens[head].end,
        head_lemma=tokens[head].lower,
        phrase=text[tokens[phrase_start].start : tokens[head].end],
        content_start=content[0],
        content_end=content[1],
        direct=direct,
    )


def _verb_subject(tokens, index: int, rules: AttributionRules) -> tuple[int, int, int] | None:
    """Return ``(first, last, head)`` token indices of the speaker of the cue verb at ``index``."""
    cue = tokens[index].text
    before = tokens[index - 1].lower if index else ""
    if before in rules.determiners:  # "the state", "his claim"
        return None
    if cue.endswith("ing"):  # only "quoted X as saying"; other participles repeat a speaker
        if before != "as":
            return None
        quoted = next(
            (
                at
                for at in range(index - 2, max(-1, index - 2 - _PHRASE_WORDS), -1)
                if tokens[at].text == "quoted"
            ),
            None,
        )
        return (
            None
            if quoted is None or quoted + 1 > index - 2
            else _phrase(tokens, quoted + 1, index - 2, rules)
        )
    if before in rules.passive_auxiliaries:
        return None
    end = index - 1
    while end >= 0 and tokens[end].lower in rules.auxiliaries:
        end -= 1
    if end >= 0 and tokens[end].lower == "to":  # an infinitive: "urged Kabul to once again say"
        return None
    if end < 0 or tokens[end].text in _BEFORE_INVERSION:
        inverted = _right_phrase(tokens, index + 1, rules, strict=True)
        if inverted is not None or end < 0 or tokens[end].text != ",":
            return inverted
        # "the TTP, which wants …, has claimed": the subject stands before the inserted clause
        opening = next((at for at in range(end - 1, -1, -1) if tokens[at].text in _BEFORE_INVERSION), None)
        if opening is None or tokens[opening].text != ",":
            return None
        end = opening - 1
    return _left_phrase(tokens, end, rules)


def _left_phrase(tokens, end: int, rules: AttributionRules) -> tuple[int, int, int] | None:
    """Return the phrase ending at ``tokens[end]``, read back to a clause word or mark."""
    if end < 0 or not _in_phrase(tokens[end], rules):
        return None
    if tokens[end].lower in rules.pronouns:
        return end, end, end
    start = end
    while (
        start > 0
        and end - start + 1 < _PHRASE_WORDS
        and _in_phrase(tokens[start - 1], rules)
        and tokens[start - 1].lower not in rules.pronouns
    ):
        start -= 1
    if tokens[start].lower in rules.prepositions:  # "On Monday the minister said"
        determiners = [at for at in range(start + 1, end + 1) if tokens[at].lower in rules.determiners]
        start = determiners[-1] if determiners else min(start + 2, end)
    return _phrase(tokens, start, end, rules)


def _right_phrase(tokens, start: int, rules: AttributionRules, *, strict: bool = False):
    """Return the phrase starting at ``tokens[start]`` ("according to X", ", said X").

    With ``strict`` it must open like a subject: a capital, a determiner, a pronoun or a source word.
    """
    end = start
    while end < len(tokens) and end - start < _PHRASE_WORDS and _in_phrase(tokens[end], rules):
        end += 1
    if end == start or tokens[start].text in _PHRASE_MARKS:
        return None
    opener, lowered = tokens[start].text, tokens[start].lower
    if strict and not (
        opener[0].isupper()
        or lowered in rules.determiners
        or lowered in rules.pronouns
        or lowered in rules.head_words
    ):
        return None
    if lowered in rules.pronouns:
        return start, start, start
    return _phrase(tokens, start, end - 1, rules)


def _phrase(tokens, start: int, end: int, rules: AttributionRules) -> tuple[int, int, int] | None:
    """Return ``(start, end, head)``: the head is the last word before the first preposition.

    A trailing lower-case modifier gives way to a source word before it ("sources familiar").
    """
    stop = next((at for at in range(start + 1, end + 1) if tokens[at].lower in rules.prepositions), end + 1)
    words = [at for at in range(start, stop) if tokens[at].text not in _PHRASE_MARKS]
    if not words:
        return None
    last = tokens[words[-1]]
    if last.text[0].isupper() or last.lower in rules.head_words:
        return start, end, words[-1]
    known = [at for at in words if tokens[at].lower in rules.head_words]
    return start, end, (known or words)[-1]


def _in_phrase(token: _Token, rules: AttributionRules) -> bool:
    if token.text in _PHRASE_MARKS:
        return True
    if not (token.text[0].isalnum() or token.text[0] == "_") or token.lower in rules.clause_words:
        return False
    return token.text not in rules.cue_words  # another cue verb ends the phrase


def _skip_listener(tokens, after: int, cue: str, rules: AttributionRules) -> int:
    """Return the index where reported content starts after a cue ending at ``after - 1``.

    At a "that" within the next few words ("said on Monday that …"), else past the listener of
    "told", "urged" … ("told reporters …", "told Arab News …").
    """
    for at in range(after, min(len(tokens), after + _PHRASE_WORDS)):
        if tokens[at].lower == "that":
            return at
        if not _in_phrase(tokens[at], rules):
            break
    if cue not in rules.listener_forms or after >= len(tokens):
        return after
    if tokens[after].text[0].isupper():
        while after < len(tokens) and tokens[after].text[:1].isupper():
            after += 1
        return after
    return after + (2 if tokens[after].lower in rules.determiners else 1)


def _starts_clause(tokens, at: int, rules: AttributionRules) -> bool:
    """Tell whether reported content opens at ``tokens[at]`` ("said the talks", not "claimed victory").

    It opens with "that", a determiner, a capital, a number or a subject pronoun, or with a
    plain word whose verb follows within two words ("said talks would resume").
    """
    if at < len(tokens) and tokens[at].lower == "that":
        return True
    if at >= len(tokens) or not _in_phrase(tokens[at], rules) or tokens[at].text in _PHRASE_MARKS:
        return False
    word, lowered = tokens[at].text, tokens[at].lower
    if lowered in rules.prepositions:
        return False
    if (
        word[0].isupper()
        or word[0].isdigit()
        or lowered in rules.determiners
        or lowered in rules.clause_openers
    ):
        return True
    following = (token.lower for token in tokens[at + 1 : at + 3])
    return any(
        next_word in rules.auxiliaries or next_word in rules.passive_auxiliaries for next_word in following
    )


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _EDGE:
        start += 1
    while end > start and text[end - 1] in _EDGE + ".":
        end -= 1
    return start, end


def _inside(position: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(start <= position < end for start, end in spans)
