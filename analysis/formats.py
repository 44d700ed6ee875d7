"""Reading untrusted dump files: safe discovery, decoding, dates and the record/HTML formats.

Everything here treats file content as hostile: files are only read inside the dump folder,
sizes are capped, binary content is recognised, and each failure becomes a specific reason
string instead of an exception, so the loader can list the file as skipped.
"""

from __future__ import annotations

import codecs
import csv
import functools
import io
import json
import os
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from stat import S_ISREG
from typing import Any

TEXT_SUFFIXES = frozenset({".txt", ".text"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
RECORD_SUFFIXES = frozenset({".json", ".jsonl", ".ndjson", ".csv", ".tsv"})
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | RECORD_SUFFIXES
# Files that describe the dump rather than hold articles (read by their own code, never as articles).
SIDECAR_NAMES = frozenset({"manifest.csv", "actors.yaml", "actors.yml"})

# One article page or text file is never this large; record files hold many articles.
MAX_PAGE_BYTES = 20 * 2**20
MAX_RECORD_FILE_BYTES = 512 * 2**20
MAX_FIELD_CHARS = 2**24

# Field names used by news-please, Media Cloud, NewsAPI and similar exports (compared lower-case).
FIELD_ALIASES = {
    "title": ("title", "headline", "heading"),
    "text": ("text", "maintext", "body", "content", "story_text", "article_text", "full_text", "fulltext"),
    "summary": ("summary", "description", "standfirst", "dek", "lead", "abstract"),
    "outlet": ("outlet", "media_name", "source_name", "publisher", "source", "site_name", "sitename"),
    "domain": ("source_domain", "domain", "media_url", "hostname"),
    "date": (
        "published",
        "date_publish",
        "publish_date",
        "published_at",
        "publication_date",
        "pubdate",
        "date",
        "datetime",
    ),
    "url": ("url", "link", "canonical_url", "article_url", "guid"),
}

_MAGIC = (
    (b"\x89PNG", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"PK\x03\x04", "zip archive"),
    (b"\x1f\x8b", "gzip archive"),
    (b"%PDF", "PDF document"),
    (b"\x7fELF", "executable"),
    (b"SQLite format 3", "SQLite database"),
)
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u2028\u2029\ufeff]")
_WEB_URL = re.compile(r"https?://[^\s/?#<>\"'`]+[^\s<>\"'`]*", re.IGNORECASE)
_HTML_START = re.compile(r"\s*(?:<!doctype html|<html\b)", re.IGNORECASE)
_DATE_DEFAULTS = (datetime(2000, 1, 1), datetime(2001, 2, 2))
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}|$)")
_EARLIEST = datetime(1900, 1, 1)


class SkipFile(Exception):
    """Raised while reading one file; its message is the reason listed in ``attrs["skipped"]``."""


@dataclass(frozen=True)
class DumpFile:
    """One candidate file of a dump: its path relative to the dump and its resolved location."""

    source_file: str
    path: Path


def find_files(root: Path) -> tuple[list[DumpFile], list[tuple[str, str]]]:
    """List the article files under ``root`` (recursively) and the entries that cannot be used.

    Symlinks are followed only when they resolve to a file inside ``root``; folders reached
    through a symlink are never walked, so loops cannot happen.

    Args:
        root: The resolved dump folder.

    Returns:
        ``(files, skipped)``: files sorted by relative path, and ``(source_file, reason)`` pairs.
    """
    files: list[DumpFile] = []
    skipped: list[tuple[str, str]] = []

    pending = [(os.fspath(root), "")]  # folders to list, next one last, in os.walk's top-down order
    while pending:
        folder, prefix = pending.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=_entry_name)
        except OSError as error:
            skipped.append(
                (_relative(Path(error.filename or root), root), f"cannot list folder: {_os_reason(error)}")
            )
            continue
        is_folder = [_is_dir(entry) for entry in entries]
        subfolders: list[tuple[str, str]] = []
        for entry in (entry for entry, folder_entry in zip(entries, is_folder, strict=True) if folder_entry):
            if entry.is_symlink():
                skipped.append((prefix + entry.name, "symlinked folder not followed"))
            elif entry.name.startswith("."):
                skipped.append((prefix + entry.name, "hidden folder not read"))
            else:
                subfolders.append((entry.path, f"{prefix}{entry.name}/"))
        for entry, folder_entry in zip(entries, is_folder, strict=True):
            if not folder_entry:
                _add_file(entry, prefix, root, files, skipped)
        pending.extend(reversed(subfolders))
    files.sort(key=lambda item: item.source_file)
    return files, skipped


