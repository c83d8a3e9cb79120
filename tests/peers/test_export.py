"""Peer checks of `dala export`: real readers read back what Dala writes (issue 9, point 8).

pyreadstat and pandas read every format (values, variable labels, value labels, missing declarations,
row counts); PSPP reads the .sav (DISPLAY DICTIONARY and a FREQUENCIES whose counts are compared with
Dala's); the ReadStat command-line tool reads the .dta; pyarrow and DuckDB read the Parquet, and a
join of households and persons gives the expected counts. The expected figures come from the
database itself (SQLite), not from Dala's exporter.

usage: test_export.py <dala binary> <study dir> <work dir>
"""
import glob
import json
import math
import os
import re
import sqlite3
import subprocess
import sys

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pyreadstat

DALA, STUDY, WORK = sys.argv[1:4]
failures = []
passed = 0


def check(cond, what):
    global passed
    if cond:
        passed += 1
    else:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)


def run(*args, lang="en"):
    r = subprocess.run([DALA, "--lang", lang, *args], capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"dala {' '.join(args)} failed ({r.returncode}): {r.stderr}")
    return r.stdout


# ---- a merged database: two simulated devices, their packages imported by a coordinator ----------
db = os.path.join(WORK, "coord.sqlite")
if not os.path.exists(db):
    run("keys", "init", "--role", "coordinator", "--name", "coord", "--out", f"{WORK}/keys")
    # The devices' databases are encrypted with a PIN, as in the field; the coordinator's merged database
    # is made unencrypted (--unencrypted) so that these checks can read it with Python's sqlite3.
    with open(f"{WORK}/pin", "w") as f:
        f.write("8642\n")
    run("simulate", "--study", STUDY, "--seed", "11", "--devices", "2", "--scale", "0.04", "--out", f"{WORK}/dev",
        "--packages", f"{WORK}/pk", "--to", f"{WORK}/keys/coord.pub", "--json", "--pin-file", f"{WORK}/pin")
    run("sync", "import", "--db", db, "--key", f"{WORK}/keys/coord.key", "--trust", f"{WORK}/pk/keys",
        *sorted(glob.glob(f"{WORK}/pk/*.dala")), "--json", "--unencrypted")

con = sqlite3.connect(db)
n_interviews = con.execute("select count(*) from interviews").fetchone()[0]
# Household sizes as stored (Q101 sizes the members roster), ignoring missing codes.
sizes = dict(con.execute("select interview_id, cast(value as integer) from answers where question = 'Q101' and roster = ''"))
n_persons = sum(v for v in sizes.values() if v > 0)
n_away = con.execute("select count(*) from answers where question = 'Q110' and roster != '' and value in ('2', '3')").fetchone()[0]
n_addresses = con.execute("select count(*) from addresses").fetchone()[0]
n_visits = con.execute("select count(*) from visits").fetchone()[0]
sex_counts = {int(v): n for v, n in con.execute("select value, count(*) from answers where question = 'Q104' group by value")}
print(f"database: {n_interviews} interviews, {n_persons} persons, {n_away} away, {n_addresses} addresses, {n_visits} visits")
check(n_interviews > 40 and n_persons > n_interviews and n_away > 0, "the simulated data has interviews, members and members away")

out = {}
for fmt, lang in [("sav", "ru"), ("zsav", "kk"), ("dta", "ru"), ("csv", "ru"), ("parquet", "en")]:
    out[fmt] = os.path.join(WORK, f"out-{fmt}")
    summary = json.loads(run("export", "--db", db, "--study", STUDY, "--format", fmt, "--out", out[fmt], "--json", lang=lang))
    rows = {f["name"]: f["rows"] for f in summary["files"]}
    check(rows["households"] == n_interviews, f"{fmt}: households rows {rows['households']} == interviews {n_interviews}")
    check(rows["persons"] == n_persons, f"{fmt}: persons rows {rows['persons']} == sum of household sizes {n_persons}")
    check(rows["away"] == n_away, f"{fmt}: away rows {rows['away']} == members away {n_away}")
    check(rows["addresses"] == n_addresses and rows["visits"] == n_visits, f"{fmt}: addresses and visits rows")

