# Reference values for omdomme's analyst tables (issue #15), computed with R's survey package on
# the shipped synthetic round surveys/2018/omdomme-2018.sav: breakdown estimates, whole scales,
# mean and net scores, all pairs of counties and domain-vs-domain differences.
#
# Run from the repository root:  Rscript tests/reference/r_tables/r_tables.R [output folder]
# Produced with the R and survey versions written to r_tables_2018.provenance.txt; haven with
# user_na = TRUE so that the «vet ikke» code 9 stays a value, as omdomme.read keeps it.
#
# Design as omdomme analyse builds it: long format (one row per respondent × rated county),
# every respondent a cluster, the vendor weight on each of its rows, no strata, no fpc:
#   design <- svydesign(ids = ~respid, weights = ~vekt, data = long)
# A base (who answered; who has an opinion) is a subset of that design, a breakdown level or a
# domain a `by` group of it. Exact calls:
#   breakdown shares   svyby(~I(inntrykk == 5), ~target + kjonn, subset(design, !is.na(inntrykk)),
#                            svyciprop, method = "logit", vartype = c("se", "ci"))
#                      and the same with svymean of as.numeric(...) for the exact share and SE;
#                      df = degf(subset(<base>, target == t & kjonn == l)) (svyciprop inside svyby)
#   whole scales       svyby(~factor(inntrykk, levels = 1:5), ~target + <by>,
#                            subset(design, inntrykk %in% 1:5), svymean, covmat = TRUE)   (base valid)
#                      svyby(~factor(kjennskap, levels = c(1:4, 9)), ~target + <by>,
#                            subset(design, !is.na(kjennskap)), svymean, covmat = TRUE)  (base all)
#   mean score         svyby(~inntrykk, ~target + <by>, subset(design, inntrykk %in% 1:5), svymean);
#                      t interval est ± qt(0.975, df) se with the domain's df
#   net score          svycontrast(<whole scale>, top-2 minus bottom-2 codes of each target × level)
#   all pairs          svycontrast(svyby(~as.numeric(...), ~target + <by>, <base>, svymean,
#                                        covmat = TRUE), a − b) for every pair of counties
#   domain vs domain   the same svyby, contrast of one county's two levels (kvinne − mann,
#                      innenfra − utenfra, each pair of age bands / samples)
# Residence in 2024 county borders as in tests/reference/r_domains/r_domains.R.
suppressPackageStartupMessages({library(survey); library(haven)})
args <- commandArgs(trailingOnly = TRUE)
out_dir <- if (length(args) > 0) args[1] else "tests/reference/r_tables"   # tests pass a scratch folder
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
alder <- num(raw$alder)
aldersgruppe <- cut(alder, c(17, 29, 44, 59, 80), labels = c("18-29", "30-44", "45-59", "60-80"))
long <- do.call(rbind, lapply(names(tokens), function(t) {
  tok <- tokens[[t]]
  a <- sapply(1:3, function(j) raw_num(raw[[paste0("assos", j, "_", tok)]]))
  data.frame(
    respid = num(raw$respid), vekt = num(raw$vekt), target = t, residence = unname(residence),
    kjonn = c("mann", "kvinne")[num(raw$kjonn)], aldersgruppe = as.character(aldersgruppe),
    utvalg = c("hoved", "boost")[num(raw$utvalg)],
    kjennskap = raw_num(raw[[paste0("kj_", tok)]]), inntrykk = raw_num(raw[[paste0("inntrykk_", tok)]]),
    moderne = raw_num(raw[[paste0("moderne_", tok)]]),
    assos_answered = rowSums(!is.na(a)) > 0, verdier = rowSums(a == 6, na.rm = TRUE) > 0,
    stringsAsFactors = FALSE)
}))
long$innenfra <- ifelse(long$residence == long$target, "innenfra", "utenfra")
long$alle <- "alle"
design <- svydesign(ids = ~respid, weights = ~vekt, data = long)
targets <- names(tokens)
breakdowns <- list(kjonn = c("mann", "kvinne"), aldersgruppe = c("18-29", "30-44", "45-59", "60-80"),
                   utvalg = c("hoved", "boost"))
# indicator -> (0/1 value, base)
indicators <- list(
  vet_ikke = list(value = quote(kjennskap == 9), base = quote(!is.na(kjennskap))),
  svaert_godt = list(value = quote(inntrykk == 5), base = quote(!is.na(inntrykk))),
  svaert_godt_meninger = list(value = quote(inntrykk == 5), base = quote(!is.na(inntrykk) & inntrykk != 9)),
  verdier = list(value = quote(verdier), base = quote(assos_answered)))
