import codecs
import json
import os
import random
import re
import shutil
import time
import zlib

import numpy as np
import pandas as pd
import pytest

from analysis import corpus, formats, paths
from analysis.corpus import CorpusError, load_articles

SEED_DIR = paths.DEFAULT_DUMP_DIR

BODY = (
    "ISLAMABAD: The defence minister arrived in Kabul on Wednesday for talks on border security with the "
    "interim administration, officials said.\n\n"
    "The visit follows a rise in attacks that officials blame on militants sheltering across the border.\n\n"
    "\u201cWe want a lasting solution,\u201d a spokesperson said after the first round of meetings ended."
)


def write(folder, name, content, encoding="utf-8"):
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
    return path


def by_file(articles, name):
    return articles[articles["source_file"] == name].reset_index(drop=True)


@pytest.fixture(scope="module")
def seeds():
    return load_articles(SEED_DIR)


# --- the seed dump ------------------------------------------------------------------------------


def test_seed_schema_and_order(seeds):
    assert list(seeds.columns) == corpus.COLUMNS
    assert seeds["article_id"].is_unique
    assert seeds["article_id"].tolist() == sorted(seeds["article_id"])
    assert str(seeds["published"].dtype) == "datetime64[ns]"
    assert seeds.attrs["skipped"].empty
    assert list(seeds.attrs["skipped"].columns) == ["source_file", "reason"]
    assert len(seeds) == 6


def test_seed_outlets_and_evidence(seeds):
    outlets = dict(zip(seeds["article_id"], seeds["outlet"], strict=True))
    evidence = dict(zip(seeds["article_id"], seeds["outlet_evidence"], strict=True))
    assert pd.isna(outlets["000_babb654cdabfd089-1"])
    assert evidence["000_babb654cdabfd089-1"] == ""
    assert outlets["001_59fd035a8de6f620-1"] == "The Express Tribune"
    assert evidence["001_59fd035a8de6f620-1"] == "told The Express Tribune"
    assert outlets["002_5f7e29d4badce7c8-1"] == "Arab News"
    assert outlets["002_5f7e29d4badce7c8-2"] == "Arab News"
    assert evidence["002_5f7e29d4badce7c8-2"].startswith("same page as 002_5f7e29d4badce7c8-1")
    assert evidence["003_fc7e1f14d72009a2-1"] == "told Arab News"
    assert outlets["004_902b9772195b7b91-1"] == "News18"
    assert evidence["004_902b9772195b7b91-1"].startswith("footer 'Read all the Latest News")


def test_seed_split_titles_dates_and_summary(seeds):
    page = by_file(seeds, "002_5f7e29d4badce7c8.txt")
    assert page["title"].tolist() == [
        "Pakistani defense minister in Kabul to discuss security, counterterrorism measures",
        "Pakistan military says 12 militants killed in counter-terror operations in southwest",
    ]
    assert page.loc[0, "published"] == pd.Timestamp("2023-02-22")
    assert pd.isna(page.loc[1, "published"])  # "Updated 5 sec ago": no reference time
    assert page.loc[0, "summary"].startswith("No one will create a threat")
    assert page.loc[0, "text"].startswith("ISLAMABAD/KABUL:")
    assert "Kalat" not in page.loc[0, "text"] and "Kalat" in page.loc[1, "text"]
    assert any("via AP)" in line for line in page.loc[0, "boilerplate"])
    assert {"Short Url", "Updated 22 February 2023", "Follow"} <= set(page.loc[0, "boilerplate"])
    first = by_file(seeds, "000_babb654cdabfd089.txt").loc[0]
    assert first["title"] == "Khawaja Asif, DG ISI Meet Taliban Leadership In Kabul"
    assert "Meet Taliban Leadership" not in first["text"]
    assert first["text"].count("\n\n") == 6


