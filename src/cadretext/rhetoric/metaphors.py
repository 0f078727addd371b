"""Metaphors: a versioned lexicon by source domain, plus general evidence."""

from __future__ import annotations

from typing import Any

import pandas as pd

from . import base

__all__ = ["metaphors"]


def metaphors(data: Any, *, lexicon: str = "metaphors", text_column: str = "text") -> pd.DataFrame:
    """Conventional metaphors from a packaged, versioned lexicon grouped by source domain.

    The lexicon (``lexicons/metaphors.txt``, version 2, 245 entries) maps each metaphor to the domain it
    borrows from: learning as refuelling (充电, 补钙), pilgrimage (取经, 真经), keys (金钥匙),
    ice and breakthrough (破冰, 突围), war and contest (攻坚战, 赛马), medicine (把脉, 肠梗阻),
    building (蓝图, 添砖加瓦) and more. Entries are atomic (充电加油 gives 充电 and 加油);
    matching is leftmost-longest (领头雁 rather than 头雁).
    A match inside a longer ordinary word is rejected using jieba's segmentation (充电 in
    充电宝, 火花 in 火花塞, 密码 in 密码锁); inside a longer cadretext lexicon entry it is kept
    (攻坚战 in 十大攻坚战). Literal uses that are whole words (疏通河道) cannot be told from
    metaphorical ones by a lexicon; in training reports they are rare.

    Parameters
    ----------
    data : str, list of str, or DataFrame with ``doc_id`` and ``text``
    lexicon : str
        Packaged list name or path of a ``word domain`` file.

    Returns
    -------
    DataFrame
        ``doc_id, item, kind ("metaphor"), start, end, sentence, domain``.

    Examples
    --------
    >>> metaphors("到党校充电加油，取到真经，修好火花塞。")[["item", "domain"]].values.tolist()
    [['充电', 'refuel'], ['加油', 'refuel'], ['真经', 'pilgrimage']]
    """
    auto, _tags, _ = base.metaphor_lexicon(str(lexicon))
    rows = []
    for doc_id, text in base.documents(data, text_column):
        doc = base.Doc(doc_id, text)
        for start, end, domain in base.longest_first(base.scan(auto, text)):
            if base.aligned(doc, start, end, allow_lexicon=True):
                rows.append(base.row(doc, text[start:end], "metaphor", start, end, domain=domain))
    return base.frame(rows, ["domain"])
