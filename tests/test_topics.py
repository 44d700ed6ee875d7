import numpy as np
import pandas as pd
import pytest
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import HashingVectorizer

from analysis.topics import (
    OUTLIER_LABEL,
    UNKNOWN_OUTLET,
    TopicModel,
    _label,
    model_topics,
    plot_outlet_topics,
    plot_topic_sizes,
    plot_topics_over_time,
    split_units,
)

THEMES = {
    "border": [
        "The Torkham border crossing was closed after gunfire between border guards.",
        "Trucks queued for days at the closed Torkham crossing on the border.",
        "Traders demanded that the border crossing at Torkham reopen for trucks.",
        "Border guards exchanged fire and the crossing stayed shut to traders.",
    ],
    "cricket": [
        "The cricket team won the test match after a century from the captain.",
        "Bowlers took five wickets as the cricket match ended in a win.",
        "The captain praised the batting after the cricket team won the series.",
        "Rain delayed the cricket test match but the bowlers took wickets.",
    ],
    "flood": [
        "Floods washed away villages and farmers lost their crops in the rain.",
        "Monsoon rain flooded the river valley and villages were evacuated.",
        "Farmers waited for aid after floods destroyed crops and homes.",
        "The river burst its banks after heavy monsoon rain flooded villages.",
    ],
}


class Words:
    """A tiny deterministic embedder: hashed bag of words (keeps the tests fast)."""

    cache_id = "test-hashing-words"

    def transform(self, texts):
        return HashingVectorizer(n_features=256, alternate_sign=False, stop_words="english").transform(texts)


def make_articles() -> pd.DataFrame:
    """Six articles, two per theme, from three outlets (one unknown) on two dates, plus a duplicate."""
    rows = []
    for number, (theme, sentences) in enumerate(sorted(THEMES.items())):
        for half in range(2):
            body = "\n\n".join(sentences[half * 2 : half * 2 + 2] * 2)
            rows.append(
                {
                    "article_id": f"{number}{half}_{theme}",
                    "outlet": ["Daily A", "Weekly B", pd.NA][(number + half) % 3],
                    "title": f"About {theme}",
                    "summary": pd.NA,
                    "published": pd.Timestamp("2024-03-01") + pd.Timedelta(days=half),
                    "text": body,
                    "duplicate_of": pd.NA,
                }
            )
    copy = dict(rows[0], article_id="99_copy", duplicate_of=rows[0]["article_id"])
    frame = pd.DataFrame([*rows, copy])
    return frame.astype(
        {"outlet": "string", "title": "string", "summary": "string", "duplicate_of": "string"}
    )


def theme_of(units: pd.DataFrame) -> pd.Series:
    return units["article_id"].str.extract(r"_([a-z]+)", expand=False)


@pytest.fixture(scope="module")
def fitted() -> TopicModel:
    return model_topics(make_articles(), unit="paragraph", embedding_model=Words(), n_topics=3)


def test_split_units_paragraphs_and_leads():
    articles = make_articles().head(1)
    paragraphs = split_units(articles, unit="paragraph")
    assert paragraphs["unit_id"].tolist() == [f"{articles.article_id[0]}:{n}" for n in range(4)]
    assert paragraphs["text"].iloc[0] == THEMES["border"][0]
    lead = split_units(articles, unit="article", lead_words=5)
    assert lead["text"].tolist() == ["About border " + " ".join(THEMES["border"][0].split()[:3])]


def test_units_exclude_duplicates_and_topics_match_themes(fitted):
    assert "99_copy" not in set(fitted.units["article_id"])
    assert list(fitted.units.columns[:5]) == ["article_id", "unit_id", "outlet", "published", "text"]
    assert len(fitted.article_topics) == 6
    # every article is made of one theme, so each theme maps to exactly one topic
    assert fitted.units.groupby(theme_of(fitted.units))["topic"].nunique().eq(1).all()
    assert fitted.units.groupby("topic").size().tolist() == [8, 8, 8]
    assert fitted.article_topics["share"].eq(1.0).all()


def test_topic_table_has_labels_without_stop_words(fitted):
    table = fitted.topics
    assert table["topic"].tolist() == [0, 1, 2]
    assert table["size"].sum() == len(fitted.units)
    assert all(len(passages) == 3 for passages in table["passages"])
    labels = " ".join(table["label"])
    assert "the" not in labels.split() and "after" not in labels.split()
    assert any("torkham" in label or "border" in label for label in table["label"])


def test_by_outlet_shares_sum_to_one(fitted):
    table = fitted.by_outlet()
    assert sorted(table["outlet"].unique()) == [UNKNOWN_OUTLET, "Daily A", "Weekly B"]
    assert np.allclose(table.groupby("outlet")["share"].sum(), 1.0)
    assert len(table) == 3 * 3  # every outlet x topic, zeros included