_BAD_NAME = "file name is not valid UTF-8"


def _add_file(
    entry: os.DirEntry[str],
    prefix: str,
    root: Path,
    files: list[DumpFile],
    skipped: list[tuple[str, str]],
) -> None:
    """Add one listed file to ``files``, or the reason it cannot be used to ``skipped``."""
    name = entry.name
    rel = prefix + name
    if not _is_utf8(rel):
        skipped.append((rel.encode("utf-8", "surrogateescape").decode("utf-8", "replace"), _BAD_NAME))
        return
    if not prefix and name.lower() in SIDECAR_NAMES:
        return
    if name.startswith("."):
        skipped.append((rel, "hidden file"))
        return
    suffix = file_suffix(name).lower()
    if suffix not in SUPPORTED_SUFFIXES:
        skipped.append((rel, f"unsupported file type {suffix or '(no extension)'!r}"))
        return
    path = Path(entry.path)
    if entry.is_symlink():
        try:
            target = path.resolve(strict=True)
        except (OSError, RuntimeError):
            skipped.append((rel, "broken or looping symlink"))
            return
        if not target.is_relative_to(root):
            skipped.append((rel, "symlink points outside the dump"))
            return
        path = target
    files.append(DumpFile(rel, path))


def _is_dir(entry: os.DirEntry[str]) -> bool:
    """Return whether ``os.walk`` would list the entry as a folder (symlinks followed)."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def _entry_name(entry: os.DirEntry[str]) -> str:
    return entry.name


def file_suffix(path: str) -> str:
    """Return ``PurePosixPath(path).suffix`` without building a path object (none for ``.hidden``)."""
    name = next((part for part in reversed(path.split("/")) if part not in {"", "."}), "")
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


def _is_utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def read_bytes(item: DumpFile) -> bytes:
    """Return the content of one dump file, refusing special files and files over the size limit.

    Raises:
        SkipFile: With the reason the file cannot be read.
    """
    limit = MAX_RECORD_FILE_BYTES if item.path.suffix.lower() in RECORD_SUFFIXES else MAX_PAGE_BYTES
    try:
        stat = item.path.stat()
        if not S_ISREG(stat.st_mode):
            raise SkipFile("not a regular file")
        if stat.st_size > limit:
            raise SkipFile(f"file too large ({stat.st_size / 2**20:.1f} MB > {limit // 2**20} MB limit)")
        with open(item.path, "rb") as handle:
            # A buffer of the file's size, not of the limit: allocating the limit per file is slow.
            data = handle.read(stat.st_size + 1)
            if len(data) > stat.st_size:  # the file grew after stat
                data += handle.read(limit + 1 - len(data))
    except OSError as error:
        raise SkipFile(f"cannot read file: {_os_reason(error)}") from error
    if len(data) > limit:
        raise SkipFile(f"file too large (> {limit // 2**20} MB limit)")
    return data


def decode_text(data: bytes) -> str:
    """Decode file bytes to text with Unix line ends and no control characters.

    Order: byte-order mark, UTF-8, UTF-16 without BOM, cp1252 (the usual non-UTF-8 encoding of
    English news exports, which charset detection often mistakes for cp1250), charset-normalizer.

    Raises:
        SkipFile: For empty, binary or undecodable content.
    """
    if not data.strip():
        raise SkipFile("empty file" if not data else "file holds only whitespace")
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            raise SkipFile(f"binary file ({kind})")
    text = _decode(data)
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    if not text.strip():
        raise SkipFile("file holds no visible text")
    return text


def _decode(data: bytes) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as error:
                raise SkipFile(f"invalid {encoding} text after byte-order mark") from error
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    utf16 = _sniff_utf16(data)
    if utf16:
        try:
            return data.decode(utf16)
        except UnicodeDecodeError:
            pass
    if b"\x00" in data:
        raise SkipFile("binary file (contains NUL bytes)")
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = None
    if text is not None and _looks_western(text):
        return text
    import charset_normalizer

    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise SkipFile("binary or undecodable text (no encoding fits)")
    return str(best)


def _sniff_utf16(data: bytes) -> str | None:
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even_nuls = sample[0::2].count(0) / len(sample[0::2])
    odd_nuls = sample[1::2].count(0) / len(sample[1::2])
    if odd_nuls > 0.3 and even_nuls < 0.05:
        return "utf-16-le"
    if even_nuls > 0.3 and odd_nuls < 0.05:
        return "utf-16-be"
    return None


def _looks_western(text: str) -> bool:
    """Return whether fewer than 10% of the letters of ``text`` are outside ASCII."""
    ascii_letters = len(text.encode("ascii", "ignore").translate(None, _NOT_ASCII_LETTERS))
    non_ascii = sum(1 for char in _NON_ASCII.findall(text) if char.isalpha())
    letters = ascii_letters + non_ascii
    return bool(letters) and non_ascii / letters < 0.1


_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_NOT_ASCII_LETTERS = bytes(code for code in range(256) if not chr(code).isascii() or not chr(code).isalpha())


def looks_like_html(text: str) -> bool:
    """Return True when a text starts like an HTML document (some dumps save pages as .txt)."""
    return bool(_HTML_START.match(text[:1024]))


def parse_date(value: Any) -> datetime | None:
    """Parse a publication date to a timezone-naive UTC datetime, or None when not a full date.

    A value counts only when it names year, month and day (parsing it against two different
    default dates gives the same answer) and spells the year with four digits, so "February
    2023", "5 sec ago" or "22/2/23" give None rather than an invented date. Epoch seconds
    are accepted from structured fields.

    Args:
        value: A string, number or datetime from a field, manifest or dateline.

    Returns:
        The datetime, or None when unknown or earlier than 1900.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        if not 0 < value < 1e10:
            return None
        return datetime.fromtimestamp(value, tz=UTC).replace(tzinfo=None)
    if isinstance(value, datetime):
        parsed = value
    else:
        return _parse_date_text(str(value).strip()[:100])
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed if parsed >= _EARLIEST else None


