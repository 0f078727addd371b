"""Tests for cadretext.topics: planted topics, determinism, empty documents, sweeps, seeding,
prevalence, the offline pyLDAvis page, and a fit on the seed paragraphs."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cadretext.errors import ParameterError
from cadretext.topics import (
    BowCorpus,
    EmptyDocumentsWarning,
    LdaResult,
    build_bow,
    fit_lda,
    fit_seeded_lda,
    save_topic_outputs,
    suggest_k,
    sweep_k,
    sweep_plan,
    to_pyldavis_html,
    topic_prevalence,
)

from .conftest import output_of_piped_code

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
VOCAB_A = [f"甲{i:02d}" for i in range(40)]  # planted topic A
VOCAB_B = [f"乙{i:02d}" for i in range(40)]  # planted topic B


def planted(n_docs: int = 200, length: int = 60, seed: int = 7):
    """Documents mixing two disjoint vocabularies; share of vocabulary A drawn per document."""
    rng = np.random.default_rng(seed)
    zipf = 1.0 / np.arange(1, 41)
    zipf /= zipf.sum()
    share_a = rng.uniform(0, 1, n_docs)
    docs = []
    for p in share_a:
        from_a = rng.random(length) < p
        words = [
            VOCAB_A[rng.choice(40, p=zipf)] if a else VOCAB_B[rng.choice(40, p=zipf)]
            for a in from_a
        ]
        docs.append(words)
    return docs, share_a


@pytest.fixture(scope="module")
def corpus():
    return planted()


@pytest.fixture(scope="module")
def result(corpus):
    docs, _ = corpus
    return fit_lda(docs, 2, seed=0, passes=10, no_above=1.0)


def _vocab_of(words: list[str]) -> set[str]:
    return {w[0] for w in words}


# --------------------------------------------------------------------------- planted topics
def test_lda_recovers_planted_topics(corpus, result):
    _, share_a = corpus
    assert isinstance(result, LdaResult)
    tops = result.top_words[result.top_words["rank"] <= 10].groupby("topic")["word"].apply(list)
    sides = {t: _vocab_of(words) for t, words in tops.items()}
    # every topic's top 10 words come from one vocabulary, and the two topics differ
    assert all(len(s) == 1 for s in sides.values()), sides
    assert {next(iter(s)) for s in sides.values()} == {"甲", "乙"}
    topic_a = next(t for t, s in sides.items() if s == {"甲"})
    r = np.corrcoef(result.doc_topics[topic_a].to_numpy(), share_a)[0, 1]
    assert r > 0.95
    assert list(result.doc_topics.columns) == ["topic_0", "topic_1"]
    assert np.allclose(result.doc_topics.sum(axis=1), 1.0)
    assert list(result.top_words.columns) == ["topic", "topic_id", "rank", "word", "weight"]


def test_params_and_labels(result):
    p = result.params
    for key in ("no_below", "no_above", "keep_n", "alpha", "eta", "passes", "iterations", "seed"):
        assert key in p
    assert p["k"] == 2 and p["seed"] == 0 and p["deterministic"] is True
    labels = result.topic_labels(3)
    assert list(labels) == ["topic_0", "topic_1"]
    assert re.fullmatch(r"0: \S+ · \S+ · \S+", labels["topic_0"])
    top3 = result.top_words.query("topic_id == 1 and rank <= 3")["word"].tolist()
    assert labels["topic_1"] == "1: " + " · ".join(top3)
    renamed = result.doc_topics.rename(columns=labels)
    assert renamed.columns.tolist() == list(labels.values())
    assert "deterministic=True" in repr(result)


def test_same_seed_gives_identical_results(corpus, result):
    docs, _ = corpus
    again = fit_lda(docs, 2, seed=0, passes=10, no_above=1.0)
    pd.testing.assert_frame_equal(again.doc_topics, result.doc_topics, check_exact=True)
    pd.testing.assert_frame_equal(again.top_words, result.top_words, check_exact=True)
    assert np.array_equal(again.model.get_topics(), result.model.get_topics())


def test_multicore_path_is_marked_and_refuses_auto_alpha(corpus):
    docs, _ = corpus
    with pytest.raises(ParameterError, match="alpha='auto'"):
        fit_lda(docs[:40], 2, workers=2, no_above=1.0)
    r = fit_lda(docs[:40], 2, workers=2, alpha="symmetric", passes=1, no_above=1.0)
    assert r.params["deterministic"] is False
    assert r.doc_topics.shape == (40, 2)


# --------------------------------------------------------------------------- bag of words
def test_empty_documents_are_dropped_and_reported():
    docs = [["党校", "授课"], [], ["党校", "授课", "研讨"], ["孤词"], ["研讨", "授课"]]
    with pytest.warns(EmptyDocumentsWarning, match="2 of 5 documents"):
        bow = build_bow(docs, no_above=1.0)
    assert bow.dropped == [1, 3]
    assert bow.kept.tolist() == [0, 2, 4]
    assert len(bow.corpus) == 3 and all(bow.corpus)
    assert "孤词" not in bow.dictionary.token2id
    with pytest.warns(EmptyDocumentsWarning):
        r = fit_lda(docs, 2, passes=2, no_above=1.0, ids=["a", "b", "c", "d", "e"])
    assert r.dropped == [1, 3]
    assert r.doc_topics.index.tolist() == ["a", "c", "e"]


def test_bad_input_names_the_parameter():
    with pytest.raises(ParameterError, match="tokenize"):
        build_bow(["党校 授课", "研讨"])
    with pytest.raises(ParameterError, match="no_above"):
        build_bow([["a"]], no_above=0)
    with pytest.raises(ParameterError, match="no word occurs"):
        build_bow([["a"], ["b"]])
    with pytest.raises(ParameterError, match="k must be"):
        fit_lda([["a", "b"]] * 3, 1)
    with pytest.raises(ParameterError, match="ids has 2 entries"):
        fit_lda([["a", "b"]] * 3, 2, no_above=1.0, ids=["x", "y"])


def test_streaming_path_matches_in_memory(corpus, tmp_path):
    docs, _ = corpus
    docs = [*docs[:80], []]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", EmptyDocumentsWarning)
        mem = build_bow(docs, no_above=1.0)
        streamed = build_bow((d for d in docs), no_above=1.0, stream_to=tmp_path / "bow")
    assert streamed.path == tmp_path / "bow"
    assert {p.name for p in streamed.path.iterdir()} >= {"corpus.mm", "tokens.jsonl"}
    assert type(streamed.corpus).__name__ == "MmCorpus"
    assert streamed.dropped == mem.dropped == [80]
    assert streamed.dictionary.token2id == mem.dictionary.token2id
    assert [[(i, int(c)) for i, c in d] for d in streamed.corpus] == mem.corpus
    assert list(streamed.texts) == mem.texts
    a = fit_lda(mem, 2, passes=3)
    b = fit_lda(streamed, 2, passes=3)
    assert np.allclose(a.doc_topics.to_numpy(), b.doc_topics.to_numpy(), atol=1e-6)
    # a bare generator streams to a temporary folder
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", EmptyDocumentsWarning)
        tmp = build_bow(iter(docs), no_above=1.0)
    assert tmp.path is not None and tmp.path.exists() and len(tmp.corpus) == 80
    assert isinstance(tmp, BowCorpus)


# --------------------------------------------------------------------------- sweep
@pytest.fixture(scope="module")
def sweep(corpus):
    docs, _ = corpus
    return sweep_k(docs[:120], [2, 3, 4], seeds=(0, 1), passes=4, no_above=1.0, n_jobs=1)


def test_sweep_columns_and_values(sweep):
    assert sweep.columns.tolist() == [
        "k",
        "c_v",
        "c_npmi",
        "u_mass",
        "diversity",
        "stability",
        "fit_time_s",
    ]
    assert sweep["k"].tolist() == [2, 3, 4]
    assert sweep["c_v"].between(0, 1).all()
    assert sweep["c_npmi"].between(-1, 1).all()
    assert (sweep["u_mass"] <= 0).all()
    assert sweep["diversity"].between(0, 1).all()
    assert sweep["stability"].between(0, 1).all()
    # two planted topics: K=2 is the cleanest, most stable and most diverse solution
    row2 = sweep.set_index("k").loc[2]
    assert row2["stability"] > 0.9
    assert row2["diversity"] == sweep["diversity"].max()
    assert row2["c_npmi"] == sweep["c_npmi"].max()
    assert suggest_k(sweep) == 2


def test_sweep_parallel_equals_serial(corpus, sweep):
    docs, _ = corpus
    par = sweep_k(docs[:120], [2, 3, 4], seeds=(0, 1), passes=4, no_above=1.0, n_jobs=2)
    pd.testing.assert_frame_equal(
        par.drop(columns="fit_time_s"), sweep.drop(columns="fit_time_s"), check_exact=True
    )


def test_sweep_coherence_equals_gensim_per_model(corpus, sweep):
    """The counts gathered once for all fits give each fit the value gensim gives it alone."""
    from gensim import matutils
    from gensim.corpora import Dictionary
    from gensim.models import CoherenceModel, LdaModel

    from cadretext.topics.select import _coherences

    docs, _ = corpus
    texts = docs[:120]
    dictionary = Dictionary(texts)
    bow = [dictionary.doc2bow(t) for t in texts]
    models = [
        LdaModel(bow, id2word=dictionary, num_topics=k, random_state=s, passes=2)
        for k, s in ((2, 0), (3, 1), (5, 2))
    ]
    # each topic's 10 best ids, as CoherenceModel(model=...) takes them
    topics = [[matutils.argsort(t, topn=10, reverse=True) for t in m.get_topics()] for m in models]
    for measure in ("c_v", "c_npmi", "u_mass"):
        alone = [
            CoherenceModel(
                model=m,
                texts=None if measure == "u_mass" else texts,
                corpus=bow if measure == "u_mass" else None,
                dictionary=dictionary,
                coherence=measure,
                topn=10,
                processes=1,
            ).get_coherence()
            for m in models
        ]
        assert _coherences(dictionary, bow, texts, measure, topics) == alone


def test_sweep_coherence_reads_pair_counts_from_a_dense_array(corpus, monkeypatch):
    """The sliding-window measures look pairs up in a dense array (a lookup in gensim's sparse
    matrix cost half their time); the values stay gensim's."""
    import numpy as np
    from gensim.corpora import Dictionary

    import cadretext.topics.select as select

    docs, _ = corpus
    texts = docs[:80]
    dictionary = Dictionary(texts)
    topics = [[np.arange(i, i + 10) for i in (0, 10)], [np.arange(i, i + 10) for i in (5, 20, 30)]]
    seen = []
    densify = select._dense_counts

    def spy(cm):
        densify(cm)
        seen.append(type(cm._accumulator._co_occurrences))

    monkeypatch.setattr(select, "_dense_counts", spy)
    dense = select._coherences(dictionary, None, texts, "c_npmi", topics)
    assert seen == [np.ndarray]
    monkeypatch.setattr(select, "_dense_counts", lambda cm: None)
    assert select._coherences(dictionary, None, texts, "c_npmi", topics) == dense


