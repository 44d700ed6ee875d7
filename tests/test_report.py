"""The report runner: papermill parameters, offline HTML, escaped index page."""

import multiprocessing
import time

import nbformat
import pytest

from analysis import report

PLANTED = "<script>document.title='pwned'</script><img src=x onerror=alert(1)><b>kept</b>"


def _tiny_notebook(folder):
    notebook = nbformat.v4.new_notebook()
    parameters = nbformat.v4.new_code_cell("dump_dir = 'unset'\nseed = 0")
    parameters.metadata["tags"] = ["parameters"]
    notebook.cells = [
        nbformat.v4.new_markdown_cell("# Tiny <check>\n\nSays which dump it saw."),
        parameters,
        nbformat.v4.new_code_cell("from pathlib import Path\nPath(dump_dir).name, seed"),
        nbformat.v4.new_code_cell(f"from IPython.display import HTML\nHTML({PLANTED!r})"),
        nbformat.v4.new_code_cell("import pandas as pd\npd.DataFrame({'outlet': ['<i>A</i>']})"),
    ]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / "00-tiny.ipynb"
    nbformat.write(notebook, path)
    return path


def test_parse_params_reads_literals_and_strings():
    assert report.parse_params(["seed=7", "unit=sentence", "flag=True"]) == {
        "seed": 7,
        "unit": "sentence",
        "flag": True,
    }
    with pytest.raises(ValueError, match="key=value"):
        report.parse_params(["novalue"])


def test_build_report_runs_notebooks_and_writes_offline_pages(tmp_path):
    dump = tmp_path / "my <dump>"
    dump.mkdir()
    (dump / "a.txt").write_text("Some article text.")
    notebook = _tiny_notebook(tmp_path)
    index, pages = report.build_report(
        dump, out_dir=tmp_path / "out", params={"seed": 3}, notebooks=[notebook], show_progress=False
    )
    assert [page.error for page in pages] == [None]
    executed = nbformat.read(tmp_path / "out" / "00-tiny.ipynb", as_version=4)
    assert "('my <dump>', 3)" in executed.cells[3].outputs[0]["data"]["text/plain"]
    page = (tmp_path / "out" / "00-tiny.html").read_text()
    assert "<b>kept</b>" in page
    assert '<h1 id="Tiny-<check>">' not in page and "&lt;h1" not in page and "<h1" in page
    assert "<th>outlet</th>" in page and "&lt;th" not in page and "dataframe tbody" not in page
    assert "&lt;i&gt;A&lt;/i&gt;" in page, "cell values are escaped by pandas and stay text"
    assert "<script>document.title" not in page and "<img src=x onerror" not in page
    assert "cdnjs" not in page and "unpkg" not in page
    index_html = index.read_text()
    assert "my &lt;dump&gt;: 1 files" in index_html
    assert 'href="00-tiny.html">Tiny &lt;check&gt;</a>' in index_html


def test_failed_notebook_is_reported_not_fatal(tmp_path):
    notebook = _tiny_notebook(tmp_path)
    content = nbformat.read(notebook, as_version=4)
    content.cells.append(nbformat.v4.new_code_cell("raise RuntimeError('boom')"))
    nbformat.write(content, notebook)
    _, pages = report.build_report(
        tmp_path, out_dir=tmp_path / "out", notebooks=[notebook], show_progress=False
    )
    assert pages[0].error == "RuntimeError: boom"
    assert (tmp_path / "out" / "00-tiny.html").exists()


def test_a_child_process_that_started_joblib_workers_exits():
    """The result tables run in a child process; joblib's workers (topics) must not keep it alive."""
    process = multiprocessing.get_context("spawn").Process(target=_use_joblib_workers)
    process.start()
    process.join(timeout=120)
    alive = process.is_alive()
    if alive:
        process.kill()
    assert not alive and process.exitcode == 0


def _use_joblib_workers():
    from joblib import Parallel, delayed

    assert Parallel(n_jobs=2, backend="loky")(delayed(abs)(-number) for number in range(4)) == [0, 1, 2, 3]
    time.sleep(2)  # let the workers finish starting
    report._stop_joblib_workers()
