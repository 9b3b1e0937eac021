"""The third vendor's round (vendor C, surveys/2026) against R's survey package.

R reads the vendor's file as delivered and works out the layout from the file itself
(tests/reference/r_vendor3/r_vendor3.R: county order from the variable labels, 98/99 by their
labels, the dichotomies, residence from the numeric municipality codes) and rakes the long
design to SSB's county × sex × age group. omdomme reads the same file through its definition.
Every indicator × rated county × domain and Østfold's paired differences must agree: estimate
and SE within 1e-9 (relative), df and n exactly; so must the association frame's 200 rows
(``assos_<category>`` and ``assos_vet_ikke`` × 4 domains × 5 counties, from the vendor's
multiple-dichotomy set) and the joint covariance of Østfold's ten frame shares per domain.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest

from _rscript import assert_r_reproduces
from omdomme.analysis.associations import frame_covariance
from omdomme.analysis.counties import county_comparisons
from omdomme.analysis.reputation import estimate_reputation
from omdomme.definitions import load_definition

REPO = Path(__file__).resolve().parents[1]
REFERENCE = REPO / "tests" / "reference" / "r_vendor3"
# OMDOMME_R_VENDOR3_ROOT: check another copy of the round (while its files are being made).
ROOT = Path(os.environ.get("OMDOMME_R_VENDOR3_ROOT", REPO))
KEYS = ["indicator", "domain", "target"]


@pytest.fixture(scope="module")
def estimated_2026() -> Any:
    d = load_definition(2026, root=ROOT)
    provenance = dict(line.split(" = ", 1) for line in
                      (REFERENCE / "r_vendor3.provenance.txt").read_text(encoding="utf-8").splitlines())
    assert provenance["data_sha256"] == hashlib.sha256(d.data_path.read_bytes()).hexdigest(), (
        "surveys/2026/omdomme-2026.sav changed since the R reference was made; rerun "
        "`Rscript tests/reference/r_vendor3/r_vendor3.R` and commit its output")
    # R found the vendor's county order in the labels; the definition declares the same.
    assert tuple(provenance["vendor_order"].split(",")) == d.target_order
    return estimate_reputation(d, *d.read())


@pytest.fixture(scope="module")
def omdomme_2026(estimated_2026: Any) -> tuple[pl.DataFrame, pl.DataFrame]:
    r = estimated_2026
    return r.estimates, county_comparisons(r.estimates, r.vcov, df=r.degf)


def test_every_indicator_county_and_domain_matches_r(omdomme_2026: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    estimates, _ = omdomme_2026
    # The domains of the definition (the [breakdowns] rows are checked by their own tests); the
    # association frame's assos_* rows have a test of their own below.
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


def test_the_association_frame_matches_r(estimated_2026: Any) -> None:
    # R reads the dichotomies Q4_i_1 … Q4_i_98 by their labels; omdomme through [questions.assosiasjon.dichotomies].
    frame = estimated_2026.estimates.filter(pl.col("indicator").str.starts_with("assos_"))
    frame = frame.filter(pl.col("breakdown").is_null()) if "breakdown" in frame.columns else frame
    ref = pl.read_csv(REFERENCE / "r_vendor3_assoc.csv")
    joined = ref.join(frame, on=KEYS, how="full", suffix="_py", coalesce=True)
    assert joined.height == ref.height == frame.height == 200
    assert joined["estimate_py"].null_count() == 0 and joined["estimate"].null_count() == 0
    assert joined["n_py"].to_list() == joined["n"].to_list()
    assert joined["df_py"].to_list() == joined["df"].cast(pl.Float64).to_list()
    for column in ("estimate", "se"):
        np.testing.assert_allclose(joined[f"{column}_py"].to_numpy(), joined[column].to_numpy(),
                                   rtol=1e-9, atol=1e-15, err_msg=column)


def test_the_frame_covariance_matches_r(estimated_2026: Any) -> None:
    ref = pl.read_csv(REFERENCE / "r_vendor3_assoc_vcov.csv")
    assert ref.height == 4 * 10 * 10
    for domain in ("alle", "innenfra", "utenfra", "unge"):
        ours = frame_covariance(estimated_2026, "ostfold", domain)
        theirs = ref.filter(pl.col("domain") == domain).select("row", "col", "cov")
        joined = theirs.join(ours, on=["row", "col"], how="full", suffix="_py", coalesce=True)
        assert joined.height == 100 and joined["cov_py"].null_count() == 0, domain
        scale = float(np.abs(joined["cov"].to_numpy()).max())
        np.testing.assert_allclose(joined["cov_py"].to_numpy(), joined["cov"].to_numpy(),
                                   rtol=0, atol=1e-9 * scale, err_msg=domain)


@pytest.mark.needs_r
def test_committed_r_vendor3_values_are_what_r_computes(tmp_path: Path) -> None:
    assert_r_reproduces(REFERENCE / "r_vendor3.R", REFERENCE, ("r_vendor3_estimates.csv", "r_vendor3_pairs.csv",
                        "r_vendor3_assoc.csv", "r_vendor3_assoc_vcov.csv"), tmp_path)
