"""Tests for analysis.actors and analysis.quotes: alias merging, attribution, counts, fast path."""

import multiprocessing
import os

import matplotlib
import pandas as pd
import pytest

from analysis import actors, nlp, paths, workers
from analysis.quotes import find_attributions_by_rule, find_quote_spans
from analysis.text import split_sentences

matplotlib.use("Agg")

SEED_ACTORS = paths.DEFAULT_DUMP_DIR / "actors.yaml"


def make_articles(texts, *, outlets=None, boilerplate=None, duplicate_of=None):
    """Build an article frame with the loader's columns from plain texts."""
    count = len(texts)
    return pd.DataFrame(
        {
            "article_id": [f"{index:03d}_fixture-1" for index in range(count)],
            "source_file": [f"{index:03d}.txt" for index in range(count)],
            "outlet": pd.array(outlets or ["Outlet A"] * count, dtype="string"),
            "outlet_evidence": ["fixture"] * count,
            "title": pd.array([pd.NA] * count, dtype="string"),
            "summary": pd.array([pd.NA] * count, dtype="string"),
            "url": pd.array([pd.NA] * count, dtype="string"),
            "published": pd.to_datetime([pd.NaT] * count),
            "text": texts,
            "boilerplate": boilerplate or [[] for _ in texts],
            "duplicate_of": pd.array(duplicate_of or [pd.NA] * count, dtype="string"),
            "n_words": [len(text.split()) for text in texts],
        }
    )


def forms(mentions, actor):
    return sorted(set(mentions.loc[mentions["actor"] == actor, "surface"]))


def quote_by(quotes, fragment):
    rows = quotes[quotes["content"].str.contains(fragment, regex=False)]
    assert len(rows) == 1, quotes[["speaker", "content"]]
    return rows.iloc[0]


# ----------------------------------------------------------------------------- alias merging


def test_titles_spellings_and_short_forms_merge_into_one_person():
    mentions = actors.extract_mentions(
        make_articles(
            [
                "Defence Minister Khawaja Muhammad Asif visited Kabul on Monday. Asif met officials there.",
                "Khawaja Mohammad Asif arrived in Kabul. Later Asif's aides spoke to reporters.",
                "Khawaja Asif said the talks went well. The army chief Lt Gen Nadeem Anjum joined him.",
                "Lt. Gen. Nadeem Anjum visited Kabul. Later, Lt. Gen. Anjum returned to Islamabad.",
            ]
        )
    )
    people = mentions[mentions["type"] == "PERSON"]
    asif, anjum = sorted(set(people["actor"]))
    assert asif in ("Khawaja Muhammad Asif", "Khawaja Mohammad Asif") and anjum == "Nadeem Anjum"
    assert {"Asif", "Khawaja Asif", "Khawaja Mohammad Asif", "Khawaja Muhammad Asif"} <= set(
        forms(people, asif)
    )
    assert "Anjum" in forms(mentions, "Nadeem Anjum")


def test_ambiguous_surname_is_never_merged_across_given_names():
    mentions = actors.extract_mentions(
        make_articles(
            [
                "Taliban spokesperson Zabiullah Mujahid spoke in Kabul. Mujahid said talks went well.",
                "Afghan defence minister Mullah Yaqoob Mujahid met the visitors in Kabul on Monday.",
                "In Kandahar, Mujahid spoke briefly to reporters about the border.",
            ]
        )
    )
    by_article = mentions[mentions["type"] == "PERSON"].groupby("article_id")["actor"].agg(sorted)
    assert by_article.iloc[0] == ["Zabiullah Mujahid", "Zabiullah Mujahid"]
    assert by_article.iloc[1] == ["Yaqoob Mujahid"]
    assert "Zabiullah Mujahid" not in set(mentions.loc[mentions["article_id"] == "002_fixture-1", "actor"])


