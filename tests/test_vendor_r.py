"""The third vendor's round (vendor C, surveys/2026) against R's survey package.

R reads the vendor's file as delivered and works out the layout from the file itself
(tests/reference/r_vendor3/r_vendor3.R: county order from the variable labels, 98/99 by their
labels, the dichotomies, residence from the numeric municipality codes) and rakes the long
design to SSB's county × sex × age group. omdomme reads the same file through its definition.
Every indicator × rated county × domain and Østfold's paired differences must agree: estimate
and SE within 1e-9 (relative), df and n exactly.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from omdomme.analysis.counties import county_comparisons
from omdomme.analysis.reputation import estimate_reputation
from omdomme.definitions import load_definition

REPO = Path(__file__).resolve().parents[1]
REFERENCE = REPO / "tests" / "reference" / "r_vendor3"
# OMDOMME_R_VENDOR3_ROOT: check another copy of the round (while its files are being made).
ROOT = Path(os.environ.get("OMDOMME_R_VENDOR3_ROOT", REPO))
KEYS = ["indicator", "domain", "target"]


@pytest.fixture(scope="module")
def omdomme_2026() -> tuple[pl.DataFrame, pl.DataFrame]:
    d = load_definition(2026, root=ROOT)
    provenance = dict(line.split(" = ", 1) for line in
                      (REFERENCE / "r_vendor3.provenance.txt").read_text(encoding="utf-8").splitlines())
    assert provenance["data_sha256"] == hashlib.sha256(d.data_path.read_bytes()).hexdigest(), (
        "surveys/2026/omdomme-2026.sav changed since the R reference was made; rerun "
        "`Rscript tests/reference/r_vendor3/r_vendor3.R` and commit its output")
    # R found the vendor's county order in the labels; the definition declares the same.
    assert tuple(provenance["vendor_order"].split(",")) == d.target_order
    r = estimate_reputation(d, *d.read())
    return r.estimates, county_comparisons(r.estimates, r.vcov, df=r.degf)


def test_every_indicator_county_and_domain_matches_r(omdomme_2026: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    estimates, _ = omdomme_2026
    # The domains of the definition (the [breakdowns] rows are checked by their own tests); the
    # association frame's assos_* rows are checked against R in tests/reference/r_assoc (2018) and
    # equal to the code-slot layout's in test_vendor; kun_geografi, over its dichotomies, is here.
    estimates = estimates.filter(pl.col("breakdown").is_null()) if "breakdown" in estimates.columns else estimates
    estimates = estimates.filter(~pl.col("indicator").str.starts_with("assos_"))
    ref = pl.read_csv(REFERENCE / "r_vendor3_estimates.csv")
    joined = ref.join(estimates, on=KEYS, how="full", suffix="_py", coalesce=True)
    assert joined.height == ref.height == estimates.height == 70
    assert joined["n_py"].to_list() == joined["n"].to_list()
    assert joined["df_py"].to_list() == joined["df"].cast(pl.Float64).to_list()
    for column in ("estimate", "se"):
        np.testing.assert_allclose(joined[f"{column}_py"].to_numpy(), joined[column].to_numpy(),
                                   rtol=1e-9, atol=0, err_msg=column)
    # svyciprop's logit interval comes from glm (stops at a 1e-8 deviance change); on one cell
    # (vet_ikke, innenfra, vestfold) its glm on the subset fails and returns [0, 0], so every
    # cell is checked against the interval's formula too (logit ± t(df) × delta-method SE).
    valid = joined.filter(pl.col("ci_high") > pl.col("ci_low"))
    assert valid.height >= 69
    for column in ("ci_low", "ci_high"):
        np.testing.assert_allclose(valid[f"{column}_py"].to_numpy(), valid[column].to_numpy(),
                                   rtol=0, atol=1e-8, err_msg=column)
        np.testing.assert_allclose(joined[f"{column}_py"].to_numpy(), joined[f"{column}_formula"].to_numpy(),
                                   rtol=1e-9, atol=0, err_msg=f"{column} (formula)")


def test_paired_differences_match_r(omdomme_2026: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    _, comparisons = omdomme_2026
    ref = pl.read_csv(REFERENCE / "r_vendor3_pairs.csv")
    ours = comparisons.filter(pl.col("target_a") == "ostfold").select(
        "indicator", "domain", "target_a", "target_b", "difference", "se", "df")
    joined = ref.join(ours, on=["indicator", "domain", "target_a", "target_b"], how="left", suffix="_py")
    assert joined.height == ref.height == 56 and joined["difference_py"].null_count() == 0
    assert joined["df_py"].to_list() == joined["df"].cast(pl.Float64).to_list()
    for column in ("difference", "se"):
        np.testing.assert_allclose(joined[f"{column}_py"].to_numpy(), joined[column].to_numpy(),
                                   rtol=1e-9, atol=1e-15, err_msg=column)
