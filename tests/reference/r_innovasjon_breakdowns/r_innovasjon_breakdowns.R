# Reference values for omdomme's innovation breakdowns (issue #15, item 5), computed with R's survey
# package on the shipped synthetic round surveys/2018/innovasjon-2018.sav (definition
# surveys/2018/innovasjon.toml: breakdowns naering, storrelse, ansatte).
#
# Produced with: R version 4.2.2 Patched (2022-11-10 r83330), survey 4.1.1, haven (versions and the
# data file's sha256 in r_innovasjon_breakdowns_2018.provenance.txt).
# Run from the repository root:
#   Rscript tests/reference/r_innovasjon_breakdowns/r_innovasjon_breakdowns.R [output folder]
# Output: r_innovasjon_breakdowns_2018.csv (tests pass a scratch folder to check it is reproduced)
#
# The design, exactly, on every firm of the file (never a re-designed subset):
#   d <- svydesign(ids = ~1, strata = ~stratum, fpc = ~N_stratum, weights = ~vekt, data = x)
# County: the firm's 2018 municipality in 2024 county borders (Rømskog, Jevnaker, Lunner, Røyken,
# Hurum to Akershus, Svelvik to Buskerud), other counties `utenfor`, code 9999 «Uoppgitt» `ukjent`.
# Levels: naering = nace 1..7 (industri, bygg_anlegg, varehandel, transport, ikt, faglig, andre);
# storrelse = the size class code 1..6; ansatte = employees in 10-19, 20-49, 50-99, 100+.
# For each breakdown b, as domains of the full design (svyby subsets d; its firms outside a cell
# keep their stratum, the fpc is the full design's):
#   shares  svyby(~v, ~county + b, d, svymean, na.rm = TRUE)  and  svyby(~v, ~b, d, svymean, ...)   (Norway)
#           with v = as.numeric(inno_akt == 1) etc.
#   totals  svyby(~fou_utg, ~county + b, d, svytotal, na.rm = TRUE);  svyby(~fou_utg, ~b, d, svytotal, ...)
#   ratios  svyby(~fou_utg, ~county + b, d, svyratio, denominator = ~ansatte, na.rm = TRUE)
#           svyby(~oms_nye, ~county + b, d, svyratio, denominator = ~omsetning, na.rm = TRUE); and by ~b
#   df      degf(subset(d, county == k & b == l))   (the cell's firms minus its strata); Norway × level
#           degf(subset(d, b == l))
#   n       the cell's firms with a value
suppressPackageStartupMessages({library(survey); library(haven)})
options(survey.lonely.psu = "fail")
args <- commandArgs(trailingOnly = TRUE)
out_dir <- if (length(args) > 0) args[1] else "tests/reference/r_innovasjon_breakdowns"
raw <- read_sav("surveys/2018/innovasjon-2018.sav", user_na = TRUE)
num <- function(x) as.numeric(zap_labels(zap_missing(x)))
kommune <- trimws(as.character(unclass(raw$kommune)))
moved <- c("0121" = "akershus", "0532" = "akershus", "0533" = "akershus", "0627" = "akershus",
           "0628" = "akershus", "0711" = "buskerud")
by_prefix <- c("01" = "ostfold", "02" = "akershus", "03" = "oslo", "06" = "buskerud", "07" = "vestfold")
county <- ifelse(kommune %in% names(moved), moved[kommune], by_prefix[substr(kommune, 1, 2)])
county <- ifelse(kommune == "9999", "ukjent", ifelse(is.na(county), "utenfor", county))
ansatte <- num(raw$ansatte)
x <- data.frame(
  stratum = num(raw$stratum), N_stratum = num(raw$N_stratum), vekt = num(raw$vekt), county = unname(county),
  naering = c("industri", "bygg_anlegg", "varehandel", "transport", "ikt", "faglig", "andre")[num(raw$nace)],
  storrelse = as.character(num(raw$storrelse)),
  ansatte = as.character(cut(ansatte, c(9.5, 19.5, 49.5, 99.5, Inf), labels = c("10-19", "20-49", "50-99", "100+"))),
  stringsAsFactors = FALSE)