def test_sweep_single_seed_and_measure_choice(corpus, capsys):
    docs, _ = corpus
    t = sweep_k(
        docs[:60], [2], seeds=(0,), coherence=("u_mass",), passes=2, no_above=1.0, progress=True
    )
    assert "sweep_k fits" in capsys.readouterr().err
    assert t.columns.tolist() == ["k", "u_mass", "diversity", "stability", "fit_time_s"]
    assert np.isnan(t.loc[0, "stability"])
    with pytest.raises(ParameterError, match="unknown coherence"):
        sweep_k(docs[:60], [2], coherence=("c_x",), no_above=1.0)


def test_sweep_on_a_coherence_sample(corpus, sweep):
    docs, _ = corpus
    kw = {"seeds": (0, 1), "passes": 4, "no_above": 1.0, "coherence_sample": 40}
    serial = sweep_k(docs[:120], [2, 3, 4], n_jobs=1, **kw).drop(columns="fit_time_s")
    parallel = sweep_k(docs[:120], [2, 3, 4], n_jobs=2, **kw).drop(columns="fit_time_s")
    pd.testing.assert_frame_equal(serial, parallel, check_exact=True)
    full = sweep.drop(columns="fit_time_s")
    # the same fits: u_mass, diversity and stability do not change; c_v and c_npmi are
    # computed on 40 of the 120 units, so they do
    for col in ("u_mass", "diversity", "stability"):
        assert serial[col].tolist() == full[col].tolist()
    assert serial["c_v"].tolist() != full["c_v"].tolist()
    other = sweep_k(docs[:120], [2, 3, 4], n_jobs=1, sample_seed=1, **kw)
    assert other["c_npmi"].tolist() != serial["c_npmi"].tolist()
    with pytest.raises(ParameterError, match="coherence_sample"):
        sweep_k(docs[:120], [2], coherence_sample=3, no_above=1.0)


