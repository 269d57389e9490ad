"""The distributed path, checked: the per-turn table `rollscope export --to parquet` writes,
queried with DuckDB and with Polars, gives the per-turn means and % >= T of `rollscope stats`
per group, to 1e-9. Run by .ci/run after `cargo test`:

    python3 tests/sql/stats_in_duckdb.py target/debug/rollscope

The SQL is the README's, unchanged: the same text runs on Spark or on a folder of Parquet files
on object storage (`read_parquet('s3://bucket/rollouts/*.parquet')`)."""
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb
import polars as pl

ROLLSCOPE = sys.argv[1] if len(sys.argv) > 1 else "target/debug/rollscope"
THRESHOLD = 5

# The README's query, with the file and the grouping columns filled in.
SQL = """
SELECT {by}, turn,
       count(frustration)                                         AS n,
       avg(frustration)                                           AS mean,
       avg(CASE WHEN frustration >= {t} THEN 1.0 ELSE 0.0 END)
           FILTER (WHERE frustration IS NOT NULL)                 AS frac_at_or_above
FROM read_parquet('{file}')
GROUP BY ALL
ORDER BY ALL
"""


def run(*args):
    return subprocess.run([ROLLSCOPE, *args], check=True, capture_output=True, text=True,
                          env={"ROLLSCOPE_CONFIG": "/nonexistent/config.toml", "PATH": "/usr/bin:/bin"}).stdout


def stats(study, by):
    out = json.loads(run("stats", *study, "--by", ",".join(by), "--score", "frustration", "--json"))
    assert out["threshold"] == THRESHOLD, out["threshold"]
    rows = {}
    for group in out["groups"]:
        key = tuple(str(group["key"][b]) for b in by)
        for t in group["per_turn"]:
            rows[key + (t["turn"],)] = (t["n"], t["mean"], t["frac_at_or_above"])
    return rows


def check(name, got, want):
    assert got.keys() == want.keys(), f"{name}: groups and turns differ: {sorted(set(got) ^ set(want))[:5]}"
    worst = 0.0
    for key, (n, mean, frac) in want.items():
        gn, gmean, gfrac = got[key]
        assert gn == n, f"{name} {key}: n {gn} != {n}"
        for g, w in ((gmean, mean), (gfrac, frac)):
            if w is None:
                assert g is None, f"{name} {key}: {g} != None"
                continue
            worst = max(worst, abs(g - w))
            assert abs(g - w) <= 1e-9, f"{name} {key}: {g} != {w}"
    print(f"{name}: {len(want)} group-turns equal to `rollscope stats` (largest difference {worst:.1e})")


def main():
    studies = {
        "demo": ([], ["condition", "dataset"]),
        "study7": (["tests/fixtures/study7/transcripts.json", "--scores", "tests/fixtures/study7/frustration.jsonl"],
                   ["condition"]),
    }
    with tempfile.TemporaryDirectory() as tmp:
        for name, (study, by) in studies.items():
            table = Path(tmp) / f"{name}.parquet"
            run("export", *study, "--to", "parquet", "-o", str(table))
            want = stats(study, by)
            sql = SQL.format(by=", ".join(by), t=THRESHOLD, file=table)
            rows = duckdb.sql(sql).fetchall()
            got = {tuple(str(v) for v in r[:len(by)]) + (r[len(by)],): tuple(r[len(by) + 1:]) for r in rows}
            check(f"{name} in DuckDB", got, want)
            frame = (pl.read_parquet(table)
                     .group_by([*by, "turn"])
                     .agg(pl.col("frustration").count().alias("n"),
                          pl.col("frustration").mean().alias("mean"),
                          (pl.col("frustration").drop_nulls() >= THRESHOLD).mean().alias("frac")))
            got = {tuple(str(r[b]) for b in by) + (r["turn"],): (r["n"], r["mean"], r["frac"])
                   for r in frame.iter_rows(named=True)}
            check(f"{name} in Polars", got, want)


if __name__ == "__main__":
    main()
