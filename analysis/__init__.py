"""Compare how news outlets cover the same story: load a dump, model topics, count actors, compare framing.

Public functions are imported lazily, so ``import analysis`` stays fast and a notebook that
only inspects the corpus never loads PyTorch or spaCy.
"""

import warnings
from importlib import import_module
from importlib.metadata import PackageNotFoundError, version

# sentence-transformers imports tqdm.autonotebook, which warns in a kernel without ipywidgets;
# the package's own bars are plain tqdm, so the warning would only be noise in stored outputs.
warnings.filterwarnings("ignore", message="IProgress not found")

try:
    __version__ = version("analysis")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0+unknown"

_EXPORTS = {
    "load_articles": "corpus",
    "model_topics": "topics",
    "extract_mentions": "actors",
    "extract_quotes": "actors",
    "count_actors": "actors",
    "distinctive_terms": "framing",
    "keyword_in_context": "framing",
    "score_frames": "framing",
    "frame_shares": "framing",
    "actor_labels": "framing",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(import_module(f"analysis.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module 'analysis' has no attribute {name!r}")
