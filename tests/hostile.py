"""A hostile dump: bad, odd and malicious input next to one good seed file (issue 8).

``write_hostile_dump(folder)`` writes the files and returns one ``HostileCase`` per expected
outcome: a file (or record, or manifest row) that must load with a given text, or be listed
in ``attrs["skipped"]`` with a reason containing a given substring. Files and links that
must never be read point into a sibling folder (``outside_folder(folder)``) holding
``SENTINEL``, so a test can prove that nothing outside the dump was read.
"""

from __future__ import annotations

import codecs
import gzip
import html
import io
import json
import os
import random
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

from analysis import paths

SENTINEL = "SENTINEL-OUTSIDE-THE-DUMP-7f3a9c"
GOOD_FILE = "good_seed.txt"
XSS_SCRIPT = "<script>document.title='pwned'</script>"
XSS_IMG = "<img src=x onerror=\"document.title='pwned'\">"
XSS_LINK = "<a href=\"javascript:document.title='pwned'\">details</a>"
XSS_TEXTAREA = "</textarea><script>document.title='pwned'</script>"
HTML_OUTLET = "<b onmouseover=\"document.title='pwned'\">Evil</b> Times"
SCRIPT_OUTLET = f"{XSS_SCRIPT}Script Gazette"
TOO_LARGE_MB = 50

_BODY = (
    "The delegation arrived in the capital on Wednesday for talks on border security and trade. "
    "Officials from both sides said the meeting was constructive and that further rounds would follow. "
    "Observers noted that the visit came after weeks of tension along the frontier."
)


@dataclass(frozen=True)
class HostileCase:
    """One expected outcome of loading the hostile dump.

    ``expect`` is ``"loaded"`` (a row of ``source_file`` has ``snippet`` verbatim in its title
    or text, and ``outlet``/``title``/``published`` when given) or ``"skipped"``
    (``attrs["skipped"]`` has a row for ``source_file`` whose reason contains ``reason``).
    ``published`` is an ISO date or ``"NaT"``.
    """

    kind: str
    source_file: str
    expect: str
    snippet: str = ""
    reason: str = ""
    outlet: str | None = None
    title: str | None = None
    published: str | None = None


def outside_folder(folder: str | Path) -> Path:
    """Return the sibling folder of a hostile dump that holds the sentinel file."""
    folder = Path(folder)
    return folder.parent / f"{folder.name}-outside"


