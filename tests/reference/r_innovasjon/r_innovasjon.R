# Reference values for omdomme's innovation survey estimates, computed by R `survey`.
#
# Produced with: R version 4.2.2 Patched (2022-11-10 r83330), survey 4.1.1 (Lumley).
# Run from the repository root:
#   Rscript tests/reference/r_innovasjon/r_innovasjon.R
# Input : tests/reference/r_innovasjon/innovasjon_input.csv  (one row per sampled firm; written by
#         tests/reference/r_innovasjon/export_input.py: the round's design columns, the county
#         omdomme places each firm in, and per indicator the analysed column(s):
#         share__<id> (0/1), total__<id> (NOK), num__<id> and den__<id> (a ratio's totals);
#         NA = the firm is outside that indicator's base). innovasjon_input.source.json names
#         the round file it came from, with its sha256 (synthetic round 2018, commit 1aeaa76).
# Output: tests/reference/r_innovasjon/r_innovasjon_reference.csv
#
# The design, exactly:
#   d <- svydesign(id = ~1, strata = ~stratum, fpc = ~N_stratum, weights = ~vekt, data = x)
# Shares (0/1 columns), for each column v = share__<id>:
#   svyby(~v, ~county, d, svymean, na.rm = TRUE)                            # estimate, SE
#   svyby(~v, ~county, d, svyciprop, vartype = c("se", "ci"), method = "logit", na.rm = TRUE)
#   svymean(~v, d, na.rm = TRUE); svyciprop(~v, d, method = "logit", na.rm = TRUE)   # Norway
#   (svyciprop's default df = degf(design) is that of the design it is given: inside svyby the
#    county's subset, i.e. the county's firms minus its strata -- firms whose value is NA stay
#    in the domain's design, as in omdomme's Survey; for Norway degf(d). See below for why the
#    logit interval is also written in closed form.)
# Totals: svyby(~total__<id>, ~county, d, svytotal); svytotal(~total__<id>, d)
# Ratios: svyby(~num__<id>, ~county, d, svyratio, denominator = ~den__<id>);
#         svyratio(~num__<id>, ~den__<id>, d)
# Totals and ratios are given a t interval with the domain's degrees of freedom
#   est +- qt(0.975, degf(subset(d, county == k))) * SE            (ci_method "wald_t")
# and for Norway degf(d).
suppressPackageStartupMessages(library(survey))
options(survey.lonely.psu = "fail")

# Optional argument: another folder holding an innovasjon_input.csv (the reference is written
# beside it), e.g. tests/reference/r_innovasjon/with_missing.
args <- commandArgs(trailingOnly = TRUE)
dir <- if (length(args) > 0) args[1] else "tests/reference/r_innovasjon"
x <- read.csv(file.path(dir, "innovasjon_input.csv"), stringsAsFactors = FALSE,
              colClasses = c(orgnr = "character", kommune = "character", stratum = "character",
                             county = "character"))
d <- svydesign(id = ~1, strata = ~stratum, fpc = ~N_stratum, weights = ~vekt, data = x)

nm <- names(x)
shares <- sub("^share__", "", grep("^share__", nm, value = TRUE))
totals <- sub("^total__", "", grep("^total__", nm, value = TRUE))
ratios <- sub("^num__", "", grep("^num__", nm, value = TRUE))

rows <- list()
add <- function(variable, target, estimator, est, se, lo, hi, df, n, method) {
  rows[[length(rows) + 1]] <<- data.frame(
    variable = variable, target = target, estimator = estimator,
    estimate = unname(est), se = unname(se), ci_low = unname(lo), ci_high = unname(hi),
    df = unname(df), n = unname(n), ci_method = method, stringsAsFactors = FALSE)
}
counties <- sort(unique(x$county))

# svyciprop(method = "logit") fits svyglm(y ~ 1, family = quasibinomial): its point estimate
# and interval carry the IRLS convergence tolerance (differences up to ~1e-9 relative from the
# exact svymean). The reference therefore holds svymean's exact estimate and SE and the logit
# interval in closed form, plogis(qlogis(p) -+ qt(0.975, df) * SE / (p (1 - p))) -- what
# svyciprop's glm converges to -- and, beside it, svyciprop's own interval
# (svyciprop_ci_low/high) to show the two agree to R's convergence tolerance.
logit_ci <- function(p, se, df) {
  h <- qt(0.975, df) * se / (p * (1 - p))
  c(plogis(qlogis(p) - h), plogis(qlogis(p) + h))
}
glm_ci <- list()

