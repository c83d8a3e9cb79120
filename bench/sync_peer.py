#!/usr/bin/env python3
"""The simplest peer of `dala sync import` (BENCHMARKS.md, "Sync import"): SQLite's own copy.

Creates <target> with the schema of the first device database (and its journal_kinds rows), then for
each device database: ATTACH, one transaction of INSERT OR IGNORE INTO main.<t> SELECT * FROM dev.<t>
for the replicated tables (parents first), COMMIT, DETACH. Same settings as Dala's store: WAL,
synchronous FULL, foreign keys on. No decryption, no signature, no merge: rows are copied as they are.

usage: sync_peer.py <target.sqlite> <device.sqlite>...
"""
import os
import sqlite3
import sys
import time

TABLES = ["route_draws", "routes", "interviews", "addresses", "visits", "answers", "journal", "field_journal"]


def main():
    target, devices = sys.argv[1], sys.argv[2:]
    if os.path.exists(target):
        sys.exit(f"{target} exists")
    t0 = time.monotonic()
    con = sqlite3.connect(f"file:{target}", uri=True, isolation_level=None)
    con.execute("PRAGMA journal_mode = WAL")
    con.execute("PRAGMA synchronous = FULL")
    src = sqlite3.connect(f"file:{devices[0]}?mode=ro", uri=True)
    schema = src.execute(
        "SELECT type, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' "
        "ORDER BY CASE type WHEN 'table' THEN 0 ELSE 1 END, rowid").fetchall()
    kinds = src.execute("SELECT kind FROM journal_kinds").fetchall()
    src.close()
    con.execute("BEGIN")
    for _, sql in schema:
        con.execute(sql)
    con.executemany("INSERT INTO journal_kinds (kind) VALUES (?)", kinds)
    con.execute("COMMIT")
    con.execute("PRAGMA foreign_keys = ON")
    # Every column but the journals' local `seq` (each database numbers its own entries from 1; the
    # entries are identified by their `id`).
    columns = {t: ", ".join(r[1] for r in con.execute(f"PRAGMA table_info({t})") if not (r[1] == "seq" and r[5] == 1))
               for t in TABLES}
    for path in devices:
        con.execute("ATTACH DATABASE ? AS dev", (f"file:{path}?mode=ro",))
        con.execute("BEGIN")
        for t in TABLES:
            con.execute(f"INSERT OR IGNORE INTO main.{t} ({columns[t]}) SELECT {columns[t]} FROM dev.{t}")
        con.execute("COMMIT")
        con.execute("DETACH DATABASE dev")
    counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
    con.close()
    print({"seconds": round(time.monotonic() - t0, 2), "rows": counts})


if __name__ == "__main__":
    main()
