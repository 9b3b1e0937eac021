# Reference values for omdomme's paired county comparison (Østfold − Akershus), computed with
# R's survey package on the shipped synthetic round surveys/2018/omdomme-2018.sav.
#
# Run from the repository root:  Rscript tests/reference/r_paired/r_paired.R [output folder]
# Produced with: R version 4.2.2 Patched (2022-11-10 r83330), survey 4.1.1, haven (user_na = TRUE
# so that the «vet ikke» code 9 stays a value, as omdomme.read keeps it).
#
# Design: every respondent is a cluster (ids = ~respid), vendor weight `vekt`, no strata, no fpc:
# degf = n − 1. The wide design (one row per respondent) gives the paired difference directly:
#   svymean(~y_ostf + y_aker) then svycontrast(c(1, −1)).
# The indicator «svaert_godt_meninger» (base «valid»: vet ikke excluded) has NAs that differ
# between the counties, so each county's share is a domain mean: a ratio of totals
# (svytotal of numerator and denominator, then svycontrast on the ratio expressions).
suppressPackageStartupMessages({library(survey); library(haven)})
args <- commandArgs(trailingOnly = TRUE)
out_dir <- if (length(args) > 0) args[1] else "tests/reference/r_paired"   # tests pass a scratch folder
options(digits = 17)
raw <- read_sav("surveys/2018/omdomme-2018.sav", user_na = TRUE)
num <- function(x) as.numeric(zap_labels(zap_missing(x)))
raw_num <- function(x) as.numeric(unclass(x))   # keeps user-missing codes as values
d <- data.frame(respid = num(raw$respid), vekt = num(raw$vekt))
for (t in c("ostf", "aker")) {
  inn <- raw_num(raw[[paste0("inntrykk_", t)]])
  kj <- raw_num(raw[[paste0("kj_", t)]])
  d[[paste0("svaert_godt_", t)]] <- as.numeric(inn == 5)          # base all: vet ikke counts as «not»
  d[[paste0("vet_ikke_", t)]] <- as.numeric(kj == 9)
  d[[paste0("meninger_", t)]] <- ifelse(inn == 9, NA, as.numeric(inn == 5))
}
wide <- svydesign(ids = ~respid, weights = ~vekt, data = d)
out <- list()
for (ind in c("svaert_godt", "vet_ikke")) {
  f <- as.formula(paste0("~", ind, "_ostf + ", ind, "_aker"))
  m <- svymean(f, wide)
  v <- vcov(m)
  ct <- svycontrast(m, c(1, -1))
  out[[ind]] <- data.frame(indicator = ind, domain = "alle", design = "wide",
    estimate_ostfold = coef(m)[[1]], estimate_akershus = coef(m)[[2]],
    se_ostfold = sqrt(v[1, 1]), se_akershus = sqrt(v[2, 2]), cov = v[1, 2],
    difference = coef(ct)[[1]], se_difference = SE(ct)[[1]], degf = degf(wide))
}
# Domain means are ratios of totals: y/valid; the delta method (svycontrast on an expression)
# linearises them exactly as svyby's domain estimator does.
d$num_ostf <- ifelse(is.na(d$meninger_ostf), 0, d$meninger_ostf)
d$den_ostf <- as.numeric(!is.na(d$meninger_ostf))
d$num_aker <- ifelse(is.na(d$meninger_aker), 0, d$meninger_aker)
d$den_aker <- as.numeric(!is.na(d$meninger_aker))
wide <- svydesign(ids = ~respid, weights = ~vekt, data = d)
tot <- svytotal(~num_ostf + den_ostf + num_aker + den_aker, wide)
both <- svycontrast(tot, list(ostfold = quote(num_ostf / den_ostf), akershus = quote(num_aker / den_aker)))
v <- vcov(both)
ct <- svycontrast(tot, quote(num_ostf / den_ostf - num_aker / den_aker))
out[["meninger"]] <- data.frame(indicator = "svaert_godt_meninger", domain = "alle", design = "wide, ratio of totals",
  estimate_ostfold = coef(both)[["ostfold"]], estimate_akershus = coef(both)[["akershus"]],
  se_ostfold = sqrt(v[1, 1]), se_akershus = sqrt(v[2, 2]),
  cov = v[1, 2], difference = coef(ct)[[1]], se_difference = SE(ct)[[1]], degf = degf(wide))
res <- do.call(rbind, out)
write.csv(res, file.path(out_dir, "r_paired_2018.csv"), row.names = FALSE)
# Provenance: which data file these values belong to (the test refuses stale references).
sha <- system2("sha256sum", "surveys/2018/omdomme-2018.sav", stdout = TRUE)
writeLines(c(sprintf("data_sha256 = %s", sub(" .*", "", sha)), sprintf("r = %s", R.version.string),
             sprintf("survey = %s", as.character(packageVersion("survey")))),
           file.path(out_dir, "r_paired_2018.provenance.txt"))
print(res)
