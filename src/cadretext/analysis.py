"""One corpus and every intermediate result of the reports, each computed once.

The six report notebooks need the same things: the loaded and cleaned corpus, its units, their
tokens, the classifier's labels, the rhetoric items, the K sweep and the fitted topic models.
:class:`Analysis` names each of them as a property that is computed on first use, kept in
memory, and stored in an :class:`~cadretext.store.ArtifactStore` keyed by the corpus files'
bytes, the settings and the code. Every notebook builds the same ``Analysis`` from its
parameters, so the first one to need a result computes it and the others read it;
``cadretext report`` calls :meth:`Analysis.prepare` before the notebooks run, so they only read.

A researcher can use it the same way in their own analysis::

    from cadretext import Analysis
    a = Analysis("my_corpus/", seed=0)
    a.prepare(progress=True)          # or just ask for what you need
    a.typed.groupby("program_type").size()
    a.lda.top_words

Re-running on the same files with the same settings computes nothing
(``a.store.computed`` stays empty); a changed file, setting or cadretext version computes
everything that depends on it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from .describe import count_noun
from .errors import NoTopicModelError, ParameterError
from .store import ArtifactStore, source_fingerprint
from .validation import check_choice, check_int

__all__ = ["STEPS", "Analysis"]

# Steps that need the corpus only and run single-threaded: prepare() computes them in a pool
# worker while this process tokenizes and fits (see prepare).
_TEXT_STEPS = (
    # the rhetoric items, the step that needs the most memory, first: while this process
    # tokenizes and sweeps, not while it and another worker fit the topic models; then the
    # other steps that use the rhetoric's dictionaries, which are let go after them
    "items",
    "flows",
    "places",
    "classification",
    "matches",
    "typed",
    "paragraph_labels",
)
# The steps that load the rhetoric's dictionaries and caches (jieba, POS tags, idioms, the
# gazetteer: a few hundred MB at 10,000 reports); a worker lets them go after the last one.
_RHETORIC_STEPS = ("items", "flows", "places")
#: The steps :meth:`Analysis.prepare` computes, in an order that respects their inputs.
STEPS = (
    "corpus",
    *_TEXT_STEPS,
    "units",
    "backend",
    "doc_tokens",
    "unit_tokens",
    "sweep",
    "lda",
    "seeded",
)
# Text steps prepare() computes in a thread of this process while the sweep's fits run in the
# pool (the others go to a worker), on corpora of at least BESIDE_SWEEP_REPORTS reports.
_BESIDE_SWEEP = ("paragraph_labels",)
#: From this many reports on, the worker's text steps outlast the sweep (about 17 ms of CPU a
#: report against a sweep of about 65 CPU seconds, sampled above 2,000 units: measured at
#: 10,000 reports), and the paragraph labels are better computed by this process, idle during
#: the sweep; on fewer, the worker is free early and the sweep's fits take both cores.
BESIDE_SWEEP_REPORTS = 4000
# The steps that segment text with jieba's dictionary: the tokens (cadretext.tokenize's
# segmenters) and the rhetoric items (whose extractors copy the process's one load of it,
# cadretext._jieba). It goes only after the last of these (let go after the tokens, it was
# loaded again for the rhetoric, a second in a small report).
_USES_JIEBA = ("backend", "doc_tokens", "unit_tokens", "items")
# Steps that only read the corpus: keyed by its files and the code, no setting.
_CORPUS_STEPS = ("corpus", *_TEXT_STEPS)
# The topic models: a corpus may have none (NoTopicModelError), and prepare() goes on without.
_TOPIC_STEPS = ("sweep", "lda", "seeded")
# What each step reads in this process (besides the corpus files): prepare(keep=False)
# lets a result go once no step left to do reads it.
_INPUTS: dict[str, tuple[str, ...]] = {
    "classification": ("corpus",),
    "matches": ("corpus",),
    "typed": ("corpus", "classification"),
    "paragraph_labels": ("corpus",),
    "items": ("corpus",),
    "flows": ("corpus",),
    "places": ("corpus", "flows"),
    "units": ("corpus",),
    "backend": ("units",),
    "doc_tokens": ("corpus",),
    "unit_tokens": ("units",),
    "sweep": ("unit_tokens",),
    "lda": ("unit_tokens", "sweep"),
    "seeded": ("unit_tokens",),
}


class Analysis:
    """A corpus and its intermediate results, computed on first use and stored.

    Parameters
    ----------
    corpus : path or list of paths
        What :func:`cadretext.load_corpus` reads.
    seed : int, default 0
        Seed of every random step (the sweep's seeds are ``seed, seed + 1, seed + 2``).
    unit : {"paragraph", "sentence", "document"}, default "paragraph"
        Units of the topic model.
    k_min, k_max : int, default 2 and 6
        Range of K in the sweep.
    backend : {"jieba", "rjieba", "auto"}, default "jieba"
        Tokenizer backend; ``"auto"`` takes rjieba when its tokens equal jieba's on a sample of
        this corpus (:func:`cadretext.tokenize.choose_backend`), and :attr:`backend_note` says
        which was used and why.
    n_jobs : int, default 1
        Processes for tokenization and the sweep (the pool is reused, see
        :mod:`cadretext._parallel`); results are identical for any value.
    store : ArtifactStore, path, True or False, default True
        Where results are stored: ``True`` the default store, a folder, a store, or ``False``
        to keep them in memory only.

    Examples
    --------
    >>> import tempfile
    >>> a = Analysis("seeds", store=tempfile.mkdtemp())  # doctest: +SKIP
    >>> len(a.corpus), a.k                               # doctest: +SKIP
    (5, 3)
    """

    def __init__(
        self,
        corpus: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
        *,
        seed: int = 0,
        unit: str = "paragraph",
        k_min: int = 2,
        k_max: int = 6,
        backend: str = "jieba",
        n_jobs: int = 1,
        store: Any = True,
    ):
        from ._parallel import resolve_n_jobs

        if isinstance(corpus, str | os.PathLike):
            self.paths: list[Path] = [Path(corpus)]
        else:
            self.paths = [Path(p) for p in corpus]
        for p in self.paths:
            if not p.exists():
                raise ParameterError(f"corpus not found: {p}")
        self.seed = check_int("seed", seed, minimum=0)
        self.unit = check_choice("unit", unit, ("paragraph", "sentence", "document"))
        self.k_min = check_int("k_min", k_min, minimum=2)
        self.k_max = check_int("k_max", k_max, minimum=self.k_min)
        self.backend_choice = check_choice("backend", backend, ("jieba", "rjieba", "auto"))
        self.n_jobs = resolve_n_jobs(n_jobs)
        if store is True or store is None:
            self.store = ArtifactStore()
        elif store is False:
            self.store = ArtifactStore(None)
            self.store.disabled = "store=False"
        elif isinstance(store, ArtifactStore):
            self.store = store
        else:
            self.store = ArtifactStore(store)
        self._memory_only = store is False
        #: Seconds each step took in :meth:`prepare` (computing or reading it).
        self.timings: dict[str, float] = {}
        #: Steps :meth:`prepare` could not compute on this corpus, with the reason: the topic
        #: models (``sweep``, ``lda``, ``seeded``) of a corpus on which no topic model can be
        #: fitted. The other steps are prepared all the same; reading one of these raises
        #: :class:`~cadretext.errors.NoTopicModelError`.
        self.unavailable: dict[str, str] = {}

    # ------------------------------------------------------------------ plumbing
    @cached_property
    def source(self) -> str:
        """:func:`cadretext.store.source_fingerprint` of the corpus files: the root of every key."""
        return source_fingerprint(self.paths)

    def _get(self, name: str, parts: Sequence[Any], compute: Any) -> Any:
        def quiet() -> Any:
            import warnings

            from .topics import EmptyDocumentsWarning

            # what these warnings say is in the results (a model's ``dropped`` units, its
            # ``params["missing_seed_words"]``), and the notebooks report it from there
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", EmptyDocumentsWarning)
                warnings.filterwarnings("ignore", message=".*seed words.*")
                return compute()

        if self._memory_only:
            self.store.computed[name] += 1
            return quiet()
        return self.store.get(name, [self.source, *parts], quiet)

    def _settings(self, name: str) -> list[Any]:
        """The settings each step depends on (besides the corpus files and the code)."""
        if name in _CORPUS_STEPS:
            return []
        if name == "units":
            return [self.unit]
        if name == "backend":
            return [self.unit, self.backend_choice, self.seed]
        if name == "doc_tokens":
            return [self.backend]
        if name == "unit_tokens":
            return [self.unit, self.backend]
        if name == "seeded":
            return [self.unit, self.backend, self.seed]
        if name in ("sweep", "lda"):
            return [self.unit, self.backend, self.seed, self.k_min, self.k_max]
        raise ParameterError(f"unknown step {name!r}")

    # ------------------------------------------------------------------ steps
    # Each step imports what computes it inside its compute function: a notebook that reads a
    # stored result then never imports the library that made it (scikit-learn alone is ~1 s).
    @cached_property
    def corpus(self) -> pd.DataFrame:
        """The corpus as :func:`cadretext.load_corpus` returns it (labels from the manifest)."""

        def compute() -> pd.DataFrame:
            from .corpus import load_corpus

            return load_corpus(self.paths)

        return self._get("corpus", [], compute)

    def _classify(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        from .classify import classify_corpus

        return classify_corpus(self.corpus, return_matches=True)  # type: ignore[return-value]

    @cached_property
    def classification(self) -> pd.DataFrame:
        """:func:`cadretext.classify_corpus` with the default model, one row per report."""

        def compute() -> pd.DataFrame:
            labels, matches = self._classify()
            # found in the same pass: stored as its own step, so that it is not matched again
            if self._memory_only:
                self.store.computed["matches"] += 1
            else:
                self.store.put("matches", [self.source], matches)
            self.__dict__["matches"] = matches
            return labels

        return self._get("classification", [], compute)

    @cached_property
    def matches(self) -> pd.DataFrame:
        """Every lexicon term and pattern the classifier matched, one row per match
        (``classify_corpus(..., return_matches=True)``): ``doc_id, type, pattern, kind, text,
        weight, start, end``. Computed with :attr:`classification`."""
        if self._memory_only or not self._stored("matches"):
            _ = self.classification  # computing it stores the matches too
            if "matches" in self.__dict__:
                return self.__dict__["matches"]
        return self._get("matches", [], lambda: self._classify()[1])

    @cached_property
    def typed(self) -> pd.DataFrame:
        """The corpus with every report's program type: the manifest's, else the classifier's
        (:func:`cadretext.fill_program_types`, ``program_type_source`` says which)."""

        def compute() -> pd.DataFrame:
            from .classify import fill_program_types

            return fill_program_types(self.corpus, labels=self.classification)

        return self._get("typed", [], compute)

    @cached_property
    def paragraph_labels(self) -> pd.DataFrame:
        """:func:`cadretext.classify_corpus` per paragraph."""

        def compute() -> pd.DataFrame:
            from .classify import classify_corpus

            return classify_corpus(self.corpus, unit="paragraph")  # type: ignore[return-value]

        return self._get("paragraph_labels", [], compute)

    @cached_property
    def items(self) -> pd.DataFrame:
        """Every rhetoric item (:func:`cadretext.rhetoric.extract_all`) of the corpus (the
        extractors read the reports' ids and texts only)."""

        def compute() -> pd.DataFrame:
            from .rhetoric import extract_all

            return extract_all(self.corpus[["doc_id", "text"]])

        return self._get("items", [], compute)

    @cached_property
    def flows(self) -> pd.DataFrame:
        """Sending and host places read from each report (:func:`cadretext.place_flow`)."""

        def compute() -> pd.DataFrame:
            from .locations import place_flow

            return place_flow(self.corpus)

        return self._get("flows", [], compute)

    @cached_property
    def places(self) -> pd.DataFrame:
        """One place per report (:func:`cadretext.trends.report_places`, provinces)."""

        def compute() -> pd.DataFrame:
            from .trends import report_places

            return report_places(self.corpus, flow=self.flows)

        return self._get("places", [], compute)

    @cached_property
    def units(self) -> pd.DataFrame:
        """:func:`cadretext.split_units` of the corpus in ``unit`` units."""

        def compute() -> pd.DataFrame:
            from .clean import split_units

            return split_units(self.corpus, self.unit)

        return self._get("units", self._settings("units"), compute)

    @property
    def typed_units(self) -> pd.DataFrame:
        """:attr:`units` with the program type of each unit's report (from :attr:`typed`)."""
        types = self.typed.set_index("doc_id")["program_type"]
        return self.units.assign(program_type=self.units["doc_id"].map(types).to_numpy())

    @cached_property
    def backend_info(self) -> dict[str, Any]:
        """The tokenizer backend used and why (see ``backend``)."""
        if self.backend_choice != "auto":
            return {
                "backend": self.backend_choice,
                "checked": 0,
                "identical": 0,
                "reason": f"Segmented with {self.backend_choice}.",
            }
        from .tokenize import choose_backend

        return self._get(
            "backend",
            self._settings("backend"),
            lambda: choose_backend(self.units["text"], seed=self.seed),
        )

    @property
    def backend(self) -> str:
        return self.backend_info["backend"]

    @property
    def backend_note(self) -> str:
        """A sentence for the report: which tokenizer backend was used and why."""
        return self.backend_info["reason"]

    def _tokenize(self, texts: Any) -> list[list[str]]:
        from .tokenize import tokenize

        return tokenize(
            texts, cache=not self._memory_only, backend=self.backend, n_jobs=self.n_jobs
        )

    @cached_property
    def doc_tokens(self) -> list[list[str]]:
        """Tokens of every report (default filter, domain lexicon)."""
        return self._get(
            "doc_tokens", self._settings("doc_tokens"), lambda: self._tokenize(self.corpus["text"])
        )

    @cached_property
    def unit_tokens(self) -> list[list[str]]:
        """Tokens of every unit, aligned with :attr:`units`."""
        return self._get(
            "unit_tokens", self._settings("unit_tokens"), lambda: self._tokenize(self.units["text"])
        )

    @cached_property
    def plan(self) -> dict[str, Any]:
        """:func:`cadretext.topics.sweep_plan` for the number of units."""
        from .topics import sweep_plan

        return sweep_plan(len(self.unit_tokens))

    @cached_property
    def seeds(self) -> tuple[int, int, int]:
        return (self.seed, self.seed + 1, self.seed + 2)

    @cached_property
    def sweep(self) -> pd.DataFrame:
        """:func:`cadretext.topics.sweep_k` over ``k_min..k_max`` with the plan's settings
        (without the timing column, so that the table is the same on every run)."""
        from .topics import sweep_k

        def compute() -> pd.DataFrame:
            plan = self.plan
            # no more topics than units: a report of three paragraphs gets K = 2..3
            n_with_words = sum(1 for unit in self.unit_tokens if len(unit))
            try:
                table = sweep_k(
                    self.unit_tokens,
                    range(self.k_min, max(self.k_min, min(self.k_max, n_with_words)) + 1),
                    seeds=self.seeds,
                    coherence=plan["coherence"],
                    passes=plan["passes"],
                    sample=plan["sample"],
                    no_below=plan["no_below"],
                    sample_seed=self.seed,
                    n_jobs=self.n_jobs,
                )
            except NoTopicModelError:
                raise self._no_topic_model() from None
            return table.drop(columns=[c for c in table.columns if c.endswith("_time_s")])

        return self._get("sweep", self._settings("sweep"), compute)

    def _no_topic_model(self) -> NoTopicModelError:
        """The error of a corpus on which no topic model can be fitted, in the corpus's terms
        (the report's user cannot pass ``no_below``)."""
        n_docs, n_units = len(self.corpus), len(self.unit_tokens)
        units = f"the {count_noun(n_units, self.unit)} of the {count_noun(n_docs, 'report')}"
        no_below = self.plan["no_below"]
        if not any(len(unit) for unit in self.unit_tokens):
            problem = f"no word is left in {units} once stopwords and numbers are dropped"
        elif no_below > 1:
            problem = f"no word occurs in at least {no_below} and at most half of {units}"
        else:
            problem = f"every word occurs in more than half of {units}"
        return NoTopicModelError(
            f"no topic model can be fitted on this corpus: {problem} (a topic model needs many "
            "reports of varied Chinese text; add reports, or call the functions you need directly)"
        )

    @cached_property
    def k(self) -> int:
        """The K :func:`cadretext.topics.suggest_k` chooses from the sweep."""
        from .topics import suggest_k

        return suggest_k(self.sweep)

    @cached_property
    def lda(self) -> Any:
        """:func:`cadretext.topics.fit_lda` with the chosen K on every unit."""
        from .topics import fit_lda

        return self._get(
            "lda",
            self._settings("lda"),
            lambda: fit_lda(
                self.unit_tokens,
                self.k,
                seed=self.seed,
                passes=self.plan["fit_passes"],
                no_below=self.plan["no_below"],
            ),
        )

    @cached_property
    def seeded(self) -> Any:
        """:func:`cadretext.topics.fit_seeded_lda` with the packaged seed words, two extra
        topics, on every unit."""
        from .topics import fit_seeded_lda

        def compute() -> Any:
            try:
                return fit_seeded_lda(
                    self.unit_tokens,
                    extra_topics=2,
                    seed=self.seed,
                    passes=self.plan["fit_passes"],
                    no_below=self.plan["no_below"],
                )
            except NoTopicModelError:
                raise self._no_topic_model() from None

        return self._get("seeded", self._settings("seeded"), compute)

    # ------------------------------------------------------------------ all at once
    def prepare(
        self,
        steps: Sequence[str] | None = None,
        *,
        progress: bool = False,
        keep: bool | Iterable[str] = True,
    ) -> Analysis:
        """Compute (or read) every step in ``steps`` (default :data:`STEPS`).

        With ``n_jobs=1`` the steps are computed in the order given (the corpus first): a step
        finds its inputs whatever the order, and a reader of the store (a report's notebook)
        gets the results it needs first when they are listed first.

        With ``n_jobs > 1`` the steps that need only the corpus and run on one core (labels,
        rhetoric items, places) are computed in a worker of the reusable pool while this
        process tokenizes and fits the topic models (on :data:`BESIDE_SWEEP_REPORTS` reports
        or more, the paragraph labels are computed in a thread of this process while the
        sweep's fits run), and the seeded model is fitted in a worker beside the chosen one
        (on those large corpora, by the text steps' worker once they are done: the three
        processes then do not build their tables at the same moment). One progress bar counts
        the steps.

        ``keep=False`` makes sure every step is stored without holding the results here: a
        step already stored is not read, and a result is let go as soon as no later step needs
        it (what ``cadretext report`` does before its notebooks read the store: on 10,000
        reports the results take over a gigabyte; the segmenters' dictionaries go too once
        the text is tokenized). ``keep`` may also name the steps to keep.
        """
        steps = list(STEPS if steps is None else steps)
        unknown = [s for s in steps if s not in STEPS]
        if unknown:
            raise ParameterError(f"unknown step(s) {unknown}; choose from {', '.join(STEPS)}")
        kept = set(STEPS) if keep is True else set() if keep is False else set(keep)
        if self._memory_only:
            kept = set(STEPS)  # nothing is stored: a result let go would be computed again
        from ._parallel import progress_bar

        bar = progress_bar(len(steps), progress, "preparing", unit="step")
        parallel = self.n_jobs > 1 and not self._memory_only
        try:
            side = [s for s in _TEXT_STEPS if s in steps]
            rest = [s for s in steps if s not in side and s != "corpus"]
            start = time.perf_counter()
            if "corpus" in steps:
                self._step("corpus", kept)
                bar.update(1)
            self.timings["corpus"] = time.perf_counter() - start
            if not parallel:
                self._serially([s for s in steps if s != "corpus"], kept, bar)
                return self
            from . import _parallel

            _parallel.executor(self.n_jobs)  # the pool at full size before a job runs
            pending = None
            pending_done = False
            # steps a thread of this process computes while the sweep's fits run in the pool
            # (this process would otherwise sit idle for a minute on 10,000 reports)
            beside_sweep: list[str] = []
            seeded_after_text = False  # the seeded model fitted by the text steps' worker
            if side and parallel and not self._all_stored(side):
                if (
                    "sweep" in rest
                    and not self._all_stored(["sweep"])
                    and len(self.corpus) >= BESIDE_SWEEP_REPORTS
                ):
                    beside_sweep = [s for s in _BESIDE_SWEEP if s in side]
                    # On a large corpus the text steps end after the sweep, when the chosen
                    # model's fit has begun here: the seeded fit then follows them in their
                    # worker, so that three processes do not build their tables at once (the
                    # report's peak of memory, 2,012 MB on 10,000 reports). The unit tokens
                    # it reads are stored long before (seconds, against a minute of text).
                    seeded_after_text = "seeded" in rest and not self._all_stored(["seeded"])
                pending = self._in_worker(
                    [s for s in side if s not in beside_sweep]
                    + (["seeded"] if seeded_after_text else []),
                    # ... but not before this process has stored the tokens it reads
                    after=[
                        s for s in ("backend", "unit_tokens") if seeded_after_text and s in rest
                    ],
                )
            else:
                for i, name in enumerate(side):
                    self._step(name, kept)
                    self._let_go(side[i + 1 :] + rest, kept)
                    bar.update(1)
            seeded_future = None
            for i, name in enumerate(rest):
                if (
                    name == "lda"
                    and "seeded" in rest
                    and parallel
                    and not seeded_after_text
                    # in a worker even while another still computes the text steps: fitted
                    # here after the chosen model instead, it left a core idle from the end of
                    # the text steps on (10,000 reports: 126 s of fits in a row)
                    and not self._all_stored(["lda", "seeded"])
                ):
                    self._step("sweep", kept | {"sweep"})  # plan and tokens first, here
                    if "sweep" not in self.unavailable:
                        seeded_future = self._in_worker(["seeded"])
                start = time.perf_counter()
                if name == "seeded" and seeded_after_text and pending is not None:
                    self.store.computed.update(_wait(pending, "labels, rhetoric and seeded topics"))
                    pending_done = True
                    if "seeded" in kept:
                        self._step("seeded", kept)
                elif name == "seeded" and seeded_future is not None:
                    self.store.computed.update(_wait(seeded_future, "the seeded topic model"))
                    if "seeded" in kept:
                        self._step("seeded", kept)
                elif name == "sweep" and beside_sweep:
                    self._beside(name, beside_sweep, rest[i:], kept, bar)
                else:
                    self._step(name, kept)
                self.timings[name] = time.perf_counter() - start
                self._after(name, rest[i + 1 :], kept)
                bar.update(1)
            if pending is not None:
                start = time.perf_counter()
                if not pending_done:  # what the worker computed counts as computed here
                    self.store.computed.update(_wait(pending, "labels and rhetoric"))
                self.timings["waiting for the worker"] = time.perf_counter() - start
                for name in side:
                    if name in kept:
                        getattr(self, name)  # read back what the worker stored
                    if name not in beside_sweep:
                        bar.update(1)
            self._let_go([], kept)
        finally:
            bar.close()
        return self

    def _serially(self, order: Sequence[str], kept: set[str], bar: Any) -> None:
        """The steps of ``order`` one after the other, in that order, in this process."""
        for i, name in enumerate(order):
            start = time.perf_counter()
            self._step(name, kept)
            self.timings[name] = time.perf_counter() - start
            self._after(name, order[i + 1 :], kept)
            bar.update(1)
        self._let_go([], kept)

    def _after(self, name: str, remaining: Sequence[str], kept: set[str]) -> None:
        """Once step ``name`` is done here: let go of what no step of ``remaining`` reads and,
        after the last step that segments text with jieba, of the segmenters and of jieba's
        dictionary."""
        self._let_go(remaining, kept)
        if (
            len(kept) < len(STEPS)
            and name in _USES_JIEBA
            and not any(s in _USES_JIEBA for s in remaining)
        ):
            from .tokenize import clear_segmenters

            # no later step segments text: the dictionaries (60-80 MB each) go, and with them
            # a good part of this process's share of the fits' peak
            clear_segmenters()

    def _beside(
        self, name: str, others: list[str], remaining: Sequence[str], kept: set[str], bar: Any
    ) -> None:
        """Step ``name`` here (it mostly waits for pool workers) while a thread computes
        ``others``; the thread's error, if any, is raised after the step.

        The step stays in this thread because loky's reusable pool belongs to the thread that
        asked for it: from another thread the step would start a second pool."""
        from concurrent.futures import ThreadPoolExecutor

        def compute_others() -> None:
            for j, other in enumerate(others):
                start = time.perf_counter()
                self._step(other, kept)
                self.timings[f"{other} (beside the {name})"] = time.perf_counter() - start
                self._let_go([*others[j + 1 :], *remaining], kept)
                bar.update(1)

        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="cadretext-beside") as ex:
            future = ex.submit(compute_others)
            try:
                self._step(name, kept)
            finally:
                future.result()

    def forget(self) -> None:
        """Let go of every result held in memory (they stay in the store, and are read again
        on next use)."""
        self._let_go([], set())

    def _step(self, name: str, kept: set[str]) -> None:
        """Compute or read one step; with the step not kept, one already stored is not read."""
        if name not in kept and not self._memory_only and self._stored(name):
            return
        if name in _TOPIC_STEPS:
            # a corpus without a topic model still gets every other result (and its report
            # every other page): the step is recorded as unavailable, with the reason
            if name in self.unavailable:
                return  # known already: not fitted again
            if name == "lda" and "sweep" in self.unavailable:
                self.unavailable[name] = self.unavailable["sweep"]
                return
            try:
                getattr(self, name)
            except NoTopicModelError as exc:
                self.unavailable[name] = str(exc)
            return
        getattr(self, "backend_info" if name == "backend" else name)

    def _stored(self, name: str) -> bool:
        if name == "backend" and self.backend_choice != "auto":
            return True  # nothing to compute or store
        return self._all_stored([name])

    def _let_go(self, remaining: Sequence[str], kept: set[str]) -> None:
        needed = set(kept) | {i for r in remaining for i in _INPUTS.get(r, ())}
        dropped = [n for n in STEPS if n not in needed and self.__dict__.pop(n, None) is not None]
        if dropped and len(kept) < len(STEPS):
            from ._parallel import return_freed_memory

            # asked not to hold results: give their pages back too, or the process's peak is
            # still the sum of everything it held (a pool worker lives on after its steps)
            return_freed_memory()

    def _all_stored(self, names: Sequence[str]) -> bool:
        return all(self.store.has(n, [self.source, *self._settings(n)]) for n in names)

    def _in_worker(self, names: list[str], after: Sequence[str] = ()) -> Any:
        """Compute ``names`` in a pool worker; the steps of ``after`` are stored by this process
        meanwhile, and the worker waits for them before the steps that read them (it would
        otherwise compute them a second time)."""
        from . import _parallel

        spec = {**self._spec(), "after": list(after)}
        return _parallel.executor(max(1, self.n_jobs - 1)).submit(_compute_steps, spec, names)

    def _spec(self) -> dict[str, Any]:
        return {
            "corpus": [str(p) for p in self.paths],
            "seed": self.seed,
            "unit": self.unit,
            "k_min": self.k_min,
            "k_max": self.k_max,
            "backend": self.backend_choice,
            "store": str(self.store.folder),
            "source": self.source,
        }


def _compute_steps(spec: dict[str, Any], names: list[str]) -> dict[str, int]:
    """In a pool worker: compute ``names`` for the analysis ``spec`` into the shared store."""
    a = Analysis(
        spec["corpus"],
        seed=spec["seed"],
        unit=spec["unit"],
        k_min=spec["k_min"],
        k_max=spec["k_max"],
        backend=spec["backend"],
        store=spec["store"],
    )
    a.source = spec["source"]  # the files were hashed once, by the process that sent the work
    rhetoric = [n for n in names if n in _RHETORIC_STEPS]
    if rhetoric:
        a.prepare(rhetoric, keep=False)  # stored, let go of when no later step needs it
        from .rhetoric.base import clear_caches

        clear_caches()  # the worker lives on: its dictionaries would stay for nothing
    text = [n for n in names if n not in rhetoric and n in _TEXT_STEPS]
    later = [n for n in names if n not in rhetoric and n not in text]
    a.prepare(text, keep=False)
    if later:
        _wait_stored(a, spec.get("after", []))
        a.prepare(later, keep=False)
    return dict(a.store.computed)


#: How long a worker waits for a step the sending process stores (then computes it itself).
_AFTER_TIMEOUT_S = 600.0


def _wait_stored(a: Analysis, names: Sequence[str]) -> None:
    """Wait until the steps ``names`` are in the store (written by the process that sent the
    work, which computes them meanwhile), at most :data:`_AFTER_TIMEOUT_S` seconds."""
    deadline = time.monotonic() + _AFTER_TIMEOUT_S
    for name in names:  # in order: a step's key may need an earlier one (the backend)
        while not a._stored(name) and time.monotonic() < deadline:
            time.sleep(0.1)


def _wait(future: Any, what: str) -> dict[str, int]:
    from . import _parallel
    from .errors import WorkerError

    try:
        return future.result()
    except _parallel.POOL_ERRORS as exc:
        raise WorkerError(f"preparing {what}") from exc