def test_over_time_needs_two_periods(fitted):
    daily = fitted.over_time(freq="D")
    assert sorted(daily["period"].unique()) == [pd.Timestamp("2024-03-01"), pd.Timestamp("2024-03-02")]
    assert np.allclose(daily.groupby("period")["share"].sum(), 1.0)
    monthly = fitted.over_time(freq="MS")
    assert monthly.empty
    assert list(monthly.columns) == ["period", "topic", "label", "n_units", "share", "words"]


def test_deterministic_for_same_seed(fitted):
    again = model_topics(make_articles(), unit="paragraph", embedding_model=Words(), n_topics=3)
    pd.testing.assert_frame_equal(fitted.units, again.units)
    pd.testing.assert_frame_equal(fitted.topics, again.topics)


class EveryThirdOutlier:
    """A clusterer that finds the three themes but calls every third unit an outlier."""

    def fit(self, embeddings, y=None):
        themes = KMeans(n_clusters=3, n_init=10, random_state=0).fit(embeddings).labels_
        self.labels_ = np.where(np.arange(len(embeddings)) % 3 == 0, -1, themes)
        return self


def test_outliers_reduced_to_at_most_ten_percent_and_join_their_theme():
    result = model_topics(
        make_articles(), unit="paragraph", embedding_model=Words(), hdbscan_model=EveryThirdOutlier()
    )
    outliers = result.units["topic"] == -1
    assert 0 < outliers.mean() <= 0.10  # 8 of 24 were outliers; the 2 least similar stay
    assigned = result.units[~outliers]
    assert assigned.groupby(theme_of(assigned))["topic"].nunique().eq(1).all()
    assert result.topics.loc[result.topics["topic"] == -1, "label"].item() == OUTLIER_LABEL


def test_hdbscan_path_for_larger_corpora():
    articles = make_articles().query("duplicate_of.isna()")
    many = pd.concat(
        [articles.assign(article_id=articles["article_id"] + f"-{n}") for n in range(10)], ignore_index=True
    )
    many["duplicate_of"] = pd.NA
    result = model_topics(many, unit="paragraph", embedding_model=Words(), min_hdbscan_units=100)
    assert result.settings["clustering"].startswith("UMAP (5 dims) + HDBSCAN")
    assert (result.units["topic"] == -1).mean() <= 0.10
    assert theme_of(result.units).groupby(result.units["topic"]).nunique().eq(1).all()


def test_auto_unit_and_summary(fitted):
    small = model_topics(make_articles(), embedding_model=Words())
    assert small.settings["unit"] == "sentence"  # 24 paragraphs < min_paragraphs
    assert small.embedder == "test-hashing-words"
    assert "topics over" in small.summary()
    with pytest.raises(ValueError, match="unit"):
        model_topics(make_articles(), unit="page", embedding_model=Words())


def test_label_skips_covered_and_common_words():
    words = ["border crossing", "border", "pakistan", "crossing", "torkham", "trucks"]
    assert _label(words, 3) == "border crossing · pakistan · torkham"
    assert _label(words, 3, frozenset({"pakistan"})) == "border crossing · torkham · trucks"


def test_plots_return_figures(fitted):
    for figure in (
        plot_topic_sizes(fitted),
        plot_outlet_topics(fitted.by_outlet()),
        plot_topics_over_time(fitted.over_time()),
        plot_topics_over_time(fitted.over_time(freq="MS")),
    ):
        assert figure.axes


def test_fit_on_sample_assigns_every_unit():
    articles = make_articles()
    result = model_topics(articles, unit="paragraph", embedding_model=Words(), n_topics=3, max_fit_units=12)
    assert "sample of 12 units" in result.settings["clustering"]
    assert len(result.units) == 24 and result.units["topic"].ge(0).all()
    assert result.units.groupby(theme_of(result.units))["topic"].nunique().eq(1).all()


def test_seed_dump_keeps_the_unrelated_story_apart():
    from analysis import load_articles, paths

    articles = load_articles(paths.DEFAULT_DUMP_DIR)
    result = model_topics(articles)
    assert result.settings["unit"] == "paragraph" and result.embedder == "all-MiniLM-L6-v2"
    assert len(result.topics) >= 5 and (result.units["topic"] == -1).mean() <= 0.10
    unrelated = articles.loc[articles["text"].str.contains("Kalat"), "article_id"].item()
    row = result.article_topics.set_index("article_id").loc[unrelated]
    assert row["share"] > 0.8
    assert result.topics.set_index("topic").loc[row["topic"], "n_articles"] == 1
