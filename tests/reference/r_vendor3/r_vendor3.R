# Reference values for the third vendor's round (vendor C, surveys/2026/omdomme-2026.sav): every
# indicator × rated county × domain and Østfold's paired differences with each other county,
# computed with R's survey package from the vendor's file as delivered (issue #13); and the
# association frame (issue #16): the share mentioning each of the nine categories and «vet ikke»
# × domain × rated county (200 rows, r_vendor3_assoc.csv) with the joint covariance of Østfold's
# ten shares per domain (r_vendor3_assoc_vcov.csv), from the multiple-dichotomy set as delivered.
#
# Run from the repository root:  Rscript tests/reference/r_vendor3/r_vendor3.R [output folder]
# Produced with: R version 4.2.2 Patched (2022-11-10 r83330), survey 4.1.1, haven (user_na = TRUE,
# so that «Vet ikke» 98 and «Ønsker ikke å svare» 99 stay values, as omdomme.read keeps them).
#
# The vendor's layout is read here from the file itself, independently of omdomme's definition:
# - the grids Q1_i (awareness), Q2_i (impression), Q3_i (modern firms) and the dichotomies
#   Q4_i_k are numbered in the vendor's county order, which is taken from the variable labels
#   («… - Østfold»); Q2_i and Q3_i must name the same county as Q1_i;
# - 98 = «Vet ikke» (an answer: in the base of base = "all"), 99 = «Ønsker ikke å svare»
#   (nonresponse: in no base), system-missing = nonresponse;
# - associations: 0 «Ikke nevnt» / 1 «Nevnt» per code of the frame (Q4_i_1 … Q4_i_9) and a
#   «Vet ikke» item (Q4_i_98); a respondent × county with every item 99 or missing is
#   nonresponse; «verdier» is code 6; «kun_geografi» is a mention of 1-3 (steder, sverige,
#   natur) and of none of 4-9;
# - the awareness scale is reversed (1 = «Ikke i det hele tatt» … 4 = «Svært godt»);
# - residence: numeric municipality codes (301 = Oslo's 0301) of 2026, whose first two digits
#   are the 2024 county (31 Østfold, 32 Akershus, 03 Oslo, 33 Buskerud, 39 Vestfold).
#
# Design as omdomme analyse builds it: long format (one row per respondent × rated county), every
# respondent a cluster, the vendor weight `Vekt`, then [weighting]: raked with one crossed margin,
# i.e. post-stratified, to SSB's population 1 January 2024 by county × sex × age group
# (18–29, 30–44, 45–59, 60–80; src/omdomme/data/oslofjord_pop_by_fylke2024_sex_age_2015_2024.csv),
# the totals multiplied by the five rated counties, so that each long row carries the
# respondent's calibrated weight:
#   long <- svydesign(ids = ~ID, weights = ~Vekt, data = long)
#   cal  <- postStratify(long, ~cell, population)
# (calibrate(long, ~cell - 1, totals) gives the same SEs to 1e-15. survey 4.1.1's rake() with
# this single margin gives the same weights but SEs about 0.1 % larger: its variance is not
# that of post-stratification, which is what one crossed margin is.)
# Exact calls, one per indicator × domain (y is the 0/1 indicator, NA outside its base; dom the
# domain's membership):
#   base <- subset(cal, !is.na(y) & dom)
#   m    <- svyby(~y0, ~target, base, svymean)                            # estimate, se
#   ci   <- svyby(~I(y0 == 1), ~target, base, svyciprop, method = "logit", vartype = "ci")
# (y0: y with 0 for the rows outside the base, which the subset of a calibrated design keeps
# with zero weight)
#   df   <- degf(subset(base, target == t))                                # the domain's own df
# and the paired difference Østfold − b from the totals of y and of the base indicator per
# county on the whole calibrated design (svyby(covmat = TRUE) fails on a subset of a raked
# design in survey 4.1.1):
#   tot <- svytotal(~num_ostfold + ... + den_ostfold + ..., cal)
#   svycontrast(tot, quote(num_ostfold / den_ostfold - num_b / den_b))
# whose per-county SEs are checked equal to svyby's (1e-10).
# The pair's df is the smallest of the two counties' df and the design's (omdomme's rule).
suppressPackageStartupMessages({library(survey); library(haven)})
args <- commandArgs(trailingOnly = TRUE)
out_dir <- if (length(args) > 0) args[1] else "tests/reference/r_vendor3"
options(digits = 17)
file <- "surveys/2026/omdomme-2026.sav"
raw <- read_sav(file, user_na = TRUE)
num <- function(x) as.numeric(zap_labels(zap_missing(x)))
raw_num <- function(x) as.numeric(unclass(x))   # keeps user-missing codes as values

