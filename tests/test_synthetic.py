import csv
import json
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from analysis import paths
from analysis.corpus import DUPLICATE_THRESHOLD, _shingles, load_articles
from benchmarks.synthetic import write_synthetic_dump

N_ARTICLES = 400
SEED = 7


@pytest.fixture(scope="module")
def dump(tmp_path_factory):
    folder = tmp_path_factory.mktemp("synthetic") / "dump"
    return folder, write_synthetic_dump(folder, n_articles=N_ARTICLES, seed=SEED)


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*") if path.is_file()
    }


def test_same_seed_gives_identical_files_and_other_seed_differs(dump, tmp_path):
    folder, summary = dump
    again = write_synthetic_dump(tmp_path / "again", n_articles=N_ARTICLES, seed=SEED)
    assert again == summary
    assert _tree(tmp_path / "again") == _tree(folder)
    other = write_synthetic_dump(tmp_path / "other", n_articles=N_ARTICLES, seed=SEED + 1)
    assert other["outlets"] != summary["outlets"]


def test_summary_counts_match_the_files_on_disk(dump):
    folder, summary = dump
    files = [path for path in folder.rglob("*") if path.is_file() and path.name != "manifest.csv"]
    assert summary["articles"] == N_ARTICLES
    assert summary["duplicates"] == round(N_ARTICLES * 0.05) == len(summary["duplicate_pairs"])
    assert summary["files"] == len(files)
    by_suffix = {fmt: sum(path.suffix == f".{fmt}" for path in files) for fmt in summary["files_by_format"]}
    assert by_suffix == summary["files_by_format"]
    assert all(by_suffix[fmt] > 0 for fmt in ("txt", "html", "jsonl", "csv"))
    assert summary["multi_article_pages"] > 0
    assert 10 <= len(summary["outlets"]) <= 30
    with (folder / "manifest.csv").open(encoding="utf-8", newline="") as handle:
        manifest = list(csv.DictReader(handle))
    assert len(manifest) == summary["manifest_rows"]
    assert 0 < len(manifest) < sum(by_suffix[fmt] for fmt in ("txt", "html"))  # some pages are unlisted
    assert all((folder / row["file"]).is_file() and row["outlet"] in summary["outlets"] for row in manifest)
    # A record file holds several articles; every other article has a file of its own or shares a page.
    records = sum(len(_records(path)) for path in files if path.suffix in (".jsonl", ".csv"))
    pages = by_suffix["txt"] + by_suffix["html"] - summary["multi_article_pages"]
    assert records + pages + summary["articles_in_multi_pages"] == N_ARTICLES


def _records(path: Path) -> list[dict]:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".jsonl":
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    return list(csv.DictReader(text.splitlines(keepends=True)))


class _TagCounter(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)


def test_every_file_parses_as_its_format(dump):
    folder, _ = dump
    for path in sorted(folder.rglob("*.*")):
        data = path.read_bytes()
        if path.suffix == ".jsonl":
            records = _records(path)
            assert records and all(record["maintext"] and record["title"] for record in records)
        elif path.suffix == ".csv" and path.name != "manifest.csv":
            records = _records(path)
            assert records and all(None not in record and record["text"] for record in records)
            assert any("\n\n" in record["text"] for record in records)  # paragraphs inside quoted cells
        elif path.suffix == ".html":
            parser = _TagCounter()
            parser.feed(data.decode("utf-8"))
            assert {"html", "article", "p", "script", "style", "nav", "footer"} <= set(parser.tags)
        elif path.suffix == ".txt":
            text = data.decode("utf-8-sig") if data.isascii() or _is_utf8(data) else data.decode("cp1252")
            assert len(text.split()) > 50


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def test_pages_carry_the_usual_furniture(dump):
    folder, _ = dump
    text = "\n".join(path.read_bytes().decode("utf-8", "replace") for path in folder.rglob("*.txt"))
    for furniture in ("Short Url", "Updated ", "Follow", "COMMENTS", "via AP)", "  • "):
        assert furniture in text, furniture
    assert any(
        line.startswith(("Read ", "READ MORE: ", "Also Read: ", "RELATED: ")) for line in text.splitlines()
    )


def test_articles_are_not_copies_of_each_other(dump):
    """Articles share templates but not text: distinct bodies, few repeated sentences."""
    folder, _ = dump
    bodies = [record["maintext"] for path in folder.rglob("*.jsonl") for record in _records(path)]
    sentences = [sentence for body in bodies for sentence in body.split(". ") if len(sentence.split()) > 12]
    assert len(set(sentences)) > 0.9 * len(sentences)


def test_loader_reads_every_article_and_finds_the_planted_duplicates(dump):
    folder, summary = dump
    articles = load_articles(folder)
    assert articles.attrs["skipped"].empty
    assert abs(len(articles) - N_ARTICLES) <= summary["articles_in_multi_pages"]
    manifest = pd.read_csv(folder / "manifest.csv", dtype=str).set_index("file")["outlet"]
    listed = articles["source_file"].isin(manifest.index)
    assert (articles.loc[listed, "outlet"] == articles.loc[listed, "source_file"].map(manifest)).all()
    records = articles["source_file"].str.startswith("batches/")
    assert articles.loc[records, "outlet"].isin([*summary["outlets"], *summary["domains"].values()]).all()
    root = articles["duplicate_of"].fillna(articles["article_id"])
    planted: set[str] = set()
    missed = []
    for pair in summary["duplicate_pairs"]:
        has_snippet = articles["text"].str.contains(pair["snippet"], regex=False)
        copy = articles[has_snippet & (articles["source_file"] == pair["file"])]
        original = articles[has_snippet & (articles["source_file"] == pair["original_file"])]
        assert len(copy) == len(original) == 1, pair
        planted.update([copy["article_id"].iloc[0], original["article_id"].iloc[0]])
        a, b = _shingles(copy["text"].iloc[0]), _shingles(original["text"].iloc[0])
        similarity = len(a & b) / len(a | b)
        if root[copy.index[0]] != root[original.index[0]] and similarity >= DUPLICATE_THRESHOLD + 0.1:
            missed.append((pair["file"], pair["original_file"], round(similarity, 3)))
    assert missed == [], "planted copies well above the duplicate threshold were not linked"
    false_copies = articles[articles["duplicate_of"].notna() & ~articles["article_id"].isin(planted)]
    assert false_copies.empty, "independently generated articles were marked as duplicates"


def test_command_line_writes_a_dump_and_refuses_a_non_empty_folder(tmp_path):
    command = [
        sys.executable,
        "-m",
        "benchmarks.synthetic",
        str(tmp_path / "cli"),
        "--n",
        "30",
        "--seed",
        "3",
    ]
    result = subprocess.run(command, cwd=paths.PROJECT_DIR, capture_output=True, text=True, check=True)
    summary = json.loads(result.stdout)
    assert summary["articles"] == 30 and "duplicate_pairs" not in summary
    again = subprocess.run(command, cwd=paths.PROJECT_DIR, capture_output=True, text=True)
    assert again.returncode == 2 and "not empty" in again.stderr