def test_acronym_written_next_to_its_expansion_merges_everywhere():
    mentions = actors.extract_mentions(
        make_articles(
            [
                "Pakistan faces attacks by the Tehreek-e-Taliban Pakistan (TTP) in the north-west.",
                "The TTP said it carried out the attack on the police station in Peshawar on Monday.",
            ]
        )
    )
    expanded = mentions[mentions["surface"].isin(["TTP", "Tehreek-e-Taliban Pakistan"])]
    assert set(expanded["actor"]) == {"Tehreek-e-Taliban Pakistan"}
    assert set(expanded["article_id"]) == {"000_fixture-1", "001_fixture-1"}


def test_role_back_reference_resolves_only_to_a_unique_earlier_person():
    texts = [
        "Pakistan's defence minister Khawaja Asif visited Kabul on Wednesday. "
        "The defence minister was accompanied by senior officials.",
        "Pakistan's defence minister Khawaja Asif met Afghan defence minister Mullah Yaqoob Mujahid. "
        "The defence minister was accompanied by senior officials.",
    ]
    mentions = actors.extract_mentions(make_articles(texts))
    roles = mentions[mentions["surface"] == "defence minister"]
    assert roles[["article_id", "actor"]].values.tolist() == [["000_fixture-1", "Khawaja Asif"]]


def test_analyst_file_sets_canonical_names_aliases_never_merge_and_sides(tmp_path):
    actors_file = tmp_path / "actors.yaml"
    actors_file.write_text(
        """
actors:
  - name: Tehreek-e-Taliban Pakistan
    aliases: [TTP, Pakistani Taliban]
    side: TTP
  - name: Afghan Taliban
    aliases: [Taliban]
    side: Afghan Taliban
  - name: Zabiullah Mujahid
    side: Afghan Taliban
never_merge:
  - [Zabiullah Mujahid, Zabiullah Mujahid Khan]
""",
        encoding="utf-8",
    )
    mentions = actors.extract_mentions(
        make_articles(
            [
                "The Pakistani Taliban attacked a checkpoint, while the Afghan Taliban denied any role.",
                "The Taliban closed the border. Zabiullah Mujahid and Zabiullah Mujahid Khan met.",
            ]
        ),
        actors_file=actors_file,
    )
    assert forms(mentions, "Tehreek-e-Taliban Pakistan") == ["Pakistani Taliban"]
    assert forms(mentions, "Afghan Taliban") == ["Afghan Taliban", "Taliban"]
    assert {"Zabiullah Mujahid", "Zabiullah Mujahid Khan"} <= set(mentions["actor"])
    sides = actors.assign_sides(mentions, actors_file=actors_file).drop_duplicates("actor")
    side_of = dict(zip(sides["actor"], sides["side"], strict=True))
    assert side_of["Tehreek-e-Taliban Pakistan"] == "TTP"
    assert side_of["Afghan Taliban"] == "Afghan Taliban"
    assert side_of["Zabiullah Mujahid Khan"] == "unknown"


def test_missing_actor_file_gives_an_empty_spec(tmp_path):
    assert actors.load_actor_file(None) == actors.ActorSpec()
    assert actors.load_actor_file(tmp_path / "absent.yaml") == actors.ActorSpec()


def test_boilerplate_and_duplicates_are_not_counted():
    text = "Nawaz Sharif spoke in Lahore on Friday about the economy and the elections."
    articles = make_articles(
        [text, text, "Shehbaz Sharif spoke in Lahore."],
        boilerplate=[["Read Bajwa wanted to resettle Pakistani Taliban"], [], []],
        duplicate_of=[pd.NA, "000_fixture-1", pd.NA],
    )
    mentions = actors.extract_mentions(articles)
    assert "Bajwa" not in " ".join(mentions["actor"])
    assert "001_fixture-1" not in set(mentions["article_id"])
    counts = actors.count_actors(mentions)
    nawaz = counts[counts["actor"] == "Nawaz Sharif"].iloc[0]
    assert nawaz["mentions"] == 1
    assert nawaz["mentions_per_1k_words"] == pytest.approx(1000 / (len(text.split()) + 5), abs=1e-3)


# ----------------------------------------------------------------------------- quotes