names_ <- c(akershus = "Akershus", oslo = "Oslo", buskerud = "Buskerud", vestfold = "Vestfold",
            ostfold = "Østfold")
county_in_label <- function(v) {
  lab <- attr(raw[[v]], "label")
  hit <- names(names_)[vapply(names_, function(n) grepl(n, lab, fixed = TRUE), logical(1))]
  stopifnot(length(hit) == 1)
  hit
}
order <- vapply(1:5, function(i) county_in_label(paste0("Q1_", i)), character(1))
for (q in c("Q2_", "Q3_")) stopifnot(identical(order, vapply(1:5, function(i) county_in_label(paste0(q, i)), character(1))))
# The frame's categories from the dichotomies' labels («Hva forbinder du med Oslo? - Steder, byer»).
frame_ids <- c("Steder, byer" = "steder", "Sverige, grensehandel" = "sverige", "Natur, kyst" = "natur",
               "Dialekt" = "dialekt", "Næringsliv, industri" = "naeringsliv", "Verdier, egenskaper" = "verdier",
               "Kultur, historie" = "kultur", "Negative stereotypier" = "negativ", "Annet" = "annet",
               "Vet ikke" = "vet_ikke")
item_codes <- c(1:9, 98)
for (i in 1:5) {
  stopifnot(identical(order[i], county_in_label(sprintf("Q4_%d_1", i))))
  stopifnot(identical(unname(frame_ids[sub(".* - ", "", vapply(item_codes, function(k)
    attr(raw[[sprintf("Q4_%d_%d", i, k)]], "label"), character(1)))]), unname(frame_ids)))
}
stopifnot(setequal(order, names(names_)))

kommune <- sprintf("%04d", as.integer(num(raw$Kommunenr)))
by_prefix <- c("31" = "ostfold", "32" = "akershus", "03" = "oslo", "33" = "buskerud", "39" = "vestfold")
residence <- unname(by_prefix[substr(kommune, 1, 2)])
stopifnot(!anyNA(residence))
sex <- c("1" = "mann", "2" = "kvinne")[as.character(num(raw$Kjonn))]
age <- num(raw$Alder)
stopifnot(!anyNA(sex), !anyNA(age))
groups <- list(c(18, 29), c(30, 44), c(45, 59), c(60, 80))
group_label <- vapply(groups, function(g) sprintf("%d-%d", g[1], g[2]), character(1))
age_group <- rep(NA_character_, length(age))
for (k in seq_along(groups)) age_group[age >= groups[[k]][1] & age <= groups[[k]][2]] <- group_label[k]
stopifnot(!anyNA(age_group))

answered <- function(x) !is.na(x) & x != 99
long <- do.call(rbind, lapply(seq_along(order), function(i) {
  t <- order[i]
  kj <- raw_num(raw[[paste0("Q1_", i)]]); inn <- raw_num(raw[[paste0("Q2_", i)]]); mod <- raw_num(raw[[paste0("Q3_", i)]])
  items <- sapply(c(1:9, 98), function(k) raw_num(raw[[sprintf("Q4_%d_%d", i, k)]]))
  assoc_answered <- rowSums(answered(items)) > 0
  verdier <- items[, 6] == 1 & !is.na(items[, 6])
  named <- !is.na(items) & items == 1
  kun_geografi <- rowSums(named[, 1:3, drop = FALSE]) > 0 & rowSums(named[, 4:9, drop = FALSE]) == 0
  # The whole frame (assos_<category>): mentioned or not, base everyone who answered; assos_vet_ikke
  # is the «Vet ikke» item with no category mentioned.
  frame <- as.data.frame(setNames(lapply(1:10, function(k) {
    hit <- if (k <= 9) named[, k] else named[, 10] & rowSums(named[, 1:9, drop = FALSE]) == 0
    ifelse(assoc_answered, as.numeric(hit), NA)
  }), paste0("assos_", frame_ids)))
  cbind(data.frame(
    ID = num(raw$ID), Vekt = num(raw$Vekt), target = t, residence = residence, age = age,
    cell = paste(residence, sex, age_group, sep = ":"),
    vet_ikke = ifelse(answered(kj), as.numeric(kj == 98), NA),
    svaert_godt = ifelse(answered(inn), as.numeric(inn == 5), NA),
    svaert_godt_meninger = ifelse(answered(inn) & inn != 98, as.numeric(inn == 5), NA),
    moderne_ungdom = ifelse(answered(mod), as.numeric(mod %in% 4:5), NA),
    verdier = ifelse(assoc_answered, as.numeric(verdier), NA),
    kun_geografi = ifelse(assoc_answered, as.numeric(kun_geografi), NA),
    stringsAsFactors = FALSE), frame)
}))
long$alle <- TRUE
long$innenfra <- long$residence == long$target
long$utenfra <- long$residence != long$target
long$unge <- long$innenfra & long$age >= 18 & long$age <= 29

