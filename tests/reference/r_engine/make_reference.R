# Reference values from R's survey package for omdomme's estimation engine, on the
# project's own synthetic data (synthetic.csv, written by make_data.py with a fixed seed).
#
# Made with: R version 4.2.2 Patched (2022-11-10 r83330), survey 4.1.1 (Debian packages
# r-base-core, r-cran-survey). Regenerate with
#   Rscript tests/reference/r_engine/make_reference.R tests/reference/r_engine
# which writes r_engine_reference.csv (one row per estimate) and r_engine_vcov.csv (long
# format: case, i, j, value — covariance matrices of svyby(..., covmat = TRUE) and vcov()).
#
# The exact calls (d = the design of the row's `case`):
#   d1     svydesign(id = ~psu, strata = ~stratum, weights = ~w, fpc = ~fpc, nest = TRUE)
#   nofpc  svydesign(id = ~psu, strata = ~stratum, weights = ~w, nest = TRUE)   deff = "replace"
#   srs    svydesign(id = ~1, weights = ~w)                                      deff = "replace"
#   lonely_<opt>  svydesign(id = ~lonely_psu, strata = ~stratum, weights = ~w, fpc = ~fpc,
#                 nest = TRUE) with options(survey.lonely.psu = <opt>); stratum h8 has one PSU
#   mean / total  svymean / svytotal(~v, d, na.rm = TRUE, deff = <deff>), confint(df = degf(d))
#   ratio         svyratio(~y, ~x, d, na.rm = TRUE, deff = TRUE), confint(df = degf(d))
#   by rows       svyby(~v, ~region, subset(d, !is.na(v)), svymean|svytotal, deff = <deff>,
#                 covmat = TRUE) (covmat cannot drop NAs itself; subset() keeps the design); df = degf(d[region == r, ]) (the domain's PSUs minus strata),
#                 CI = estimate +- qt(0.975, df) * SE
#   by ratio      svyby(~y, ~region, subset(d, !is.na(y)), svyratio, denominator = ~x, covmat = TRUE)
#   proportion    svyciprop(~I(v == 1), d, method = m, na.rm = TRUE); by region:
#                 svyby(~I(v == 1), ~region, d, svyciprop, method = m, na.rm = TRUE,
#                 vartype = c("se", "ci")); df = degf(d[region == r, ])
#   contrast      svycontrast(svyby(~y, ~region, subset(d1, !is.na(y)), svymean, covmat = TRUE),
#                 c(A = 1, B = -1))  (domain A minus domain B, paired through the design)
#   vcov          d1_by_mean_y, d1_by_total_y, d1_by_prop_b (svyby(~b, ~region, d1, svymean,
#                 covmat = TRUE)), d1_by_ratio_y_x, d1_mean_x_b (vcov(svymean(~x + b, d1)))
suppressMessages(library(survey))
args <- commandArgs(trailingOnly = TRUE)
out_dir <- if (length(args)) args[1] else "."
syn <- read.csv(file.path(out_dir, "synthetic.csv"), stringsAsFactors = FALSE)
options(survey.lonely.psu = "fail")

rows <- list()
add <- function(case, estimator, variable, domain, method, est, se, lo, hi, df, deff = NA) {
  rows[[length(rows) + 1]] <<- data.frame(
    case = case, estimator = estimator, variable = variable, domain = domain, method = method,
    estimate = as.numeric(est), se = as.numeric(se), ci_low = as.numeric(lo),
    ci_high = as.numeric(hi), df = as.numeric(df), deff = as.numeric(deff),
    stringsAsFactors = FALSE)
}
vc <- list()
add_vcov <- function(case, v) {
  v <- as.matrix(v)
  idx <- expand.grid(i = seq_len(nrow(v)), j = seq_len(ncol(v)))
  vc[[length(vc) + 1]] <<- data.frame(case = case, i = idx$i, j = idx$j, value = v[cbind(idx$i, idx$j)])
}
dom_df <- function(d, r) degf(d[d$variables$region %in% r, ])