# The CSV export (Russian) is the reference the binary formats are compared with.
variables = pd.read_csv(f"{out['csv']}/households.variables.csv", keep_default_na=False)
labels_ru = dict(zip(variables["name"], variables["label"]))
values_csv = pd.read_csv(f"{out['csv']}/persons.values.csv", keep_default_na=False)
sex_labels_ru = {int(v): l for n, v, l in values_csv.itertuples(index=False) if n == "Q104"}
check(sex_labels_ru.get(1) and sex_labels_ru.get(2), "CSV labels file has the value labels of Q104")
hh_csv = pd.read_csv(f"{out['csv']}/households.csv", keep_default_na=False, na_values=[""], low_memory=False)
missing_vars = [n for n, m in zip(variables["name"], variables["missing"]) if m]
check(len(missing_vars) > 10, "many household variables declare missing codes")

# ---- SPSS .sav through pyreadstat (user-missing kept) ---------------------------------------------
hh_sav, meta = pyreadstat.read_sav(f"{out['sav']}/households.sav", user_missing=True)
check(len(hh_sav) == n_interviews, "sav: households row count")


def same_label(got, want, limit_bytes):
    """A label as written, or cut at the format's limit with "…"."""
    if got == want:
        return True
    return got is not None and got.endswith("…") and want.startswith(got[:-1]) and len(got.encode()) <= limit_bytes


bad = [n for n in meta.column_names if not same_label(meta.column_names_to_labels.get(n), labels_ru[n], 255)]
check(not bad, f"sav: every variable label is the Russian one of the CSV labels file (or cut at 255 bytes): {bad[:5]}")
check("Q101" in labels_ru and "домохозяйств" in labels_ru["Q101"], "Q101's label is the Russian question text")
declared = {n: {r["lo"] for r in ranges} for n, ranges in meta.missing_ranges.items()}
want = {n: {float(x) for x in m.split()} for n, m in zip(variables["name"], variables["missing"]) if m}
check(declared == want, f"sav: user-missing declarations equal the study's missing codes ({len(declared)} variables)")
p_sav, pmeta = pyreadstat.read_sav(f"{out['sav']}/persons.sav")
check(len(p_sav) == n_persons, "sav: persons row count")
check({int(k): v for k, v in pmeta.variable_value_labels["Q104"].items()} == sex_labels_ru, "sav: Q104's value labels")
for col in ["Q101", "Q009", "status", "w_design", "w_resp"]:
    a = pd.to_numeric(hh_csv[col], errors="coerce")
    b = hh_sav[col]
    same = ((a.isna() & b.isna()) | (abs(a - b) < 1e-9)).all()
    check(same, f"sav: {col} values equal the CSV's")
check(hh_sav["w_design"].notna().sum() > 0, "sav: design weights are present")
check(str(hh_sav["started"].dtype).startswith("datetime64"), "sav: the start time is a date-time")
check(str(hh_sav["Q013"].dtype) in ("object", "datetime64[ns]") and hh_sav["Q013"].notna().any(), "sav: the interview date is a date")

# .zsav (Kazakh labels)
hh_z, zmeta = pyreadstat.read_sav(f"{out['zsav']}/households.zsav", user_missing=True)
check(len(hh_z) == n_interviews, "zsav: households row count")
check(any(c in (zmeta.column_names_to_labels.get("Q101") or "") for c in "ӘҒҚҢӨҰҮҺІәғқңөұүһі"), "zsav: Kazakh labels")
check(((hh_z["Q101"] == hh_sav["Q101"]) | (hh_z["Q101"].isna() & hh_sav["Q101"].isna())).all(), "zsav: values equal the .sav's")

# ---- PSPP reads the .sav --------------------------------------------------------------------------
syntax = os.path.join(WORK, "freq.sps")
with open(syntax, "w") as f:
    f.write(f"GET FILE='{out['sav']}/persons.sav'.\nDISPLAY DICTIONARY /VARIABLES=Q104.\nFREQUENCIES VARIABLES=Q104.\n")
