"""The export benchmark's peers: the households and persons frames Dala wrote as CSV are loaded into
pandas (not timed), then written by pyreadstat (.sav with its labels and missing ranges, .dta), pandas
(CSV) and pyarrow (Parquet, zstd), each timed with its peak memory growth (tracemalloc is not used: the
writers are C; the process's peak RSS before and after is reported)."""
import os
import resource
import sys
import time

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pyreadstat

src, out = sys.argv[1:3]
os.makedirs(out, exist_ok=True)
frames = {}
for name in ("households", "persons"):
    df = pd.read_csv(f"{src}/{name}.csv", low_memory=False)
    v = pd.read_csv(f"{src}/{name}.variables.csv", keep_default_na=False)
    labels = pd.read_csv(f"{src}/{name}.values.csv", keep_default_na=False)
    vl = {}
    for n, val, lab in labels.itertuples(index=False):
        vl.setdefault(n, {})[float(val)] = lab
    ranges = {n: [{"lo": float(x), "hi": float(x)} for x in m.split()] for n, m in zip(v["name"], v["missing"]) if m}
    frames[name] = (df, dict(zip(v["name"], v["label"])), vl, ranges)
cells = sum(len(f[0]) * len(f[0].columns) for f in frames.values())
print(f"peer frames: {', '.join(f'{n} {len(f[0])} x {len(f[0].columns)}' for n, f in frames.items())} ({cells} cells)")


def timed(what, fn):
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    fn()
    dt = time.perf_counter() - t0
    rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"{what}: {dt:.2f} s (process peak RSS {rss1 // 1024} MB, +{(rss1 - rss0) // 1024} MB)")


def sav():
    for n, (df, lab, vl, rg) in frames.items():
        pyreadstat.write_sav(df, f"{out}/{n}.sav", column_labels=lab, variable_value_labels=vl, missing_ranges=rg)


def dta():
    for n, (df, lab, vl, rg) in frames.items():
        # Stata: value labels on integers only, names ≤ 32, labels ≤ 80.
        pyreadstat.write_dta(df, f"{out}/{n}.dta", column_labels={k: str(v)[:80] for k, v in lab.items()},
                             variable_value_labels={k: {int(c): l for c, l in d.items()} for k, d in vl.items()}, version=15)


def csv():
    for n, (df, *_rest) in frames.items():
        df.to_csv(f"{out}/{n}.csv", index=False)


def parquet():
    for n, (df, *_rest) in frames.items():
        pq.write_table(pa.Table.from_pandas(df, preserve_index=False), f"{out}/{n}.parquet", compression="zstd")


timed("pyreadstat .sav", sav)
timed("pyreadstat .dta", dta)
timed("pandas CSV", csv)
timed("pyarrow Parquet", parquet)
