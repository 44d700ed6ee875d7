"""The disk cache computes each key once and survives reruns."""

from analysis.cache import cached_map, cached_result, code_version, hash_text, read_values


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
