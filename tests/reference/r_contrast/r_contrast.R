# Reference values for omdomme.estimate.contrast.independent (the change between two rounds)
# and for the Holm families of `omdomme compare 2016 2018`, by hand computation in R.
#
# Produced with: R version 4.2.2 Patched (2022-11-10 r83330) (base R only: stats::qt, pt,
# p.adjust). R's survey package has no Welch–Satterthwaite df for svycontrast of two
# independent designs, so the formulas are written out here, each in its textbook form:
#
#   var  = se_2018^2 + se_2016^2                                  (independent samples)
#   df   = var^2 / (se_2018^4 / df_2018 + se_2016^4 / df_2016)    (Welch–Satterthwaite)
#   diff = estimate_2018 - estimate_2016;  CI = diff -/+ qt(0.975, df) * sqrt(var)
#   p    = 2 * pt(-abs(diff / sqrt(var)), df)
#   ratio = estimate_2018 / estimate_2016 (kind share, total, ratio; both > 0),
#   CI   = ratio * exp(-/+ qt(0.975, df) * sqrt(se_2018^2/estimate_2018^2 + se_2016^2/estimate_2016^2))
#   p_adjusted = p.adjust(p, "holm") within each family round:2016-2018:<survey>:<domain>,
#                over the comparable rows (a series break is not tested: NA)
#
# Input : tests/reference/r_contrast/r_contrast_input.csv, written by export_contrast_input.py from
#         analyses/2016 and analyses/2018 of the shipped synthetic rounds (each round's
#         estimates are checked against R survey in tests/reference/r_domains, r_paired and
#         r_innovasjon).
# Output: tests/reference/r_contrast/r_contrast_reference.csv (17 significant digits).
# Run from the repository root:
#   Rscript tests/reference/r_contrast/r_contrast.R [input.csv] [output.csv]
args <- commandArgs(trailingOnly = TRUE)
input <- if (length(args) > 0) args[1] else "tests/reference/r_contrast/r_contrast_input.csv"
output <- if (length(args) > 1) args[2] else "tests/reference/r_contrast/r_contrast_reference.csv"
x <- read.csv(input, stringsAsFactors = FALSE)
x$comparable <- as.logical(x$comparable)

va <- x$se_2018^2
vb <- x$se_2016^2
df <- (va + vb)^2 / (va^2 / x$df_2018 + vb^2 / x$df_2016)
difference <- x$estimate_2018 - x$estimate_2016
se <- sqrt(va + vb)
q <- qt(0.975, df)
p <- 2 * pt(-abs(difference / se), df)
ratio_ok <- x$kind %in% c("share", "total", "ratio") & x$estimate_2018 > 0 & x$estimate_2016 > 0
ratio <- ifelse(ratio_ok, x$estimate_2018 / x$estimate_2016, NA)
se_log <- sqrt(va / x$estimate_2018^2 + vb / x$estimate_2016^2)
family <- paste("round:2016-2018", x$survey, x$domain, sep = ":")
p_adjusted <- rep(NA_real_, nrow(x))
for (f in unique(family)) {
  i <- which(family == f & x$comparable)
  p_adjusted[i] <- p.adjust(p[i], method = "holm")
}
out <- data.frame(
  survey = x$survey, indicator = x$indicator, domain = x$domain, target = x$target,
  family = family, difference = difference, se = se, df = df,
  ci_low = difference - q * se, ci_high = difference + q * se, p_value = p, p_adjusted = p_adjusted,
  ratio = ratio, ratio_ci_low = ratio * exp(-q * se_log), ratio_ci_high = ratio * exp(q * se_log),
  stringsAsFactors = FALSE
)
num <- vapply(out, is.numeric, logical(1))
out[num] <- lapply(out[num], function(v) ifelse(is.na(v), NA, sprintf("%.17g", v)))
write.csv(out, output, row.names = FALSE, na = "")
cat(sprintf("%s: %d rows; %s\n", output, nrow(out), R.version.string))