def test_seed_boilerplate_and_duplicates(seeds):
    tribune = by_file(seeds, "001_59fd035a8de6f620.txt").loc[0]
    assert tribune["boilerplate"][0].startswith("Read Bajwa wanted to")
    assert tribune["boilerplate"][1:] == [
        "COMMENTS",
        "Comments are moderated and generally will be posted if they are on-topic and not abusive.",
        "For more information, please see our Comments FAQ",
    ]
    assert "COMMENTS" not in tribune["text"] and "Read Bajwa" not in tribune["text"]
    assert pd.isna(tribune["title"])
    duplicates = seeds.set_index("article_id")["duplicate_of"]
    assert duplicates["003_fc7e1f14d72009a2-1"] == "002_5f7e29d4badce7c8-1"
    assert duplicates.drop("003_fc7e1f14d72009a2-1").isna().all()
    assert (seeds["n_words"] > 100).all()


@pytest.mark.parametrize("name", sorted(path.name for path in SEED_DIR.glob("*.txt")))
def test_seed_nothing_lost(seeds, name):
    rows = by_file(seeds, name)
    assert len(rows)
    kept = [*rows["title"].dropna(), *rows["summary"].dropna(), *rows["text"]]
    kept += [line for lines in rows["boilerplate"] for line in lines]
    raw = (SEED_DIR / name).read_text(encoding="utf-8")
    for line in raw.splitlines():
        line = re.sub(r"^[•\-*]\s+", "", line.strip())
        if line:
            assert any(line in field for field in kept), line


# --- formats and encodings ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "prefix", "newline"),
    [
        ("utf-8", b"", "\n"),
        ("utf-8", codecs.BOM_UTF8, "\r\n"),
        ("utf-16-le", codecs.BOM_UTF16_LE, "\r\n"),
        ("utf-16-be", codecs.BOM_UTF16_BE, "\n"),
        ("utf-16-le", b"", "\n"),
        ("cp1252", b"", "\r\n"),
        ("cp1252", b"", "\r"),
    ],
)
def test_text_encodings(tmp_path, encoding, prefix, newline):
    content = "Minister visits Kabul for talks\n\n" + BODY + "\n\nCaf\u00e9 owners said \u2013 again."
    write(tmp_path, "story.txt", prefix + content.replace("\n", newline).encode(encoding))
    article = load_articles(tmp_path).iloc[0]
    assert article["title"] == "Minister visits Kabul for talks"
    assert article["text"] == BODY + "\n\nCaf\u00e9 owners said \u2013 again."
    assert "\r" not in article["text"]


def test_html_page(tmp_path):
    paragraphs = "".join(f"<p>{part}</p>" for part in BODY.split("\n\n"))
    write(
        tmp_path,
        "page.html",
        '<html><head><title>Talks | Site</title><meta property="og:site_name" content="Arab News">'
        '<link rel="canonical" href="https://www.arabnews.com/node/1">'
        '<meta property="article:published_time" content="2023-02-22T10:00:00+03:00"></head>'
        f"<body><script>document.title='x'</script><nav>Home</nav><article><h1>Minister in Kabul</h1>"
        f"{paragraphs}<p>Follow us on Twitter for more updates from the region</p></article></body></html>",
    )
    article = load_articles(tmp_path).iloc[0]
    assert article["title"] == "Minister in Kabul"
    assert article["outlet"] == "Arab News" and article["outlet_evidence"] == "html meta site_name"
    assert article["url"] == "https://www.arabnews.com/node/1"
    assert article["published"] == pd.Timestamp("2023-02-22")
    assert article["text"].startswith("ISLAMABAD:") and "document.title" not in article["text"]
    assert "Follow us on Twitter for more updates from the region" in article["boilerplate"]


