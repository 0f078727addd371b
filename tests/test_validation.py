"""The one place for checks (cadretext.validation): one rule for missing texts everywhere, one
message format for numbers and choices."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from cadretext import extract_all, load_default_classifier, tokenize
from cadretext.errors import ParameterError
from cadretext.validation import (
    as_texts,
    check_choice,
    check_int,
    check_number,
    check_token_lists,
)


def test_missing_texts_are_empty_texts_in_their_place() -> None:
    values = ["党校", None, float("nan"), pd.NA, np.array(["挂职"])]
    assert as_texts(values) == ["党校", "", "", "", "挂职"]
    assert as_texts(pd.Series(["a", None])) == ["a", ""]
    assert as_texts(pd.DataFrame({"text": ["x", math.nan]})) == ["x", ""]
    assert as_texts(t for t in ["a", None]) == ["a", ""]  # a generator too


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("党校", r"texts must be a list of texts, not a single string; wrap it in a list"),
        (b"x", r"not a single string"),
        (None, r"texts must be a list of texts, not NoneType"),
        (5, r"texts must be a list of texts, not int"),
        (["a", 3], r"texts\[1\] is an int, not a text string"),
        (["a", {"t": 1}], r"texts\[1\] is a dict, not a text string"),
        (pd.DataFrame({"body": ["x"]}), r"a DataFrame needs a 'text' column"),
    ],
)
def test_what_is_not_texts(value, message) -> None:
    with pytest.raises(ParameterError, match=message):
        as_texts(value)


def test_tokenize_classify_and_rhetoric_follow_the_one_rule() -> None:
    texts = ["市委党校主体班开班。", None, float("nan")]
    assert tokenize(texts)[1:] == [[], []]
    records = load_default_classifier().predict_records(texts)
    assert len(records) == 3 and records[1] == records[2]
    assert records[1]["label"] == "other"
    found = extract_all(texts)
    assert set(found["doc_id"]) <= {0}  # the missing texts are empty: nothing found in them
    for bad in (["a", 3],):
        with pytest.raises(ParameterError, match=r"texts\[1\] is an int"):
            tokenize(bad)
        with pytest.raises(ParameterError, match=r"\[1\] is an int"):
            load_default_classifier().predict(bad)
        with pytest.raises(ParameterError, match=r"texts\[1\] is an int"):
            extract_all(bad)


def test_token_lists() -> None:
    assert check_token_lists([("a", "b"), []]) == [["a", "b"], []]
    with pytest.raises(ParameterError, match=r"list of token lists.*not str"):
        check_token_lists("ab")
    with pytest.raises(ParameterError, match="document 1 is a str"):
        check_token_lists([["a"], "ab"])
    with pytest.raises(ParameterError, match="document 0 holds an int"):
        check_token_lists([["a", 1]])


def test_one_message_format_for_numbers_and_choices() -> None:
    assert check_int("k", np.int64(5), minimum=2) == 5
    with pytest.raises(
        ParameterError,
        match=r"^k must be an integer between 2 and the number of units \(85\); got 5000$",
    ):
        check_int("k", 5000, minimum=2, maximum=85, maximum_name="the number of units")
    with pytest.raises(ParameterError, match=r"^seed must be an integer >= 0; got -1$"):
        check_int("seed", -1, minimum=0)
    with pytest.raises(ParameterError, match=r"got True"):
        check_int("n", True, minimum=1)  # a boolean is not a count
    with pytest.raises(ParameterError, match=r"^level must be a number in \(0, 1\); got 1$"):
        check_number("level", 1, minimum=0, maximum=1, exclusive=True)
    with pytest.raises(ParameterError, match=r"got nan"):
        check_number("x", float("nan"))
    with pytest.raises(ParameterError, match=r"^unit must be one of 'a', 'b'; got 'c'$"):
        check_choice("unit", "c", ("a", "b"))
    with pytest.raises(ParameterError, match=r"got \['a'\]"):
        check_choice("unit", ["a"], {"a", "b"})  # unhashable: refused, not a TypeError


def test_topics_k_message_names_the_number_of_units(seed_corpus) -> None:
    from cadretext import build_bow, fit_lda, split_units

    units = split_units(seed_corpus, "paragraph")
    bow = build_bow(tokenize(units["text"]), no_below=1)
    n = len(bow.kept)
    with pytest.raises(
        ParameterError,
        match=rf"^k must be an integer between 2 and the number of units with words left \({n}\); "
        r"got 5000$",
    ):
        fit_lda(bow, k=5000)


def test_a_corpus_frame_follows_the_rule_too() -> None:
    frame = pd.DataFrame({"doc_id": ["a", "b", "c"], "text": ["三高四新，如饥似渴。", None, 5]})
    with pytest.raises(ParameterError, match=r"text\[2\] is an int, not a text string"):
        extract_all(frame)
    from cadretext import classify_corpus

    with pytest.raises(ParameterError, match=r"text\[2\] is an int, not a text string"):
        classify_corpus(frame, unit="document")
    ok = frame.iloc[:2]
    assert set(extract_all(ok)["doc_id"]) == {"a"}
    assert classify_corpus(ok, unit="document")["doc_id"].tolist() == ["a", "b"]
