"""Framing on code-built fixtures with planted differences."""

import re

import numpy as np
import pandas as pd
import pytest

from analysis import framing


def make_articles(records, duplicates=None):
    """Article frame in the loader's shape from (outlet, text) pairs; ``duplicates`` maps row -> row."""
    duplicates = duplicates or {}
    ids = [f"{index:03d}_fixture-1" for index in range(len(records))]
    return pd.DataFrame(
        {
            "article_id": ids,
            "source_file": [f"{article_id}.txt" for article_id in ids],
            "outlet": [outlet for outlet, _ in records],
            "outlet_evidence": "fixture",
            "title": pd.NA,
            "summary": pd.NA,
            "url": pd.NA,
            "published": pd.NaT,
            "text": [text for _, text in records],
            "boilerplate": [[] for _ in records],
            "duplicate_of": [
                ids[duplicates[index]] if index in duplicates else pd.NA for index in range(len(ids))
            ],
            "n_words": [len(text.split()) for _, text in records],
        }
    )


def make_mentions(articles, surfaces):
    """Mentions of the given ``surface -> (actor, type)`` in every article, longest surface first."""
    rows = []
    for article_id, outlet, text in zip(
        articles["article_id"], articles["outlet"], articles["text"], strict=True
    ):
        taken = []
        for surface, (actor, kind) in sorted(surfaces.items(), key=lambda item: -len(item[0])):
            for match in re.finditer(r"\b" + re.escape(surface) + r"\b", text):
                if any(match.start() < end and match.end() > start for start, end in taken):
                    continue
                taken.append((match.start(), match.end()))
                rows.append((article_id, outlet, actor, surface, kind, match.start(), match.end()))
    columns = ["article_id", "outlet", "actor", "surface", "type", "start", "end"]
    return pd.DataFrame(rows, columns=columns).sort_values(["article_id", "start"], ignore_index=True)


REGIME_DUMP = [
    ("Alpha", "The regime in Kabul closed the border crossing. Traders waited for the regime to reopen it."),
    ("Alpha", "Officials met the regime on Monday. The regime promised talks about the border crossing."),
    ("Alpha", "The regime said little. Analysts expect the regime to stay silent about trade."),
    ("Beta", "The government in Kabul closed the border crossing. Traders waited for the government to act."),
    ("Beta", "Officials met the government on Monday and discussed trade and the border crossing."),
    ("Gamma", "The interim government in Kabul closed the border crossing on Sunday. Talks are planned."),
    ("Gamma", "Officials met the interim government on Monday to discuss the border crossing and trade."),
]


def test_planted_word_comes_out_distinctive():
    terms = framing.distinctive_terms(make_articles(REGIME_DUMP))
    alpha = terms.loc[terms["group"] == "Alpha"]
    top = alpha.iloc[0]
    assert top["term"] == "regime"
    assert top["z"] > framing.Z_SIGNIFICANT
    assert (top["count"], top["count_rest"], top["n_articles"]) == (6, 0, 3)
    assert bool(top["reliable"])
    # a term everyone shares is not distinctive for anyone
    shared = terms.loc[terms["term"] == "border crossing", "z"]
    assert (shared.abs() < 1).all()
    assert list(terms.columns) == ["group", "term", "z", "count", "count_rest", "n_articles", "reliable"]


def test_terms_skip_stop_words_duplicates_and_phrase_breaks():
    records = [*REGIME_DUMP, ("Beta", REGIME_DUMP[0][1])]
    articles = make_articles(records, duplicates={len(records) - 1: 0})
    terms = framing.distinctive_terms(articles)
    regime = terms.loc[(terms["group"] == "Alpha") & (terms["term"] == "regime")].iloc[0]
    assert regime["count_rest"] == 0  # the Beta copy of an Alpha article is a duplicate
    assert not terms["term"].isin(["said", "the", "regime said", "crossing traders"]).any()
    assert "regime in" not in set(terms["term"])  # bigrams never span a stop word
    assert (terms["reliable"] == (terms["count"] >= framing.RELIABLE_COUNT)).all()


def test_words_apostrophes_and_breaks():
    analyze = framing._ngram_analyzer((1, 2))
    text = "Kabul’s cross-border trade. Don't 'quote' rock'-n roll north‘south’ long- awaited 2023 U.S. 12-13"
    assert sorted(analyze(text)) == [
        "awaited", "cross-border", "cross-border trade", "don't", "kabul", "kabul cross-border", "long",
        "long awaited", "north", "north south", "quote", "rock", "roll", "roll north", "south", "trade",
    ]  # fmt: skip