def test_sweep_plan_bounds_the_sweep_as_the_corpus_grows():
    small, large = sweep_plan(2_000), sweep_plan(50_000)
    assert small["sample"] is None and small["passes"] == small["fit_passes"] == 10
    assert large["sample"] == 2_000 and large["passes"] == 10
    assert large["coherence"] == small["coherence"] == ("c_v", "c_npmi", "u_mass")
    assert large["fit_passes"] == 3 and sweep_plan(4_000)["fit_passes"] == 5
    assert "sample of 2,000 units" in large["rule"] and "5,0" not in small["rule"]
    # one report's paragraphs: words of one unit kept, or nothing would pass the filter
    assert sweep_plan(3)["no_below"] == 1 and "fewer than 30" in sweep_plan(3)["rule"]
    assert sweep_plan(30)["no_below"] == small["no_below"] == large["no_below"] == 2


def test_sweep_on_a_sample_of_units(corpus):
    docs = corpus[0][:120]
    kw = {"seeds": (0, 1), "passes": 3, "no_above": 1.0, "coherence": ("u_mass",)}
    sampled = sweep_k(docs, [2, 3], sample=40, sample_seed=3, **kw)
    rng = np.random.default_rng(3)
    picked = np.sort(rng.choice(len(docs), size=40, replace=False))
    by_hand = sweep_k([docs[i] for i in picked], [2, 3], **kw)
    cols = ["k", "u_mass", "diversity", "stability"]
    pd.testing.assert_frame_equal(sampled[cols], by_hand[cols])
    assert not sampled[cols].equals(sweep_k(docs, [2, 3], **kw)[cols])
    assert sweep_k(docs, [2, 3], sample=10_000, **kw)[cols].equals(
        sweep_k(docs, [2, 3], **kw)[cols]
    )


