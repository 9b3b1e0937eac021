"""Report wording in bokmål (default) and English (``lang="en"``).

One table of phrases so that a template's headings and captions switch language together.
County names and «vet ikke» stay Norwegian in both languages; indicator, domain and breakdown
labels come in English from the estimates' ``label_en``/``domain_label_en`` columns (a missing
one: the Norwegian label marked «(nb)», see :func:`omdomme.labels.label_in`).
"""

from __future__ import annotations

from typing import Any

PHRASES: dict[str, dict[str, str]] = {
    "title_omdomme": {"nb": "Omdømmeundersøkelsen {round}", "en": "Reputation survey {round}"},
    "title_innovasjon": {"nb": "Innovasjonsundersøkelsen {round}", "en": "Innovation survey {round}"},
    "subtitle_omdomme": {"nb": "Østfolds omdømme som næringsregion blant de fem Oslofjord-fylkene",
                         "en": "Østfold's reputation as a business region among the five Oslofjord counties"},
    "subtitle_innovasjon": {"nb": "Innovasjonsaktivitet i Østfolds næringsliv",
                            "en": "Innovation activity in Østfold's business sector"},
    "banner": {"nb": "Syntetiske data", "en": "Synthetic data"},
    "banner_text": {"nb": "Tallene i denne rapporten er laget av en simulator og beskriver ingen ekte respondenter eller foretak. De viser hvordan rapporten ser ut, ikke hvordan det faktisk står til i Østfold.",
                    "en": "The numbers in this report come from a simulator and describe no real respondents or firms. They show what the report looks like, not how Østfold actually stands."},
    "summary": {"nb": "Sammendrag", "en": "Summary"},
    "summary_intro": {"nb": "Målet i *Strategisk grunnlag 2016–2026* er at Østfold skal nærme seg Akershus og bli det tredje mest attraktive av de fem Oslofjord-fylkene. Tabellen viser hvor Østfold står på hver indikator i {round} (alle respondenter, 95 % konfidensintervall).",
                      "en": "The goal in *Strategisk grunnlag 2016–2026* is for Østfold to approach Akershus and become the third most attractive of the five Oslofjord counties. The table shows where Østfold stands on each indicator in {round} (all respondents, 95 % confidence interval)."},
    "col_indicator": {"nb": "Indikator", "en": "Indicator"},
    "col_ostfold": {"nb": "Østfold", "en": "Østfold"},
    "col_ci": {"nb": "95 % KI", "en": "95 % CI"},
    "col_rank": {"nb": "Plass (intervall)", "en": "Rank (interval)"},
    "col_top3": {"nb": "P(topp 3)", "en": "P(top 3)"},
    "col_akershus": {"nb": "Akershus", "en": "Akershus"},
    "col_gap": {"nb": "Avstand til Akershus", "en": "Gap to Akershus"},
    "col_change": {"nb": "Endring siden {prev}", "en": "Change since {prev}"},
    "col_change_none": {"nb": "Endring", "en": "Change"},
    "col_goal": {"nb": "Målstatus", "en": "Goal status"},
    "col_county": {"nb": "Fylke", "en": "County"},
    "col_domain": {"nb": "Utvalg", "en": "Group"},
    "col_estimate": {"nb": "Andel", "en": "Share"},
    "col_value": {"nb": "Verdi", "en": "Value"},
    "col_n": {"nb": "n", "en": "n"},
    "col_difference": {"nb": "Østfold minus fylket", "en": "Østfold minus county"},
    "col_p": {"nb": "p (Holm)", "en": "p (Holm)"},
    "goal_top3_sure": {"nb": "Blant de tre beste", "en": "Among the top three"},
    "goal_top3_likely": {"nb": "Trolig blant de tre beste", "en": "Probably top three"},
    "goal_top3_open": {"nb": "Uavklart", "en": "Undecided"},
    "goal_top3_not": {"nb": "Ikke blant de tre beste", "en": "Not in the top three"},
    "sig_yes": {"nb": "signifikant", "en": "significant"},
    "sig_no": {"nb": "ikke signifikant", "en": "not significant"},
    "series_break": {"nb": "brudd i serien", "en": "series break"},
    "not_tested": {"nb": "ikke testet", "en": "not tested"},
    "better_higher": {"nb": "høyere er bedre", "en": "higher is better"},
    "better_lower": {"nb": "lavere er bedre", "en": "lower is better"},
    "summary_note": {"nb": "Plass: 1 er best (for «vet ikke» er lavest best); intervallet er et 95 % rangintervall. P(topp 3): sannsynligheten for at Østfold er blant de tre beste. Avstand og endring i prosentpoeng (p.p.) med Holm-justert test; «:» betyr at tallet er undertrykt (for usikkert).",
                     "en": "Rank: 1 is best (lowest is best for «vet ikke»); the interval is a 95 % rank interval. P(top 3): the probability that Østfold is among the best three. Gap and change in percentage points (pp), Holm-adjusted test; «:» means the figure is suppressed (too uncertain)."},
    "key_points": {"nb": "Hovedpunkter", "en": "Key points"},
    "point_rank": {"nb": "**{label}**: Østfold {value} ({rank_text}; sannsynlighet {p3} for topp 3).",
                   "en": "**{label}**: Østfold {value} ({rank_text}; probability {p3} of top 3)."},
    "rank_text_sure": {"nb": "plass {rank} av 5, også i hele rangintervallet", "en": "rank {rank} of 5 across the whole rank interval"},
    "rank_text": {"nb": "plass {rank} av 5, intervall {lo}–{hi}", "en": "rank {rank} of 5, interval {lo}–{hi}"},
    "indicators": {"nb": "Indikatorene fylke for fylke", "en": "The indicators county by county"},
    "indicators_intro": {"nb": "Hver figur viser de fem fylkene med 95 % konfidensintervall. Østfold er uthevet; den stiplede linjen er Akershus-nivået, som Østfold skal nærme seg.",
                         "en": "Each chart shows the five counties with 95 % confidence intervals. Østfold is highlighted; the dashed line is the Akershus level that Østfold is to approach."},
    "fig_county": {"nb": "{label}, {round}. Punkt: estimat; strek: 95 % konfidensintervall; stiplet linje: Akershus.",
                   "en": "{label}, {round}. Dot: estimate; line: 95 % confidence interval; dashed line: Akershus."},
    "comparison_hidden": {"nb": "**{domain}**: forskjellen mot Akershus vises ikke fordi {who} er undertrykt.",
                          "en": "**{domain}**: the gap to Akershus is not shown because {who} is suppressed."},
    "akershus_line": {"nb": "Akershus", "en": "Akershus"},
    "norge_line": {"nb": "Norge", "en": "Norway"},
    "comparison_text": {"nb": "**{domain}**: Østfold minus Akershus {diff} (95 % KI {lo} til {hi}), {sig}.",
                        "en": "**{domain}**: Østfold minus Akershus {diff} (95 % CI {lo} to {hi}), {sig}."},
    "trend": {"nb": "Utvikling over tid", "en": "Trend over rounds"},
    "trend_intro": {"nb": "Estimatene for alle analyserte runder til og med {round}, alle respondenter. Båndet rundt Østfold er 95 % konfidensintervall.",
                    "en": "Estimates for every analysed round up to {round}, all respondents. The band around Østfold is the 95 % confidence interval."},
    "trend_single": {"nb": "Bare én runde er analysert ({round}); kjør `omdomme analyse` for tidligere runder for å se utviklingen.",
                     "en": "Only one round has been analysed ({round}); run `omdomme analyse` on earlier rounds to see the trend."},
    "fig_trend": {"nb": "Utvikling {first}–{last} for de fem fylkene. Østfold med 95 % konfidensintervall.",
                  "en": "Trend {first}–{last} for the five counties. Østfold with 95 % confidence interval."},
    "other_counties": {"nb": "Andre fylker", "en": "Other counties"},
    "change": {"nb": "Endring siden {prev}", "en": "Change since {prev}"},
    "ranks": {"nb": "Rangering med usikkerhet", "en": "Ranks with uncertainty"},
    "ranks_intro": {"nb": "Sannsynligheten for hver plass (1 = best) for Østfold, fra den simultane fordelingen av estimatene ({draws} trekninger, frø {seed}).",
                    "en": "The probability of each rank (1 = best) for Østfold, from the joint distribution of the estimates ({draws} draws, seed {seed})."},
    "fig_ranks": {"nb": "Østfolds plass blant de fem fylkene, {round}: sannsynlighet for hver plass.",
                  "en": "Østfold's rank among the five counties, {round}: probability of each rank."},
    "rank": {"nb": "Plass", "en": "Rank"},
    "probability": {"nb": "Sannsynlighet", "en": "Probability"},
    "top3_table": {"nb": "Sannsynlighet for topp 3, alle fylker", "en": "Probability of top 3, every county"},
    "associations": {"nb": "Assosiasjoner: geografi eller verdier?", "en": "Associations: geography or values?"},
    "associations_intro": {"nb": "Andelen som nevner hver type assosiasjon om fylket (inntil tre kodede assosiasjoner per person).",
                           "en": "The share mentioning each kind of association with the county (up to three coded associations per person)."},
    "fig_associations": {"nb": "Assosiasjoner til fylkene, {round}: andel som nevner hver kategori, med 95 % konfidensintervall.",
                         "en": "Associations with the counties, {round}: share mentioning each category, with 95 % confidence intervals."},
    "associations_frame_intro": {
        "nb": ("Hva tenker folk på når de hører fylkets navn? Svarene er kodet i kodeplanen (inntil tre "
               "kategorier per person), så andelene for et fylke summerer seg ikke til 100 %. Grunnlaget er alle "
               "som svarte, også de som svarte «vet ikke» eller ikke nevnte noe (egen rad)."),
        "en": ("What do people think of when they hear the county's name? Answers are coded into the code frame "
               "(up to three categories each), so a county's shares do not sum to 100 %. The base is everyone "
               "who answered, including «don't know» or nothing mentioned (its own row)."),
    },
    "fig_association_profile": {
        "nb": "Assosiasjoner til fylkene, {round}: andel som nevner hver kategori, med 95 % konfidensintervall. Østfold uthevet.",
        "en": "Associations with the counties, {round}: share mentioning each category, with 95 % confidence intervals. Østfold highlighted.",
    },
    "associations_geo_values": {
        "nb": ("**Geografi eller verdier?** Andelen som forbinder fylket med verdier og egenskaper, og andelen som "
               "bare nevner geografi (steder, Sverige, natur), med Østfolds rangering blant de fem fylkene og "
               "endringen siden {previous}."),
        "en": ("**Geography or values?** The share associating the county with values and characteristics, and the "
               "share naming geography only (places, Sweden, nature), with Østfold's rank among the five counties "
               "and the change since {previous}."),
    },
    "associations_coding_note": {
        "nb": "Metode: {how} Fritekstsvar vises aldri i rapporten, fordi de kan identifisere personer.",
        "en": "Method: {how} Free-text answers are never shown in the report, as they can identify people.",
    },
    "coding_vendor": {"nb": "Kodingen er leverandørens.", "en": "The coding is the vendor's."},
    "coding_analyst": {
        "nb": "Analytikerens koding (koding.csv) er brukt for {analyst} svar, leverandørens for de øvrige {vendor}.",
        "en": "The analyst's coding (koding.csv) is used for {analyst} answers, the vendor's for the other {vendor}.",
    },
    "associations_only_values": {"nb": "Analysen har bare indikatoren for verdier og egenskaper; geografiske assosiasjoner er ikke estimert i denne runden.",
                                 "en": "The analysis only has the values-and-characteristics indicator; geographic associations are not estimated in this round."},
    "tables": {"nb": "Tabeller", "en": "Tables"},
    "table_estimates": {"nb": "{label}: estimat, 95 % KI og n", "en": "{label}: estimate, 95 % CI and n"},
    "method": {"nb": "Metode", "en": "Method"},
    "method_sample": {"nb": "**Utvalg.** {read} svar lest, {used} brukt{excluded}. Uvektet grunnlag (n) per fylke og utvalg står i tabellene.",
                      "en": "**Sample.** {read} responses read, {used} used{excluded}. The unweighted base (n) per county and group is in the tables."},
    "method_excluded": {"nb": "; utelatt: {items}", "en": "; excluded: {items}"},
    "method_weighting": {"nb": "**Vekting.** {text}", "en": "**Weighting.** {text}"},
    "weight_vendor": {"nb": "Leverandørens vekt (`{weight}`) er brukt.", "en": "The vendor weight (`{weight}`) is used."},
    "weight_method": {"nb": "Vektene er kalibrert ({method}) til befolkningstall fra SSB.", "en": "The weights are calibrated ({method}) to SSB population figures."},
    "weight_none": {"nb": "Uvektet.", "en": "Unweighted."},
    "weight_efficiency": {"nb": "Vektingseffektivitet (Kish, 1/(1 + CV²)) i {round}: {items}.",
                          "en": "Weighting efficiency (Kish, 1/(1 + CV²)) in {round}: {items}."},
    "efficiency_item": {"nb": "{eff} for {what} (effektivt utvalg {neff} av {n})",
                        "en": "{eff} for {what} (effective sample {neff} of {n})"},
    "efficiency_vendor": {"nb": "leverandørens vekt `{weight}`", "en": "the vendor weight `{weight}`"},
    "efficiency_raked": {"nb": "de kalibrerte vektene", "en": "the calibrated weights"},
    "efficiency_firms": {"nb": "vektene N/n (`{weight}`)", "en": "the weights N/n (`{weight}`)"},
    "trend_from_comparison": {"nb": "Bare {round} har sin egen analyse i `analyses/`, så utviklingen over rundene kan ikke tegnes ennå. Endringen siden {prev} i sammendraget og ved hver indikator er beregnet av analysen av {round}; kjør `omdomme analyse {prev}` for å tegne den.",
                              "en": "Only {round} has its own analysis in `analyses/`, so the trend over rounds cannot be drawn yet. The change since {prev} in the summary and under each indicator comes from the analysis of {round}; run `omdomme analyse {prev}` to draw it."},
    "method_ci": {"nb": "**Konfidensintervall.** {level} % intervaller; metode for andeler: {methods}. Variansen er beregnet med Taylor-linearisering med respondenten som klynge, slik R-pakken `survey` gjør; frihetsgrader (df) {df}. Sammenligninger mellom fylker er parvise (samme respondenter vurderer alle fylker); sammenligninger mellom runder behandler utvalgene som uavhengige (Welch–Satterthwaite-frihetsgrader). p-verdier er Holm-justert innen hver familie: alle indikatorer og fylker i én tabell (én undersøkelse, ett utvalg, én type sammenligning).",
                  "en": "**Confidence intervals.** {level} % intervals; method for shares: {methods}. Variances by Taylor linearisation with the respondent as cluster, as R's `survey` does; degrees of freedom (df) {df}. County comparisons are paired (the same respondents rate every county); round comparisons treat the samples as independent (Welch–Satterthwaite df). p-values are Holm-adjusted within each family: every indicator and county of one table (one survey, one domain, one kind of comparison)."},
    "method_suppression": {"nb": "**Undertrykking.** Tall vises som «:» når det uvektede grunnlaget er under {min_n}, den effektive n er under 30, eller intervallet er for bredt (NCHS-reglene: bredde ≥ 30 prosentpoeng eller relativ bredde over 130 %). Tall med lav presisjon eller df under 8 er merket med en fotnote. I denne runden: {suppressed} undertrykt, {flagged} merket.",
                           "en": "**Suppression.** Figures show as «:» when the unweighted base is under {min_n}, the effective n is under 30, or the interval is too wide (NCHS rules: width ≥ 30 points or relative width above 130 %). Low-precision figures and df below 8 carry a footnote. This round: {suppressed} suppressed, {flagged} flagged."},
    "method_ranks": {"nb": "**Rangering.** {method}; {draws} trekninger, frø {seed}.", "en": "**Ranks.** {method}; {draws} draws, seed {seed}."},
    "method_untranslated": {"nb": "",
                            "en": "**Labels.** The definition gives no English label for {labels}; these are shown in Norwegian, marked «(nb)»."},
    "method_source": {"nb": "**Kilde.** Alle tall er lest fra `analyses/{round}/` (skrevet av `omdomme analyse {round}`); rapporten beregner ingenting på nytt.",
                      "en": "**Source.** Every number is read from `analyses/{round}/` (written by `omdomme analyse {round}`); the report re-estimates nothing."},
    "footnote_suppressed": {"nb": ": Undertrykt: for usikkert til å vises ({notes}).", "en": ": Suppressed: too uncertain to show ({notes})."},
    "footnote_flagged": {"nb": "* Usikkert tall: {notes}.", "en": "* Uncertain figure: {notes}."},
    "innovation_breakdowns": {"nb": "Østfold etter næring og størrelse", "en": "Østfold by industry and size"},
    "innovation_breakdowns_intro": {"nb": "Hver celle er et domene av hele utvalget (samme vekter og strata). «:» betyr at tallet er undertrykt: for få foretak, ett eller to foretak dominerer, for usikkert, eller sekundært undertrykt så det ikke kan regnes ut av de andre tallene.",
                                    "en": "Each cell is a domain of the whole sample (the same weights and strata). «:» means the number is withheld: too few firms, one or two firms dominate, too uncertain, or withheld so that it cannot be derived from the other numbers."},
    "innovation_overview": {"nb": "Østfold mot Norge og de andre fylkene", "en": "Østfold against Norway and the other counties"},
    "innovation_intro": {"nb": "Andeler av foretakene (vektet til populasjonen av foretak med minst 10 sysselsatte) med 95 % konfidensintervall. Den stiplede linjen er landsnivået.",
                         "en": "Shares of firms (weighted to the population of firms with at least 10 employees) with 95 % confidence intervals. The dashed line is the national level."},
    "fig_innovation": {"nb": "{label}, {round}: de fem fylkene og Norge. Stiplet linje: Norge.",
                       "en": "{label}, {round}: the five counties and Norway. Dashed line: Norway."},
    "fig_innovation_total": {"nb": "{label}, {round}: de fem fylkene (Norge, summen av alle fylker, står i tabellen).",
                             "en": "{label}, {round}: the five counties (Norway, the sum of all counties, is in the table)."},
    "norge_text": {"nb": "Østfold minus Norge: {diff} (95 % KI {lo} til {hi}), {sig}.",
                   "en": "Østfold minus Norway: {diff} (95 % CI {lo} to {hi}), {sig}."},
    "goal": {"nb": "Mot en dobling av innovasjonsaktiviteten", "en": "Towards doubling innovation activity"},
    "goal_intro": {"nb": "Strategien har som mål å doble innovasjonsaktiviteten fra {baseline}. Figuren viser forholdet mellom Østfolds andel i {round} og i {baseline}, med 95 % konfidensintervall (log-skala, deltametoden).",
                   "en": "The strategy aims to double innovation activity from {baseline}. The chart shows the ratio of Østfold's share in {round} to {baseline}, with a 95 % confidence interval (log scale, delta method)."},
    "fig_goal": {"nb": "Østfolds innovasjonsaktivitet {round} i forhold til {baseline}. Mål: faktor {factor}.",
                 "en": "Østfold's innovation activity {round} relative to {baseline}. Goal: factor {factor}."},
    "goal_reached": {"nb": "Målet er nådd i {round}: hele intervallet ({lo} til {hi}) ligger over faktor {factor}.", "en": "Goal reached in {round}: the whole interval ({lo} to {hi}) lies above factor {factor}."},
    "goal_plausible": {"nb": "I {round} er målet mulig, men ikke påvist: intervallet ({lo} til {hi}) omfatter faktor {factor}.",
                       "en": "In {round} the goal is plausible but not shown: the interval ({lo} to {hi}) includes factor {factor}."},
    "goal_ruled_out": {"nb": "Målet er ikke nådd i {round}: forholdet er {ratio}, og hele intervallet ({lo} til {hi}) ligger under faktor {factor}.",
                       "en": "Goal not reached in {round}: the ratio is {ratio}, and the whole interval ({lo} to {hi}) lies below factor {factor}."},
    "goal_baseline": {"nb": "{round} er basisåret for målet. Østfolds andel foretak med innovasjonsaktivitet er {value}; faktor {factor} betyr {target}.",
                      "en": "{round} is the goal's baseline. Østfold's share of firms with innovation activity is {value}; factor {factor} means {target}."},
    "goal_missing": {"nb": "Analysen har ingen sammenligning med basisåret; kjør `omdomme analyse` på basisrunden først.",
                     "en": "The analysis has no comparison with the baseline; run `omdomme analyse` on the baseline round first."},
    "ratio_axis": {"nb": "Forhold til basisåret", "en": "Ratio to baseline"},
    "goal_label": {"nb": "Mål", "en": "Goal"},
    "baseline_label": {"nb": "Basisår", "en": "Baseline"},
    "no_data": {"nb": "Ingen tall for {what} i analysen av {round}.", "en": "No figures for {what} in the analysis of {round}."},
    "innovation_method_ci": {"nb": "**Utvalg og usikkerhet.** Stratifisert utvalg av foretak (næring × størrelse), vekter N/n og endelig-populasjonskorreksjon; {level} % intervaller ({methods}), df {df}.",
                             "en": "**Sample and uncertainty.** Stratified firm sample (industry × size), weights N/n and finite population correction; {level} % intervals ({methods}), df {df}."},
    "innovation_suppression": {"nb": "**Prikking.** Celler med færre enn {min_firms} foretak, eller der noen få foretak dominerer totalen, vises som «:».",
                               "en": "**Disclosure control.** Cells with fewer than {min_firms} firms, or whose total a few firms dominate, show as «:»."},
    # The 2026 goal «Østfold reaches Akershus» from `omdomme trend` (analyses/trend/goals).
    "trend_goals": {"nb": "**Mål 2026: Østfold på Akershus' nivå** (fra `omdomme trend`; avstanden Østfold − Akershus i 2026, observert eller anslått med trenden over rundene):",
                    "en": "**Goal 2026: Østfold at Akershus's level** (from `omdomme trend`; the gap Østfold − Akershus in 2026, observed or projected by the trend over the rounds):"},
    "trend_goal_status_reached": {"nb": "nådd", "en": "reached"},
    "trend_goal_status_not reached": {"nb": "ikke nådd", "en": "not reached"},
    "trend_goal_status_undecided": {"nb": "uavklart", "en": "undecided"},
    "trend_goal_status_unknown": {"nb": "kan ikke vurderes", "en": "cannot be judged"},
    "trend_goal_observed": {"nb": "observert i 2026: {gap} (95 % KI {lo} til {hi})", "en": "observed in 2026: {gap} (95 % CI {lo} to {hi})"},
    "trend_goal_projected": {"nb": "anslått for 2026 fra rundene {rounds}: {gap} (95 % KI {lo} til {hi})",
                             "en": "projected to 2026 from the rounds {rounds}: {gap} (95 % CI {lo} to {hi})"},
    "trend_goal_withheld": {"nb": "avstanden i {round} vises ikke fordi {who} er undertrykt; vurdert på rundene til og med {last}",
                            "en": "the {round} gap is not shown because {who} is suppressed; judged on the rounds up to {last}"},
    "trend_goal_none_shown": {"nb": "avstanden kan ikke vises i noen av rundene {rounds}, fordi ett av fylkene er undertrykt",
                              "en": "the gap cannot be shown in any of the rounds {rounds}, because one of the counties is suppressed"},
    "trend_goal_few_rounds": {"nb": "en trend trenger minst tre sammenlignbare runder med avstanden vist",
                              "en": "a trend needs at least three comparable rounds with the gap shown"},
}


def phrase(key: str, lang: str = "nb", **values: Any) -> str:
    """The phrase ``key`` in ``lang`` with ``values`` filled in.

    Examples
    --------
    >>> phrase("title_omdomme", round=2018)
    'Omdømmeundersøkelsen 2018'
    >>> phrase("title_omdomme", "en", round=2018)
    'Reputation survey 2018'
    """
    entry = PHRASES[key]
    text = entry.get(lang, entry["nb"])
    return text.format(**values) if values else text