def test_background_prior_counts_like_its_term_counts():
    articles = make_articles(REGIME_DUMP)
    plain = framing.distinctive_terms(articles)
    background = make_articles([("Other", "The regime and the government met. The regime spoke.")])
    from_articles = framing.distinctive_terms(articles, prior=background)
    from_counts = framing.distinctive_terms(
        articles, prior=pd.Series({"regime": 2, "government": 1, "met": 1, "regime spoke": 1, "spoke": 1})
    )
    pd.testing.assert_frame_equal(from_articles, from_counts)
    assert not np.allclose(from_articles["z"], plain["z"])
    assert from_articles.iloc[0]["term"] == "regime"
    top = framing.distinctive_terms(articles, top=2)
    assert top.groupby("group").size().max() == 2


def test_keyword_in_context_is_case_insensitive_whole_word():
    articles = make_articles(
        [
            ("Alpha", "The Regime's envoy spoke. An anti-regime rally and regimes elsewhere do not count."),
            ("Beta", "They met the current\nregime in Kabul."),
        ]
    )
    lines = framing.keyword_in_context(articles, "regime", window=12)
    assert lines["keyword"].tolist() == ["Regime's", "regime"]
    assert lines.iloc[0]["left"] == "The "
    assert lines.iloc[0]["right"] == " envoy spoke"
    assert lines.iloc[1]["left"] == "the current "  # line breaks shown as spaces
    phrase = framing.keyword_in_context(articles, ["current regime", "kabul"])
    assert phrase["term"].tolist() == ["current regime", "kabul"]
    assert phrase.iloc[0]["keyword"] == "current\nregime"
    text = articles.loc[1, "text"]
    assert text[phrase.iloc[0]["start"] :].startswith("current")


TARIFF = "The government imposed new tariffs on steel imports, raising prices for manufacturers and traders."
ATTACK = "Militants attacked a police station near the border, and soldiers fought back for hours."


@pytest.fixture(scope="module")
def frame_scores():
    articles = make_articles(
        [("Alpha", f"{TARIFF} {ATTACK}"), ("Beta", f"{ATTACK}\n\nThe weather was mild on Sunday.")]
    )
    return framing.score_frames(articles, codebook="policy", embed="all")


def test_tariff_sentence_scores_economic(frame_scores):
    tariff = frame_scores.loc[frame_scores["sentence"] == TARIFF].set_index("frame")
    assert bool(tariff.loc["economic", "carries"])
    assert tariff["score"].idxmax() == "economic"
    assert "tariffs" in tariff.loc["economic", "lexicon_terms"]
    assert tariff.loc["economic", "similarity"] > tariff.loc["morality", "similarity"]
    attack = frame_scores.loc[frame_scores["sentence"] == ATTACK].set_index("frame")
    assert attack.groupby(level=0, observed=True)["carries"].any().loc["security_and_defense"]
    generic = framing.score_frames(make_articles([("Alpha", TARIFF)]), codebook="generic", embed="all")
    assert generic.set_index("frame").loc["economic_consequences", "carries"]


def test_scores_follow_the_documented_rule(frame_scores):
    book = framing.load_codebook("policy")
    assert len(frame_scores) == 4 * len(book["frames"])  # 2 + 2 sentences, every frame
    lexicon = np.minimum(1, frame_scores["lexicon_hits"] / book["lexicon_saturation"])
    span = book["similarity_ceiling"] - book["similarity_floor"]
    similarity = np.clip((frame_scores["similarity"] - book["similarity_floor"]) / span, 0, 1)
    expected = book["lexicon_weight"] * lexicon + (1 - book["lexicon_weight"]) * similarity
    np.testing.assert_allclose(frame_scores["score"], expected, atol=1e-5)
    assert (frame_scores["carries"] == (frame_scores["score"] >= book["threshold"])).all()