def test_quote_spans_handle_curly_straight_mixed_single_and_unbalanced_marks():
    text = (
        '“Curly one,” he said. "Straight two" she said. “Mixed three," they said. '
        "It was 'scare' stuff, don't worry.\n\n“Never closed"
    )
    spans = [text[start:end] for start, end in find_quote_spans(text)]
    assert spans == ["Curly one", "Straight two", "Mixed three", "scare", "Never closed"]
    assert find_quote_spans('"') == [] and find_quote_spans("”stray“") == []


@pytest.mark.parametrize("method", ["full", "fast"])
def test_attribution_cases(method):
    texts = [
        # after the quote, spanning sentences; then a pronoun speaker
        "Foreign minister Bilawal Bhutto-Zardari visited Kabul on Monday. "
        "“We came here in peace. We want a solution to all problems,” Bhutto-Zardari said. "
        "“The border must stay open for traders and patients alike,” he added.",
        # before the quote; according to; told; anonymous; institution
        "Nawaz Sharif told reporters in Lahore that the government had failed the people. "
        "Nawaz Sharif said: “The elections must be held on time this year.” "
        "According to Maryam Nawaz, the party will contest every seat in the country. "
        "Sources say the talks have stalled over the question of the border. "
        "The foreign office said the minister would travel to Kabul next week.",
    ]
    quotes = actors.extract_quotes(make_articles(texts), method=method)
    after = quote_by(quotes, "We came here in peace. We want")
    assert (after["speaker"], after["speaker_kind"], after["cue"], after["direct"]) == (
        "Bilawal Bhutto-Zardari",
        "named",
        "said",
        True,
    )
    pronoun = quote_by(quotes, "The border must stay open")
    assert (pronoun["speaker"], pronoun["speaker_kind"], pronoun["cue"]) == (
        "Bilawal Bhutto-Zardari",
        "pronoun-resolved",
        "added",
    )
    assert quote_by(quotes, "elections must be held")[["speaker", "direct"]].tolist() == [
        "Nawaz Sharif",
        True,
    ]
    told = quote_by(quotes, "government had failed")
    assert told[["speaker", "cue", "direct"]].tolist() == ["Nawaz Sharif", "told", False]
    assert quote_by(quotes, "contest every seat")[["speaker", "cue"]].tolist() == [
        "Maryam Nawaz",
        "according to",
    ]
    assert quote_by(quotes, "talks have stalled")[["speaker", "speaker_kind"]].tolist() == [
        "sources",
        "anonymous",
    ]
    assert quote_by(quotes, "would travel to Kabul")[["speaker", "speaker_kind"]].tolist() == [
        "foreign office",
        "institution",
    ]
    article = texts[0]
    for row in quotes.itertuples():
        if row.article_id == "000_fixture-1":
            assert article[row.start : row.end] == row.content


def test_unbalanced_quotes_and_empty_texts_never_raise():
    quotes = actors.extract_quotes(make_articles(["He said “this never closes", "", "”Odd” \" marks' ‘"]))
    assert list(quotes.columns) == actors.QUOTE_COLUMNS


# ----------------------------------------------------------------------------- counts, figures


def test_count_tables_and_figures():
    articles = make_articles(
        [
            "Nawaz Sharif spoke in Lahore. “We will win the next elections easily,” Nawaz Sharif said.",
            "Sources say Nawaz Sharif will travel to Karachi next week to meet party workers.",
        ],
        outlets=["Outlet A", "Outlet B"],
    )
    mentions = actors.extract_mentions(articles)
    quotes = actors.extract_quotes(articles)
    counts = actors.count_actors(mentions, quotes)
    assert list(counts.columns) == [
        "outlet",
        "actor",
        "type",
        "mentions",
        "articles",
        "mentions_per_1k_words",
        "quotes",
        "direct_quotes",
        "quotes_per_1k_words",
    ]
    nawaz = counts[counts["actor"] == "Nawaz Sharif"].set_index("outlet")
    assert nawaz.loc["Outlet A", "quotes"] == 1 and nawaz.loc["Outlet B", "quotes"] == 0
    sources = actors.count_sources(quotes)
    assert sources.groupby("outlet")["share"].sum().round(3).tolist() == [1.0, 1.0]
    assert sources.set_index(["outlet", "speaker_kind"]).loc[("Outlet B", "anonymous"), "quotes"] == 1
    aliases = actors.list_aliases(mentions)
    assert aliases.iloc[0][["actor", "mentions"]].tolist() == ["Nawaz Sharif", 3]
    summary = actors.describe_actors(counts, sources)
    assert len(summary) == 2 and summary[0].startswith("Outlet A: most mentioned is Nawaz Sharif")
    pairs = actors.count_cooccurrences(mentions)
    assert ((pairs["source"] < pairs["target"]) & (pairs["articles"] >= 1)).all()
    for figure in (
        actors.plot_top_actors(counts),
        actors.plot_source_types(sources),
        actors.plot_cooccurrence(mentions, seed=1),
    ):
        assert figure.axes