r = subprocess.run(["pspp", "-O", "format=csv", "-o", os.path.join(WORK, "pspp.csv"), syntax], capture_output=True, text=True)
check(r.returncode == 0, f"pspp ran: {r.stderr[:300]}")
text = open(os.path.join(WORK, "pspp.csv"), encoding="utf-8").read() if os.path.exists(os.path.join(WORK, "pspp.csv")) else ""
for code, label in sex_labels_ru.items():
    m = re.search(rf"^[^\n]*{re.escape(label)},(\d+),", text, re.M)
    check(m is not None and int(m.group(1)) == sex_counts.get(code, 0), f"pspp: FREQUENCIES of Q104 = {label}: {m.group(1) if m else None} vs {sex_counts.get(code, 0)}")
check("Q104" in text, "pspp: DISPLAY DICTIONARY lists Q104")

# ---- Stata .dta: pyreadstat, pandas, ReadStat ------------------------------------------------------
hh_dta, dmeta = pyreadstat.read_dta(f"{out['dta']}/households.dta", user_missing=True)
check(len(hh_dta) == n_interviews, "dta: households row count")
check(all(len(n) <= 32 for n in dmeta.column_names), "dta: names of at most 32 characters")
check(all(len(l or "") <= 80 for l in dmeta.column_labels), "dta: labels of at most 80 characters")
p_dta, pdmeta = pyreadstat.read_dta(f"{out['dta']}/persons.dta", user_missing=True)
check({int(k): v for k, v in pdmeta.variable_value_labels["Q104"].items() if not isinstance(k, str)} == sex_labels_ru, "dta: Q104's value labels")
# Missing codes are Stata's extended missing values: -98 → .b (read back as "b" with user_missing).
raw = pd.to_numeric(hh_csv["Q101"], errors="coerce")
dta_q101 = hh_dta["Q101"]
ok = True
for a, b in zip(raw, dta_q101):
    if pd.isna(a):
        ok &= pd.isna(b) or b == ""
    elif a in (-97, -98, -99):
        ok &= b == {-97: "a", -98: "b", -99: "c"}[int(a)]
    else:
        ok &= float(b) == a
check(ok, "dta: Q101 equals the CSV with -97/-98/-99 as .a/.b/.c")
pd_stata = pd.read_stata(f"{out['dta']}/persons.dta", convert_categoricals=False)
check(len(pd_stata) == n_persons, "pandas.read_stata: persons row count")
check(set(pd_stata["Q104"].dropna().astype(int)) <= set(sex_labels_ru), "pandas.read_stata: Q104 codes")
r = subprocess.run(["readstat", f"{out['dta']}/persons.dta"], capture_output=True, text=True)
check(r.returncode == 0 and re.search(rf"Rows:\s*{n_persons}\b", r.stdout) is not None, f"readstat reads persons.dta: {r.stdout[:200]} {r.stderr[:200]}")
csv_out = os.path.join(WORK, "readstat-persons.csv")
r = subprocess.run(["readstat", f"{out['dta']}/persons.dta", csv_out], capture_output=True, text=True)
check(r.returncode == 0 and os.path.exists(csv_out), f"readstat converts persons.dta to CSV: {r.stderr[:200]}")
if os.path.exists(csv_out):
    rs = pd.read_csv(csv_out)
    check(len(rs) == n_persons, "readstat: persons rows")

# ---- Parquet: pyarrow and DuckDB ------------------------------------------------------------------
t = pq.read_table(f"{out['parquet']}/households.parquet")
check(t.num_rows == n_interviews, "parquet: households rows")
field = t.schema.field("Q101")
check(field.metadata and b"label" in field.metadata, "parquet: variable labels in the field metadata")
check(str(t.schema.field("Q013").type) == "date32[day]" and str(t.schema.field("started").type).startswith("timestamp"), "parquet: dates and times typed")
q = duckdb.sql(f"""
    select count(*), count(distinct h.hhid) from '{out['parquet']}/households.parquet' h
    join '{out['parquet']}/persons.parquet' p on p.hhid = h.hhid""").fetchall()[0]
