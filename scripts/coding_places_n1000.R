# Export Kartverket's N1000 place names (StedsnavnTekst) with the municipality each lies in,
# for scripts/coding_places.py (which keeps the kinds people name and maps the municipality to
# its 2024 county). Source: the R package N1000 by Håkon Malmedal, version 25.1.1 (data from
# Kartverket, N1000 kartdata, CC BY 4.0, «© Kartverket»), https://github.com/hmalmedal/N1000,
# commit 9c51b85b889366ae3a9e0b9f50a2f7b227779684, files data/StedsnavnTekst.rda and
# data/Kommune.rda. The .rda files load without the sf package (geometries are plain matrices).
#
# The exact call that wrote scripts/coding_places_n1000.csv:
#
#   git -C N1000 show HEAD:data/StedsnavnTekst.rda > /tmp/n1000/StedsnavnTekst.rda
#   git -C N1000 show HEAD:data/Kommune.rda > /tmp/n1000/Kommune.rda
#   Rscript scripts/coding_places_n1000.R /tmp/n1000 scripts/coding_places_n1000.csv
#
# Each name's point is the middle of its label line (EPSG:25833, like the municipality
# polygons). A point inside a municipality polygon (ray casting) takes that municipality; a
# point in none (a fjord, an island off the simplified coast line) takes the municipality with
# the nearest polygon vertex, and `inside` says which.

args <- commandArgs(trailingOnly = TRUE)
dir <- args[1]
out <- args[2]
suppressWarnings({
  load(file.path(dir, "StedsnavnTekst.rda"))
  load(file.path(dir, "Kommune.rda"))
})
names_ <- StedsnavnTekst
kommune <- Kommune

in_ring <- function(x, y, ring) {
  n <- nrow(ring)
  xi <- ring[, 1]; yi <- ring[, 2]
  xj <- c(xi[n], xi[-n]); yj <- c(yi[n], yi[-n])
  crosses <- ((yi > y) != (yj > y)) & (x < (xj - xi) * (y - yi) / (yj - yi) + xi)
  sum(crosses) %% 2 == 1
}

rings <- lapply(kommune[["område"]], function(g) unclass(g)[[1]])
knr <- kommune$kommunenummer
pts <- t(sapply(names_$geometri, function(g) colMeans(unclass(g))))

find <- function(x, y) {
  for (i in seq_along(rings)) {
    r <- rings[[i]]
    if (x >= min(r[, 1]) && x <= max(r[, 1]) && y >= min(r[, 2]) && y <= max(r[, 2]) && in_ring(x, y, r)) {
      return(c(knr[i], "1"))
    }
  }
  d <- sapply(rings, function(r) min((r[, 1] - x)^2 + (r[, 2] - y)^2))
  c(knr[which.min(d)], "0")
}

found <- t(mapply(find, pts[, 1], pts[, 2]))
res <- data.frame(
  name = names_$fulltekst,
  type = names_$navneobjekttype,
  group = names_$navneobjekthovedgruppe,
  stedsnummer = names_$stedsnummer,
  kommunenummer = found[, 1],
  inside = found[, 2],
  stringsAsFactors = FALSE
)
res <- res[order(res$name, res$type, res$kommunenummer), ]
res <- unique(res)
con <- file(out, open = "w", encoding = "UTF-8")
writeLines(c(
  "# Kartverket N1000 StedsnavnTekst (© Kartverket, CC BY 4.0), via the R package N1000 25.1.1",
  "# (hmalmedal/N1000, commit 9c51b85). Written by scripts/coding_places_n1000.R; do not edit."
), con)
write.csv(res, con, row.names = FALSE, fileEncoding = "UTF-8")
close(con)