base_of <- function(expr) {
  d <- design
  keep <- eval(expr, d$variables)
  d[keep, ]   # subset() of a design: every respondent keeps its cluster
}
domain_df <- function(base, t, by, level) {
  v <- base$variables
  degf(base[v$target == t & v[[by]] == level, ])
}
level_domain <- function(by, level) if (by %in% c("alle", "innenfra")) level else paste0(by, "=", level)

# ---- 1. breakdown shares (logit CI from svyciprop; exact share and SE from svymean)
rows <- list()
for (ind in names(indicators)) {
  spec <- indicators[[ind]]
  base <- base_of(spec$base)
  for (by in names(breakdowns)) {
    f_prop <- as.formula(paste0("~I(", deparse(spec$value), ")"))
    f_mean <- as.formula(paste0("~as.numeric(", deparse(spec$value), ")"))
    by_f <- as.formula(paste0("~target + ", by))
    r <- svyby(f_prop, by_f, base, svyciprop, method = "logit", vartype = c("se", "ci"))
    m <- svyby(f_mean, by_f, base, svymean)
    for (i in seq_len(nrow(r))) {
      t <- as.character(r$target[i]); l <- as.character(r[[by]][i])
      rows[[length(rows) + 1]] <- data.frame(
        part = "breakdown", indicator = ind, domain = level_domain(by, l), target = t, category = "",
        n = sum(base$variables$target == t & base$variables[[by]] == l),
        estimate = coef(m)[[i]], se = SE(m)[[i]], ci_low = r[i, "ci_l"], ci_high = r[i, "ci_u"],
        df = domain_df(base, t, by, l), estimate_svyciprop = coef(r)[[i]])
    }
  }
}
breakdown <- do.call(rbind, rows)

# ---- 2. whole scales and 4. net scores (svycontrast of the scale shares)
scale_rows <- list(); net_rows <- list()
scales <- list(
  inntrykk_fordeling = list(q = "inntrykk", codes = c(1:5), base = quote(inntrykk %in% 1:5),
                            top = c(4, 5), bottom = c(1, 2), net = "inntrykk_netto"),
  kjennskap_fordeling = list(q = "kjennskap", codes = c(1:4, 9), base = quote(!is.na(kjennskap)),
                             top = c(1, 2), bottom = c(3, 4), net = "kjennskap_netto"))
for (sc in names(scales)) {
  spec <- scales[[sc]]
  base <- base_of(spec$base)
  f <- as.formula(sprintf("~factor(%s, levels = c(%s))", spec$q, paste(spec$codes, collapse = ", ")))
  for (by in c("alle", "innenfra", "kjonn")) {
    r <- svyby(f, as.formula(paste0("~target + ", by)), base, svymean, covmat = TRUE)
    est <- coef(r); se <- sqrt(diag(vcov(r)))   # in the order of coef(r) and vcov(r)
    groups <- data.frame(target = as.character(r$target), level = as.character(r[[by]]))
    k <- length(spec$codes)
    for (g in seq_len(nrow(groups))) {
      t <- groups$target[g]; l <- groups$level[g]
      df <- domain_df(base, t, by, l)
      pos <- (seq_len(k) - 1) * nrow(groups) + g   # coef(svyby): variable-major (a code's groups together)
      for (j in seq_len(k)) {
        code <- spec$codes[j]
        scale_rows[[length(scale_rows) + 1]] <- data.frame(
          part = "scale", indicator = sc, domain = level_domain(by, l), target = t,
          category = if (code == 9) "vet_ikke" else as.character(code),
          n = sum(base$variables$target == t & base$variables[[by]] == l),
          estimate = est[[pos[j]]], se = se[[pos[j]]], ci_low = NA, ci_high = NA, df = df,
          estimate_svyciprop = NA)
      }
      w <- rep(0, length(est))
      w[pos[spec$codes %in% spec$top]] <- 1
      w[pos[spec$codes %in% spec$bottom]] <- -1
      ct <- svycontrast(r, w)
      q <- qt(0.975, df)
      net_rows[[length(net_rows) + 1]] <- data.frame(
        part = "net", indicator = spec$net, domain = level_domain(by, l), target = t, category = "",
        n = sum(base$variables$target == t & base$variables[[by]] == l),
        estimate = coef(ct)[[1]], se = SE(ct)[[1]], ci_low = coef(ct)[[1]] - q * SE(ct)[[1]],
        ci_high = coef(ct)[[1]] + q * SE(ct)[[1]], df = df, estimate_svyciprop = NA)
    }
  }
}
scale <- do.call(rbind, scale_rows); net <- do.call(rbind, net_rows)

