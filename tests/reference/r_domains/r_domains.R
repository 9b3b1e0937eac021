# Reference values for the degrees of freedom (and intervals) of omdomme's reputation domains,
# computed with R's survey package on the shipped synthetic round surveys/2018/omdomme-2018.sav.
#
# Run from the repository root:  Rscript tests/reference/r_domains/r_domains.R [output folder]
# Produced with: R version 4.2.2 Patched (2022-11-10 r83330), survey 4.1.1, haven (user_na = TRUE
# so that the «vet ikke» code 9 stays a value, as omdomme.read keeps it).
#
# Design as omdomme analyse builds it: long format (one row per respondent × rated county),
# every respondent a cluster (ids = ~respid), the vendor weight `vekt` on each of its rows, no
# strata, no fpc:
#   long <- svydesign(ids = ~respid, weights = ~vekt, data = long)
# A domain is a subset of that design; its base (who answered, or who has an opinion) is too.
# Exact calls, one per indicator × domain (in_domain is TRUE/FALSE per long row):
#   r <- svyby(~I(moderne %in% 4:5), ~target + in_domain, subset(long, !is.na(moderne)),
#              svyciprop, method = "logit", vartype = c("se", "ci"))            # moderne_ungdom, unge
#   r <- svyby(~I(inntrykk == 5), ~target + in_domain, subset(long, !is.na(inntrykk) & inntrykk != 9),
#              svyciprop, method = "logit", vartype = c("se", "ci"))            # svaert_godt_meninger, innenfra
#   r <- svyby(~I(inntrykk == 5), ~target + in_domain, subset(long, !is.na(inntrykk)),
#              svyciprop, method = "logit", vartype = c("se", "ci"))            # svaert_godt, utenfra
# and the rows with in_domain TRUE; estimate_svymean and se_svymean are svyby(~as.numeric(...),
# ~target + in_domain, <the same subset>, svymean) — the same share as an exact weighted mean (svyciprop's
# logit estimate comes from glm, which stops at a 1e-8 deviance change). df is what svyciprop uses inside svyby: degf of the
# domain's subset design, degf(subset(base, target == t & in_domain)) (as by_prop_rows in
# tests/reference/r_public/r_reference.R): its respondents minus 1.
#
# Domains (surveys/2018/omdomme.toml): innenfra = living in the rated county, utenfra = living
# elsewhere, unge = living in the rated county and aged 18–29. Residence in 2024 county borders
# (omdomme's county_of(kommune, year = 2018, borders = 2024)): the 2018 county of the first two
# digits of the kommune number, except the municipalities the 2020 reforms moved between these
# counties: 0121 Rømskog -> Aurskog-Høland (akershus), 0532 Jevnaker and 0533 Lunner (from
# Oppland) -> akershus, 0627 Røyken and 0628 Hurum -> Asker (akershus), 0711 Svelvik -> Drammen
# (buskerud).
suppressPackageStartupMessages({library(survey); library(haven)})
args <- commandArgs(trailingOnly = TRUE)
out_dir <- if (length(args) > 0) args[1] else "tests/reference/r_domains"   # tests pass a scratch folder
options(digits = 17)
raw <- read_sav("surveys/2018/omdomme-2018.sav", user_na = TRUE)
num <- function(x) as.numeric(zap_labels(zap_missing(x)))
raw_num <- function(x) as.numeric(unclass(x))   # keeps user-missing codes as values
kommune <- sprintf("%04d", as.integer(as.character(unclass(raw$kommune))))
moved <- c("0121" = "akershus", "0532" = "akershus", "0533" = "akershus", "0627" = "akershus",
           "0628" = "akershus", "0711" = "buskerud")
by_prefix <- c("01" = "ostfold", "02" = "akershus", "03" = "oslo", "06" = "buskerud", "07" = "vestfold")
residence <- ifelse(kommune %in% names(moved), moved[kommune], by_prefix[substr(kommune, 1, 2)])
stopifnot(!anyNA(residence))
tokens <- c(akershus = "aker", oslo = "oslo", buskerud = "busk", vestfold = "vestf", ostfold = "ostf")
long <- do.call(rbind, lapply(names(tokens), function(t) data.frame(
  respid = num(raw$respid), vekt = num(raw$vekt), target = t, residence = unname(residence),
  alder = num(raw$alder), moderne = raw_num(raw[[paste0("moderne_", tokens[[t]])]]),
  inntrykk = raw_num(raw[[paste0("inntrykk_", tokens[[t]])]]), stringsAsFactors = FALSE)))
long$innenfra <- long$residence == long$target
long$utenfra <- long$residence != long$target
long$unge <- long$innenfra & !is.na(long$alder) & long$alder >= 18 & long$alder <= 29
design <- svydesign(ids = ~respid, weights = ~vekt, data = long)

domain_rows <- function(indicator, domain, formula, base) {
  base$variables$in_domain <- base$variables[[domain]]
  r <- svyby(formula, ~target + in_domain, base, svyciprop, method = "logit", vartype = c("se", "ci"))
  # the same share without glm: svymean of the 0/1 value (I(...) -> as.numeric(...))
  numeric <- as.formula(sub("^~I\\(", "~as.numeric(", deparse(formula)))
  m <- svyby(numeric, ~target + in_domain, base, svymean)
  keep <- which(r$in_domain)
  do.call(rbind, lapply(keep, function(i) {
    t <- as.character(r$target[i])
    sub <- subset(base, target == t & in_domain)
    data.frame(indicator = indicator, domain = domain, target = t, n = nrow(sub$variables),
               estimate = coef(r)[[i]], se = SE(r)[[i]], ci_low = r[i, "ci_l"], ci_high = r[i, "ci_u"],
               df = degf(sub), df_target_group = degf(subset(base, target == t)),
               estimate_svymean = coef(m)[[i]], se_svymean = SE(m)[[i]])
  }))
}
res <- rbind(
  domain_rows("moderne_ungdom", "unge", ~I(moderne %in% 4:5), subset(design, !is.na(moderne))),
  domain_rows("svaert_godt_meninger", "innenfra", ~I(inntrykk == 5),
              subset(design, !is.na(inntrykk) & inntrykk != 9)),
  domain_rows("svaert_godt", "utenfra", ~I(inntrykk == 5), subset(design, !is.na(inntrykk))))
rownames(res) <- NULL
write.csv(res, file.path(out_dir, "r_domains_2018.csv"), row.names = FALSE)
# Provenance: which data file these values belong to (the test refuses stale references).
sha <- system2("sha256sum", "surveys/2018/omdomme-2018.sav", stdout = TRUE)
writeLines(c(sprintf("data_sha256 = %s", sub(" .*", "", sha)), sprintf("r = %s", R.version.string),
             sprintf("survey = %s", as.character(packageVersion("survey")))),
           file.path(out_dir, "r_domains_2018.provenance.txt"))
print(res)