def write_hostile_dump(folder: str | Path, *, too_large_mb: int = TOO_LARGE_MB) -> list[HostileCase]:
    """Write the hostile dump into ``folder`` (created) and return the expected outcomes.

    Args:
        folder: Dump folder to create; its sibling ``outside_folder(folder)`` is created too.
        too_large_mb: Size of the oversized text file.

    Returns:
        The cases, sorted by source file then kind.
    """
    root = Path(folder)
    root.mkdir(parents=True, exist_ok=False)
    outside = outside_folder(root)
    outside.mkdir(parents=True, exist_ok=True)
    (outside / "secret.txt").write_text(f"{SENTINEL}\n\n{SENTINEL} must never be read.\n", encoding="utf-8")
    cases: list[HostileCase] = []

    def put(name: str, data: bytes | str) -> Path:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        return path

    def loaded(kind: str, name: str, snippet: str, **expected) -> None:
        cases.append(HostileCase(kind, name, "loaded", snippet=snippet, **expected))

    def skipped(kind: str, name: str, reason: str) -> None:
        cases.append(HostileCase(kind, name, "skipped", reason=reason))

    # The good file: a seed page copied verbatim; it must load exactly as it does alone.
    seed = sorted(paths.DEFAULT_DUMP_DIR.glob("*.txt"))[1]
    shutil.copyfile(seed, root / GOOD_FILE)
    first_line = seed.read_text(encoding="utf-8").splitlines()[0]
    loaded("good seed file", GOOD_FILE, first_line[:60])

    # Empty, blank and binary content.
    put("empty.txt", b"")
    skipped("empty file", "empty.txt", "empty file")
    put("whitespace.txt", " \n\t\n   \r\n")
    skipped("whitespace only", "whitespace.txt", "only whitespace")
    png = b"\x89PNG\r\n\x1a\n" + random.Random(1).randbytes(2000)
    put("photo.txt", png)
    skipped("PNG bytes named .txt", "photo.txt", "PNG image")
    put("photo.png", png)
    skipped("unsupported extension", "photo.png", "unsupported file type")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("article.txt", _BODY)
    put("bundle.txt", buffer.getvalue())
    skipped("zip bytes named .txt", "bundle.txt", "zip archive")
    put("feed.jsonl", gzip.compress(json.dumps({"title": "x", "text": _BODY}).encode(), mtime=0))
    skipped("gzip bytes named .jsonl", "feed.jsonl", "gzip archive")
    put("random_nul.txt", random.Random(2).randbytes(4096).replace(b"\x07", b"\x00"))
    skipped("random bytes with NULs", "random_nul.txt", "binary")
    put("text_with_nul.txt", f"Stray NUL bytes\n\n{_BODY[:90]}\x00{_BODY[90:]}\x00")
    loaded("text with stray NUL bytes", "text_with_nul.txt", _BODY[80:140])

    # Encodings and line ends.
    accented = "Le ministre Hélène Müller a déclaré à Peña que la réunion était « très utile »."
    put("latin1.txt", f"Réunion à Genève\n\n{accented} {_BODY}".encode("latin-1"))
    loaded("latin-1 text", "latin1.txt", accented)
    quoted = "“We will not allow our soil to be used,” the minister said — café talks resumed."
    put("cp1252.txt", f"Minister’s pledge\n\n{quoted} {_BODY}".encode("cp1252"))
    loaded("cp1252 text", "cp1252.txt", quoted)
    put(
        "utf16_bom.txt", codecs.BOM_UTF16_LE + f"Talks in the capital\n\n{quoted} {_BODY}".encode("utf-16-le")
    )
    loaded("UTF-16 with BOM", "utf16_bom.txt", quoted)
    put("utf16_nobom.txt", f"Talks resume\n\n{_BODY} {quoted}".encode("utf-16-le"))
    loaded("UTF-16 without BOM", "utf16_nobom.txt", quoted)
    put("utf8_bom.txt", codecs.BOM_UTF8 + f"Border crossing reopens\n\n{_BODY}".encode())
    loaded("UTF-8 with BOM", "utf8_bom.txt", _BODY[:80], title="Border crossing reopens")
    sentences = _BODY.split(". ")
    put(
        "mixed_endings.txt",
        f"Mixed line ends\r\n\r\n{sentences[0]}.\r\r{sentences[1]}.\n\n{sentences[2]}\r\n",
    )
    loaded("mixed line endings", "mixed_endings.txt", sentences[1], title="Mixed line ends")

    # Size extremes.
    chunk = (_BODY + "\n\n").encode()
    with (root / "huge.txt").open("wb") as handle:
        for _ in range(too_large_mb * 2**20 // len(chunk) + 1):
            handle.write(chunk)
    skipped(f"{too_large_mb} MB text file", "huge.txt", "too large")
    words = [f"word{index % 977}" for index in range(30_000)]
    long_line = ("Long line begins " + " ".join(words))[:200_000]
    put("long_line.txt", long_line)
    loaded("single 200,000-character line", "long_line.txt", "Long line begins word0 word1 word2")
    repeated = "The minister said the talks would continue next week."
    put("repeated_lines.txt", "\n".join([repeated] * 10_000))
    loaded("10,000 repeated lines", "repeated_lines.txt", repeated)

    # HTML.
    put(
        "scripts_only.html",
        "<!DOCTYPE html><html><head><style>body{color:red}</style><script>var a = 1;</script></head>"
        "<body><script>document.write('ad')</script><iframe src='https://ads.example/'></iframe>"
        "<noscript></noscript></body></html>",
    )
    skipped("HTML without an article", "scripts_only.html", "no article text")
    paragraph = " ".join([_BODY] * 2)
    put(
        "truncated.html",
        "<!DOCTYPE html><html><head><title>Truncated page</title></head><body><article>"
        f"<h1>Truncated page</h1><p>{paragraph}</p><p>{paragraph} Final words before the cut",
    )
    loaded("truncated HTML", "truncated.html", "Officials from both sides said the meeting was constructive")
    put(
        "page_as_text.txt",
        f"<!DOCTYPE html><html><body><article><h1>Saved page</h1><p>{paragraph}</p></article>",
    )
    loaded("HTML saved as .txt", "page_as_text.txt", "Observers noted that the visit came after weeks")
    escaped = f"Planted markup {XSS_SCRIPT} {XSS_IMG} {XSS_TEXTAREA} stays text."
    put(
        "xss_page.html",
        "<!DOCTYPE html><html><head><title>Page with planted markup</title></head><body><article>"
        f"<h1>Page with planted markup</h1><p>{html.escape(escaped)}</p><p>{paragraph}</p>"
        f"<p>{paragraph} {XSS_LINK}</p></article></body></html>",
    )
    loaded("HTML with escaped script/img/textarea in the text", "xss_page.html", escaped)

    # JSON, JSONL, CSV.
    put("malformed.json", '{"title": "Cut short", "text": "This JSON never ends')
    skipped("malformed JSON", "malformed.json", "invalid JSON")
    put("deep.json", "[" * 100_000 + "]" * 100_000)
    skipped("JSON nested 100,000 deep", "deep.json", "invalid JSON")
    put(
        "mixed.json",
        json.dumps([1, "text", {"title": "Only object record", "text": f"Object record. {_BODY}"}]),
    )
    loaded("JSON list with non-object items", "mixed.json", "Object record.", title="Only object record")
    skipped("JSON list with non-object items", "mixed.json", "record 1: not a JSON object")
    good_records = [
        {
            "title": "First good record",
            "maintext": f"First record body. {_BODY}",
            "date_publish": "2023-02-22",
        },
        {
            "title": "Second good record",
            "maintext": f"Second record body. {_BODY}",
            "source_domain": "x.example",
        },
    ]
    lines = [
        json.dumps(good_records[0]),
        '{"title": "Broken record", "maintext": ',
        json.dumps(good_records[1]),
    ]
    put("batch.jsonl", "\n".join(lines) + "\n")
    loaded("JSONL with one bad line", "batch.jsonl", "First record body.", published="2023-02-22")
    loaded("JSONL with one bad line", "batch.jsonl", "Second record body.")
    skipped("JSONL with one bad line", "batch.jsonl", "line 2: invalid JSON")
    put(
        "table.csv",
        "title,text,media_name,publish_date,url\r\n"
        f'Embedded newlines,"Row one opens.\n\nRow one second paragraph. {_BODY}",Table News,2023-02-20,\r\n'
        f'Extra columns,"Row two body. {_BODY}",Table News,2023-02-21,https://table.example/2,surplus,more\r\n'
        "Missing columns\r\n",
    )
    loaded("CSV with embedded newlines", "table.csv", "Row one second paragraph.", outlet="Table News")
    loaded("CSV row with extra columns", "table.csv", "Row two body.")
    skipped("CSV row with extra columns", "table.csv", "row 2: 7 cells for 5 columns")
    skipped("CSV row with missing columns", "table.csv", "record 3: no text field")
    put("noheader.csv", "\n\n,,\n")
    skipped("CSV without header", "noheader.csv", "no header")

    # Dates and outlet names.
    dated = [
        {"title": "From the future", "text": f"Future dated. {_BODY}", "published": "2999-01-01T00:00:00"},
        {"title": "Year one", "text": f"Year one dated. {_BODY}", "published": "0001-01-01"},
    ]
    put("dates.jsonl", "\n".join(json.dumps(record) for record in dated))
    loaded("date in the future", "dates.jsonl", "Future dated.", published="NaT")
    loaded("date in year 0001", "dates.jsonl", "Year one dated.", published="NaT")
    put("ancient.txt", f"Ancient dateline\n\nUpdated 1 January 0001\n\n{_BODY}")
    loaded("dateline in year 0001", "ancient.txt", _BODY[:60], published="NaT")
    put("future.txt", f"Future dateline\n\nPublished: 2999-12-31\n\n{_BODY}")
    loaded("dateline in the future", "future.txt", _BODY[:60], published="NaT")
    outlet_record = {"title": "Outlet with markup", "text": f"Record naming a scripted outlet. {_BODY}"}
    put("outlet_markup.jsonl", json.dumps({**outlet_record, "media_name": SCRIPT_OUTLET}))
    loaded(
        "outlet name with a script tag",
        "outlet_markup.jsonl",
        "Record naming a scripted",
        outlet=SCRIPT_OUTLET,
    )

    # Planted script in titles, text and file names.
    xss_title = f"{XSS_SCRIPT} Minister visits the capital"
    xss_text = f"Officials shared a link {XSS_LINK} and an image {XSS_IMG} with reporters. {XSS_TEXTAREA}"
    put("xss.txt", f"{xss_title}\n\n{xss_text}\n\n{_BODY}")
    loaded("script tag in title, img/javascript:/textarea in text", "xss.txt", xss_text, title=xss_title)
    xss_name = "<img src=x onerror=alert(1)> report.txt"
    put(xss_name, f"File name with markup\n\n{_BODY}")
    loaded("file name with markup", xss_name, _BODY[:60])
    put("manifest_outlet.txt", f"Outlet from manifest\n\n{_BODY} Manifest outlet row.")
    loaded(
        "outlet name with HTML (manifest)", "manifest_outlet.txt", "Manifest outlet row.", outlet=HTML_OUTLET
    )
    put("rtl_override.txt", f"Title with \u202eright-to-left override\n\nBody after an RTL override. {_BODY}")
    loaded("right-to-left override character", "rtl_override.txt", "Body after an RTL override.")

    # File names and folders.
    for kind, name in (
        ("file name with spaces", "name with spaces.txt"),
        ("file name with unicode", "naïve – 記事 📰.txt"),
        ("file name with a newline", "line\nbreak.txt"),
        ("very long file name", "long-" + "x" * 240 + ".txt"),
        ("folder named like a file", "nested.txt/inner article.txt"),
    ):
        marker = f"Body of the {kind}."
        put(name, f"{kind.capitalize()}\n\n{marker} {_BODY}")
        loaded(kind, name, marker)

    # Article shapes.
    put(
        "no_sentences.txt",
        "border talks\nsecurity trade ministers\nkabul islamabad delegation meeting agenda",
    )
    loaded("article with no sentences", "no_sentences.txt", "kabul islamabad delegation meeting agenda")
    quotes = "“We want peace.”\n\n“We will talk again,” he said.\n\n“No comment.”"
    put("only_quotes.txt", quotes)
    loaded("article of only quotes", "only_quotes.txt", "“We will talk again,” he said.")
    put("only_boilerplate.txt", "Short Url\nFollow\nUpdated 5 sec ago\nCOMMENTS\nAll rights reserved.")
    skipped("only page furniture", "only_boilerplate.txt", "no article text")
    put("title_only.txt", "Minister visits the capital")
    loaded("one headline line and nothing else", "title_only.txt", "Minister visits the capital")
    put(".hidden-article.txt", f"Hidden article\n\n{_BODY}")
    skipped("hidden file", ".hidden-article.txt", "hidden")

    # Special files, links and permissions.
    os.mkfifo(root / "pipe.txt")
    skipped("named pipe", "pipe.txt", "not a regular file")
    (root / "loop_a.txt").symlink_to("loop_b.txt")
    (root / "loop_b.txt").symlink_to("loop_a.txt")
    skipped("symlink loop", "loop_a.txt", "looping symlink")
    skipped("symlink loop", "loop_b.txt", "looping symlink")
    (root / "loopdir").symlink_to(".")
    skipped("folder symlink loop", "loopdir", "symlinked folder not followed")
    (root / "escape.txt").symlink_to(outside / "secret.txt")
    skipped("symlink out of the dump", "escape.txt", "outside the dump")
    (root / "relative_escape.txt").symlink_to(Path("..") / outside.name / "secret.txt")
    skipped("relative symlink out of the dump", "relative_escape.txt", "outside the dump")
    (root / "passwd.txt").symlink_to("/etc/passwd")
    skipped("symlink to /etc/passwd", "passwd.txt", "outside the dump")
    (root / "outside_dir").symlink_to(outside, target_is_directory=True)
    skipped("folder symlink out of the dump", "outside_dir", "symlinked folder not followed")
    locked = put("unreadable.txt", f"Unreadable file\n\nLocked body. {_BODY}")
    locked.chmod(0)
    if os.access(locked, os.R_OK):  # root reads anything: the file must then simply load
        loaded("unreadable file (readable by root)", "unreadable.txt", "Locked body.")
    else:
        skipped("unreadable file", "unreadable.txt", "permission denied")
    put("locked_dir/inside.txt", f"Locked folder\n\nInside a locked folder. {_BODY}")
    (root / "locked_dir").chmod(0)
    if os.access(root / "locked_dir", os.R_OK | os.X_OK):
        loaded("unreadable folder (readable by root)", "locked_dir/inside.txt", "Inside a locked folder.")
    else:
        skipped("unreadable folder", "locked_dir", "permission denied")

    # The manifest: one good override, rows pointing outside, to missing files, duplicated.
    rows = [
        ("manifest_outlet.txt", HTML_OUTLET, "javascript:document.title='pwned'", "2023-02-23"),
        ("../../etc/passwd", "Escape", "", ""),
        (f"../{outside.name}/secret.txt", "Escape", "", ""),
        ("/etc/passwd", "Escape", "", ""),
        ("missing_file.txt", "Ghost", "", ""),
        ("manifest_outlet.txt", "Second Entry", "", ""),
    ]
    manifest = io.StringIO()
    manifest.write("file,outlet,url,date\r\n")
    for row in rows:
        manifest.write(",".join(_csv_cell(cell) for cell in row) + "\r\n")
    put("manifest.csv", manifest.getvalue())
    skipped("manifest row pointing outside the dump", "manifest.csv", "row 2: no file path or a path outside")
    skipped("manifest row pointing outside the dump", "manifest.csv", "row 3: no file path or a path outside")
    skipped("manifest row with an absolute path", "manifest.csv", "row 4: no file path or a path outside")
    skipped("manifest row for a missing file", "manifest.csv", "row 5: no such article file")
    skipped("manifest with duplicate ids", "manifest.csv", "row 6: second entry")
    return sorted(
        cases, key=lambda case: (case.source_file, case.kind, case.expect, case.snippet, case.reason)
    )


def _csv_cell(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def restore_permissions(folder: str | Path) -> None:
    """Make every file and folder of a hostile dump removable again (undo the chmod 000)."""
    for path in (Path(folder) / "unreadable.txt", Path(folder) / "locked_dir"):
        if path.exists() and not path.is_symlink():
            path.chmod(0o755)
