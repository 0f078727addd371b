"""Places in reports: provinces, cities and counties mentioned, and who sends cadres where.

Names come from jionlp's administrative gazetteer (``china_location_loader``); jionlp's own
``recognize_location`` is not used: it returns no offsets and took ~28 s on one seed report.
The sending/host cues are hand-written: no library knows how Chinese reports phrase a
secondment.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from typing import Any

import pandas as pd

from ._io import import_jionlp
from .rhetoric import base

__all__ = ["describe_flows", "place_flow", "places"]


@lru_cache(maxsize=1)
def _abbreviations() -> dict[str, str]:
    """One-character province abbreviations (湘 -> 湖南省), ``lexicons/province_abbreviations.txt``."""
    from .lexicons import load_wordlist

    wl = load_wordlist("province_abbreviations")
    return {w: wl.tags[w] for w in wl.words}


@lru_cache(maxsize=1)
def _abbreviation_run() -> re.Pattern[str]:
    return re.compile(f"[{''.join(_abbreviations())}]{{2,4}}")


@lru_cache(maxsize=1)
def _generic_aliases() -> frozenset[str]:
    """Short forms too generic to name a place (新区, 开发区): ``lexicons/place_generic_aliases.txt``."""
    from .lexicons import load_wordlist

    return frozenset(load_wordlist("place_generic_aliases").words)


@lru_cache(maxsize=1)
def _gazetteer() -> Any:
    """Aho-Corasick automaton: place name -> (canonical name, level, province, city)."""
    tags = base.pos_segmenter().word_tag_tab
    entries: dict[str, tuple[tuple[str, str, str, str], bool]] = {}

    def add(name: str, value: tuple[str, str, str, str], *, alias: bool = False) -> None:
        if len(name) < 2 or name in entries:
            return
        if alias and (
            name in _generic_aliases() or (value[1] == "county" and tags.get(name) != "ns")
        ):
            return  # county short names that are ordinary words (和平) or unknown to jieba
        entries[name] = (value, alias)

    def aliases(node: dict) -> list[str]:
        a = node.get("_alias") or []
        return [a] if isinstance(a, str) else list(a)

    loc = import_jionlp().china_location_loader(detail=False)
    levels: list[tuple[str, str, dict, str, str]] = []
    for prov, pnode in loc.items():
        levels.append(("province", prov, pnode, prov, ""))
        for city, cnode in pnode.items():
            if city.startswith("_"):
                continue
            levels.append(("city", city, cnode, prov, city))
            for county, knode in cnode.items():
                if not county.startswith("_"):
                    levels.append(("county", county, knode, prov, city))
    order = {"province": 0, "city": 1, "county": 2}
    for level, name, _node, prov, city in sorted(levels, key=lambda x: order[x[0]]):
        add(name, (name, level, prov, city))
    for level, name, node, prov, city in sorted(levels, key=lambda x: order[x[0]]):
        for a in aliases(node):
            add(a, (name, level, prov, city), alias=True)
    return base.automaton(entries.items())


_SMALLER_PLACE = re.compile("[镇乡村街路桥湖港园]")
_ABBR_CONTEXT_BEFORE = re.compile("(?:赴|到|在|与|和|同|向|、)$")
_ABBR_CONTEXT_AFTER = re.compile("^(?:地区|两地|三地|等地|一带|跟班|学习|考察|挂职|合作|发展)")


def _place_mentions(text: str) -> list[tuple[int, int, tuple[str, str, str, str]]]:
    matches = []
    doc = base.Doc(None, text)
    for s, e, (value, alias) in base.scan(_gazetteer(), text):
        if alias and e < len(text) and _SMALLER_PLACE.match(text, e):
            continue  # 横山 in 横山桥镇: part of a smaller place's name
        if (alias or value[1] == "county") and not base.aligned(doc, s, e):
            continue  # 新平 in 创新平台, 朝天 in 热火朝天
        matches.append((s, e, value))
    tk, _ = base.segmenter()
    for m in _abbreviation_run().finditer(text):
        run = m.group(0)
        if run in tk.FREQ and run not in ("沪浙", "沪苏浙", "京津冀", "江浙沪"):
            continue  # 新晋, 青川: ordinary words
        if len(run) < 3 and not (
            _ABBR_CONTEXT_BEFORE.search(text[max(0, m.start() - 1) : m.start()])
            or _ABBR_CONTEXT_AFTER.match(text, m.end())
        ):
            continue  # 冯苏蒙说: a person's name
        for k, ch in enumerate(run):
            prov = _abbreviations()[ch]
            matches.append((m.start() + k, m.start() + k + 1, (prov, "province", prov, "")))
    return base.longest_first(matches)


def places(data: Any, *, text_column: str = "text") -> pd.DataFrame:
    """Chinese provinces, cities and counties mentioned, with positions and counts.

    Names come from jionlp's administrative gazetteer: full names (河南省, 商丘市, 睢阳区), their
    short forms (河南, 商丘; county short forms only where jieba tags them as place names), and
    runs of one-character province abbreviations (沪浙, 鄂沪浙, 京津冀). Overlaps are resolved
    leftmost-longest (江苏省常州市 gives 江苏省 and 常州市).

    Returns
    -------
    DataFrame
        ``doc_id, item`` (as written), ``name`` (official name), ``level`` (province, city,
        county), ``province``, ``city``, ``start``, ``end``, ``count`` (mentions of ``name`` in
        the document).

    Examples
    --------
    >>> places("商丘市选派干部赴常州跟班学习，商丘干部赴沪浙。")[["item", "name", "count"]].values.tolist()
    [['商丘市', '商丘市', 2], ['常州', '常州市', 1], ['商丘', '商丘市', 2], ['沪', '上海市', 1], ['浙', '浙江省', 1]]
    """
    rows = []
    for doc_id, text in base.documents(data, text_column):
        found = _place_mentions(text)
        counts = Counter(v[0] for _, _, v in found)
        for s, e, (name, level, prov, city) in found:
            rows.append(
                {
                    "doc_id": doc_id,
                    "item": text[s:e],
                    "name": name,
                    "level": level,
                    "province": prov,
                    "city": city or (name if level == "city" else ""),
                    "start": s,
                    "end": e,
                    "count": counts[name],
                }
            )
    cols = ["doc_id", "item", "name", "level", "province", "city", "start", "end", "count"]
    return pd.DataFrame(rows, columns=cols)


_HOST_BEFORE = re.compile(r"(?:赴|到|前往|来到|走进|远赴|奔赴)$")
_HOST_AFTER = re.compile(
    r"^[^，。；！？,;]{0,16}?(?:跟班|挂职|学习|培训|党校|考察|研修|锻炼|跟岗|竞学|取经)"
)
_SEND_AFTER = re.compile(
    r"^(?:[市省县区州]?委)?(?:组织部)?[^，。；！？,;“”]{0,8}?"
    r"(?:选派|派出|外派|启动|分批|组织[^，。；！？,;]{0,10}?(?:赴|到|前往))"
    r"|^(?:[市省县区州]?委)?[^，。；！？,;“”]{0,3}?赴"
)


def place_flow(data: Any, *, text_column: str = "text") -> pd.DataFrame:
    """Best guess of the sending and host places of secondment / study-tour reports.

    Cues, counted per sentence: a place followed (within a few characters) by 选派, 派出, 外派,
    分批, 组织, 启动, 赴 or 到 (optionally after 市委/省委, 组织部) is a sending candidate
    (商丘市选派..., 湖北省委启动..., 娄底市委分批选派...); a place right after 赴, 到, 前往,
    来到 and followed by 跟班, 挂职, 学习, 培训, 党校, 考察... is a host candidate (赴常州跟班学习,
    到杭州市委党校, 赴沪浙跟班学习). Counties are reported at city level. Sending: the places
    with the highest score; hosts: places scoring at least half the best host score, without
    the sending places and without a province whose city is also a host.

    Returns
    -------
    DataFrame
        ``doc_id, send, host`` (names joined with ``;``, empty if no cue), ``send_score``,
        ``host_score``, ``evidence`` (the first sentence with a host cue).

    Examples
    --------
    >>> place_flow("商丘市选派10名年轻干部到江苏省常州市跟班学习。")[["send", "host"]].values.tolist()
    [['商丘市', '常州市']]
    """
    rows = []
    for doc_id, text in base.documents(data, text_column):
        doc = base.Doc(doc_id, text)
        send: Counter[str] = Counter()
        host: Counter[str] = Counter()
        evidence = ""
        mentions = _place_mentions(text)
        for k, (s, e, (name, level, _prov, city)) in enumerate(mentions):
            nxt = mentions[k + 1] if k + 1 < len(mentions) else None
            if nxt and nxt[0] == e and name in (nxt[2][2], nxt[2][3]) and nxt[2][0] != name:
                continue  # 江苏省常州市: the cue belongs to the most specific place of a chain
            key = city if level == "county" and city else name
            chain_start = s
            j = k
            while j > 0 and mentions[j - 1][1] == mentions[j][0]:
                j -= 1
                chain_start = mentions[j][0]
            s0, s1 = doc.sentence_span(s)
            before = text[max(s0, chain_start - 2) : chain_start]
            after = text[e:s1]
            if _HOST_BEFORE.search(before) and _HOST_AFTER.search(after):
                host[key] += 1
                evidence = evidence or text[s0:s1]
            elif _SEND_AFTER.search(after) and not _HOST_BEFORE.search(before):
                send[key] += 1
        for name in list(host):
            if name in send:
                if send[name] >= host[name]:
                    del host[name]
                else:
                    del send[name]
        best_send = max(send.values(), default=0)
        senders = sorted(n for n, c in send.items() if c == best_send and c > 0)
        best_host = max(host.values(), default=0)
        hosts = [n for n, c in host.items() if c > 0 and c >= best_host / 2]
        host_cities = set(hosts)
        prov_of_city = {n: p for n, p in ((n, _province_of(n)) for n in host_cities)}
        hosts = sorted(
            h for h in hosts if not any(prov_of_city.get(o) == h and o != h for o in host_cities)
        )
        rows.append(
            {
                "doc_id": doc_id,
                "send": ";".join(senders),
                "host": ";".join(hosts),
                "send_score": best_send,
                "host_score": best_host,
                "evidence": evidence,
            }
        )
    return pd.DataFrame(
        rows, columns=["doc_id", "send", "host", "send_score", "host_score", "evidence"]
    )


@lru_cache(maxsize=4096)
def _province_of(name: str) -> str:
    for _, _, (value, _alias) in base.scan(_gazetteer(), name):
        if value[0] == name:
            return value[2]
    return ""


def _same_places(text_places: str, recorded: Any) -> bool:
    """Whether every place read from the text (``a;b``) stands in what a manifest records
    (商丘市 in 河南省商丘市)."""
    if not text_places or not isinstance(recorded, str) or not recorded.strip():
        return False
    return all(place in recorded for place in text_places.split(";"))


def describe_flows(flows: pd.DataFrame) -> list[str]:
    """Sentences, with their numbers, on a :func:`place_flow` table: how many reports name a
    sending and a host place, and, when the table carries a manifest's ``manifest_send`` and
    ``manifest_host``, how many of the recorded flows the text reproduces.

    Examples
    --------
    >>> flows = pd.DataFrame({"doc_id": ["a", "b"], "send": ["商丘市", ""], "host": ["常州市", ""],
    ...     "manifest_send": ["河南省商丘市", "河南省安阳市"], "manifest_host": ["江苏省常州市", "河南省林州市"]})
    >>> describe_flows(flows)
    ['Of 2 reports, 1 names a sending place and 1 a host place in the text.', 'The manifest records both places for 2 reports; the text gives the same flow for 1 of them and no flow for 1.']
    """
    n = len(flows)
    send = int((flows["send"] != "").sum())
    host = int((flows["host"] != "").sum())
    verb = "names" if send == 1 else "name"
    out = [
        f"Of {n:,} reports, {send:,} {verb} a sending place and {host:,} a host place in the text."
    ]
    if {"manifest_send", "manifest_host"} <= set(flows.columns):
        recorded = flows[
            flows["manifest_send"].fillna("").astype(str).str.strip().ne("")
            & flows["manifest_host"].fillna("").astype(str).str.strip().ne("")
        ]
        if len(recorded):
            same = sum(
                _same_places(r.send, r.manifest_send) and _same_places(r.host, r.manifest_host)
                for r in recorded.itertuples()
            )
            none = int(((recorded["send"] == "") & (recorded["host"] == "")).sum())
            other = len(recorded) - same - none
            tail = f" and no flow for {none}" if none else ""
            tail += f"; it differs for {other}" if other else ""
            out.append(
                f"The manifest records both places for {len(recorded)} reports; the text gives "
                f"the same flow for {same} of them{tail}."
            )
    return out