for (v in c("inno_akt", "produkt", "prod_vare", "prod_tjen", "prosess", "fou_egen")) x[[v]] <- as.numeric(num(raw[[v]]) == 1)
for (v in c("fou_utg", "oms_nye", "omsetning")) x[[v]] <- num(raw[[v]])
x$n_ansatte <- ansatte
stopifnot(!anyNA(x$naering), !anyNA(x$storrelse), !anyNA(x$ansatte))
d <- svydesign(ids = ~1, strata = ~stratum, fpc = ~N_stratum, weights = ~vekt, data = x)

shares <- c(innovasjonsaktivitet = "inno_akt", produktinnovasjon = "produkt", produktinnovasjon_varer = "prod_vare",
            produktinnovasjon_tjenester = "prod_tjen", prosessinnovasjon = "prosess", egen_fou = "fou_egen")
ratios <- list(fou_per_ansatt = c("fou_utg", "n_ansatte"), omsetning_nye_produkter = c("oms_nye", "omsetning"))
rows <- list()
cell_df <- function(b, k, l) {
  v <- d$variables
  if (is.na(k)) degf(d[v[[b]] == l, ]) else degf(d[v$county == k & v[[b]] == l, ])
}
add <- function(b, indicator, estimator, res, by, value_cols) {
  for (i in seq_len(nrow(res))) {
    k <- if ("county" %in% by) res$county[i] else NA
    l <- res[[b]][i]
    inside <- if (is.na(k)) x[[b]] == l else x$county == k & x[[b]] == l
    ok <- Reduce(`&`, lapply(value_cols, function(v) !is.na(x[[v]])))
    rows[[length(rows) + 1]] <<- data.frame(
      breakdown = b, level = l, target = if (is.na(k)) "norge" else k, indicator = indicator,
      estimator = estimator, estimate = unname(coef(res)[i]), se = unname(SE(res)[i]),
      df = cell_df(b, k, l), n = sum(inside & ok), stringsAsFactors = FALSE)
  }
}
for (b in c("naering", "storrelse", "ansatte")) {
  for (by in list(c("county", b), b)) {
    f_by <- as.formula(paste0("~", paste(by, collapse = " + ")))
    for (id in names(shares)) {
      res <- svyby(as.formula(paste0("~", shares[[id]])), f_by, d, svymean, na.rm = TRUE)
      add(b, id, "proportion", res, by, shares[[id]])
    }
    res <- svyby(~fou_utg, f_by, d, svytotal, na.rm = TRUE)
    add(b, "fou_utgifter", "total", res, by, "fou_utg")
    for (id in names(ratios)) {
      r <- ratios[[id]]
      res <- svyby(as.formula(paste0("~", r[1])), f_by, d, svyratio,
                   denominator = as.formula(paste0("~", r[2])), na.rm = TRUE)
      add(b, id, "ratio", res, by, r)
    }
  }
}
out <- do.call(rbind, rows)
# 17 significant digits: the doubles survive the round trip through text.
num_cols <- vapply(out, is.numeric, logical(1))
out[num_cols] <- lapply(out[num_cols], function(v) ifelse(is.na(v), NA, sprintf("%.17g", v)))
write.csv(out, file.path(out_dir, "r_innovasjon_breakdowns_2018.csv"), row.names = FALSE, quote = FALSE, na = "")
sha <- system2("sha256sum", "surveys/2018/innovasjon-2018.sav", stdout = TRUE)
writeLines(c(sprintf("data_sha256 = %s", sub(" .*", "", sha)), paste("r =", R.version.string), paste("survey =", packageVersion("survey")),
             paste("haven =", packageVersion("haven")), paste("rows =", nrow(out))),
           file.path(out_dir, "r_innovasjon_breakdowns_2018.provenance.txt"))
cat(sprintf("%s; survey %s; %d rows\n", R.version.string, packageVersion("survey"), nrow(out)))
