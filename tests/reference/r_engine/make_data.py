"""Synthetic test data for the estimation engine's own R reference (``make_reference.R``).

Run once: ``python tests/reference/r_engine/make_data.py`` writes ``synthetic.csv`` (committed).
About 3000 rows: 8 strata with 3-9 PSUs each (PSUs nested in strata, fpc = population number
of PSUs), unequal weights, 5 domains (``region``) crossing the strata, a continuous ``y``
with a few nulls, a positive ``x`` (ratio denominator), 0/1 ``b`` (no nulls) and ``b_na``
(a few nulls), and ``lonely_stratum``: the same strata with stratum ``h8`` reduced to one PSU
(for the lonely-PSU options).
"""

from pathlib import Path

import numpy as np
import polars as pl

rng = np.random.default_rng(20181)
rows = []
psu_id = 0
for h in range(1, 9):
    n_psu = int(rng.integers(3, 10))
    pop_psu = n_psu * int(rng.integers(2, 12))
    for _ in range(n_psu):
        psu_id += 1
        size = int(rng.integers(25, 95))
        effect = rng.normal(0, 4)
        for _ in range(size):
            rows.append((f"h{h}", psu_id, pop_psu, effect))
n = len(rows)
stratum = np.array([r[0] for r in rows])
psu = np.array([r[1] for r in rows])
fpc = np.array([r[2] for r in rows], dtype=float)
effect = np.array([r[3] for r in rows])
region = rng.choice(["A", "B", "C", "D", "E"], size=n, p=[0.35, 0.25, 0.2, 0.15, 0.05])
w = np.round(rng.gamma(4.0, 10.0, size=n) + 5, 3)
x = np.round(rng.gamma(3.0, 20.0, size=n) + 1, 3)
y = np.round(50 + effect + 3 * (region == "B") + 0.2 * x + rng.normal(0, 10, size=n), 3)
lin = -0.5 + 0.02 * effect + 0.6 * (region == "C") + 0.01 * (x - 60)
b = (rng.random(n) < 1 / (1 + np.exp(-lin))).astype(int)
b_na = np.where(rng.random(n) < 0.4, 1, 0).astype(float)
y = np.where(rng.random(n) < 0.02, np.nan, y)
b_na = np.where(rng.random(n) < 0.03, np.nan, b_na)
lonely_psu = np.where(stratum == "h8", psu[stratum == "h8"].min(), psu)
df = pl.DataFrame(
    {
        "id": np.arange(1, n + 1),
        "stratum": stratum,
        "psu": psu,
        "fpc": fpc,
        "w": w,
        "region": region,
        "y": y,
        "x": x,
        "b": b,
        "b_na": b_na,
        "lonely_psu": lonely_psu,
    }
).with_columns(pl.col("y", "b_na").fill_nan(None))
df.write_csv(Path(__file__).with_name("synthetic.csv"))
print(n, "rows")