@functools.lru_cache(maxsize=2**16)
def _parse_date_text(text: str) -> datetime | None:
    """Parse a date string for ``parse_date``; cached, as datelines repeat across a dump."""
    if not re.search(r"\d", text):
        return None
    if _ISO_DATE.match(text):  # the common case, a hundred times faster than dateutil
        try:
            return parse_date(datetime.fromisoformat(text))
        except ValueError:
            pass
    from dateutil import parser

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            first, second = (parser.parse(text, default=default) for default in _DATE_DEFAULTS)
    except (ValueError, OverflowError, TypeError):
        return None
    if first != second or f"{first.year:04d}" not in text:
        return None  # incomplete ("February 2023") or a year dateutil rewrote ("0001" -> 2001)
    return parse_date(first)


def read_records(text: str, suffix: str) -> Iterator[tuple[int, dict[str, Any] | None, str]]:
    """Yield ``(position, record, problem)`` for each record of a JSON, JSONL or CSV file.

    ``record`` is None when that one record is unusable and ``problem`` says why; positions
    count from 1 (list index, line number or CSV data row) so ids stay stable when a bad
    record is later fixed.

    Raises:
        SkipFile: When the file as a whole is malformed.
    """
    if suffix in {".jsonl", ".ndjson"}:
        yield from _read_json_lines(text)
    elif suffix == ".json":
        yield from _read_json(text)
    else:
        yield from _read_csv(text, delimiter="\t" if suffix == ".tsv" else None)


def _read_json_lines(text: str) -> Iterator[tuple[int, dict[str, Any] | None, str]]:
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except (ValueError, RecursionError) as error:
            yield number, None, f"line {number}: invalid JSON ({_short(error)})"
            continue
        if isinstance(value, dict):
            yield number, value, ""
        else:
            yield number, None, f"line {number}: not a JSON object"


def _read_json(text: str) -> Iterator[tuple[int, dict[str, Any] | None, str]]:
    try:
        value = json.loads(text)
    except (ValueError, RecursionError) as error:
        if "\n{" in text.strip():
            yield from _read_json_lines(text)
            return
        raise SkipFile(f"invalid JSON ({_short(error)})") from error
    if isinstance(value, dict):
        nested = next(
            (
                value[key]
                for key in ("articles", "records", "data", "items", "results", "stories")
                if key in value
            ),
            None,
        )
        value = nested if isinstance(nested, list) else [value]
    if not isinstance(value, list):
        raise SkipFile("JSON holds no article records (expected an object or a list of objects)")
    for number, item in enumerate(value, start=1):
        if isinstance(item, dict):
            yield number, item, ""
        else:
            yield number, None, f"record {number}: not a JSON object"