def test_suggest_k_rule():
    table = pd.DataFrame(
        {
            "k": [2, 3, 4, 5],
            "c_v": [0.40, 0.55, 0.55, 0.30],
            "c_npmi": [0.02, 0.06, 0.06, 0.01],
            "u_mass": [-1.0, -2.0, -3.0, -4.0],
            "diversity": [1.0, 0.9, 0.8, 0.7],
            "stability": [0.95, 0.80, 0.80, 0.6],
        }
    )
    # K=3 and K=4 tie on every criterion -> the smaller K
    assert suggest_k(table) == 3
    # stability counts: make K=4 more stable and it wins
    assert suggest_k(table.assign(stability=[0.95, 0.80, 0.85, 0.6])) == 4
    # u_mass stands in when neither c_v nor c_npmi was computed; stability still counts
    only_umass = table[["k", "u_mass", "stability"]]
    assert suggest_k(only_umass) == 2
    # a single seed (stability all NaN) -> coherence alone
    assert suggest_k(table.assign(stability=np.nan, c_v=[0.1, 0.2, 0.3, 0.4],
                                  c_npmi=[0.1, 0.2, 0.3, 0.4])) == 5  # fmt: skip
    assert suggest_k(table, criteria=["diversity"]) == 2
    with pytest.raises(ParameterError):
        suggest_k(table.drop(columns="k"))


# --------------------------------------------------------------------------- seeded LDA
def test_seeded_words_land_in_their_topics(corpus):
    docs, share_a = corpus
    seeds = {"alpha": ["甲00", "甲01", "甲02"], "beta": ["乙00", "乙01", "乙02"]}
    r = fit_seeded_lda(docs, seeds, extra_topics=1, passes=10, no_above=1.0)
    assert r.topic_names == ["alpha", "beta", "other_0"]
    assert r.doc_topics.columns.tolist() == ["alpha", "beta", "other_0"]
    topics = r.model.get_topics()
    for tid, words in enumerate(seeds.values()):
        for w in words:
            assert int(np.argmax(topics[:, r.dictionary.token2id[w]])) == tid
    # the named topic follows the planted vocabulary, not just its seed words
    alpha_top = r.top_words.query("topic == 'alpha' and rank <= 10")["word"]
    assert _vocab_of(alpha_top.tolist()) == {"甲"}
    assert np.corrcoef(r.doc_topics["alpha"], share_a)[0, 1] > 0.9
    assert r.topic_labels(2)["beta"].startswith("beta: ")
    assert r.params["seed_words"]["alpha"] == seeds["alpha"]


def test_seeded_order_does_not_depend_on_chance(corpus):
    """Swapping the seed lists swaps the topics: the names are driven by the seeds."""
    docs, share_a = corpus
    seeds = {"alpha": ["乙00", "乙01"], "beta": ["甲00", "甲01"]}
    r = fit_seeded_lda(docs, seeds, extra_topics=0, passes=10, no_above=1.0)
    assert np.corrcoef(r.doc_topics["beta"], share_a)[0, 1] > 0.9


def test_missing_seed_word_warns_not_crashes(corpus):
    docs, _ = corpus
    seeds = {"alpha": ["甲00", "不存在词"], "beta": ["乙00"]}
    with pytest.warns(UserWarning, match=r"alpha: 不存在词"):
        r = fit_seeded_lda(docs[:60], seeds, extra_topics=1, passes=2, no_above=1.0)
    assert r.params["missing_seed_words"] == {"alpha": ["不存在词"]}
    assert r.params["seed_words"]["alpha"] == ["甲00"]


