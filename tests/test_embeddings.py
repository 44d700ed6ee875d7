"""Embeddings come from the packaged model, offline, and are cached."""

import numpy as np

from analysis import embeddings


class CountingEncoder:
    """A tiny deterministic embedder that counts how often it is asked."""

    cache_id = "counting-encoder-v1"

    def __init__(self):
        self.seen = []

    def encode(self, texts, **_):
        self.seen.extend(texts)
        return np.array([[len(text), text.count("a")] for text in texts], dtype=float)


def test_packaged_minilm_is_used_offline():
    vectors = embeddings.embed_texts(["Talks in Kabul", "Border crossing closed"])
    assert vectors.shape == (2, 384) and vectors.dtype == np.float32
    norms = np.linalg.norm(vectors, axis=1)
    assert np.allclose(norms, 1, atol=1e-3)


def test_cached_vectors_are_reused_and_equal():
    encoder = CountingEncoder()
    first = embeddings.embed_texts(["banana", "kiwi"], model=encoder)
    again = embeddings.embed_texts(["kiwi", "banana", "apple"], model=encoder)
    assert encoder.seen == ["banana", "kiwi", "apple"]
    assert np.array_equal(again[:2], first[::-1])


def test_sklearn_style_transformers_are_accepted():
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer().fit(["talks border crossing", "border crossing aid"])
    vectors = embeddings.embed_texts(["talks border", "crossing aid"], model=vectorizer)
    assert vectors.shape == (2, 4)
