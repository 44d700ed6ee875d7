"""End to end on a hostile dump: the report builds, and opening it runs no script from the data.

Builds the whole report (every notebook) on the hostile dump of ``tests/hostile.py``, then opens
every page in headless Chromium (Debian's ``chromium``, driven by the pinned playwright) with
the network blocked, and checks that planted markup shows as text and never runs.
"""

import shutil
from pathlib import Path

import hostile
import pytest

from analysis import report

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian chromium is not installed (make test installs it when run as root)"
)


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile") / "hostile-dump"
    hostile.write_hostile_dump(folder, too_large_mb=21)
    try:
        index, pages = report.build_report(folder, out_dir=folder.parent / "report", show_progress=False)
    finally:
        hostile.restore_permissions(folder)
    return index, pages


def test_every_notebook_completes_on_the_hostile_dump(hostile_report):
    _, pages = hostile_report
    assert len(pages) == len(report.list_notebooks())
    assert {page.notebook: page.error for page in pages} == {page.notebook: None for page in pages}


def test_no_planted_script_runs_and_nothing_is_fetched(hostile_report):
    from playwright.sync_api import sync_playwright

    index, pages = hostile_report
    files = [index] + [index.parent / page.html for page in pages]
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for path in files:
            page = browser.new_page()
            events = []
            page.on("console", lambda message, events=events: events.append(f"console: {message.text}"))
            page.on("dialog", lambda dialog, events=events: (events.append("dialog"), dialog.dismiss()))
            page.route(
                "**/*",
                lambda route, events=events: (
                    route.continue_()
                    if route.request.url.startswith(("file:", "data:"))
                    else (events.append(f"fetch: {route.request.url}"), route.abort())
                ),
            )
            page.goto(Path(path).as_uri())
            page.wait_for_timeout(300)
            assert "pwned" not in page.title(), path.name
            assert [event for event in events if "pwned" in event or not event.startswith("console")] == []
            page.close()
        overview = browser.new_page()
        overview.goto((index.parent / pages[0].html).as_uri())
        assert hostile.XSS_SCRIPT in overview.inner_text("body"), "planted markup should show as text"
        browser.close()
