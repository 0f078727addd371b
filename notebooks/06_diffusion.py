# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 6. How formulations spread
#
# When does a formulation (提法) appear, where is it used first, how fast do other places take
# it up, and does a program type talk differently once the year is held fixed? This notebook
# dates every report, counts the numbered formulas and metaphors of `cadretext.rhetoric` per
# period with intervals that resample whole reports, follows the formulas across places, and
# regresses their rate on program type and year. Every sentence that states a result below is
# computed from the tables it sits next to.

# %% tags=["parameters"]
CORPUS = "../seeds"
SEED = 0
UNIT = "paragraph"
K_MIN = 2
K_MAX = 6
OUT_DIR = "../reports"
BACKEND = "auto"

# %%

from cadretext import Analysis, plots
from cadretext.describe import count_noun
from cadretext.pages import Page
from cadretext.trends import (
    adoption,
    choose_period,
    describe_diffusion,
    describe_effects,
    describe_rates,
    diffusion,
    effects,
    item_rates,
    report_rates,
)

a = Analysis(CORPUS, seed=SEED, unit=UNIT, k_min=K_MIN, k_max=K_MAX, backend=BACKEND)  # computed once, stored
corpus = a.typed  # unlabelled reports: the classifier's type
page = Page("06_diffusion", OUT_DIR, corpus, seed=SEED)
page.caveat(corpus["program_type"].nunique())
items = a.items.query("kind in ('formula', 'metaphor')").reset_index(drop=True)
n_reports = len(corpus)
page.say(f"{count_noun(n_reports, 'report')}; {corpus['date'].notna().sum():,} dated.")

# %% [markdown]
# ## Dates
#
# Each report's date comes from the manifest, the page header, the URL, a dateline or the
# text (`cadretext.dates`), with its precision (day, month or year). Reports dated only to a
# year drop out of monthly or quarterly counts.

# %%
page.table(
    corpus.groupby(["date_source", "date_precision"], dropna=False)
    .size()
    .rename("reports")
    .reset_index(),
    "date_sources", "Where each report's date comes from, and its precision.",
)
period = choose_period(corpus["date"].tolist())
page.say(f"Period used below: {period} (chosen from the span of the dated reports).")

# %% [markdown]
# ## Rates over time
#
# The share of reports that use each of the most common formulas and metaphors, per period,
# with 95% intervals from a bootstrap that resamples whole reports. A period with few reports
# has a wide interval.

# %%
rates = item_rates(corpus, items, period=period, top=6, n_boot=500, seed=SEED)
said = describe_rates(rates)
if said:
    page.say(said[0], key=True)
    page.say(*said[1:])
page.table(  # the periods with the most dated reports first: single-report years say little
    rates.sort_values(["n_reports", "period", "item"], ascending=[False, True, True])[
        ["period", "item", "n_reports", "reports_with", "share", "share_low", "share_high"]
    ],
    "item_rates",
    "Share of reports using each item per period, with 95% intervals; the periods with the "
    "most dated reports first.",
)

# %%
if rates["period"].nunique() > 1:
    page.figure(
        plots.rates_over_time(
            rates, title="Share of reports using each item, by period",
            ylabel="share of reports (95% interval)",
        ),
        "Share of reports using each of the most common items per period, with 95% intervals "
        "that resample whole reports; one panel per item.",
    )

# %% [markdown]
# ## Where formulations are used first, and how they spread
#
# Each report's place is its sending place when the text names one (a secondment or study
# tour), else the province it names most, else the province its site's address names
# (hunan.gov.cn); `place_source` says which. The first appearance of each formula is its
# earliest dated report.

# %%
places = a.places  # report_places(corpus)
formulas = items[items["kind"] == "formula"]
first = diffusion(corpus, formulas, places=places)
said = describe_diffusion(first)
if said:
    page.say(said[0], key=True)
    page.say(*said[1:])
page.table(first, "diffusion", "Each formula's first dated report and place, and how many "
           "places and reports use it.")

# %%
curve = adoption(corpus, formulas, period=period, places=places, top=5)
if curve["period"].nunique() > 1:
    wide = curve.pivot(index="period", columns="item", values="places")
    page.table(wide.rename_axis("period").reset_index(), "adoption",
               "Cumulative number of places that have used each formula, per period.")
    page.figure(
        plots.adoption(wide, title="Adoption of the formulas that reached the most places"),
        "Cumulative number of places that have used each of the five most widespread formulas.",
    )
else:
    page.say("One period only: no adoption curve to draw.")

# %% [markdown]
# ## Does program type matter once the year is held fixed?
#
# The number of formula occurrences per 10,000 characters of each report, regressed on its
# program type and year (ordinary least squares, standard errors robust to heteroskedasticity:
# one row per report). The estimates are differences from the first program type in
# alphabetical order.

# %%
per_report = report_rates(corpus, formulas)  # doc_id, year, count, per_10k, metadata
usable = per_report.dropna(subset=["year", "program_type"])
if len(usable) > usable["program_type"].nunique() + 2 and usable["year"].nunique() > 1:
    table = effects(usable, "per_10k", ["program_type"], year="year")
    said = describe_effects(table)
    if said:
        page.say(said[0], key=True)
        page.say(*said[1:])
    page.table(table, "effects", "Regression of the formula rate on program type and year.")
    page.figure(
        plots.effects(table, title="Formula rate: effects with 95% intervals"),
        "Estimated differences in formulas per 10,000 characters with 95% intervals.",
    )
else:
    page.say(
        f"{len(usable)} dated reports with a program type: too few for a regression with a "
        "year term."
    )