def test_lexicon_only_scoring_and_custom_codebook(tmp_path):
    path = tmp_path / "frames.yaml"
    path.write_text(
        "lexicon_weight: 1.0\nlexicon_saturation: 2\nsimilarity_floor: 0.1\nsimilarity_ceiling: 0.4\n"
        "threshold: 0.5\nframes:\n  trade:\n    description: Trade.\n"
        "    lexicon: [tariff*, steel, 'price*']\n"
    )
    scores = framing.score_frames(make_articles([("Alpha", TARIFF)]), codebook=path, embed="none")
    row = scores.iloc[0]
    assert (row["lexicon_hits"], row["lexicon_terms"], row["score"]) == (3, "prices; steel; tariffs", 1.0)
    assert np.isnan(row["similarity"])
    path.write_text("threshold: 0.5\nframes:\n  trade:\n    lexicon: [tariff]\n")
    with pytest.raises(ValueError, match="missing"):
        framing.load_codebook(path)


def test_lexicon_pass_is_cached_per_article_and_survives_empty_articles(tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(tmp_path))
    articles = make_articles([("Alpha", TARIFF), ("Beta", ""), ("Gamma", f"{ATTACK} {TARIFF}")])
    first = framing.score_frames(articles, codebook="policy", embed="none")
    # An article without sentences must not shift the next article's hits onto other sentences.
    hits = first.pivot(index=["article_id", "start"], columns="frame", values="lexicon_hits")
    assert hits["economic"].tolist() == [3, 0, 3]  # Alpha's sentence, then Gamma's two
    assert hits["security_and_defense"].tolist()[1] > 0 == hits["security_and_defense"].tolist()[2]
    assert first.loc[first["article_id"] == articles["article_id"][2], "sentence"].unique().tolist() == [
        ATTACK,
        TARIFF,
    ]
    scanned = []
    original = framing._scan_text
    monkeypatch.setattr(
        framing, "_scan_text", lambda text, automaton: scanned.append(text) or original(text, automaton)
    )
    changed = articles.assign(text=articles["text"].where(articles["outlet"] != "Beta", ATTACK))
    second = framing.score_frames(changed, codebook="policy", embed="none")
    assert scanned == [ATTACK]  # only the changed article is scanned again
    unchanged = second["article_id"] != articles["article_id"][1]
    pd.testing.assert_frame_equal(
        second.loc[unchanged].reset_index(drop=True),
        first.loc[first["article_id"] != articles["article_id"][1]].reset_index(drop=True),
        check_categorical=False,
    )


def test_auto_embedding_is_bounded_by_dump_size(monkeypatch, caplog):
    assert framing.choose_embed(framing.AUTO_EMBED_LIMIT) == "all"
    assert framing.choose_embed(framing.AUTO_EMBED_LIMIT + 1) == "hits"
    assert framing.choose_embed(framing.AUTO_HITS_LIMIT + 1) == "none"
    assert "lexicon only" in caplog.text
    monkeypatch.setattr(framing, "AUTO_EMBED_LIMIT", 0)
    monkeypatch.setattr(framing, "AUTO_HITS_LIMIT", 0)
    scores = framing.score_frames(make_articles([("Alpha", TARIFF)]))
    assert scores["similarity"].isna().all()


def test_frame_shares_add_up(frame_scores):
    shares = framing.frame_shares(frame_scores)
    assert shares["n_carrying"].sum() == frame_scores["carries"].sum()
    assert set(shares["n_sentences"]) == {2}
    np.testing.assert_allclose(shares["share"], shares["n_carrying"] / shares["n_sentences"])
    assert ((shares["ci_low"] <= shares["share"]) & (shares["share"] <= shares["ci_high"])).all()
    assert not shares["reliable"].any()  # two sentences per outlet are never enough
    assert shares["frame"].tolist()[:2] == ["economic", "capacity_and_resources"]  # codebook order
    evidence = framing.frame_evidence(frame_scores, n=1)
    assert (evidence.groupby(["group", "frame"]).size() == 1).all()
    assert (
        evidence.loc[(evidence["group"] == "Alpha") & (evidence["frame"] == "economic"), "sentence"].item()
        == TARIFF
    )


def test_scoring_is_deterministic(frame_scores):
    articles = make_articles(
        [("Alpha", f"{TARIFF} {ATTACK}"), ("Beta", f"{ATTACK}\n\nThe weather was mild on Sunday.")]
    )
    again = framing.score_frames(articles, codebook="policy", embed="all")
    pd.testing.assert_frame_equal(again, frame_scores)
    terms = framing.distinctive_terms(make_articles(REGIME_DUMP))
    pd.testing.assert_frame_equal(terms, framing.distinctive_terms(make_articles(REGIME_DUMP[::-1])))