# --------------------------------------------------------------------------- prevalence
def test_topic_prevalence_bootstrap():
    rng = np.random.default_rng(0)
    a = rng.dirichlet([8, 2], 40)
    b = rng.dirichlet([2, 8], 30)
    shares = pd.DataFrame(np.vstack([a, b]), columns=["topic_0", "topic_1"])
    groups = ["x"] * 40 + ["y"] * 30
    t1 = topic_prevalence(shares, groups, n_boot=500, seed=3)
    t2 = topic_prevalence(shares, groups, n_boot=500, seed=3)
    t3 = topic_prevalence(shares, groups, n_boot=500, seed=4)
    pd.testing.assert_frame_equal(t1, t2)
    assert not np.allclose(t1["ci_low"], t3["ci_low"])
    assert t1.columns.tolist() == [
        "topic",
        "group",
        "n_docs",
        "mean",
        "ci_low",
        "ci_high",
        "n_clusters",
    ]
    assert ((t1["ci_low"] <= t1["mean"]) & (t1["mean"] <= t1["ci_high"])).all()
    row = t1.set_index(["topic", "group"]).loc[("topic_0", "x")]
    assert row["n_docs"] == 40
    assert row["mean"] == pytest.approx(a[:, 0].mean())
    # percentile interval of the mean: about 2 standard errors each side
    se = a[:, 0].std(ddof=1) / np.sqrt(40)
    assert row["ci_high"] - row["ci_low"] == pytest.approx(2 * 1.96 * se, rel=0.25)
    # the groups differ: the intervals of topic_0 do not overlap
    y = t1.set_index(["topic", "group"]).loc[("topic_0", "y")]
    assert y["ci_high"] < row["ci_low"]


def test_topic_prevalence_aligns_series_on_index():
    shares = pd.DataFrame({"topic_0": [0.9, 0.7, 0.1], "topic_1": [0.1, 0.3, 0.9]}, index=[0, 2, 5])
    groups = pd.Series(["a", "b", "a", "b", "b", "b"])  # one per input document, 1 and 3 dropped
    t = topic_prevalence(shares, groups, n_boot=100, seed=0).set_index(["topic", "group"])
    assert t.loc[("topic_0", "a"), "mean"] == pytest.approx(0.8)
    assert t.loc[("topic_0", "b"), "n_docs"] == 1
    assert np.isnan(t.loc[("topic_0", "b"), "ci_low"])  # one document: no interval
    many = pd.DataFrame(np.full((2, 12), 1 / 12), columns=[f"topic_{i}" for i in range(12)])
    order = topic_prevalence(many, ["a", "a"], n_boot=50)["topic"].tolist()
    assert order == [f"topic_{i}" for i in range(12)]  # column order, not string order
    # a Series already cut to the kept rows and reset is matched by position
    reset = pd.Series(["a", "b", "a"])
    t2 = topic_prevalence(shares, reset, n_boot=100, seed=0).set_index(["topic", "group"])
    assert t2.loc[("topic_0", "a"), "mean"] == pytest.approx(0.5)
    assert t2.loc[("topic_0", "b"), "mean"] == pytest.approx(0.7)
    with pytest.raises(ParameterError, match="3 rows"):
        topic_prevalence(shares, ["a", "b"])


# --------------------------------------------------------------------------- pyLDAvis
def _offline_problems(page: str) -> list[str]:
    problems = re.findall(r"<script[^>]*\bsrc\s*=[^>]*>", page, flags=re.I)
    problems += re.findall(
        r"<link[^>]*\bhref\s*=\s*[\"']?\s*(?:https?:)?//[^>]*>", page, flags=re.I
    )
    problems += re.findall(r"@import[^;]*(?:https?:)?//", page, flags=re.I)
    return problems


def test_pyldavis_page_is_offline(result, tmp_path):
    out = tmp_path / "vis" / "ldavis.html"
    assert to_pyldavis_html(result, out) == out
    page = out.read_text(encoding="utf-8")
    assert to_pyldavis_html(result) == page  # same model -> same page
    assert _offline_problems(page) == []
    assert "cdn.jsdelivr" not in page
    # d3, LDAvis and its CSS are inline; the data holds our vocabulary
    assert "var LDAvis = function" in page and "d3.select" in page
    assert ".bubble-tool" in page or "ldavis" in page.lower()
    assert 'new LDAvis("#ldavis_cadretext"' in page
    assert result.top_words.loc[0, "word"].encode("unicode_escape").decode() in page or (
        result.top_words.loc[0, "word"] in page
    )
    assert page.count("<script") == page.count("</script>") == 3
    # the scanner itself catches a CDN page
    assert _offline_problems('<script src="https://d3js.org/d3.v5.js"></script>')


