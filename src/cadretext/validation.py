"""Checks of parameters and inputs, in one place and with one message format.

In the spirit of scikit-learn's ``utils/validation.py``: every public function of cadretext
checks what it is given through these helpers, so the same mistake gets the same one-line
:class:`~cadretext.errors.ParameterError` wherever it is made, and the rules below hold
everywhere.

Texts (:func:`as_texts`)
    A list, tuple, Series, array or generator of strings, or a DataFrame with a ``text`` column.
    A single string is refused (wrap it in a list: iterating over a string would treat each
    character as a document). **A missing value (None, NaN, ``pd.NA``) is an empty text**, kept
    in its place so results stay aligned with the input; any other non-string is an error
    naming its position.

Token lists (:func:`check_token_lists`)
    An iterable of documents, each an iterable of strings (the output of
    :func:`cadretext.tokenize`). A string in place of a document, or a non-string token, is an
    error naming the document.

Numbers and choices (:func:`check_int`, :func:`check_number`, :func:`check_choice`)
    The message says what is allowed and what was given:
    ``k must be an integer between 2 and the number of units (85); got 5000``. Booleans are not
    integers here (``True`` as a count is a mistake).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from numbers import Integral, Real
from typing import Any

from .errors import ParameterError

__all__ = [
    "as_texts",
    "check_choice",
    "check_columns",
    "check_int",
    "check_number",
    "check_token_container",
    "check_token_list",
    "check_token_lists",
    "is_missing",
    "iter_token_lists",
]


def is_missing(value: Any) -> bool:
    """True for None, NaN and ``pd.NA`` (a missing cell of a table)."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    try:
        import pandas as pd

        return value is pd.NA or value is pd.NaT
    except ImportError:  # pragma: no cover - pandas is a dependency
        return False


def as_texts(texts: Any, name: str = "texts") -> list[str]:
    """``texts`` as a list of strings; missing values become empty texts (see the module notes).

    Examples
    --------
    >>> as_texts(["党校", None, float("nan")])
    ['党校', '', '']
    >>> as_texts("党校")
    Traceback (most recent call last):
    ...
    cadretext.errors.ParameterError: texts must be a list of texts, not a single string; wrap it in a list
    """
    import numpy as np
    import pandas as pd

    if isinstance(texts, str | bytes):
        raise ParameterError(
            f"{name} must be a list of texts, not a single string; wrap it in a list"
        )
    if isinstance(texts, pd.DataFrame):
        if "text" not in texts.columns:
            raise ParameterError(f"{name}: a DataFrame needs a 'text' column")
        texts = texts["text"]
    if texts is None or not isinstance(texts, Iterable):
        raise ParameterError(f"{name} must be a list of texts, not {type(texts).__name__}")
    out: list[str] = []
    for i, item in enumerate(texts):
        if isinstance(item, np.ndarray) and item.ndim == 1 and item.size == 1:
            item = item[0]  # a (n, 1) column from scikit-learn's ColumnTransformer
        if isinstance(item, str):
            out.append(item)
        elif is_missing(item):
            out.append("")
        else:
            raise ParameterError(f"{name}[{i}] is {_a(item)}, not a text string")
    return out


def check_token_container(tokens: Any, name: str = "tokens") -> None:
    """Refuse what cannot be a collection of token lists (a string, None, a number)."""
    if isinstance(tokens, str | bytes) or tokens is None or not isinstance(tokens, Iterable):
        raise ParameterError(
            f"{name} must be a list of token lists (the output of cadretext.tokenize), "
            f"not {type(tokens).__name__}"
        )


def check_token_list(doc: Any, i: int, name: str = "tokens") -> list[str]:
    """Document ``i`` of a token collection as a list of strings."""
    if isinstance(doc, str | bytes) or not isinstance(doc, Iterable):
        raise ParameterError(
            f"{name} must be a list of token lists (run cadretext.tokenize first); "
            f"document {i} is {_a(doc)}"
        )
    doc = list(doc)
    for token in doc:
        if not isinstance(token, str):
            raise ParameterError(f"{name}: document {i} holds {_a(token)}, not a string")
    return doc


def check_token_lists(tokens: Any, name: str = "tokens") -> list[list[str]]:
    """Every document of ``tokens`` checked, as a list of lists of strings."""
    check_token_container(tokens, name)
    return [check_token_list(doc, i, name) for i, doc in enumerate(tokens)]