LABEL_DUMP = [
    (
        "Alpha",
        "Pakistan pressed the banned Tehreek-e-Taliban Pakistan (TTP) to stop its attacks. "
        "Officials said the outlawed group had regrouped in Afghanistan.",
    ),
    (
        "Beta",
        "The government discussed the presence of a proscribed network, Tehreek-e-Taliban Pakistan, in "
        "Afghanistan. The Taliban administration denied it. Islamabad wants the current regime in "
        "Afghanistan to act.",
    ),
]
LABEL_ACTORS = {
    "Pakistan": ("Pakistan", "GPE"),
    "Islamabad": ("Pakistan", "GPE"),
    "Tehreek-e-Taliban Pakistan": ("TTP", "ORG"),
    "TTP": ("TTP", "ORG"),
    "Afghanistan": ("Afghanistan", "GPE"),
    "Taliban": ("Afghan Taliban", "ORG"),
}


def test_actor_labels_per_outlet():
    articles = make_articles(LABEL_DUMP)
    labels = framing.actor_labels(articles, make_mentions(articles, LABEL_ACTORS))
    found = set(zip(labels["actor"], labels["outlet"], labels["label"], labels["kind"], strict=True))
    assert found == {
        ("TTP", "Alpha", "banned", "modifier"),
        ("TTP", "Alpha", "outlawed group", "linked NP"),
        ("TTP", "Beta", "proscribed network", "apposition"),
        ("Afghan Taliban", "Beta", "Taliban administration", "head noun"),
        ("Afghanistan", "Beta", "current regime in Afghanistan", "head noun"),
    }
    assert (labels["count"] == 1).all()
    row = labels.loc[labels["label"] == "outlawed group"].iloc[0]
    assert row["example"] == "Officials said the outlawed group had regrouped in Afghanistan."
    assert labels[["actor", "outlet"]].equals(labels[["actor", "outlet"]].sort_values(["actor", "outlet"]))
    assert labels.attrs == {"articles_read": 2, "articles_with_mentions": 2}


def test_actor_labels_read_a_sample_on_large_dumps(monkeypatch):
    articles = make_articles(LABEL_DUMP)
    mentions = make_mentions(articles, LABEL_ACTORS)
    sampled = framing.actor_labels(articles, mentions, max_articles=1)
    assert sampled.attrs == {"articles_read": 1, "articles_with_mentions": 2}
    assert sampled["outlet"].nunique() == 1
    # "auto" reads everything while the actors stage parses whole articles, a sample beyond.
    monkeypatch.setattr("analysis.actors.FULL_PATH_MAX_WORDS", 1)
    monkeypatch.setattr("analysis.actors.SAMPLE_ARTICLES", 1)
    pd.testing.assert_frame_equal(framing.actor_labels(articles, mentions), sampled)


def test_sourcing_by_side():
    quotes = pd.DataFrame(
        {
            "article_id": ["a", "a", "a", "b", "b"],
            "outlet": ["Alpha", "Alpha", "Alpha", pd.NA, pd.NA],
            "speaker": ["Khawaja Asif", "sources", "Zabiullah Mujahid", "Khawaja Asif", "Khawaja Asif"],
            "speaker_kind": ["named", "anonymous", "named", "named", "named"],
            "direct": [True, False, True, False, True],
        }
    )
    sides = {"Khawaja Asif": "Pakistan", "Zabiullah Mujahid": "Afghan Taliban"}
    table = framing.sourcing_by_side(quotes, sides=sides)
    assert table[["group", "side", "n_quotes", "n_direct"]].values.tolist() == [
        ["(unknown outlet)", "Pakistan", 2, 1],
        ["Alpha", "Afghan Taliban", 1, 1],
        ["Alpha", "Pakistan", 1, 1],
        ["Alpha", "anonymous", 1, 0],
    ]
    np.testing.assert_allclose(table.groupby("group")["share"].sum(), 1.0)
    assert table.iloc[0]["speakers"] == "Khawaja Asif (2)"


def test_summary_hedges_small_counts(frame_scores):
    terms = framing.distinctive_terms(make_articles(REGIME_DUMP))
    shares = framing.frame_shares(frame_scores)
    summary = framing.summarize_framing(terms=terms, shares=shares)
    assert summary[0].startswith('Alpha uses "regime" (z ')
    assert "fewer than" not in summary[0]  # six uses are enough
    assert any(f"fewer than {framing.RELIABLE_SENTENCES} sentences" in line for line in summary)
    assert framing.summarize_framing() == []