def test_json_jsonl_csv_records(tmp_path):
    newsplease = {
        "title": "First",
        "maintext": BODY,
        "description": "A standfirst.",
        "source_domain": "www.dawn.com",
        "date_publish": "2023-02-22 10:00:00",
        "url": "https://www.dawn.com/news/1",
    }
    write(tmp_path, "one.json", json.dumps(newsplease))
    write(
        tmp_path, "many.json", json.dumps({"articles": [{"headline": "Second", "content": BODY + " Two."}]})
    )
    lines = [
        json.dumps(
            {"title": "Third", "text": BODY + " Three.", "media_name": "Geo TV", "publish_date": "2023-02-23"}
        ),
        "{not json",
        json.dumps({"title": "No body"}),
    ]
    write(tmp_path, "feed.jsonl", "\n".join(lines))
    write(
        tmp_path,
        "table.csv",
        'headline,body,source,published,extra\n"Fourth","Line one of four.\nLine two, with comma.",'
        "Some Paper,2023-02-24T08:00:00Z,x\n",
    )
    articles = load_articles(tmp_path).set_index("title")
    assert articles.loc["First", "outlet"] == "Dawn"
    assert articles.loc["First", "outlet_evidence"] == "record field source_domain www.dawn.com".replace(
        "www.", ""
    )
    assert articles.loc["First", "summary"] == "A standfirst."
    assert articles.loc["First", "published"] == pd.Timestamp("2023-02-22 10:00")
    assert pd.isna(articles.loc["Second", "outlet"])
    assert articles.loc["Third", "outlet"] == "Geo News"
    assert articles.loc["Fourth", "outlet"] == "Some Paper"
    assert articles.loc["Fourth", "text"] == "Line one of four.\n\nLine two, with comma."
    assert articles.loc["Fourth", "published"] == pd.Timestamp("2023-02-24 08:00")
    skipped = articles.attrs["skipped"]
    assert skipped["source_file"].tolist() == ["feed.jsonl", "feed.jsonl"]
    assert skipped["reason"].str.contains("line 2: invalid JSON").any()
    assert skipped["reason"].str.contains("record 3: no text field").any()
    assert articles.reset_index()["article_id"].tolist() == sorted(
        ["feed.jsonl-1", "many.json-1", "one.json-1", "table.csv-1"]
    )


# --- cleaning, splitting, outlets ---------------------------------------------------------------


def test_split_page_with_repeated_headlines(tmp_path):
    page = "\n".join(
        [
            "Site navigation",
            "",
            "First story headline here",
            "Share",
            "Published: 3 March 2023",
            "First story headline here",
            "- A standfirst bullet",
            BODY,
            "Second story headline here",
            "Updated 2 hours ago",
            "Second story headline here",
            "Body of the second story is short. It ends here.",
            "Copyright 2023 Some Site. All rights reserved.",
        ]
    )
    write(tmp_path, "page.txt", page)
    articles = load_articles(tmp_path)
    assert articles["article_id"].tolist() == ["page-1", "page-2", "page-3"]
    preamble, first, second = (row for _, row in articles.iterrows())
    assert pd.isna(preamble["title"]) and preamble["text"] == "Site navigation"
    assert first["title"] == "First story headline here"
    assert first["summary"] == "A standfirst bullet"
    assert first["published"] == pd.Timestamp("2023-03-03")
    assert first["boilerplate"] == ["Share", "Published: 3 March 2023"]
    assert second["text"] == "Body of the second story is short. It ends here."
    assert second["boilerplate"] == ["Updated 2 hours ago", "Copyright 2023 Some Site. All rights reserved."]
    assert pd.isna(second["published"])


def test_repeated_lines_are_not_articles(tmp_path):
    write(tmp_path, "loop.txt", "Same short line here.\n" * 10_000)
    write(tmp_path, "titled.txt", "Same short headline\n" * 10_000)
    articles = load_articles(tmp_path)
    assert len(articles) == 2
    assert articles.loc[0, "text"].count("Same short line here.") == 10_000
    assert articles.loc[1, "title"] == "Same short headline"
    assert articles.loc[1, "text"].count("Same short headline") == 9_998


def test_conflicting_self_references_leave_outlet_missing(tmp_path):
    write(tmp_path, "a.txt", BODY + "\n\nA source told Arab News and later told Dawn the same thing.")
    article = load_articles(tmp_path).iloc[0]
    assert pd.isna(article["outlet"])
    assert article["outlet_evidence"].startswith("conflicting evidence:")


def test_wire_agency_is_not_a_self_reference(tmp_path):
    write(tmp_path, "a.txt", BODY + "\n\nAn official told Reuters that talks would continue.")
    assert pd.isna(load_articles(tmp_path).loc[0, "outlet"])


