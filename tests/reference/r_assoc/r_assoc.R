# Reference values for omdomme's association frame (a multiple-response set) and the indicators
# over groups of its codes, computed with R's survey package on the shipped synthetic round
# surveys/2018/omdomme-2018.sav.
#
# Run from the repository root:  Rscript tests/reference/r_assoc/r_assoc.R [output folder]
# Produced with: R version 4.2.2 Patched (2022-11-10 r83330), survey 4.1.1, haven (user_na = TRUE
# so that the «vet ikke» code 99 stays a value, as omdomme.read keeps it).
#
# Design as omdomme analyse builds it: long format (one row per respondent × rated county),
# every respondent a cluster, the vendor weight on each of its rows, no strata, no fpc:
#   long <- svydesign(ids = ~respid, weights = ~vekt, data = long)
# Per long row, from the three code slots assos1..3 (codes 1-9 of the frame, 99 = vet ikke):
#   m_<category> = 1 if any slot has the category's code; vet_ikke = 1 if a slot has 99 and none
#   has a code; answered = any slot not missing (the base, «vet ikke» included);
#   verdier = m_verdier; kun_geografi = any of steder, sverige, natur and none of the others.
# Exact calls (in_domain TRUE/FALSE per long row; alle: TRUE; utenfra: residence != target):
#   svyby(~m_steder + ... + m_annet + vet_ikke + verdier + kun_geografi, ~target + in_domain,
#         subset(long, answered), svymean)                      # estimates and SEs
#   vcov(svymean(~m_steder + ... + vet_ikke, subset(long, answered & target == t)))
#                                                                # the joint covariance, domain alle
# Residence in 2024 county borders as in tests/reference/r_domains/r_domains.R.
suppressPackageStartupMessages({library(survey); library(haven)})
args <- commandArgs(trailingOnly = TRUE)
out_dir <- if (length(args) > 0) args[1] else "tests/reference/r_assoc"   # tests pass a scratch folder
options(digits = 17)
raw <- read_sav("surveys/2018/omdomme-2018.sav", user_na = TRUE)
num <- function(x) as.numeric(zap_labels(zap_missing(x)))
raw_num <- function(x) as.numeric(unclass(x))
kommune <- sprintf("%04d", as.integer(as.character(unclass(raw$kommune))))
moved <- c("0121" = "akershus", "0532" = "akershus", "0533" = "akershus", "0627" = "akershus",
           "0628" = "akershus", "0711" = "buskerud")
by_prefix <- c("01" = "ostfold", "02" = "akershus", "03" = "oslo", "06" = "buskerud", "07" = "vestfold")
residence <- ifelse(kommune %in% names(moved), moved[kommune], by_prefix[substr(kommune, 1, 2)])
stopifnot(!anyNA(residence))
tokens <- c(akershus = "aker", oslo = "oslo", buskerud = "busk", vestfold = "vestf", ostfold = "ostf")
frame <- c("steder", "sverige", "natur", "dialekt", "naeringsliv", "verdier", "kultur", "negativ", "annet")
long <- do.call(rbind, lapply(names(tokens), function(t) {
  slots <- sapply(1:3, function(i) raw_num(raw[[sprintf("assos%d_%s", i, tokens[[t]])]]))
  d <- data.frame(respid = num(raw$respid), vekt = num(raw$vekt), target = t,
                  residence = unname(residence), stringsAsFactors = FALSE)
  for (k in seq_along(frame)) d[[paste0("m_", frame[k])]] <- as.numeric(rowSums(slots == k, na.rm = TRUE) > 0)
  coded <- rowSums(slots >= 1 & slots <= 9, na.rm = TRUE) > 0
  d$vet_ikke <- as.numeric(rowSums(slots == 99, na.rm = TRUE) > 0 & !coded)
  d$answered <- rowSums(!is.na(slots)) > 0
  d$verdier <- d$m_verdier
  geo <- d$m_steder + d$m_sverige + d$m_natur > 0
  other <- rowSums(d[, paste0("m_", setdiff(frame, c("steder", "sverige", "natur")))]) > 0
  d$kun_geografi <- as.numeric(geo & !other)
  d
}))
long$alle <- TRUE
long$utenfra <- long$residence != long$target
design <- svydesign(ids = ~respid, weights = ~vekt, data = long)
base <- subset(design, answered)
vars <- c(paste0("m_", frame), "vet_ikke", "verdier", "kun_geografi")
ids <- c(paste0("assos_", frame), "assos_vet_ikke", "verdier", "kun_geografi")
f <- as.formula(paste("~", paste(vars, collapse = " + ")))
rows <- list()
for (domain in c("alle", "utenfra")) {
  b <- base
  b$variables$in_domain <- b$variables[[domain]]
  r <- svyby(f, ~target + in_domain, b, svymean)
  for (i in which(r$in_domain)) {
    t <- as.character(r$target[i])
    n <- sum(b$variables$target == t & b$variables$in_domain)
    for (j in seq_along(vars)) {
      rows[[length(rows) + 1]] <- data.frame(indicator = ids[j], domain = domain, target = t, n = n,
        estimate = r[i, vars[j]], se = r[i, paste0("se.", vars[j])])
    }
  }
}
res <- do.call(rbind, rows)
write.csv(res, file.path(out_dir, "r_assoc_2018.csv"), row.names = FALSE)
cv <- list()
fj <- as.formula(paste("~", paste(c(paste0("m_", frame), "vet_ikke"), collapse = " + ")))
for (t in names(tokens)) {
  v <- vcov(svymean(fj, subset(base, target == t)))
  for (a in seq_len(nrow(v))) for (b2 in seq_len(ncol(v))) {
    cv[[length(cv) + 1]] <- data.frame(target = t, domain = "alle", row = ids[a], col = ids[b2], cov = v[a, b2])
  }
}
write.csv(do.call(rbind, cv), file.path(out_dir, "r_assoc_2018_vcov.csv"), row.names = FALSE)
sha <- system2("sha256sum", "surveys/2018/omdomme-2018.sav", stdout = TRUE)
writeLines(c(sprintf("data_sha256 = %s", sub(" .*", "", sha)), sprintf("r = %s", R.version.string),
             sprintf("survey = %s", as.character(packageVersion("survey")))),
           file.path(out_dir, "r_assoc_2018.provenance.txt"))