check(q[0] == n_persons, f"duckdb: households ⋈ persons has {q[0]} rows == {n_persons}")
check(q[1] == sum(1 for v in sizes.values() if v > 0), "duckdb: households with members")
q = duckdb.sql(f"select count(*) from '{out['parquet']}/away.parquet' a join '{out['parquet']}/persons.parquet' p using (hhid, line)").fetchall()[0]
check(q[0] == n_away, "duckdb: every away row is a persons row")
q = duckdb.sql(f"select count(*) from '{out['parquet']}/addresses.parquet' a join '{out['parquet']}/households.parquet' h using (hhid)").fetchall()[0]
check(q[0] == con.execute("select count(*) from addresses where interview_id is not null").fetchone()[0], "duckdb: addresses join households by hhid")

# ---- codebook.html and the DDI-Codebook 2.5 codebook.xml ---------------------------------------------
# The DDI is validated against the official DDI-Codebook 2.5 schema, vendored with everything it imports
# (tests/peers/ddi-2.5/README.md): lxml resolves every import locally, nothing is fetched.
from lxml import etree

DDI = "{ddi:codebook:2_5}"
ddi_schema = etree.XMLSchema(etree.parse(os.path.join(os.path.dirname(os.path.abspath(__file__)), "ddi-2.5", "codebook.xsd")))
expected_rows = {"households": n_interviews, "persons": n_persons, "away": n_away, "addresses": n_addresses, "visits": n_visits}
# Household size (Q101) without missing codes, for the numeric summary.
q101 = [v for v in sizes.values() if v is not None and v >= 0]


def html_freqs(html, file_name, var):
    """The frequency table of `var` in the section of `file_name`: {code: count}, '.' for system missing."""
    sec = re.search(r'<h2 id="file-\d+"[^>]*>' + re.escape(file_name) + r'\..*?(?=<h2 id="file-|</body>)', html, re.S)
    art = sec and re.search(r'<article class="var"[^>]*>\s*<h3><code>' + re.escape(var) + r'</code>.*?</article>', sec.group(0), re.S)
    if not art:
        return None
    out = {}
    for code, n in re.findall(r'<tr class="(?:missing)?"><td>([^<]*)</td><td class="l">[^<]*</td><td>(\d+)</td>', art.group(0)):
        out["." if code == "." else int(code.replace("\u2212", "-"))] = int(n)
    return out