# ---- 3. mean scores
mean_rows <- list()
base <- base_of(quote(inntrykk %in% 1:5))
for (by in c("alle", "innenfra", names(breakdowns))) {
  r <- svyby(~inntrykk, as.formula(paste0("~target + ", by)), base, svymean)
  for (i in seq_len(nrow(r))) {
    t <- as.character(r$target[i]); l <- as.character(r[[by]][i])
    df <- domain_df(base, t, by, l)
    q <- qt(0.975, df)
    mean_rows[[length(mean_rows) + 1]] <- data.frame(
      part = "mean", indicator = "inntrykk_snitt", domain = level_domain(by, l), target = t, category = "",
      n = sum(base$variables$target == t & base$variables[[by]] == l),
      estimate = coef(r)[[i]], se = SE(r)[[i]], ci_low = coef(r)[[i]] - q * SE(r)[[i]],
      ci_high = coef(r)[[i]] + q * SE(r)[[i]], df = df, estimate_svyciprop = NA)
  }
}
means <- do.call(rbind, mean_rows)
estimates <- rbind(breakdown, scale, net, means)
write.csv(estimates, file.path(out_dir, "r_tables_estimates_2018.csv"), row.names = FALSE, na = "")

# ---- 5. all pairs of counties and domain-vs-domain differences, from one svyby with covmat
contrast_rows <- list()
pairs_of <- function(x) { out <- list(); for (i in seq_along(x)) for (j in seq_along(x)) if (i < j) out[[length(out) + 1]] <- c(x[i], x[j]); out }
contrasts_for <- function(indicator, f, base, by) {
  r <- svyby(f, as.formula(paste0("~target + ", by)), base, svymean, covmat = TRUE)
  key <- paste(as.character(r$target), as.character(r[[by]]), sep = "|")
  df_of <- function(t, l) domain_df(base, t, by, l)
  out <- list()
  levels <- unique(as.character(r[[by]]))
  for (l in levels) for (p in pairs_of(targets)) {   # every pair of counties within one level
    w <- as.numeric(key == paste(p[1], l, sep = "|")) - as.numeric(key == paste(p[2], l, sep = "|"))
    ct <- svycontrast(r, w)
    out[[length(out) + 1]] <- data.frame(comparison = "pair", indicator = indicator, domain_a = level_domain(by, l),
      domain_b = level_domain(by, l), target_a = p[1], target_b = p[2], difference = coef(ct)[[1]],
      se = SE(ct)[[1]], df_a = df_of(p[1], l), df_b = df_of(p[2], l), degf = degf(design))
  }
  if (length(levels) > 1) for (t in targets) for (p in pairs_of(levels)) {   # one county, two levels
    w <- as.numeric(key == paste(t, p[1], sep = "|")) - as.numeric(key == paste(t, p[2], sep = "|"))
    ct <- svycontrast(r, w)
    out[[length(out) + 1]] <- data.frame(comparison = "domain", indicator = indicator,
      domain_a = level_domain(by, p[1]), domain_b = level_domain(by, p[2]), target_a = t, target_b = t,
      difference = coef(ct)[[1]], se = SE(ct)[[1]], df_a = df_of(t, p[1]), df_b = df_of(t, p[2]),
      degf = degf(design))
  }
  do.call(rbind, out)
}
for (by in c("alle", "innenfra", names(breakdowns))) {
  contrast_rows[[length(contrast_rows) + 1]] <- contrasts_for(
    "svaert_godt", ~as.numeric(inntrykk == 5), base_of(quote(!is.na(inntrykk))), by)
  contrast_rows[[length(contrast_rows) + 1]] <- contrasts_for(
    "inntrykk_snitt", ~inntrykk, base_of(quote(inntrykk %in% 1:5)), by)
}
contrasts <- do.call(rbind, contrast_rows)
write.csv(contrasts, file.path(out_dir, "r_tables_contrasts_2018.csv"), row.names = FALSE, na = "")
# Provenance: which data file these values belong to (the test refuses stale references).
sha <- system2("sha256sum", "surveys/2018/omdomme-2018.sav", stdout = TRUE)
writeLines(c(sprintf("data_sha256 = %s", sub(" .*", "", sha)), sprintf("r = %s", R.version.string),
             sprintf("survey = %s", as.character(packageVersion("survey")))),
           file.path(out_dir, "r_tables_2018.provenance.txt"))
cat(nrow(estimates), "estimates,", nrow(contrasts), "contrasts\n")