def test_save_topic_outputs(result, tmp_path):
    meta = pd.DataFrame({"doc_id": [f"d{i}" for i in range(200)]})
    written = save_topic_outputs(result, tmp_path / "out", meta=meta)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "doc_topics.csv",
        "ldavis.html",
        "top_words.csv",
    ]
    table = pd.read_csv(written["doc_topics"])
    assert table.columns.tolist() == ["doc", "doc_id", "topic_0", "topic_1"]
    assert len(table) == 200
    top = pd.read_csv(written["top_words"])
    assert set(top["topic"]) == {"topic_0", "topic_1"}


# --------------------------------------------------------------------------- seed reports
def test_fit_on_seed_paragraphs():
    from cadretext import load_corpus, split_units, tokenize

    corpus = load_corpus(SEEDS)
    units = split_units(corpus, "paragraph")
    tokens = tokenize(units["text"].tolist(), cache=False)
    with pytest.warns(EmptyDocumentsWarning, match="of 87 documents"):
        r = fit_lda(tokens, 4, seed=0, passes=10, ids=units["unit_id"])
    assert r.doc_topics.index.name == "unit_id"
    assert len(r.doc_topics) + len(r.dropped) == len(units)
    assert np.allclose(r.doc_topics.sum(axis=1), 1.0)
    assert len(r.topic_labels()) == 4
    groups = units.set_index("unit_id")["program_type"]
    prev = topic_prevalence(r, groups, n_boot=200, seed=0)
    assert set(prev["group"]) == {"secondment", "party_school", "closed_training"}
    assert len(prev) == 4 * 3
    # default seeded topics from the packaged lists; seed words missing from five reports warn
    with (
        pytest.warns(UserWarning, match="seed words not in the model's vocabulary"),
        pytest.warns(EmptyDocumentsWarning),
    ):
        s = fit_seeded_lda(
            tokens, extra_topics=2, seed=0, passes=10, no_above=0.6, ids=units["unit_id"]
        )
    assert s.topic_names == [
        "secondment",
        "party_school",
        "closed_training",
        "other_0",
        "other_1",
    ]
    assert "跟班学习" in s.params["seed_words"]["secondment"]
    top = s.top_words.query("topic == 'secondment' and rank <= 10")["word"].tolist()
    assert "跟班学习" in top
    # secondment paragraphs lean on the secondment topic more than the others do
    share = s.doc_topics["secondment"].groupby(groups.reindex(s.doc_topics.index)).mean()
    assert share.idxmax() == "secondment"


def test_seed_words_expand_to_compounds_containing_them():
    docs = [["中央党校", "授课", "研讨", "学员"], ["跟班学习", "企业", "挂职干部", "调研"]] * 10
    seeds = {"school": ["党校"], "secondment": ["挂职"]}
    r = fit_seeded_lda(docs, seeds, extra_topics=0, passes=5, no_above=1.0)
    assert r.params["seed_words"] == {"school": ["中央党校"], "secondment": ["挂职干部"]}
    assert r.params["missing_seed_words"] == {}
    with pytest.warns(UserWarning, match="党校"):
        strict = fit_seeded_lda(docs, seeds, extra_topics=0, passes=5, no_above=1.0, expand=False)
    assert strict.params["missing_seed_words"] == {"school": ["党校"], "secondment": ["挂职"]}


def test_sweep_in_piped_code_with_two_workers(tmp_path) -> None:
    # the pool's workers do not re-import the caller's __main__ (loky), so code piped on
    # standard input may run workers (a ProcessPoolExecutor's spawned workers could not)
    code = (
        "from cadretext import sweep_k\n"
        "t = sweep_k([['党校', '学习'], ['干部', '学习'], ['党校', '干部']] * 10, [2, 3], "
        "seeds=(0,), coherence=('u_mass',), no_above=1.0, n_jobs=2)\n"
        "print(t['k'].tolist())\n"
    )
    out = output_of_piped_code(code, tmp_path)
    assert out.endswith("[2, 3]")


def _corrupting_lda(monkeypatch, always: bool) -> list[tuple]:
    """Make gensim's LdaModel end with NaN topics when alpha='auto' (or always)."""
    import gensim.models

    real = gensim.models.LdaModel
    calls: list[tuple] = []

    def fake(*args, **kwargs):
        model = real(*args, **kwargs)
        calls.append((kwargs.get("alpha"), kwargs.get("eta")))
        if always or kwargs.get("alpha") == "auto":
            model.state.sstats[:] = np.nan
        return model

    monkeypatch.setattr(gensim.models, "LdaModel", fake)
    return calls