# ----------------------------------------------------------------------------- seeds


@pytest.fixture(scope="module")
def seeds():
    from analysis import load_articles

    articles = load_articles(paths.DEFAULT_DUMP_DIR)
    return (
        articles,
        actors.extract_mentions(articles, actors_file=SEED_ACTORS),
        actors.extract_quotes(articles, actors_file=SEED_ACTORS),
    )


def test_seed_actors_are_merged(seeds):
    _, mentions, _ = seeds
    assert {
        "Khawaja Asif",
        "Nadeem Anjum",
        "Abdul Ghani Baradar",
        "Zabiullah Mujahid",
        "Mohammad Yaqoob",
    } <= set(mentions["actor"])
    assert {"Asif", "Khawaja Asif", "Khawaja Muhammad Asif", "defence minister"} <= set(
        forms(mentions, "Khawaja Asif")
    )
    assert {"Akhund", "Mullah Abdul Ghani Baradar Akhund"} <= set(forms(mentions, "Abdul Ghani Baradar"))
    assert {"TTP", "Tehreek-e-Taliban Pakistan"} <= set(forms(mentions, "Tehreek-e-Taliban Pakistan"))
    assert "Taliban" not in set(mentions["actor"])


def test_seed_automatic_merging_without_the_analyst_file(seeds):
    articles, _, _ = seeds
    people = actors.extract_mentions(articles)
    people = people[people["type"] == "PERSON"]
    assert {"Asif", "Khawaja Asif", "Khawaja Muhammad Asif"} <= set(forms(people, "Khawaja Asif"))
    assert {"Nadeem Anjum", "Anjum"} <= set(forms(people, "Nadeem Anjum"))
    assert "Zabiullah Mujahid" in set(people["actor"]) and "Yaqoob Mujahid" in set(people["actor"])


def test_seed_quotes(seeds):
    _, _, quotes = seeds
    arab = quotes[quotes["outlet"] == "Arab News"]
    assert (arab["speaker"] == "Zabiullah Mujahid").sum() >= 2
    anonymous = quotes[quotes["speaker_kind"] == "anonymous"]
    assert {"000", "001"} <= {article_id[:3] for article_id in anonymous["article_id"]}
    institution = quotes[quotes["speaker_kind"] == "institution"]
    assert "Foreign Office" in set(institution["speaker"])
    assert not quotes["article_id"].str.startswith("003").any()


def test_fast_path_agrees_with_full_path(seeds, monkeypatch):
    articles, full, _ = seeds
    monkeypatch.setattr(actors, "SAMPLE_ARTICLES", 3)
    fast = actors.extract_mentions(articles, actors_file=SEED_ACTORS, method="fast")
    expected = set(zip(full["article_id"], full["actor"], strict=True))
    got = set(zip(fast["article_id"], fast["actor"], strict=True))
    precision, recall = len(expected & got) / len(got), len(expected & got) / len(expected)
    assert 2 * precision * recall / (precision + recall) >= 0.75
    fast_quotes = actors.extract_quotes(articles, actors_file=SEED_ACTORS, method="fast")
    assert "Zabiullah Mujahid" in set(fast_quotes.loc[fast_quotes["outlet"] == "Arab News", "speaker"])


