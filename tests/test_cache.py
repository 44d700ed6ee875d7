"""The disk cache computes each key once and survives reruns."""

import multiprocessing

from analysis.cache import cached_map, cached_result, code_version, hash_text, read_values, write_values


def test_hash_is_stable_and_unambiguous():
    assert hash_text("ab", "c") == hash_text("ab", "c")
    assert hash_text("ab", "c") != hash_text("a", "bc")


def test_only_missing_keys_are_computed():
    calls = []

    def compute(items):
        calls.append(list(items))
        return [item.upper().encode() for item in items]

    items = ["x", "y", "x"]
    keys = [hash_text(item) for item in items]
    assert cached_map("test-cache", keys, items, compute) == [b"X", b"Y", b"X"]
    assert calls == [["x", "y"]]
    more = ["y", "z"]
    assert cached_map("test-cache", [hash_text(i) for i in more], more, compute) == [b"Y", b"Z"]
    assert calls[-1] == ["z"]
    assert read_values("test-cache", [hash_text("z"), "absent"]) == {hash_text("z"): b"Z"}


def test_cached_result_computes_once_and_returns_unpicklable_results_unstored():
    calls = []

    def compute():
        calls.append(1)
        return {"rows": [1, 2]}

    assert cached_result("results", "key", compute) == {"rows": [1, 2]}
    assert cached_result("results", "key", compute) == {"rows": [1, 2]}
    assert len(calls) == 1
    assert cached_result("results", "closure", lambda: lambda: 7)() == 7
    assert read_values("results", ["closure"]) == {}
    assert len(code_version()) == 64


def test_code_version_does_not_depend_on_where_python_finds_the_project(tmp_path, monkeypatch):
    """A notebook kernel in ``notebooks/`` and the report process must share cached results."""
    before = code_version.__wrapped__()
    metadata = tmp_path / "analysis-0.0.dist-info"
    metadata.mkdir()
    (metadata / "METADATA").write_text("Metadata-Version: 2.1\nName: analysis\nVersion: 0.0\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert code_version.__wrapped__() == before


def _write_and_read(barrier, worker):
    barrier.wait()
    for number in range(400):
        write_values(f"new-{number}", {f"key-{worker}": b"value"})
        assert read_values(f"new-{number}", [f"key-{worker}"]) == {f"key-{worker}": b"value"}


def test_processes_opening_a_new_cache_at_once_all_succeed(tmp_path, monkeypatch):
    # Dask workers open the same fresh cache file together; switching it to WAL once failed
    # with "database is locked" instead of waiting.
    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(tmp_path))
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(8)
    workers = [context.Process(target=_write_and_read, args=(barrier, worker)) for worker in range(8)]
    for process in workers:
        process.start()
    for process in workers:
        process.join()
    assert [process.exitcode for process in workers] == [0] * 8
    assert len(read_values("new-0", [f"key-{worker}" for worker in range(8)])) == 8