def test_a_fit_with_nan_state_is_refitted_with_symmetric_priors(corpus, monkeypatch):
    from cadretext.errors import FitError

    docs, _ = corpus
    calls = _corrupting_lda(monkeypatch, always=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing printed: the bad fit is checked, not shown
        res = fit_lda(docs[:60], 2, seed=0, passes=2, no_above=1.0)
    assert calls == [("auto", "auto"), ("symmetric", "symmetric")]
    assert res.params["refit_with"] == {"alpha": "symmetric", "eta": "symmetric"}
    assert np.isfinite(res.doc_topics.to_numpy()).all()
    clean = fit_lda(docs[:60], 2, seed=0, passes=2, no_above=1.0, alpha="symmetric")
    assert clean.params["refit_with"] is None
    _corrupting_lda(monkeypatch, always=True)
    with pytest.raises(FitError, match="non-finite"):
        fit_lda(docs[:60], 2, seed=0, passes=2, no_above=1.0)


def test_overflow_in_inference_is_checked_not_printed(corpus, monkeypatch):
    """What the flaky CI page showed (issue 14, item 9): an inf meeting a zero inside gensim's
    inference ("invalid value encountered in dot"). It must not be printed into a report, and
    non-finite topic shares must not come out silently."""
    import gensim.models

    from cadretext.errors import FitError

    docs, _ = corpus
    real = gensim.models.LdaModel.inference

    def overflowing(self, chunk, collect_sstats=False):
        np.dot(np.array([np.inf]), np.array([0.0]))  # the warning, as numpy raises it
        return real(self, chunk, collect_sstats)

    monkeypatch.setattr(gensim.models.LdaModel, "inference", overflowing)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = fit_lda(docs[:60], 2, seed=0, passes=2, no_above=1.0, alpha="symmetric")
    assert np.isfinite(res.doc_topics.to_numpy()).all()

    def broken(self, chunk, collect_sstats=False):
        gamma, sstats = real(self, chunk, collect_sstats)
        gamma[0, :] = np.inf
        return gamma, sstats

    monkeypatch.setattr(gensim.models.LdaModel, "inference", broken)
    with pytest.raises(FitError, match=r"non-finite topic shares for \d+ unit"):
        fit_lda(docs[:60], 2, seed=0, passes=2, no_above=1.0, alpha="symmetric")


def test_k_is_checked_against_the_number_of_units(corpus):
    docs, _ = corpus
    with pytest.raises(ParameterError, match=r"number of units with words left \(12\); got 13"):
        fit_lda(docs[:12], 13, no_above=1.0)
    with pytest.raises(ParameterError, match=r"ks must be .* \(12\); got 20"):
        sweep_k(docs[:12], [2, 20], seeds=[0], coherence=("u_mass",), no_above=1.0)


@pytest.mark.filterwarnings("ignore::cadretext.topics.EmptyDocumentsWarning")
def test_ldavis_page_with_many_topics(tmp_path):
    # pyLDAvis' own PCoA gave complex coordinates from about ten topics on the seeds and its
    # JSON export failed; the symmetric eigen-solver keeps them real
    from cadretext import load_corpus, split_units, tokenize

    units = split_units(load_corpus(SEEDS), "paragraph")
    res = fit_lda(tokenize(units["text"].tolist()), 12, seed=0, passes=2)
    written = save_topic_outputs(res, tmp_path, html=True)
    page = Path(written["ldavis"]).read_text(encoding="utf-8")
    assert (
        "ldavis_cadretext_data" in page and "j)" not in page.split("ldavis_cadretext_data")[1][:50]
    )


def test_topic_prevalence_resamples_whole_reports_when_given_clusters():
    """Ten paragraphs of each report share its topic mix: resampling paragraphs treats them as
    ten independent draws and gives an interval far narrower than resampling the reports."""
    rng = np.random.default_rng(0)
    rows, groups, owners = [], [], []
    for report in range(12):
        base = rng.uniform(0.1, 0.9)
        for _ in range(10):
            share = float(np.clip(base + rng.normal(0, 0.02), 0, 1))
            rows.append({"topic_0": share, "topic_1": 1 - share})
            groups.append("a")
            owners.append(f"r{report}")
    shares = pd.DataFrame(rows)
    by_unit = topic_prevalence(shares, groups, n_boot=2000, seed=0).iloc[0]
    by_report = topic_prevalence(shares, groups, n_boot=2000, seed=0, clusters=owners).iloc[0]
    assert by_report["n_clusters"] == 12 and by_unit["n_clusters"] == 120
    assert by_report["mean"] == pytest.approx(by_unit["mean"])
    width = by_report["ci_high"] - by_report["ci_low"]
    assert width > 2.5 * (by_unit["ci_high"] - by_unit["ci_low"])
    one = topic_prevalence(shares.head(10), groups[:10], clusters=owners[:10]).iloc[0]
    assert np.isnan(one["ci_low"]) and one["n_clusters"] == 1  # one report: no interval
    with pytest.raises(ParameterError, match="percentile"):
        topic_prevalence(shares, groups, clusters=owners, method="BCa")


def test_topic_terms_relevance_and_frex_favour_exclusive_words():
    from cadretext.topics import topic_terms

    # "干部" is in every document: the most probable word of both topics, exclusive to neither
    docs = [["干部", "干部", "党校", "授课", "研讨"], ["干部", "干部", "跟班", "挂职", "企业"]] * 15
    r = fit_lda(docs, 2, seed=0, passes=20, no_above=1.0)
    terms = topic_terms(r, n=5, lam=0.0)
    assert set(terms.columns) == {"topic", "measure", "rank", "word", "score"}
    for topic in r.doc_topics.columns:
        mine = terms[terms["topic"] == topic]
        prob = mine[mine["measure"] == "prob"].sort_values("rank")["word"].tolist()
        rel = mine[mine["measure"] == "relevance"].sort_values("rank")["word"].tolist()
        frex = mine[mine["measure"] == "frex"].sort_values("rank")["word"].tolist()
        assert prob[0] == "干部"
        assert "干部" not in rel[:3] and "干部" not in frex[:3]
    # lambda = 1 is the plain probability ranking
    same = topic_terms(r, n=5, lam=1.0)
    a = same[same["measure"] == "relevance"]["word"].tolist()
    b = same[same["measure"] == "prob"]["word"].tolist()
    assert a == b
    with pytest.raises(ParameterError, match="lam"):
        topic_terms(r, lam=2)


def test_topic_passages_are_the_units_each_topic_is_highest_in():
    from cadretext.topics import topic_passages

    units = pd.DataFrame(
        {
            "unit_id": [f"d{i // 2}#p{i % 2}" for i in range(40)],
            "doc_id": [f"d{i // 2}" for i in range(40)],
            "position": [i % 2 for i in range(40)],
            "text": ["党校 授课 研讨" if i % 2 else "跟班 挂职 企业" for i in range(40)],
        }
    )
    tokens = [t.split() for t in units["text"]]
    r = fit_lda(tokens, 2, seed=0, passes=10, no_above=1.0, ids=units["unit_id"])
    out = topic_passages(r, units, n=3)
    assert list(out.columns) == ["topic", "rank", "unit", "doc_id", "position", "share", "text"]
    for topic, rows in out.groupby("topic"):
        assert rows["rank"].tolist() == [1, 2, 3]
        assert rows["share"].is_monotonic_decreasing
        assert rows["share"].iloc[0] == pytest.approx(r.doc_topics[topic].max())
        assert len(set(rows["text"])) == 1  # one kind of paragraph per topic
        assert all(u.startswith(d) for u, d in zip(rows["unit"], rows["doc_id"], strict=True))


def test_bags_of_words_are_packed_and_read_as_lists() -> None:
    import dataclasses
    import pickle

    from cadretext.topics import PackedBow, fit_lda, to_pyldavis_html

    docs = [["党校", "授课", "研讨"], ["跟班学习", "挂职", "企业", "企业"], ["党校", "挂职"]] * 8
    result = fit_lda(docs, 2, passes=2, no_above=1.0)
    packed = result.corpus
    assert isinstance(packed, PackedBow)
    lists = [result.dictionary.doc2bow(d) for d in docs]
    # the same lists of (int, int) tuples, however they are read
    assert list(packed) == lists and packed == lists and lists == packed
    assert packed[1] == lists[1] and sum(c for _, c in packed[1]) == 4
    assert packed[-1] == lists[-1] and packed[2:5] == lists[2:5] and len(packed) == len(lists)
    assert all(type(w) is int and type(c) is int for doc in packed for w, c in doc)
    with pytest.raises(IndexError):
        packed[len(lists)]
    # a result holding plain lists (a caller's own) is packed when pickled, and reads the same
    plain = dataclasses.replace(result, corpus=lists)
    back = pickle.loads(pickle.dumps(plain))
    assert isinstance(back.corpus, PackedBow) and back.corpus == lists
    assert to_pyldavis_html(back) == to_pyldavis_html(plain) == to_pyldavis_html(result)