def _read_csv(text: str, *, delimiter: str | None) -> Iterator[tuple[int, dict[str, Any] | None, str]]:
    csv.field_size_limit(MAX_FIELD_CHARS)
    if delimiter is None:
        try:
            delimiter = csv.Sniffer().sniff(text[:8192], delimiters=",;\t|").delimiter
        except csv.Error:
            delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, None)
        if not header or not any(cell.strip() for cell in header):
            raise SkipFile("CSV has no header row")
        names = [cell.strip() for cell in header]
        for number, row in enumerate(reader, start=1):
            if not any(cell.strip() for cell in row):
                continue
            record = {name: cell for name, cell in zip(names, row, strict=False) if name}
            problem = (
                f"row {number}: {len(row)} cells for {len(names)} columns, extra cells ignored"
                if len(row) > len(names)
                else ""
            )
            yield number, record, problem
    except csv.Error as error:
        raise SkipFile(f"malformed CSV ({_short(error)})") from error


def field_names(record: dict[str, Any]) -> dict[str, Any]:
    """Return the keys of a record by their stripped, lower-case spelling (the last one wins)."""
    return {str(key).strip().lower(): key for key in record}


def pick_field(record: dict[str, Any], kind: str, *, names: dict[str, Any] | None = None) -> tuple[str, Any]:
    """Return ``(field name, value)`` of the first non-empty field of ``kind`` in a record.

    Args:
        record: One JSON object or CSV row.
        kind: A key of ``FIELD_ALIASES`` ("title", "text", "summary", "outlet", "domain", "date", "url").
        names: ``field_names(record)``, when the caller picks several fields of one record.

    Returns:
        The field name as spelled in the record and its value; ``("", None)`` when absent.
    """
    lowered = field_names(record) if names is None else names
    for alias in FIELD_ALIASES[kind]:
        key = lowered.get(alias)
        if key is None:
            continue
        value = record[key]
        if isinstance(value, dict):  # NewsAPI: "source": {"id": ..., "name": ...}
            value = value.get("name") or value.get("title") or value.get("url")
        if isinstance(value, list):
            value = "\n\n".join(str(part) for part in value if isinstance(part, str | int | float))
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        return str(key), value
    return "", None


def as_text(value: Any, *, limit: int = MAX_FIELD_CHARS) -> str:
    """Return a field value as clean text (control characters removed, line ends normalised)."""
    if value is None:
        return ""
    text = str(value)[:limit]
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()


def web_url(value: Any) -> tuple[str | None, str]:
    """Return ``(url, problem)``: the value when it is an http(s) address, else None and why.

    Reports link the ``url`` column, so ``javascript:`` or ``data:`` values must never pass.
    """
    text = as_text(value, limit=2000)
    if not text:
        return None, ""
    if _WEB_URL.fullmatch(text):
        return text, ""
    return None, f"url {text[:40]!r} is not a web address, ignored"


def extract_html(text: str) -> dict[str, Any]:
    """Extract main text and metadata from an HTML page with trafilatura.

    Publication dates come only from the page's metadata (no search of the visible text, where
    dates are story dates, not publication dates).

    Returns:
        Dict with ``title``, ``text``, ``summary``, ``url``, ``published`` (string or None) and
        ``sitename``.

    Raises:
        SkipFile: When no article text is found.
    """
    import trafilatura

    try:
        document = trafilatura.bare_extraction(
            text,
            with_metadata=True,
            include_comments=False,
            include_images=False,
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except Exception as error:
        raise SkipFile(f"HTML could not be parsed ({type(error).__name__})") from error
    if document is None or not (document.text or "").strip():
        raise SkipFile("no article text found in HTML")
    return {
        "title": document.title,
        "text": document.text,
        "summary": document.description,
        "url": document.url,
        "published": document.date,
        "sitename": document.sitename,
    }


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.name


def _os_reason(error: OSError) -> str:
    return (error.strerror or type(error).__name__).lower()


def _short(error: BaseException) -> str:
    return str(error).split("\n")[0][:120]
