"""Shared test setup: caches go to a throw-away folder, never into data/cache."""

import pytest


@pytest.fixture(autouse=True, scope="session")
def _isolated_cache(tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ANALYSIS_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        yield