pop <- read.csv("src/omdomme/data/oslofjord_pop_by_fylke2024_sex_age_2015_2024.csv",
                colClasses = c(fylke_2024 = "character"))
pop <- pop[pop$year == 2024 & pop$sex != "total", ]
pop$county <- unname(by_prefix[pop$fylke_2024])
pop <- pop[!is.na(pop$county), ]   # the file also holds Telemark (40)
pop$sex <- c(male = "mann", female = "kvinne")[pop$sex]
pop$age_group <- NA_character_
for (k in seq_along(groups)) pop$age_group[pop$age >= groups[[k]][1] & pop$age <= groups[[k]][2]] <- group_label[k]
pop <- pop[!is.na(pop$age_group), ]
pop$cell <- paste(pop$county, pop$sex, pop$age_group, sep = ":")
population <- aggregate(persons ~ cell, data = pop, FUN = sum)
population <- data.frame(cell = population$cell, Freq = 5 * population$persons)   # five rated counties
stopifnot(all(long$cell %in% population$cell))

design <- svydesign(ids = ~ID, weights = ~Vekt, data = long)
cal <- postStratify(design, ~cell, population)

cells <- list(vet_ikke = c("alle", "innenfra", "utenfra"), svaert_godt = c("alle", "innenfra", "utenfra"),
              svaert_godt_meninger = c("alle", "innenfra", "utenfra"), moderne_ungdom = "unge",
              verdier = c("alle", "utenfra"), kun_geografi = c("alle", "utenfra"))