def test_manifest_wins_and_bad_rows_are_listed(tmp_path):
    write(tmp_path, "a.txt", BODY + "\n\nAn official told Arab News more.")
    write(tmp_path, "b.txt", BODY.replace("Kabul", "Herat") + " Different ending for b.")
    write(tmp_path, "c.txt", BODY.replace("Kabul", "Kandahar") + "\n\nUpdated 1 January 0001")
    write(
        tmp_path,
        "manifest.csv",
        "file,outlet,url,date\n"
        "a.txt,Manifest Times,https://example.org/a,2023-02-20\n"
        "../../etc/passwd,Evil,,\n"
        "missing.txt,Nobody,,\n"
        "a.txt,Second Entry,,\n"
        "./b.txt,,https://www.news18.com/b,\n"
        "c.txt,,javascript:alert(1),\n",
    )
    articles = load_articles(tmp_path).set_index("source_file")
    assert articles.loc["a.txt", "outlet"] == "Manifest Times"
    assert articles.loc["a.txt", "outlet_evidence"] == "manifest"
    assert articles.loc["a.txt", "url"] == "https://example.org/a"
    assert articles.loc["a.txt", "published"] == pd.Timestamp("2023-02-20")
    assert articles.loc["b.txt", "url"] == "https://www.news18.com/b"
    reasons = articles.attrs["skipped"]["reason"].tolist()
    assert any("outside the dump" in reason for reason in reasons)
    assert any("no such article file" in reason for reason in reasons)
    assert any("second entry" in reason for reason in reasons)
    assert "manifest row 6: url 'javascript:alert(1)' is not a web address, ignored" in reasons
    assert pd.isna(articles.loc["c.txt", "url"])
    assert pd.isna(articles.loc["c.txt", "published"])  # "Updated 1 January 0001" is no date
    override = load_articles(
        tmp_path, manifest=pd.DataFrame({"file": ["b.txt"], "outlet": ["Argument Post"]})
    )
    assert override.set_index("source_file").loc["b.txt", "outlet"] == "Argument Post"
    assert override.set_index("source_file").loc["a.txt", "outlet"] == "Arab News"


# --- duplicates ---------------------------------------------------------------------------------

QUOTE_1 = (
    "\u201cNo one will create a threat to Pakistan and we will talk about the crossing points,\u201d he said."
)
QUOTE_2 = (
    "\u201cPolitical and security concerns should not affect business or economic matters,\u201d "
    "the statement read."
)


def test_syndicated_copy_is_duplicate_but_independent_reports_are_not(tmp_path):
    original = (
        "Pakistan's defence minister arrived in Kabul on Wednesday to hold talks with the Taliban."
        f"\n\n{QUOTE_1}\n\n"
        "The two sides discussed the closure of the Torkham crossing after gunfire on Sunday."
        f"\n\n{QUOTE_2}\n\n"
        "Officials said more meetings would follow in the coming weeks to settle trade issues."
    )
    copy = original.replace("Wednesday", "Wednesday afternoon") + "\n\nThis story was syndicated."
    independent = (
        f"A high-level delegation flew to the Afghan capital as border tensions rose.\n\n{QUOTE_1}\n\n"
        "Analysts in Islamabad doubt the visit will change much, citing earlier failed efforts.\n\n"
        f"{QUOTE_2}\n\nThe delegation included the spy chief and the special envoy, sources told the paper."
    )
    write(tmp_path, "a.txt", original + "\n\nA minister told Arab News so.")
    write(tmp_path, "b.txt", copy + "\n\nA minister told Dawn so.")
    write(tmp_path, "c.txt", independent)
    duplicates = load_articles(tmp_path).set_index("article_id")["duplicate_of"]
    assert duplicates["b-1"] == "a-1"
    assert pd.isna(duplicates["a-1"]) and pd.isna(duplicates["c-1"])