whole <- function(case, d, var, estimator, deff) {
  f <- as.formula(paste0("~", var))
  e <- if (estimator == "mean") svymean(f, d, na.rm = TRUE, deff = deff) else svytotal(f, d, na.rm = TRUE, deff = deff)
  ci <- confint(e, df = degf(d))
  add(case, estimator, var, "all", "wald_t", coef(e), SE(e), ci[1, 1], ci[1, 2], degf(d), deff(e))
}
by_dom <- function(case, d, var, estimator, deff, vcov_case = NULL) {
  f <- as.formula(paste0("~", var))
  fun <- if (estimator == "mean") svymean else svytotal
  # svyby(covmat = TRUE) cannot drop NA rows itself; a subset of the design is the same
  # domain (the PSUs and strata of the full design are kept by subset()).
  dv <- subset(d, !is.na(d$variables[[var]]))
  r <- svyby(f, ~region, dv, fun, deff = deff, covmat = TRUE)
  for (i in seq_len(nrow(r))) {
    dfi <- dom_df(d, r$region[i])
    half <- qt(0.975, dfi) * SE(r)[i]
    add(case, estimator, var, paste0("region=", r$region[i]), "wald_t", coef(r)[i], SE(r)[i],
        coef(r)[i] - half, coef(r)[i] + half, dfi, r[[grep("^DEff", names(r))[1]]][i])
  }
  if (!is.null(vcov_case)) add_vcov(vcov_case, vcov(r))
  r
}
props <- function(case, d, var, methods, by = TRUE) {
  f <- as.formula(paste0("~I(", var, " == 1)"))
  for (m in methods) {
    p <- svyciprop(f, d, method = m, na.rm = TRUE)
    ci <- attr(p, "ci")
    add(case, "proportion", var, "all", m, coef(p), SE(p), ci[1], ci[2], degf(d))
    if (by) {
      r <- svyby(f, ~region, d, svyciprop, method = m, na.rm = TRUE, vartype = c("se", "ci"))
      for (i in seq_len(nrow(r))) {
        add(case, "proportion", var, paste0("region=", r$region[i]), m, coef(r)[i], SE(r)[i],
            r[i, "ci_l"], r[i, "ci_u"], dom_df(d, r$region[i]))
      }
    }
  }
}

d1 <- svydesign(id = ~psu, strata = ~stratum, weights = ~w, fpc = ~fpc, nest = TRUE, data = syn)
whole("d1", d1, "y", "mean", TRUE); whole("d1", d1, "y", "total", TRUE); whole("d1", d1, "x", "mean", TRUE)
bym <- by_dom("d1", d1, "y", "mean", TRUE, "d1_by_mean_y")
by_dom("d1", d1, "y", "total", TRUE, "d1_by_total_y")
rt <- svyratio(~y, ~x, d1, na.rm = TRUE, deff = TRUE)
ci <- confint(rt, df = degf(d1))
add("d1", "ratio", "y/x", "all", "wald_t", coef(rt), SE(rt), ci[1], ci[2], degf(d1), attr(rt, "deff"))
rby <- svyby(~y, ~region, denominator = ~x, design = subset(d1, !is.na(y)), FUN = svyratio, covmat = TRUE)
for (i in seq_len(nrow(rby))) {
  dfi <- dom_df(d1, rby$region[i])
  half <- qt(0.975, dfi) * SE(rby)[i]
  add("d1", "ratio", "y/x", paste0("region=", rby$region[i]), "wald_t", coef(rby)[i], SE(rby)[i],
      coef(rby)[i] - half, coef(rby)[i] + half, dfi)
}
add_vcov("d1_by_ratio_y_x", vcov(rby))
props("d1", d1, "b", c("logit", "likelihood", "asin", "beta", "mean", "xlogit"))
props("d1", d1, "b_na", c("logit", "beta", "mean"))
add_vcov("d1_by_prop_b", vcov(svyby(~b, ~region, d1, svymean, covmat = TRUE)))
add_vcov("d1_mean_x_b", vcov(svymean(~x + b, d1)))
ct <- svycontrast(bym, c(A = 1, B = -1))
add("d1", "contrast", "y", "region=A-region=B", "wald_t", coef(ct), SE(ct), NA, NA, NA)

nofpc <- svydesign(id = ~psu, strata = ~stratum, weights = ~w, nest = TRUE, data = syn)
whole("nofpc", nofpc, "y", "mean", "replace"); whole("nofpc", nofpc, "y", "total", "replace")
by_dom("nofpc", nofpc, "y", "mean", "replace")
props("nofpc", nofpc, "b", c("logit", "beta"))

srs <- svydesign(id = ~1, weights = ~w, data = syn)
whole("srs", srs, "y", "mean", "replace"); whole("srs", srs, "x", "total", "replace")
by_dom("srs", srs, "y", "mean", "replace")
props("srs", srs, "b", c("logit"), by = FALSE)

for (opt in c("remove", "adjust", "average")) {
  options(survey.lonely.psu = opt)
  dl <- svydesign(id = ~lonely_psu, strata = ~stratum, weights = ~w, fpc = ~fpc, nest = TRUE, data = syn)
  case <- paste0("lonely_", opt)
  suppressWarnings({
    whole(case, dl, "y", "mean", TRUE); whole(case, dl, "y", "total", TRUE)
    by_dom(case, dl, "y", "mean", TRUE)
  })
}
options(survey.lonely.psu = "fail")

write.csv(do.call(rbind, rows), file.path(out_dir, "r_engine_reference.csv"), row.names = FALSE, na = "")
write.csv(do.call(rbind, vc), file.path(out_dir, "r_engine_vcov.csv"), row.names = FALSE)
cat(sprintf("%d rows, %d vcov cells (%s, survey %s)\n", length(rows), nrow(do.call(rbind, vc)),
            R.version.string, packageVersion("survey")))