for fmt, lang in [("sav", "ru"), ("zsav", "kk"), ("dta", "ru"), ("csv", "ru"), ("parquet", "en")]:
    html_path, xml_path = f"{out[fmt]}/codebook.html", f"{out[fmt]}/codebook.xml"
    check(os.path.exists(html_path) and os.path.exists(xml_path), f"{fmt}: codebook.html and codebook.xml next to the data files")
    if not (os.path.exists(html_path) and os.path.exists(xml_path)):
        continue
    doc = etree.parse(xml_path)
    valid = ddi_schema.validate(doc)
    check(valid, f"{fmt}: codebook.xml is valid DDI-Codebook 2.5 ({[str(e) for e in list(ddi_schema.error_log)[:3]]})")
    root = doc.getroot()
    check(root.tag == DDI + "codeBook" and root.get("version") == "2.5", f"{fmt}: DDI root codeBook 2.5")
    cases = {fd.findtext(f"{DDI}fileTxt/{DDI}fileName").rsplit(".", 1)[0]: int(fd.findtext(f"{DDI}fileTxt/{DDI}dimensns/{DDI}caseQnty"))
             for fd in root.iter(DDI + "fileDscr")}
    check(all(cases.get(k) == v for k, v in expected_rows.items()), f"{fmt}: DDI caseQnty per file equals the database's rows ({cases})")
    sex = root.find(f".//{DDI}var[@ID='V_persons.Q104']")
    ddi_sex = {}
    if sex is not None:
        for c in sex.iter(DDI + "catgry"):
            v = c.findtext(f"{DDI}catValu")
            if v != "Sysmiss":
                ddi_sex[int(v)] = int(c.findtext(f"{DDI}catStat"))
    check({k: v for k, v in ddi_sex.items() if v} == sex_counts, f"{fmt}: DDI catStat of Q104 {ddi_sex} == SQLite counts {sex_counts}")
    hh_size = root.find(f".//{DDI}var[@ID='V_households.Q101']")
    stat = {s.get("type"): float(s.text) for s in hh_size.iter(DDI + "sumStat")} if hh_size is not None else {}
    check(q101 and stat.get("vald") == len(q101) and stat.get("min") == min(q101) and stat.get("max") == max(q101)
          and abs(stat.get("mean", -1) - sum(q101) / len(q101)) < 1e-3, f"{fmt}: DDI sumStat of Q101 {stat} matches the database")
    universe = root.find(f".//{DDI}var[@ID='V_persons.Q105A']/{DDI}universe")
    check(universe is not None and "Q105" in universe.text and ("−98" in universe.text), f"{fmt}: Q105A's universe names Q105 and its don't-know code ({universe.text if universe is not None else None})")

    html = open(html_path, encoding="utf-8").read()
    check(f'<html lang="{lang}">' in html, f"{fmt}: codebook.html in the export's language ({lang})")
    check("http" not in html.lower() and "<script" not in html and "url(" not in html and "src=" not in html,
          f"{fmt}: codebook.html is self-contained (no URL, script or external resource)")
    freqs = html_freqs(html, "persons", "Q104")
    got = {k: v for k, v in (freqs or {}).items() if k != "." and v}
    check(got == sex_counts, f"{fmt}: codebook.html frequencies of Q104 {got} == SQLite counts {sex_counts}")
    check(freqs is not None and sum(freqs.values()) == n_persons, f"{fmt}: Q104's table (codes, missing, system missing) adds up to the persons rows")
    if lang == "kk":
        check("Кодтар кітабы" in html and "Жиілік" in html and not re.search(r"[а-яәіңғүұқөһ]i|i[а-яәіңғүұқөһ]", html),
              "kk: codebook.html worded in Kazakh, Cyrillic І throughout")

# ---- anonymised: no identifying value anywhere ----------------------------------------------------
ident_q = [row[0] for row in con.execute("select distinct question from answers")]  # filtered below by the study
study_ident = set()
for path in glob.glob(f"{STUDY}/blocks/*.toml"):
    qid = None
    for line in open(path, encoding="utf-8"):
        m = re.match(r'^id = "([^"]+)"', line)
        if m:
            qid = m.group(1)
        if line.strip() == "identifying = true" and qid:
            study_ident.add(qid)
secrets = set()
for qid in study_ident:
    for (v,) in con.execute("select value from answers where question = ?", (qid,)):
        s = json.loads(v)
        if isinstance(s, str) and len(s) >= 3:
            secrets.add(s)
for (k, a) in con.execute("select key, address from addresses"):
    secrets.add(k)
    addr = json.loads(a)
    for key in ("street_ru", "street_kk"):
        if addr.get(key):
            secrets.add(addr[key])
secrets |= {r[0] for r in con.execute("select id from interviews")}
check(len(secrets) > 100, f"{len(secrets)} identifying values to look for")
for fmt in ["csv", "sav", "dta", "parquet"]:
    d = os.path.join(WORK, f"anon-{fmt}")
    run("export", "--db", db, "--study", STUDY, "--format", fmt, "--anonymise", "--out", d, "--json", lang="ru")
    found = []
    cells = set()
    for path in glob.glob(f"{d}/*"):
        raw = open(path, "rb").read()
        if fmt in ("csv",):
            # Raw bytes: long values only (a house number "107" is also a count somewhere).
            found += [s for s in secrets if len(s) >= 6 and s.encode() in raw]
        if path.endswith(".sav"):
            df, m = pyreadstat.read_sav(path)
        elif path.endswith(".dta"):
            df, m = pyreadstat.read_dta(path)
        elif path.endswith(".parquet"):
            df = pq.read_table(path).to_pandas()
        elif path.endswith(".variables.csv") or path.endswith(".values.csv"):
            df = pd.read_csv(path, dtype=str, keep_default_na=False)
        elif path.endswith(".csv"):
            types = pd.read_csv(path[:-4] + ".variables.csv", keep_default_na=False)
            text_cols = [n for n, t in zip(types["name"], types["type"]) if t == "text"]
            df = pd.read_csv(path, dtype=str, keep_default_na=False)[text_cols]
        else:
            continue
        for c in df.columns:
            if df[c].dtype == object:
                cells |= {str(x) for x in df[c].dropna().unique()}
    found += [s for s in secrets if s in cells]
    check(not found, f"anonymised {fmt}: no identifying value in any file ({found[:3]})")
    hh = pd.read_csv(f"{d}/households.csv", dtype=str) if fmt == "csv" else None
    if hh is not None:
        p = pd.read_csv(f"{d}/persons.csv", dtype=str)
        check(set(p["hhid"]) <= set(hh["hhid"]), "anonymised csv: pseudonymous keys link persons to households")
        check(not any(c in hh.columns for c in study_ident), "anonymised csv: identifying variables dropped")

