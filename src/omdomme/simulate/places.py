"""Where synthetic people and firms live: municipality codes valid in a round's year.

A person or firm is first placed in a 2024 municipality (so its county is the 2024 county,
the borders in which SSB's population table and ``county_of(..., borders=2024)`` work), and
then given the code of the municipality that covered that place in the round's year:
``0121`` Rømskog (Østfold) in 2016 for some of today's Aurskog-Høland (Akershus), Viken codes
``30xx`` in 2020 and 2022, the new ``31xx``/``32xx``/``33xx``/``39xx`` codes from 2024.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import numpy as np
import polars as pl

from omdomme.labels import COUNTIES

__all__ = ["COUNTIES", "FYLKE_2024", "assign_kommune", "code_version", "kommune_frame"]

FYLKE_2024 = {"32": "akershus", "03": "oslo", "33": "buskerud", "39": "vestfold", "31": "ostfold"}

# Rough adult-population weights (thousands of inhabitants, 2024) of the 2024 municipalities
# of the five counties, so that most synthetic residents live in the towns, as real ones
# do; municipalities not listed weigh 3. Only the county totals come from SSB exactly.
_WEIGHT_2024 = {
    "0301": 717.0,
    "3101": 31.6, "3103": 50.3, "3105": 59.0, "3107": 84.0, "3110": 4.8, "3112": 7.7,
    "3114": 6.0, "3116": 3.9, "3118": 46.0, "3120": 8.4, "3122": 3.6, "3124": 1.3,
    "3201": 130.0, "3203": 98.0, "3205": 92.0, "3207": 63.0, "3209": 43.0, "3212": 20.0,
    "3214": 16.0, "3216": 19.0, "3218": 22.0, "3220": 11.5, "3222": 48.0, "3224": 19.0,
    "3226": 18.0, "3228": 24.0, "3230": 7.2, "3232": 25.0, "3234": 9.2, "3236": 7.0,
    "3238": 15.0, "3240": 27.0, "3242": 2.9,
    "3301": 104.0, "3303": 28.0, "3305": 31.0, "3310": 7.0, "3312": 28.0, "3314": 20.0,
    "3316": 14.5, "3318": 2.2, "3320": 1.1, "3322": 3.3, "3324": 4.6, "3326": 2.6,
    "3328": 4.6, "3330": 4.4, "3332": 3.5, "3334": 2.8, "3336": 1.4, "3338": 2.4,
    "3901": 27.8, "3903": 25.7, "3905": 58.5, "3907": 65.5, "3909": 48.5, "3911": 27.3,
}


def code_version(year: int) -> str:
    """The Klass version of the municipality division valid on 1 January of ``year``.

    Examples
    --------
    >>> code_version(2016), code_version(2021), code_version(2026)
    ('Kommuneinndeling 2015', 'Kommuneinndeling 2020', 'Kommuneinndeling 2024')
    """
    versions = {2015: 2015, 2016: 2015, 2017: 2017, 2018: 2018, 2019: 2019, 2020: 2020, 2021: 2020,
                2022: 2022, 2023: 2023}
    return f"Kommuneinndeling {versions.get(year, 2024 if year >= 2024 else 2015)}"


@cache
def _crosswalk() -> pl.DataFrame:
    path = resources.files("omdomme.data").joinpath("kommune_to_2024_crosswalk_2015_2024.csv")
    with resources.as_file(path) as p:
        raw = pl.read_csv(p, infer_schema=False)
    # A split old municipality (Stokke 0720 -> Tønsberg; Sandefjord) is a predecessor of each part.
    return raw.with_columns(pl.col("code_2024").str.split(";")).explode("code_2024")


@cache
def kommune_frame(year: int) -> pl.DataFrame:
    """Every (2024 municipality, municipality code of ``year``) pair, with county and weight.

    Columns: ``code_2024``, ``code`` (valid in ``year``), ``county`` (2024 county key, or
    ``utenfor``), ``weight`` (the 2024 municipality's rough weight shared equally among the
    codes of ``year`` that cover it).

    Examples
    --------
    >>> f = kommune_frame(2016)
    >>> f.filter(pl.col("code") == "0121")["county"].to_list()
    ['akershus']
    """
    cw = _crosswalk().filter(pl.col("version") == code_version(year))
    frame = (
        cw.select("code_2024", "code", pl.col("fylke_2024"))
        .unique()
        .with_columns(
            pl.col("fylke_2024").replace_strict(FYLKE_2024, default="utenfor").alias("county"),
            pl.col("code_2024").replace_strict(_WEIGHT_2024, default=3.0, return_dtype=pl.Float64).alias("w"),
        )
        .with_columns((pl.col("w") / pl.len().over("code_2024")).alias("weight"))
        .select("code_2024", "code", "county", "weight")
        .sort("code_2024", "code")
    )
    return frame


def assign_kommune(county: np.ndarray, year: int, rng: np.random.Generator,
                   *, uniform_outside: bool = True) -> np.ndarray:
    """Draw a municipality code valid in ``year`` for each unit of the given 2024 counties.

    Parameters
    ----------
    county : numpy.ndarray of str
        County keys (``akershus`` … ``ostfold``, or ``utenfor`` for the rest of Norway).
    year : int
        The code year.
    rng : numpy.random.Generator
        Source of randomness (consumed in county order, so results are reproducible).
    uniform_outside : bool
        Codes outside the five counties are drawn with equal probability (no weights known).

    Returns
    -------
    numpy.ndarray of str
        Four-digit codes as strings (``"0301"``).

    Examples
    --------
    >>> codes = assign_kommune(np.array(["oslo", "ostfold"]), 2020, np.random.default_rng(1))
    >>> str(codes[0]), str(codes[1][:2])
    ('0301', '30')
    """
    frame = kommune_frame(year)
    out = np.empty(county.size, dtype=object)
    for key in (*COUNTIES, "utenfor"):
        idx = np.flatnonzero(county == key)
        if idx.size == 0:
            continue
        sub = frame.filter(pl.col("county") == key)
        codes = sub["code"].to_numpy()
        w = np.ones(len(sub)) if (key == "utenfor" and uniform_outside) else sub["weight"].to_numpy()
        out[idx] = codes[rng.choice(len(sub), size=idx.size, p=w / w.sum())]
    return out.astype(str)
