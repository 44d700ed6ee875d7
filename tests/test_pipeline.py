"""Result tables: the Dask engine equals pandas, written bytes are reproducible, killed writes heal."""

import pandas as pd
import pytest

from analysis import paths, pipeline, report


@pytest.fixture(scope="module")
def pandas_tables():
    return pipeline.compute_tables(paths.DEFAULT_DUMP_DIR, engine="pandas", seed=42)


def _files(folder):
    """Every visible file under ``folder`` (relative path -> bytes); hidden temporaries excluded."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(folder).parts)
    }


def test_tables_have_the_documented_shape(pandas_tables):
    assert list(pandas_tables) == list(pipeline.TABLE_KEYS)
    articles = pandas_tables["articles"]
    assert articles["article_id"].is_monotonic_increasing and articles["article_id"].is_unique
    distinct = set(articles.loc[articles["duplicate_of"].isna(), "article_id"])
    for name in ("mentions", "quotes", "frames_generic", "frames_policy", "article_topics"):
        table = pandas_tables[name]
        assert len(table) and set(table["article_id"]) <= distinct, name
        assert table.index.equals(pd.RangeIndex(len(table)))
    assert set(pandas_tables["article_topics"]["article_id"]) == distinct
    assert {"score", "frame", "sentence"} <= set(pandas_tables["frames_policy"].columns)
    assert "carries" not in pandas_tables["frames_policy"]


def test_dask_engine_equals_pandas(pandas_tables, tmp_path, monkeypatch):
    # A cache of its own, inherited by the worker processes: the workers really parse and score.
    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(tmp_path / "dask-cache"))
    dask_tables = pipeline.compute_tables(paths.DEFAULT_DUMP_DIR, engine="dask", n_workers=2, seed=42)
    assert list(dask_tables) == list(pandas_tables)
    for name, table in pandas_tables.items():
        pd.testing.assert_frame_equal(
            pipeline.flatten_table(dask_tables[name]), pipeline.flatten_table(table), obj=name
        )
    assert (tmp_path / "dask-cache").is_dir()


def test_unknown_engine_is_refused(tmp_path):
    with pytest.raises(ValueError, match="engine"):
        pipeline.compute_tables(tmp_path, engine="spark")
    with pytest.raises(ValueError, match="engine"):
        pipeline.write_tables({}, tmp_path, engine="spark")


@pytest.mark.parametrize("engine", ["pandas", "dask"])
def test_written_tables_are_byte_identical_and_read_back(pandas_tables, tmp_path, engine):
    first = tmp_path / "first"
    written = pipeline.write_tables(pandas_tables, first, engine=engine)
    pipeline.write_tables(pandas_tables, tmp_path / "second", engine=engine)
    assert _files(first) == _files(tmp_path / "second")
    assert len(written) == 2 * len(pandas_tables)
    parquet = first / ("quotes" if engine == "dask" else "quotes.parquet")
    expected = pipeline.flatten_table(pandas_tables["quotes"])
    pd.testing.assert_frame_equal(pd.read_parquet(parquet), expected, check_dtype=False)
    pd.testing.assert_frame_equal(pd.read_csv(first / "quotes.csv"), expected, check_dtype=False)
    boilerplate = pd.read_parquet(first / ("articles" if engine == "dask" else "articles.parquet"))[
        "boilerplate"
    ]
    assert boilerplate.map(lambda value: isinstance(value, str)).all()


def test_killed_run_leaves_whole_tables_and_rerun_is_identical(pandas_tables, tmp_path, monkeypatch):
    clean = tmp_path / "clean"
    pipeline.write_tables(pandas_tables, clean)
    target = tmp_path / "killed"
    real_write = pipeline._write_parquet
    calls = []

    def dying_write(table, path):
        calls.append(path)
        if len(calls) == 2:  # killed while writing the second table
            path.write_bytes(b"PAR1 torn")
            raise KeyboardInterrupt
        real_write(table, path)

    monkeypatch.setattr(pipeline, "_write_parquet", dying_write)
    with pytest.raises(KeyboardInterrupt):
        pipeline.write_tables(pandas_tables, target)
    monkeypatch.setattr(pipeline, "_write_parquet", real_write)
    left = _files(target)
    assert sorted(left) == ["articles.csv", "articles.parquet", "skipped.csv"]
    assert all(left[name] == _files(clean)[name] for name in left)
    assert not list(target.glob(".*.partial"))  # the torn temporary was removed
    (target / ".mentions.csv.x1.partial").write_text("torn leftover of a SIGKILLed run")

    rerun = pipeline.compute_tables(paths.DEFAULT_DUMP_DIR, engine="pandas", seed=42)
    pipeline.write_tables(rerun, target)
    assert _files(target) == _files(clean)


def test_index_lists_tables_with_escaped_names(tmp_path):
    tables = [report.TableFiles("<b>x</b>", 3, ("tables/<b>x</b>.csv",))]
    index = report.write_index(tmp_path, [], {"name": "d", "files": 1, "bytes": 10}, tables=tables)
    page = index.read_text()
    assert "&lt;b&gt;x&lt;/b&gt;: 3 rows" in page and "<b>x</b>" not in page
    assert 'href="tables/%3Cb%3Ex%3C/b%3E.csv"' in page
    failed = report.write_index(tmp_path, [], {"name": "d", "files": 1, "bytes": 10}, tables_error="<boom>")
    assert "Tables not written: &lt;boom&gt;" in failed.read_text()


def test_scheduler_flag_needs_dask_engine():
    with pytest.raises(SystemExit):
        report.main(["report", "--scheduler", "tcp://127.0.0.1:8786"])
