"""Write innovasjon_input.csv: the firms of one innovation round as omdomme analyses them.

Run from the repository root (then run r_innovasjon.R beside it):

    python tests/reference/r_innovasjon/export_input.py --root <project> --round 2018

One row per sampled firm: the design columns (``orgnr, stratum, N_stratum, vekt``), the firm's
municipality code (``kommune``, as a zero-padded string), the county
omdomme places the firm in (``county``: a county key or ``utenfor``), and per indicator of the
definition the analysed column(s) exactly as omdomme's estimators see them: ``share__<id>``
(0/1), ``total__<id>``, ``num__<id>`` and ``den__<id>`` (a ratio's two totals); empty = the firm is
outside that indicator's base. Numbers are written with 17 significant digits so that R reads
the same doubles.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import polars as pl

from omdomme.analysis.innovation import COUNTY, _code_strings, _col, _prepare
from omdomme.definitions import load_definition
from omdomme.results.manifest import file_entry

HERE = Path(__file__).parent


def _text(data: pl.DataFrame, name: str) -> pl.Expr:
    # SPSS keeps integer codes as doubles; write 66, not 66.0.
    if data.schema[name].is_float():
        return pl.col(name).cast(pl.Int64).cast(pl.String)
    return pl.col(name).cast(pl.String)


def export(root: Path, round: int, out: Path = HERE / "innovasjon_input.csv") -> pl.DataFrame:
    definition = load_definition(round, "innovasjon", root)
    prep = _prepare(definition, root)
    design = definition.design
    columns = [
        _text(prep.data, design.id).alias("orgnr"),
        _code_strings(prep.data[prep.spec.firm.code_column], prep.spec.firm.level).alias(prep.spec.firm.level),
        _text(prep.data, str(design.strata)).alias("stratum"),
        pl.col(str(design.fpc)).cast(pl.Float64).alias("N_stratum"),
        pl.col(str(design.weight)).cast(pl.Float64).alias("vekt"),
        pl.col(COUNTY).alias("county"),
    ]
    for ind in prep.spec.indicators:
        if ind.kind == "ratio":
            columns += [pl.col(_col(ind, "y")).alias(f"num__{ind.id}"), pl.col(_col(ind, "x")).alias(f"den__{ind.id}")]
        else:
            columns.append(pl.col(_col(ind, "y")).alias(f"{ind.kind}__{ind.id}"))
    frame = prep.data.select(columns)
    # Shortest round-trip representation of each double; empty = NA for both R and omdomme.read.
    frame.write_csv(out, null_value="")
    # Provenance: which round file (by hash) the reference was computed from.
    source = {"round": round, "definition": file_entry(Path(definition.path), root),
              "data": list(prep.inputs), "firms": frame.height}
    out.with_suffix(".source.json").write_text(json.dumps(source, indent=2) + "\n", encoding="utf-8")
    return frame


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path("."))
    parser.add_argument("--round", type=int, default=2018)
    args = parser.parse_args()
    written = export(args.root, args.round)
    print(f"{HERE / 'innovasjon_input.csv'}: {written.height} firms, {written.width} columns")