def test_copies_point_to_the_first_article():
    texts = [BODY, BODY, BODY + " Extra words.", "Something else entirely, with no overlap at all here."]
    table = pd.DataFrame({"article_id": ["d", "a", "c", "b"], "text": texts})
    marked = corpus.mark_duplicates(table).set_index("article_id")["duplicate_of"]
    assert marked.fillna("").to_dict() == {"a": "", "b": "", "c": "a", "d": "a"}


# --- hostile input ------------------------------------------------------------------------------


def test_bad_files_are_skipped_with_reasons(tmp_path, monkeypatch):
    outside = tmp_path / "outside"
    dump = tmp_path / "dump"
    write(outside, "secret.txt", "Secret outside text that must never be read by the loader.")
    write(dump, "good.txt", BODY)
    write(dump, "empty.txt", "")
    write(dump, "blank.txt", "  \n\t\n")
    write(dump, "image.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    write(dump, "nul.txt", b"abc\x00\x01\x02" * 100 + b"\xff\xfe\xfd")
    write(dump, "photo.png", b"\x89PNG")
    write(dump, "big.txt", "x " * 2000)
    write(dump, "broken.json", "{")
    write(dump, "chrome.txt", "Share\nFollow\nShort Url")
    write(dump, "empty.html", "<html><body><script>alert(1)</script></body></html>")
    os.symlink(outside / "secret.txt", dump / "escape.txt")
    os.symlink(dump / "nowhere.txt", dump / "dangling.txt")
    os.symlink(outside, dump / "linked_folder")
    os.symlink(dump / "loop_a.txt", dump / "loop_b.txt")
    os.symlink(dump / "loop_b.txt", dump / "loop_a.txt")
    os.symlink(dump / "good.txt", dump / "alias.txt")
    write(dump, ".hidden.txt", BODY)
    write(dump, ".git/config.txt", BODY)
    monkeypatch.setattr(formats, "MAX_PAGE_BYTES", 3000)
    articles = load_articles(dump)
    assert sorted(articles["source_file"]) == ["alias.txt", "good.txt"]
    assert "Secret" not in "".join(articles["text"])
    reasons = dict(articles.attrs["skipped"].itertuples(index=False))
    assert reasons == {
        ".git": "hidden folder not read",
        ".hidden.txt": "hidden file",
        "big.txt": "file too large (0.0 MB > 0 MB limit)",
        "blank.txt": "file holds only whitespace",
        "broken.json": reasons["broken.json"],
        "chrome.txt": "no article text after removing boilerplate (3 lines)",
        "dangling.txt": "broken or looping symlink",
        "empty.html": "no article text found in HTML",
        "empty.txt": "empty file",
        "escape.txt": "symlink points outside the dump",
        "image.txt": "binary file (PNG image)",
        "linked_folder": "symlinked folder not followed",
        "loop_a.txt": "broken or looping symlink",
        "loop_b.txt": "broken or looping symlink",
        "nul.txt": "binary file (contains NUL bytes)",
        "photo.png": "unsupported file type '.png'",
    }
    assert reasons["broken.json"].startswith("invalid JSON")


def test_unreadable_and_empty_dumps_raise(tmp_path):
    with pytest.raises(CorpusError, match="dump not found"):
        load_articles(tmp_path / "missing")
    with pytest.raises(CorpusError, match="no article could be loaded"):
        load_articles(tmp_path)
    write(tmp_path, "empty.txt", "")
    with pytest.raises(CorpusError, match="empty file"):
        load_articles(tmp_path)


def test_odd_file_names_get_safe_stable_ids(tmp_path):
    write(tmp_path, "sub dir/na\u00efve story.txt", BODY)
    write(tmp_path, "sub/x.txt", BODY + " B.")
    write(tmp_path, "x.html.txt", BODY + " C.")
    ids = load_articles(tmp_path)["article_id"].tolist()
    assert ids[0] == "sub__x-1"
    assert re.fullmatch(r"sub_dir_na_ve_story~[0-9a-f]{8}-1", ids[1])
    assert re.fullmatch(r"x\.html~[0-9a-f]{8}-1", ids[2])


def test_ids_do_not_depend_on_the_dump_location(tmp_path):
    copy = tmp_path / "elsewhere" / "dump"
    shutil.copytree(SEED_DIR, copy)
    assert load_articles(copy)["article_id"].tolist() == load_articles(SEED_DIR)["article_id"].tolist()


# --- cache and scale ----------------------------------------------------------------------------


def test_cache_reparses_only_changed_files(tmp_path, monkeypatch):
    for number in range(3):
        write(tmp_path, f"{number}.txt", BODY + f" Story {number}.")
    first = load_articles(tmp_path)
    calls = []
    parse = corpus._parse_file
    monkeypatch.setattr(corpus, "_parse_file", lambda name, *args: calls.append(name) or parse(name, *args))
    write(tmp_path, "1.txt", BODY + " Story one, edited.")
    second = load_articles(tmp_path)
    assert calls == ["1.txt"]
    assert second.drop(columns=["text", "n_words", "duplicate_of"]).equals(
        first.drop(columns=["text", "n_words", "duplicate_of"])
    )


def synthetic_dump(folder, count):
    words = [f"w{index}" for index in range(5000)]
    rng = random.Random(42)
    for number in range(count):
        body = " ".join(rng.choices(words, k=300))
        write(folder, f"{number:06d}.txt", f"Headline number {number}\n\n{body}.\n\nShare\n")


def test_loading_scales_linearly(tmp_path):
    synthetic_dump(tmp_path / "warm-up", 10)
    load_articles(tmp_path / "warm-up")  # imports and compiled patterns are not part of the timing
    timings = {}
    for count in (250, 1000):
        synthetic_dump(tmp_path / str(count), count)
        start = time.perf_counter()
        articles = load_articles(tmp_path / str(count))
        timings[count] = time.perf_counter() - start
        assert len(articles) == count and articles["duplicate_of"].isna().all()
    assert timings[1000] < 4 * timings[250] * 2  # linear would be 4x; allow noise, reject quadratic (16x)


# --- notebook tables ----------------------------------------------------------------------------


def test_inspection_tables(seeds):
    outlets = corpus.summarize_outlets(seeds)
    assert outlets.columns.tolist() == [
        "outlet",
        "articles",
        "duplicates",
        "dated",
        "first_published",
        "last_published",
        "evidence",
    ]
    assert outlets.set_index("outlet").loc["Arab News", ["articles", "duplicates"]].tolist() == [2, 1]
    assert outlets["articles"].sum() == 5
    duplicates = corpus.list_duplicates(seeds)
    assert duplicates[["article_id", "duplicate_of"]].values.tolist() == [
        ["003_fc7e1f14d72009a2-1", "002_5f7e29d4badce7c8-1"]
    ]
    assert duplicates.loc[0, "similarity"] > 0.9
    boilerplate = corpus.list_boilerplate(seeds).set_index("source_file")
    assert boilerplate.loc["001_59fd035a8de6f620.txt", "removed_lines"] == 4
    assert boilerplate.loc["003_fc7e1f14d72009a2.txt", "removed_lines"] == 0
    dates = corpus.count_by_date(seeds)
    assert dates.iloc[0].tolist() == ["2023-02-22", "Arab News", 1]
    assert dates.iloc[-1]["period"] == "undated"
    preview = corpus.preview_articles(seeds, n_chars=40)
    assert (preview["opening"].str.len() <= 41).all()
    assert corpus.list_skipped(seeds).empty
    summary = corpus.describe_corpus(seeds)
    assert (
        summary.splitlines()[0]
        == "5 files gave 6 articles; 1 near-duplicate of an earlier article set aside."
    )
    assert "1 article without outlet evidence" in summary
    figure = corpus.plot_lengths(seeds)
    assert figure.axes[0].get_xlabel() == "words per article"


def test_odd_records_and_pages_load_truthfully(tmp_path):
    records = [
        {"title": "future", "text": BODY, "date": "2999-01-01", "outlet": "<b>Bold</b> Times"},
        {"title": "year one", "text": BODY + " One.", "date": "0001-01-01"},
        {"title": "month only", "text": BODY + " Two.", "date": "February 2023"},
        {"title": "epoch", "text": ["Para one.", "Para two."], "date": 1677000000},
        {"title": "newsapi", "text": BODY + " Three.", "source": {"id": None, "name": "Dawn News"}},
    ]
    write(tmp_path, "odd.jsonl", "\n".join(json.dumps(record) for record in records))
    write(tmp_path, "cols.csv", 'title,text\n"A","Body, one."\n"B"\n"C","Body three.",extra\n')
    write(tmp_path, "long.txt", "word " * 200_000)
    write(tmp_path, "trunc.html", "<html><head><title>T</title></head><body><article><p>" + BODY * 3)
    articles = load_articles(tmp_path).set_index("title", drop=False)
    assert articles.loc["future", "outlet"] == "<b>Bold</b> Times"  # kept verbatim; reports escape it
    assert articles.loc[["future", "year one", "month only"], "published"].isna().all()
    assert articles.loc["epoch", "published"] == pd.Timestamp("2023-02-21 17:20:00")
    assert articles.loc["epoch", "text"] == "Para one.\n\nPara two."
    assert articles.loc["newsapi", "outlet"] == "Dawn"
    assert articles.loc["T", "text"].startswith("ISLAMABAD:")
    assert articles.set_index("source_file").loc["long.txt", "n_words"] == 200_000
    assert articles.loc["C", "text"] == "Body three."
    reasons = articles.attrs["skipped"].set_index("reason")["source_file"].to_dict()
    assert reasons == {
        "record 2: no text field (tried text, maintext, body, content, story_text, article_text, full_text, "
        "fulltext)": "cols.csv",
        "row 3: 3 cells for 2 columns, extra cells ignored": "cols.csv",
    }


def test_self_reference_names_map_to_their_own_outlet(tmp_path):
    write(tmp_path, "a.txt", BODY + "\n\nAn aide told The News on Monday.")
    write(tmp_path, "b.txt", BODY + " B.\n\nAn aide told Geo News on Monday.")
    outlets = load_articles(tmp_path)["outlet"].tolist()
    assert outlets == ["The News International", "Geo News"]


def test_one_failing_file_does_not_stop_the_run(tmp_path, monkeypatch):
    write(tmp_path, "good.txt", BODY)
    write(tmp_path, "bad.txt", BODY + " Trigger.")
    write(tmp_path.parent / "outside", "manifest.csv", "file,outlet\ngood.txt,Evil\n")
    os.symlink(tmp_path.parent / "outside" / "manifest.csv", tmp_path / "manifest.csv")
    os.makedirs(tmp_path / "sub")
    (tmp_path / "sub" / os.fsdecode(b"bad\xffname.txt")).write_text(BODY)
    parse = corpus._parse_text

    def fail_on_trigger(text, patterns):
        if "Trigger" in text:
            raise ValueError("boom")
        return parse(text, patterns)

    monkeypatch.setattr(corpus, "_parse_text", fail_on_trigger)
    articles = load_articles(tmp_path)
    assert articles["source_file"].tolist() == ["good.txt"]
    assert pd.isna(articles.loc[0, "outlet"])
    assert articles.attrs["skipped"].values.tolist() == [
        ["bad.txt", "parser error (ValueError)"],
        ["manifest.csv", "manifest not used: symlink points outside the dump"],
        ["sub/bad\ufffdname.txt", "file name is not valid UTF-8"],
    ]


def test_article_slices_can_be_concatenated_and_merged(seeds):
    halves = pd.concat([seeds.iloc[:3], seeds.iloc[3:]])
    merged = seeds.merge(seeds[["article_id", "outlet"]], on="article_id", suffixes=("", "_again"))
    assert len(halves) == len(merged) == len(seeds)
    assert isinstance(merged.attrs["skipped"], pd.DataFrame)


def test_sample_articles_is_balanced_and_order_free():
    articles = pd.DataFrame(
        {
            "article_id": [f"{index:03d}" for index in range(40)],
            "outlet": ["Big"] * 30 + ["Small"] * 6 + [None] * 4,
        }
    )
    sample = corpus.sample_articles(articles, n=12, by="outlet")
    assert sample["outlet"].value_counts(dropna=False).tolist() == [4, 4, 4]
    assert sample.index.is_monotonic_increasing
    shuffled = corpus.sample_articles(articles.sample(frac=1, random_state=1), n=12, by="outlet")
    assert sorted(shuffled["article_id"]) == sorted(sample["article_id"])
    assert corpus.sample_articles(articles, n=40) is articles
    counts = corpus.sample_articles(articles, n=20)["outlet"].fillna("(none)").value_counts()
    assert counts.to_dict() == {"Big": 10, "Small": 6, "(none)": 4}  # groups that run out drop out


# --- duplicates: the numpy MinHash and band index give datasketch's answers ---------------------

SIGNATURE_TEXTS = [
    BODY,
    "Plain ASCII words only, five or more of them in this line.",
    "Caf\u00e9 na\u00efve \u201cquoted\u201d \u2013 dashes\u2019 and \u00c9COLE in capitals, then more words",
    "The Kelvin sign \u212a lower-cases to an ASCII k, so the bytes path must not be used",
    "x\u00b2 \u00bd \u0663 and digits of other scripts are word characters too",
    "Two words",
    "",
    "!!! ??? \u2014",
]


def _datasketch_signature(text):
    """The MinHash values of the original implementation: datasketch over distinct shingle hashes."""
    from datasketch import MinHash

    codes = [zlib.crc32(word.encode("utf-8")) for word in re.findall(r"\w+", text.lower())]
    width = min(corpus.SHINGLE_WORDS, len(codes))
    hashes = set()
    for start in range(len(codes) - width + 1 if codes else 0):
        value = 0
        for code in codes[start : start + width]:
            value = (value * 1_000_003 + code) & 0xFFFFFFFF
        hashes.add(value)
    sketch = MinHash(num_perm=corpus.NUM_PERM, seed=1, hashfunc=int, scheme="affine32")
    sketch.update_batch(sorted(hashes))
    return sketch.hashvalues.tobytes() if hashes else b""


def test_words_match_the_word_pattern():
    for text in SIGNATURE_TEXTS:
        words = [word.decode() if isinstance(word, bytes) else word for word in corpus._words(text)]
        assert words == corpus._WORD.findall(text.lower())


def test_signatures_equal_datasketch_minhash():
    assert corpus._signatures(SIGNATURE_TEXTS, False) == list(map(_datasketch_signature, SIGNATURE_TEXTS))


def test_copies_match_datasketch_lsh():
    from datasketch import LeanMinHash, MinHashLSH

    generator = random.Random(0)
    vocabulary = [f"word{index}" for index in range(300)]
    texts = []
    for _ in range(60):
        words = generator.choices(vocabulary, k=120)
        texts.append(" ".join(words))
        for share in (0.02, 0.1, 0.2, 0.35):  # copies from near-verbatim to clearly edited
            edited = [generator.choice(vocabulary) if generator.random() < share else w for w in words]
            texts.append(" ".join(edited))
    generator.shuffle(texts)
    ids = [f"id{index:03d}" for index in range(len(texts))]
    lsh = MinHashLSH(threshold=corpus.DUPLICATE_THRESHOLD, num_perm=corpus.NUM_PERM, weights=(0.1, 0.9))
    originals, expected = {}, {}
    for article_id, text in zip(ids, texts, strict=True):
        signature = LeanMinHash(
            seed=1, hashvalues=np.frombuffer(_datasketch_signature(text), np.uint32), scheme="affine32"
        )
        matches = sorted(
            key
            for key in lsh.query(signature)
            if originals[key].jaccard(signature) >= corpus.DUPLICATE_THRESHOLD
        )
        if matches:
            expected[article_id] = matches[0]
        else:
            lsh.insert(article_id, signature)
            originals[article_id] = signature
    found = corpus._find_copies(ids, corpus._signatures(texts, False), threshold=corpus.DUPLICATE_THRESHOLD)
    assert 50 < len(expected) < 200
    assert found == expected
