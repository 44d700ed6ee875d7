"""Run every notebook on a dump with papermill and render a self-contained HTML report.

``python -m analysis report DUMP [--out DIR] [--param key=value ...]`` writes, under
``reports/<dump folder name>/``, one executed notebook and one HTML page per notebook plus an
``index.html`` naming the dump, its size, the run date and the package version. Before the
notebooks run, the per-article result tables are computed (``analysis.pipeline``, with pandas or
on a Dask cluster: ``--engine dask [--scheduler ADDRESS]``) and written as CSV and Parquet under
``tables/``; this also fills the disk caches the notebooks then reuse. The committed notebooks
in ``notebooks/`` are never overwritten by a run.
"""

from __future__ import annotations

import argparse
import ast
import datetime as dt
import html
import logging
import multiprocessing
import os
import re
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import nbformat

from analysis import __version__, paths, pipeline

TEMPLATE_DIR = paths.PACKAGE_DATA_DIR / "templates"
KERNEL = "python3"
# What notebook HTML may keep: Markdown cells and pandas tables render, nothing can run. Tags
# outside the list are shown as text (so planted markup is visible, not executed); links keep
# only http(s), mailto and in-page or relative targets.
SAFE_TAGS = frozenset(
    {"a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "details", "div", "dl"}
    | {"dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "kbd", "li", "ol", "p", "pre"}
    | {"s", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot"}
    | {"th", "thead", "tr", "u", "ul"}
)
SAFE_ATTRIBUTES = {  # per tag, on top of those under "*"
    "*": ["class", "id", "title"],
    "a": ["href"],
    "table": ["border"],
    "th": ["colspan", "rowspan", "halign"],
    "td": ["colspan", "rowspan"],
}
# pandas writes a <style scoped> block before each table; it is layout only, and the page's own
# stylesheet styles tables, so it is dropped rather than shown as text.
_PANDAS_STYLE = re.compile(r"<style scoped>.*?</style>", re.DOTALL)


@dataclass(frozen=True)
class Page:
    """One rendered notebook of a report."""

    notebook: str
    title: str
    html: str
    error: str | None = None


@dataclass(frozen=True)
class TableFiles:
    """One result table written with a report: its name, row count and files (relative to the report)."""

    name: str
    n_rows: int
    files: tuple[str, ...]


def list_notebooks(folder: Path = paths.NOTEBOOKS_DIR) -> list[Path]:
    """Return the report's notebooks (``NN-name.ipynb``) in reading order."""
    return sorted(path for path in folder.glob("[0-9][0-9]-*.ipynb") if path.is_file())


def describe_dump(dump_dir: Path | str) -> dict[str, int | str]:
    """Return the dump's folder name, file count and total bytes (symlinks are not followed)."""
    n_files = n_bytes = 0
    for root, _dirs, files in os.walk(dump_dir):
        for name in files:
            path = Path(root, name)
            if path.is_file() and not path.is_symlink():
                n_files += 1
                n_bytes += path.stat().st_size
    return {"name": Path(dump_dir).resolve().name, "files": n_files, "bytes": n_bytes}


def parse_params(pairs: list[str]) -> dict[str, object]:
    """Turn ``key=value`` strings into papermill parameters (values parsed as Python literals)."""
    params: dict[str, object] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.isidentifier():
            raise ValueError(f"--param expects key=value, got {pair!r}")
        try:
            params[key] = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            params[key] = value
    return params


def notebook_title(notebook: nbformat.NotebookNode, fallback: str) -> str:
    """Return the first Markdown heading of ``notebook``, or ``fallback``."""
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return fallback


def clean_html(fragment: str | bytes) -> str:
    """Sanitize one Markdown cell's or output's HTML for the report (replaces nbconvert's filter).

    nbconvert's own ``clean_html`` allows so few tags that headings, paragraphs and table
    headers appear as escaped markup; this keeps the structural tags of ``SAFE_TAGS`` and still
    shows anything else, scripts and event handlers included, as inert text.
    """
    import bleach

    text = fragment.decode() if isinstance(fragment, bytes) else str(fragment)
    return bleach.clean(
        _PANDAS_STYLE.sub("", text),
        tags=SAFE_TAGS,
        attributes=SAFE_ATTRIBUTES,
        protocols={"http", "https", "mailto"},
    )


def render_html(notebook_path: Path) -> Path:
    """Render an executed notebook to a self-contained HTML page next to it.

    Images are embedded, nothing is loaded from a CDN, and output HTML is sanitized so that
    text taken from articles can never run as script in a reader's browser.
    """
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="offline",
        extra_template_basedirs=[str(TEMPLATE_DIR)],
        sanitize_html=True,
        embed_images=True,
        filters={"clean_html": clean_html},
    )
    body, _ = exporter.from_filename(str(notebook_path))
    target = notebook_path.with_suffix(".html")
    target.write_text(body, encoding="utf-8")
    return target


def execute_notebook(source: Path, target: Path, *, params: dict, show_progress: bool) -> str | None:
    """Execute ``source`` into ``target`` with papermill; return the error text, if any."""
    import papermill

    try:
        papermill.execute_notebook(
            str(source),
            str(target),
            parameters=params,
            kernel_name=KERNEL,
            progress_bar=show_progress,
            cwd=str(source.parent),
        )
    except papermill.PapermillExecutionError as error:
        return f"{error.ename}: {error.evalue}"
    return None


def write_result_tables(
    dump_dir: Path, out_dir: Path, *, engine: str, scheduler: str | None, seed: int, show_progress: bool
) -> list[TableFiles]:
    """Compute the dump's result tables and write them under ``out_dir/tables``, in a child process.

    The child gives the tables' memory (gigabytes on a large dump) back to the system before the
    notebooks start their own kernels.

    Returns:
        One entry per table, in ``pipeline.TABLE_KEYS`` order.
    """
    options = {"engine": engine, "scheduler": scheduler, "seed": seed, "show_progress": show_progress}
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as child:
        return child.submit(_compute_and_write_tables, dump_dir, out_dir, **options).result()


def _compute_and_write_tables(
    dump_dir: Path, out_dir: Path, *, engine: str, scheduler: str | None, seed: int, show_progress: bool
) -> list[TableFiles]:
    try:
        tables = pipeline.compute_tables(
            dump_dir, engine=engine, scheduler=scheduler, seed=seed, show_progress=show_progress
        )
        written = pipeline.write_tables(tables, out_dir / "tables", engine=engine)
    finally:
        _stop_joblib_workers()
    return [
        TableFiles(
            name,
            len(table),
            tuple(path.relative_to(out_dir).as_posix() for path in written if path.stem == name),
        )
        for name, table in tables.items()
    ]


def _stop_joblib_workers() -> None:
    """Shut down joblib's reusable worker pool, if topic fitting started it (UMAP, HDBSCAN).

    A child process waits for its own children before it exits, and these workers only stop
    at interpreter exit, which a child process never reaches: without this the report hangs.
    """
    loky = sys.modules.get("joblib.externals.loky")
    if loky is not None:
        loky.get_reusable_executor().shutdown(wait=True)


def _table_items(tables: list[TableFiles] | None, error: str | None) -> str:
    if error:
        return f'<p class="error">Tables not written: {html.escape(error)}</p>'
    if not tables:
        return "<p>Tables not computed for this run.</p>"
    items = []
    for table in tables:
        links = ", ".join(
            f'<a href="{html.escape(quote(path), quote=True)}">{html.escape(path.split("/", 1)[1])}</a>'
            for path in table.files
        )
        items.append(f"<li>{html.escape(table.name)}: {table.n_rows} rows ({links})</li>")
    return f'<p>Folder <a href="tables/">tables/</a>, CSV and Parquet:</p><ul>{"".join(items)}</ul>'


def write_index(
    out_dir: Path,
    pages: list[Page],
    dump: dict[str, int | str],
    *,
    tables: list[TableFiles] | None = None,
    tables_error: str | None = None,
) -> Path:
    """Write ``index.html`` linking every page and table file; all data-derived text is HTML-escaped."""
    items = []
    for page in pages:
        status = f' <span class="error">failed: {html.escape(page.error)}</span>' if page.error else ""
        link = html.escape(page.html, quote=True)
        items.append(f'<li><a href="{link}">{html.escape(page.title)}</a>{status}</li>')
    name = html.escape(str(dump["name"]))
    megabytes = int(dump["bytes"]) / 1e6
    run_date = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    body = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Coverage report: {name}</title>
<style>body{{font-family:sans-serif;max-width:46rem;margin:2rem auto;line-height:1.5}}
.error{{color:#b00}} dt{{font-weight:bold}}</style></head>
<body><h1>Coverage report: {name}</h1>
<dl><dt>Dump</dt><dd>{name}: {dump["files"]} files, {megabytes:.2f} MB</dd>
<dt>Run</dt><dd>{run_date}</dd><dt>Package</dt><dd>analysis {html.escape(__version__)}</dd></dl>
<h2>Notebooks</h2><ol>{"".join(items)}</ol>
<h2>Result tables</h2>{_table_items(tables, tables_error)}</body></html>
"""
    index = out_dir / "index.html"
    index.write_text(body, encoding="utf-8")
    return index


def build_report(
    dump_dir: Path | str,
    *,
    out_dir: Path | str | None = None,
    params: dict | None = None,
    notebooks: list[Path] | None = None,
    show_progress: bool = True,
    tables: bool = True,
    engine: str = "pandas",
    scheduler: str | None = None,
) -> tuple[Path, list[Page]]:
    """Compute the result tables, execute every notebook on ``dump_dir`` and render the HTML report.

    Args:
        dump_dir: Folder of the article dump.
        out_dir: Where to write; defaults to ``reports/<dump folder name>``.
        params: Extra papermill parameters (``dump_dir`` is always set).
        notebooks: The notebooks to run; defaults to ``list_notebooks()``.
        show_progress: Show progress bars (tables and papermill's per-cell bar) in the terminal.
        tables: Compute and write the result tables under ``tables/`` first. A failure there is
            shown on the index page and does not stop the notebooks.
        engine: ``"pandas"`` or ``"dask"`` for the tables (see ``analysis.pipeline``).
        scheduler: Dask scheduler address; ``None`` starts a local cluster.

    Returns:
        The index page and the pages, each with its error if its notebook failed.
    """
    dump_dir = Path(dump_dir).resolve()
    if not dump_dir.is_dir():
        raise FileNotFoundError(f"dump folder not found: {dump_dir}")
    out_dir = Path(out_dir) if out_dir else paths.report_dir(dump_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    params = params or {}
    written, tables_error = None, None
    if tables:
        try:
            written = write_result_tables(
                dump_dir,
                out_dir,
                engine=engine,
                scheduler=scheduler,
                seed=int(params.get("seed", 42)),
                show_progress=show_progress,
            )
        except Exception as error:  # the notebooks still run and show what they can
            logging.getLogger(__name__).exception("result tables failed")
            tables_error = f"{type(error).__name__}: {error}"
    pages = []
    for source in notebooks or list_notebooks():
        target = out_dir / source.name
        notebook_params = {**params, "dump_dir": _dump_param(dump_dir, source.parent)}
        error = execute_notebook(source, target, params=notebook_params, show_progress=show_progress)
        title = notebook_title(nbformat.read(source, as_version=4), source.stem)
        pages.append(Page(source.name, title, render_html(target).name, error))
    index = write_index(out_dir, pages, describe_dump(dump_dir), tables=written, tables_error=tables_error)
    return index, pages


def _dump_param(dump_dir: Path, notebook_dir: Path) -> str:
    """Return ``dump_dir`` as a notebook sees it: relative when both are in the project.

    A shared report then does not show the machine's folders.
    """
    if dump_dir.is_relative_to(paths.PROJECT_DIR) and notebook_dir.is_relative_to(paths.PROJECT_DIR):
        return os.path.relpath(dump_dir, notebook_dir)
    return str(dump_dir)


def main(argv: list[str] | None = None) -> int:
    """Command line entry point: ``python -m analysis report DUMP``."""
    parser = argparse.ArgumentParser(prog="python -m analysis", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    report = commands.add_parser("report", help="run every notebook on a dump and render HTML")
    report.add_argument("dump", nargs="?", default=str(paths.DEFAULT_DUMP_DIR), help="dump folder")
    report.add_argument("--out", help="output folder (default: reports/<dump folder name>)")
    report.add_argument("--param", action="append", default=[], help="papermill parameter key=value")
    report.add_argument(
        "--engine", choices=pipeline.ENGINES, default="pandas", help="engine of the result tables"
    )
    report.add_argument(
        "--scheduler", help="Dask scheduler address, e.g. tcp://host:8786 (default: a local cluster)"
    )
    args = parser.parse_args(argv)
    if args.scheduler and args.engine != "dask":
        parser.error("--scheduler needs --engine dask")
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    index, pages = build_report(
        args.dump,
        out_dir=args.out,
        params=parse_params(args.param),
        engine=args.engine,
        scheduler=args.scheduler,
    )
    for page in pages:
        if page.error:
            print(f"FAILED {page.notebook}: {page.error}", file=sys.stderr)
    print(f"Report written to {index}")
    return 1 if any(page.error for page in pages) else 0
