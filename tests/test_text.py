"""Sentence and paragraph spans keep exact offsets and respect abbreviations."""

from analysis.text import split_paragraphs, split_sentences, stop_words


def _pieces(text, spans):
    return [text[start:end] for start, end in spans]


def test_paragraphs_split_on_blank_lines():
    text = "First line\ncontinues.\n\n  Second paragraph.\n\n\nThird."
    assert _pieces(text, split_paragraphs(text)) == ["First line\ncontinues.", "Second paragraph.", "Third."]


def test_one_paragraph_per_line_when_there_are_no_blank_lines():
    text = "One.\nTwo.\r\nThree."
    assert _pieces(text, split_paragraphs(text)) == ["One.", "Two.", "Three."]


def test_sentences_respect_titles_and_initials():
    text = 'Lt. Gen. Anjum met Mr. Khan in the U.S. on Dec. 6. "We agreed," he said. Then J. Smith left!'
    assert _pieces(text, split_sentences(text)) == [
        "Lt. Gen. Anjum met Mr. Khan in the U.S. on Dec. 6.",
        '"We agreed," he said.',
        "Then J. Smith left!",
    ]


def test_sentence_after_closing_quote():
    text = "He said “it is over.” The talks ended."
    assert _pieces(text, split_sentences(text)) == ["He said “it is over.”", "The talks ended."]


def test_sentences_never_cross_paragraphs_and_offsets_are_exact():
    text = "A title without stop\n\nBody one. Body two."
    spans = split_sentences(text)
    assert _pieces(text, spans) == ["A title without stop", "Body one.", "Body two."]
    assert all(text[start:end].strip() == text[start:end] for start, end in spans)


def test_empty_text_has_no_units():
    assert split_sentences("") == [] and split_paragraphs(" \n\n ") == []


def test_stop_words_hold_english_and_page_furniture():
    words = stop_words()
    assert {"the", "and", "follow", "updated"} <= words
    assert "taliban" not in words