def iter_token_lists(tokens: Any, name: str = "tokens") -> Iterator[list[str]]:
    """Like :func:`check_token_lists`, one document at a time (for streams)."""
    check_token_container(tokens, name)
    for i, doc in enumerate(tokens):
        yield check_token_list(doc, i, name)


def _a(value: Any) -> str:
    """``a dict``, ``an int``: the type of ``value`` with its article, for messages."""
    kind = type(value).__name__
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"


def _range_words(minimum: Any, maximum: Any, maximum_name: str | None) -> str:
    top = f"{maximum_name} ({maximum})" if maximum_name else f"{maximum}"
    if minimum is not None and maximum is not None:
        return f"between {minimum} and {top}"
    if minimum is not None:
        return f">= {minimum}"
    if maximum is not None:
        return f"<= {top}"
    return ""


def check_int(
    name: str,
    value: Any,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    maximum_name: str | None = None,
) -> int:
    """``value`` as an ``int`` if it is an integer in ``[minimum, maximum]``.

    ``maximum_name`` says what the upper bound is (``"the number of units"``).

    Examples
    --------
    >>> check_int("k", 5000, minimum=2, maximum=85, maximum_name="the number of units")
    Traceback (most recent call last):
    ...
    cadretext.errors.ParameterError: k must be an integer between 2 and the number of units (85); got 5000
    """
    ok = isinstance(value, Integral) and not isinstance(value, bool)
    if ok and minimum is not None and value < minimum:
        ok = False
    if ok and maximum is not None and value > maximum:
        ok = False
    if not ok:
        words = _range_words(minimum, maximum, maximum_name)
        raise ParameterError(f"{name} must be an integer {words}; got {value!r}".replace("  ", " "))
    return int(value)


def check_number(
    name: str,
    value: Any,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    exclusive: bool = False,
    low_open: bool | None = None,
    high_open: bool | None = None,
) -> float:
    """``value`` as a ``float`` if it is a finite number between ``minimum`` and ``maximum``.

    The bounds are included unless ``exclusive`` (both excluded) or ``low_open`` /
    ``high_open`` (one of them excluded: a share in ``(0, 1]``).

    Examples
    --------
    >>> check_number("no_above", 0, minimum=0, maximum=1, low_open=True)
    Traceback (most recent call last):
    ...
    cadretext.errors.ParameterError: no_above must be a number in (0, 1]; got 0
    """
    low_open = exclusive if low_open is None else low_open
    high_open = exclusive if high_open is None else high_open
    ok = isinstance(value, Real) and not isinstance(value, bool) and math.isfinite(value)
    if ok and minimum is not None:
        ok = value > minimum if low_open else value >= minimum
    if ok and maximum is not None:
        ok = value < maximum if high_open else value <= maximum
    if not ok:
        if minimum is not None and maximum is not None:
            words = f"in {'(' if low_open else '['}{minimum}, {maximum}{')' if high_open else ']'}"
        elif minimum is not None:
            words = f"{'>' if low_open else '>='} {minimum}"
        elif maximum is not None:
            words = f"{'<' if high_open else '<='} {maximum}"
        else:
            words = "(finite)"
        raise ParameterError(f"{name} must be a number {words}; got {value!r}")
    return float(value)


def check_choice(name: str, value: Any, choices: Sequence[Any]) -> Any:
    """``value`` if it is one of ``choices``.

    Examples
    --------
    >>> check_choice("backend", "spacy", ("jieba", "rjieba"))
    Traceback (most recent call last):
    ...
    cadretext.errors.ParameterError: backend must be one of 'jieba', 'rjieba'; got 'spacy'
    """
    try:
        if value in choices:
            return value
    except TypeError:  # an unhashable value against a set of choices
        pass
    allowed = ", ".join(repr(c) for c in choices)
    raise ParameterError(f"{name} must be one of {allowed}; got {value!r}")


def check_columns(table: Any, columns: Sequence[str], name: str = "the table") -> None:
    """A one-line error when ``table`` (a DataFrame) lacks any of ``columns``.

    Examples
    --------
    >>> import pandas as pd
    >>> check_columns(pd.DataFrame({"term": []}), ["term", "score"], "bar_terms")
    Traceback (most recent call last):
    ...
    cadretext.errors.ParameterError: bar_terms needs the column(s) score; it has term
    """
    missing = [c for c in columns if c not in table.columns]
    if missing:
        have = ", ".join(str(c) for c in table.columns) or "no columns"
        raise ParameterError(f"{name} needs the column(s) {', '.join(missing)}; it has {have}")