for (id in shares) {
  v <- paste0("share__", id)
  f <- as.formula(paste0("~", v))
  by <- svyby(f, ~county, d, svyciprop, vartype = c("se", "ci"), method = "logit", na.rm = TRUE)
  bm <- svyby(f, ~county, d, svymean, na.rm = TRUE)
  stopifnot(identical(by$county, bm$county),
            max(abs(as.numeric(coef(by)) - as.numeric(coef(bm)))) < 1e-8,
            max(abs(as.numeric(SE(by)) - as.numeric(SE(bm)))) < 1e-12)
  ci_glm <- cbind(by$ci_l, by$ci_u)  # svyciprop's own interval (confint(by) would be Wald)
  for (k in seq_along(bm$county)) {
    key <- bm$county[k]
    df <- degf(subset(d, county == key))  # what svyciprop's df = degf(design) is inside svyby
    p <- as.numeric(coef(bm)[k]); se <- as.numeric(SE(bm)[k])
    ci <- logit_ci(p, se, df)
    add(id, key, "proportion", p, se, ci[1], ci[2], df, sum(!is.na(x[[v]]) & x$county == key), "logit")
    glm_ci[[length(rows)]] <- ci_glm[k, ]
  }
  m <- svymean(f, d, na.rm = TRUE)
  p <- as.numeric(coef(m)); se <- as.numeric(SE(m)); df <- degf(d)
  ci <- logit_ci(p, se, df)
  add(id, "norge", "proportion", p, se, ci[1], ci[2], df, sum(!is.na(x[[v]])), "logit")
  glm_ci[[length(rows)]] <- attr(svyciprop(f, d, method = "logit", na.rm = TRUE), "ci")
}

tci <- function(est, se, df) c(est - qt(0.975, df) * se, est + qt(0.975, df) * se)

for (id in totals) {
  v <- paste0("total__", id)
  f <- as.formula(paste0("~", v))
  by <- svyby(f, ~county, d, svytotal, na.rm = TRUE)
  for (k in seq_along(by$county)) {
    key <- by$county[k]
    df <- degf(subset(d, county == key))
    ci <- tci(coef(by)[k], SE(by)[k], df)
    add(id, key, "total", coef(by)[k], SE(by)[k], ci[1], ci[2], df, sum(!is.na(x[[v]]) & x$county == key),
        "wald_t")
  }
  t <- svytotal(f, d, na.rm = TRUE)
  ci <- tci(coef(t), SE(t), degf(d))
  add(id, "norge", "total", coef(t), SE(t), ci[1], ci[2], degf(d), sum(!is.na(x[[v]])), "wald_t")
}

for (id in ratios) {
  ok <- !is.na(x[[paste0("num__", id)]]) & !is.na(x[[paste0("den__", id)]])
  num <- as.formula(paste0("~num__", id))
  den <- as.formula(paste0("~den__", id))
  by <- svyby(num, ~county, d, svyratio, denominator = den, na.rm = TRUE)
  for (k in seq_along(by$county)) {
    key <- by$county[k]
    df <- degf(subset(d, county == key))
    ci <- tci(coef(by)[k], SE(by)[k], df)
    add(id, key, "ratio", coef(by)[k], SE(by)[k], ci[1], ci[2], df, sum(ok & x$county == key), "wald_t")
  }
  q <- svyratio(num, den, d, na.rm = TRUE)
  se <- sqrt(as.numeric(vcov(q)))
  ci <- tci(coef(q), se, degf(d))
  add(id, "norge", "ratio", coef(q), se, ci[1], ci[2], degf(d), sum(ok), "wald_t")
}

out <- do.call(rbind, rows)
out$svyciprop_ci_low <- NA_real_
out$svyciprop_ci_high <- NA_real_
for (k in seq_along(glm_ci)) if (!is.null(glm_ci[[k]])) {
  out$svyciprop_ci_low[k] <- glm_ci[[k]][1]
  out$svyciprop_ci_high[k] <- glm_ci[[k]][2]
}
# 17 significant digits: the doubles survive the round trip through text.
num <- vapply(out, is.numeric, logical(1))
out[num] <- lapply(out[num], function(v) ifelse(is.na(v), NA, sprintf("%.17g", v)))
write.csv(out, file.path(dir, "r_innovasjon_reference.csv"), row.names = FALSE, quote = FALSE, na = "")
cat(sprintf("%s; survey %s; %d rows\n", R.version.string, packageVersion("survey"), nrow(out)))
