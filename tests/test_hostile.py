import os
import shutil
import sys
import time

import pandas as pd
import pytest
from hostile import GOOD_FILE, SENTINEL, HostileCase, outside_folder, restore_permissions, write_hostile_dump

from analysis.corpus import load_articles

_opened: list[str] = []
_recording = [False]


def _audit(event, args):
    if _recording[0] and event == "open" and isinstance(args[0], str | bytes | os.PathLike):
        _opened.append(os.path.realpath(os.fsdecode(args[0])))


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile") / "dump"
    cases = write_hostile_dump(folder)
    sys.addaudithook(_audit)  # audit hooks cannot be removed; it records only while loading
    _opened.clear()
    _recording[0] = True
    started = time.perf_counter()
    try:
        articles = load_articles(folder)
    finally:
        _recording[0] = False
    seconds = time.perf_counter() - started
    yield folder, cases, articles, seconds
    restore_permissions(folder)


def test_the_dump_holds_at_least_30_kinds_of_bad_input(hostile):
    _, cases, _, _ = hostile
    assert len({case.kind for case in cases}) >= 30


def _check(case: HostileCase, articles: pd.DataFrame, skipped: pd.DataFrame) -> str:
    """Return "" when the case holds, else what happened instead."""
    if case.expect == "skipped":
        reasons = skipped.loc[skipped["source_file"] == case.source_file, "reason"].tolist()
        if any(case.reason in reason for reason in reasons):
            return ""
        rows = articles[articles["source_file"] == case.source_file]
        return f"skipped reasons {reasons}; loaded rows {rows['article_id'].tolist()}"
    rows = articles[articles["source_file"] == case.source_file]
    content = rows["title"].fillna("") + "\n" + rows["text"]
    match = rows[content.str.contains(case.snippet, regex=False)]
    if match.empty:
        reasons = skipped.loc[skipped["source_file"] == case.source_file, "reason"].tolist()
        return f"no row with the snippet; rows {[text[:80] for text in content]}; skipped {reasons}"
    row = match.iloc[0]
    problems = []
    if case.outlet is not None and row["outlet"] != case.outlet:
        problems.append(f"outlet {row['outlet']!r} ({row['outlet_evidence']})")
    if case.title is not None and row["title"] != case.title:
        problems.append(f"title {row['title']!r}")
    if case.published is not None:
        shown = "NaT" if pd.isna(row["published"]) else row["published"].strftime("%Y-%m-%d")
        if shown != case.published:
            problems.append(f"published {shown}")
    return "; ".join(problems)


def test_every_case_loads_correctly_or_is_skipped_with_its_reason(hostile):
    _, cases, articles, _ = hostile
    skipped = articles.attrs["skipped"]
    failures = []
    for case in cases:
        actual = _check(case, articles, skipped)
        if actual:
            expected = (
                f"loaded with {case.snippet[:60]!r}" if case.expect == "loaded" else f"skipped: {case.reason}"
            )
            failures.append(f"{case.kind} [{case.source_file!r}]: expected {expected}; actual: {actual}")
    assert failures == [], "\n".join(failures)


def test_nothing_outside_the_dump_is_read(hostile):
    folder, _, articles, _ = hostile
    outside = os.path.realpath(outside_folder(folder))
    assert not [path for path in _opened if path.startswith(outside) or path == "/etc/passwd"]
    cells = pd.concat(
        [
            articles[column].dropna().astype(str)
            for column in ("title", "summary", "text", "outlet", "outlet_evidence", "url")
        ]
        + [articles["boilerplate"].map("\n".join), articles.attrs["skipped"]["reason"]]
    )
    for secret in (SENTINEL, "root:x:0:0"):
        assert not cells.str.contains(secret, regex=False).any()


def test_the_good_file_loads_exactly_as_it_does_alone(hostile, tmp_path):
    folder, _, articles, _ = hostile
    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copyfile(folder / GOOD_FILE, alone / GOOD_FILE)
    expected = load_articles(alone)
    actual = articles[articles["source_file"] == GOOD_FILE].reset_index(drop=True)
    pd.testing.assert_frame_equal(actual, expected)
    assert len(actual) >= 1


def test_article_ids_are_unique_and_safe_to_use_in_paths_and_html(hostile):
    _, _, articles, _ = hostile
    assert articles["article_id"].is_unique
    assert not articles["article_id"].str.contains(r"[\s<>\"'&/\\]", regex=True).any()


def test_urls_are_web_addresses_or_missing(hostile):
    """A ``javascript:`` URL from a manifest or record is not a source URL (reports link ``url``)."""
    _, _, articles, _ = hostile
    urls = articles["url"].dropna()
    assert urls.str.match(r"https?://", case=False).all(), urls[
        ~urls.str.match(r"https?://", case=False)
    ].tolist()


def test_loading_the_hostile_dump_stays_fast(hostile):
    _, _, _, seconds = hostile
    assert seconds < 30