estimates <- list(); pairs <- list()
for (indicator in names(cells)) for (domain in cells[[indicator]]) {
  cal$variables$y <- cal$variables[[indicator]]
  cal$variables$dom <- cal$variables[[domain]]
  # A subset of a calibrated design keeps the rows outside it (with zero weight): y0 is y with
  # those rows' NA set to 0, so that svymean sees no NA.
  cal$variables$y0 <- ifelse(is.na(cal$variables$y), 0, cal$variables$y)
  base <- subset(cal, !is.na(y) & dom)
  m <- svyby(~y0, ~target, base, svymean)
  ci <- svyby(~I(y0 == 1), ~target, base, svyciprop, method = "logit", vartype = "ci")
  targets <- as.character(m$target)
  df <- vapply(targets, function(t) degf(subset(base, target == t)), numeric(1))
  n <- vapply(targets, function(t) sum(!is.na(long[[indicator]]) & long[[domain]] & long$target == t), numeric(1))
  # svyciprop's logit interval by its formula (the logit of the share ± t(df) × its delta-method
  # SE), for the cells where svyciprop's glm on the subset fails (it returns [0, 0] for one).
  p <- coef(m); half <- qt(0.975, df) * SE(m) / (p * (1 - p))
  estimates[[paste(indicator, domain)]] <- data.frame(
    indicator = indicator, domain = domain, target = targets, n = n, estimate = coef(m), se = SE(m),
    ci_low = ci$ci_l, ci_high = ci$ci_u, ci_low_formula = plogis(qlogis(p) - half),
    ci_high_formula = plogis(qlogis(p) + half), df = df)
  # Paired differences: each county's share is a domain mean, a ratio of totals on the whole
  # calibrated design (numerator y·1[county, base, domain], denominator 1[county, base, domain]);
  # svycontrast linearises the ratios as svyby's domain estimator does, with their covariance.
  ins <- with(cal$variables, !is.na(y) & dom)
  for (t in targets) {
    cal$variables[[paste0("num_", t)]] <- ifelse(ins & cal$variables$target == t, cal$variables$y, 0)
    cal$variables[[paste0("den_", t)]] <- as.numeric(ins & cal$variables$target == t)
  }
  tot <- svytotal(as.formula(paste("~", paste(c(paste0("num_", targets), paste0("den_", targets)), collapse = " + "))), cal)
  ratios <- setNames(lapply(targets, function(t) parse(text = sprintf("num_%s / den_%s", t, t))[[1]]), targets)
  both <- svycontrast(tot, ratios)
  stopifnot(isTRUE(all.equal(unname(SE(both)), unname(SE(m)), tolerance = 1e-10)))
  for (b in setdiff(targets, "ostfold")) {
    ct <- svycontrast(tot, parse(text = sprintf("num_ostfold / den_ostfold - num_%s / den_%s", b, b))[[1]])
    pairs[[paste(indicator, domain, b)]] <- data.frame(
      indicator = indicator, domain = domain, target_a = "ostfold", target_b = b,
      difference = coef(ct)[[1]], se = SE(ct)[[1]],
      df = min(df[["ostfold"]], df[[b]], degf(cal)))
  }
}
# The association frame (issue #16): every category × domain × rated county, the same calls as
# above (svyby(~y0, ~target, subset(cal, !is.na(y) & dom), svymean), degf per county), and the
# joint covariance of Østfold's ten shares in each domain from the totals on the whole
# calibrated design (svycontrast of the ten ratios num_c / den).
frame_rows <- list(); frame_vcov <- list()
for (indicator in paste0("assos_", frame_ids)) for (domain in c("alle", "innenfra", "utenfra", "unge")) {
  cal$variables$y <- cal$variables[[indicator]]
  cal$variables$dom <- cal$variables[[domain]]
  cal$variables$y0 <- ifelse(is.na(cal$variables$y), 0, cal$variables$y)
  base <- subset(cal, !is.na(y) & dom)
  m <- svyby(~y0, ~target, base, svymean)
  targets <- as.character(m$target)
  frame_rows[[paste(indicator, domain)]] <- data.frame(
    indicator = indicator, domain = domain, target = targets,
    n = vapply(targets, function(t) sum(!is.na(long[[indicator]]) & long[[domain]] & long$target == t), numeric(1)),
    estimate = coef(m), se = SE(m),
    df = vapply(targets, function(t) degf(subset(base, target == t)), numeric(1)))
}
for (domain in c("alle", "innenfra", "utenfra", "unge")) {
  ins <- with(cal$variables, !is.na(assos_steder) & cal$variables[[domain]] & target == "ostfold")
  cal$variables$den <- as.numeric(ins)
  for (c in frame_ids) cal$variables[[paste0("num_", c)]] <- ifelse(ins, cal$variables[[paste0("assos_", c)]], 0)
  tot <- svytotal(as.formula(paste("~den +", paste(paste0("num_", frame_ids), collapse = " + "))), cal)
  shares <- svycontrast(tot, setNames(lapply(frame_ids, function(c) parse(text = sprintf("num_%s / den", c))[[1]]),
                                      paste0("assos_", frame_ids)))
  v <- vcov(shares)
  frame_vcov[[domain]] <- data.frame(domain = domain, target = "ostfold", row = rep(rownames(v), times = ncol(v)),
                                     col = rep(colnames(v), each = nrow(v)), cov = as.vector(v))
}
frame_rows <- do.call(rbind, frame_rows); rownames(frame_rows) <- NULL
frame_vcov <- do.call(rbind, frame_vcov); rownames(frame_vcov) <- NULL
write.csv(frame_rows, file.path(out_dir, "r_vendor3_assoc.csv"), row.names = FALSE)
write.csv(frame_vcov, file.path(out_dir, "r_vendor3_assoc_vcov.csv"), row.names = FALSE)

estimates <- do.call(rbind, estimates); rownames(estimates) <- NULL
pairs <- do.call(rbind, pairs); rownames(pairs) <- NULL
write.csv(estimates, file.path(out_dir, "r_vendor3_estimates.csv"), row.names = FALSE)
write.csv(pairs, file.path(out_dir, "r_vendor3_pairs.csv"), row.names = FALSE)
# Provenance: which data file these values belong to (the test refuses stale references).
sha <- system2("sha256sum", file, stdout = TRUE)
writeLines(c(sprintf("data_sha256 = %s", sub(" .*", "", sha)), sprintf("r = %s", R.version.string),
             sprintf("survey = %s", as.character(packageVersion("survey"))),
             sprintf("vendor_order = %s", paste(order, collapse = ","))),
           file.path(out_dir, "r_vendor3.provenance.txt"))
cat(nrow(estimates), "estimates,", nrow(pairs), "paired differences,", nrow(frame_rows), "frame shares\n")