def test_large_parses_use_worker_processes_with_the_same_result(tmp_path, monkeypatch):
    cores = min(workers.MAX_PROCESSES, len(os.sched_getaffinity(0)))
    assert nlp._processes(["x" * (nlp.PARALLEL_MIN_CHARS - 1)]) == 1
    assert nlp._processes(["x" * nlp.PARALLEL_MIN_CHARS]) == cores
    monkeypatch.setattr(multiprocessing.current_process(), "daemon", True)
    assert nlp._processes(["x" * nlp.PARALLEL_MIN_CHARS]) == 1  # a Dask worker may not start children
    monkeypatch.undo()
    texts = ["The minister said talks would resume.", "Officials in Kabul denied it.", "Sources said so."]
    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(tmp_path / "one"))
    alone = [doc.to_json() for doc in nlp.parse_texts(texts, disable=("ner",))]
    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(tmp_path / "many"))
    monkeypatch.setattr(nlp, "PARALLEL_MIN_CHARS", 2)
    assert [doc.to_json() for doc in nlp.parse_texts(texts, disable=("ner",))] == alone


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # inverted after a comma; the content is what comes before
        (
            "Talks began in Kabul on Monday, said the foreign office in Islamabad.",
            ("said", "office", "Talks began"),
        ),
        # a relative clause between subject and verb; "that" opens the content
        ("The group, which wants the talks, has said that it will stay away.", ("said", "group", "that it")),
        # the listener of "told" is skipped; a source word before a trailing modifier is the head
        (
            "Sources familiar with the talks told Dawn the border would reopen.",
            ("told", "sources", "the border"),
        ),
        # "according to" after the content
        (
            "The border would reopen next week, according to two officials.",
            ("according to", "officials", "The border"),
        ),
        ("“We will not allow attacks from our soil,” Mujahid said.", ("said", "mujahid", "We will not")),
        ("He was quoted as saying the envoy would return.", None),  # only "quoted X as saying" counts
        ("It was said that the border would reopen.", None),  # a passive has no speaker
        ("The state will hold talks with the party.", None),  # a noun, not a cue
        ("The group claimed responsibility for the attack.", None),  # no reported content
        # an infinitive has no subject of its own; "urged" has no reported clause
        ("The envoy urged Kabul to once again say that attacks must stop.", None),
        ("Officials told reporters that the border would reopen.", ("told", "officials", "that the border")),
    ],
)
def test_rule_attribution_cases(sentence, expected):
    rules = actors.load_lexicon().attribution_rules
    quotes = [span for span in find_quote_spans(sentence) if span[1] - span[0] > 20]
    found = find_attributions_by_rule(
        sentence, sentences=split_sentences(sentence), quotes=quotes, rules=rules
    )
    got = [(a.cue, a.head_lemma, sentence[a.content_start : a.content_end]) for a in found]
    if expected is None:
        assert got == []
    else:
        assert len(got) == 1 and got[0][:2] == expected[:2] and got[0][2].startswith(expected[2])


def test_fast_path_in_worker_processes_gives_the_same_tables(tmp_path, monkeypatch):
    from analysis import load_articles

    articles = load_articles(paths.DEFAULT_DUMP_DIR)
    tables = {}
    for name, min_chars in (("one", 10**12), ("many", 1)):
        monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(tmp_path / name))
        monkeypatch.setattr(actors, "PARALLEL_MIN_CHARS", min_chars)
        monkeypatch.setattr(workers, "CHUNK_ITEMS", 2)
        tables[name] = (
            actors.extract_mentions(articles, actors_file=SEED_ACTORS, method="fast"),
            actors.extract_quotes(articles, actors_file=SEED_ACTORS, method="fast"),
        )
    for one, many in zip(tables["one"], tables["many"], strict=True):
        pd.testing.assert_frame_equal(one, many)


def test_map_items_keeps_item_order_across_processes():
    items = list(range(11))
    expected = [item * 3 + 1 for item in items]
    for processes in (1, 2):
        got = workers.map_items(_scale, items, shared={"factor": 3}, processes=processes, desc="test")
        assert got == expected


def _scale(item, *, factor):
    return item * factor + 1