# ---- SPSS files written in several chunks (sav.rs: 4096 rows per chunk) ---------------------------
# One device at a larger scale: its visits file spans several chunks of the .sav and .zsav writers.
run("simulate", "--study", STUDY, "--seed", "12", "--devices", "1", "--scale", "0.35", "--out", f"{WORK}/big", "--unencrypted", "--json")
big_db = glob.glob(f"{WORK}/big/*.sqlite")[0]
n_big_visits = sqlite3.connect(big_db).execute("select count(*) from visits").fetchone()[0]
check(n_big_visits > 4096, f"the larger database has more visits ({n_big_visits}) than one SPSS chunk")
big = {}
for fmt in ("csv", "sav", "zsav"):
    big[fmt] = os.path.join(WORK, f"big-{fmt}")
    run("export", "--db", big_db, "--study", STUDY, "--format", fmt, "--out", big[fmt], "--json")
v_csv = pd.read_csv(f"{big['csv']}/visits.csv", keep_default_na=False, na_values=[""], low_memory=False)
for fmt in ("sav", "zsav"):
    v, _ = pyreadstat.read_sav(f"{big[fmt]}/visits.{fmt}", user_missing=True)
    check(len(v) == n_big_visits, f"{fmt} in chunks: {len(v)} visit rows == {n_big_visits}")
    differing = []
    compared = 0
    for col in v_csv.columns:
        if col not in v.columns:
            differing.append(col)
            continue
        a, b = v_csv[col], v[col]
        if pd.api.types.is_numeric_dtype(b):
            a = pd.to_numeric(a, errors="coerce")
            same = ((a.isna() & b.isna()) | (abs(a - b) < 1e-6)).all()
        elif pd.api.types.is_datetime64_any_dtype(b):
            same = (a.fillna("").astype(str) == b.dt.strftime("%Y-%m-%dT%H:%M:%S").fillna("")).all()
        elif pd.api.types.is_string_dtype(b):
            same = (a.fillna("").astype(str) == b.fillna("").astype(str)).all()
        else:
            differing.append(f"{col} ({b.dtype})")
            continue
        compared += 1
        if not same:
            differing.append(col)
    check(compared == len(v_csv.columns) and compared >= 5 and not differing, f"{fmt} in chunks: every visits column equals the CSV's ({compared} compared; differing {differing[:5]})")
syntax = os.path.join(WORK, "big.sps")
with open(syntax, "w") as f:
    f.write(f"GET FILE='{big['zsav']}/visits.zsav'.\nSAVE TRANSLATE /OUTFILE='{WORK}/big-pspp.csv' /TYPE=CSV /FIELDNAMES /REPLACE.\n")
r = subprocess.run(["pspp", syntax], capture_output=True, text=True)
check(r.returncode == 0, f"PSPP reads the chunked .zsav: {r.stdout[-300:]} {r.stderr[-300:]}")
if r.returncode == 0:
    check(len(pd.read_csv(f"{WORK}/big-pspp.csv", low_memory=False)) == n_big_visits, "PSPP reads every visit of the chunked .zsav")

print(f"{passed} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
