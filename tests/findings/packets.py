#!/usr/bin/env python3
"""Review packets: each finding with the source table it is about, for labelling.

    jixiao check --format json > findings.json
    python3 tests/findings/packets.py findings.json SEEDS_DIR [--sample N] [--unlabelled LABELS] [--rules a,b] > packets.txt

--sample N keeps up to N findings per rule, spread deterministically over books.
--unlabelled LABELS keeps only findings that LABELS does not label yet.
"""
import argparse, collections, hashlib, json, os, re, sys

ap = argparse.ArgumentParser()
ap.add_argument("findings")
ap.add_argument("seeds")
ap.add_argument("--sample", type=int, default=0)
ap.add_argument("--unlabelled")
ap.add_argument("--rules", help="comma-separated rule ids to keep")
a = ap.parse_args()

fs = json.load(open(a.findings))
labelled = set()
if a.unlabelled and os.path.exists(a.unlabelled):
    for row in open(a.unlabelled, encoding="utf-8"):
        c = row.rstrip("\n").split("\t")
        if len(c) >= 4 and c[0] != "book":
            labelled.add((c[0], c[1], c[2]))
fs = [f for f in fs if (f["book"], f["place"], f["rule"]) not in labelled]
if a.rules:
    keep = set(a.rules.split(","))
    fs = [f for f in fs if f["rule"] in keep]
if a.sample:
    by = collections.defaultdict(list)
    for f in fs:
        by[f["rule"]].append(f)
    out = []
    for rule, xs in sorted(by.items()):
        xs.sort(key=lambda f: hashlib.sha1(f"{f['book']}{f['place']}{f['message']}".encode()).hexdigest())
        out += xs[: a.sample]
    fs = out
seen = set()
fs = [f for f in fs if not ((f["book"], f["place"], f["rule"]) in seen or seen.add((f["book"], f["place"], f["rule"])))]

lines_cache = {}
def source(file):
    if file not in lines_cache:
        lines_cache[file] = open(os.path.join(a.seeds, file), encoding="utf-8", errors="replace").read().split("\n")
    return lines_cache[file]

def span(f):
    p = f.get("content") or ""
    if f["project"] and os.path.exists(p):
        t = open(p, encoding="utf-8").read()
        m = re.search(r"\[source\]\s*file = \"[^\"]*\"\s*line = (\d+)\s*end_line = (\d+)", t)
        if m:
            return int(m.group(1)), int(m.group(2))
    return max(1, f["line"] - 12), f["line"] + 12

for n, f in enumerate(fs, 1):
    print("=" * 100)
    print(f"#{n}\tbook={f['book']}\tplace={f['place']}\trule={f['rule']}\tseverity={f['severity']}")
    print(f"department: {f['department']}")
    print(f"project: {f['project']}")
    print(f"MESSAGE: {f['message']}")
    lo, hi = span(f)
    src = source(f["file"])
    print(f"--- source {f['file']} lines {lo}-{hi} (>> marks the finding's line)")
    for i in range(max(1, lo - 2), min(len(src), hi + 2) + 1):
        mark = ">>" if i == f["line"] else "  "
        print(f"{mark}{i:6} | {src[i-1][:400]}")
