#!/usr/bin/env bash
# The alert rules and the Grafana board: the rules load and pass their unit tests
# (promtool test rules), the board is valid JSON with one repeated row per partner, and every
# metric either of them uses is documented in docs/metrics.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v promtool >/dev/null; then
  echo "promtool not found: install the Debian package prometheus (deploy/install-deps.sh)" >&2
  exit 1
fi
promtool check rules deploy/prometheus/ketenhub.rules.yml
promtool test rules deploy/prometheus/ketenhub.rules.test.yml
/usr/bin/python3 - <<'PY'
import json, re, sys

board = json.load(open("deploy/grafana/ketenhub.json"))
problems = []
variables = {v["name"]: v for v in board.get("templating", {}).get("list", [])}
if "partner" not in variables:
    problems.append("no partner template variable")
elif not variables["partner"].get("includeAll") or not variables["partner"].get("multi"):
    problems.append("the partner variable must allow several partners (multi, includeAll)")
panels = board.get("panels", [])
rows = [p for p in panels if p.get("type") == "row"]
if not any(r.get("repeat") == "partner" and "$partner" in r.get("title", "") for r in rows):
    problems.append("no row repeated per partner (repeat: partner, title with $partner)")
ids = [p.get("id") for p in panels]
if len(ids) != len(set(ids)):
    problems.append("panel ids are not unique")
exprs = []
for p in panels:
    if p.get("type") == "row":
        continue
    g = p.get("gridPos", {})
    if not all(k in g for k in ("x", "y", "w", "h")) or g["x"] + g["w"] > 24:
        problems.append("panel %r: bad gridPos %r" % (p.get("title"), g))
    if not p.get("targets"):
        problems.append("panel %r has no query" % p.get("title"))
    exprs += [t["expr"] for t in p.get("targets", [])]
# Panels after the repeated row belong to it: each must select its partner.
after = False
for p in panels:
    if p.get("type") == "row":
        after = p.get("repeat") == "partner"
        continue
    if after and any('partner="$partner"' not in t["expr"] for t in p["targets"]):
        problems.append("panel %r in the partner row does not select $partner" % p["title"])
rules = open("deploy/prometheus/ketenhub.rules.yml").read()
exprs += re.findall(r"^\s+expr: (.*)$", rules, re.M)
documented = open("docs/metrics.md").read()
names = set()
for e in exprs:
    for n in re.findall(r"\b((?:ketenhub|process)_[a-z_]+)", e):
        names.add(re.sub(r"_(bucket|sum|count)$", "", n))
for n in sorted(names):
    if "`%s" % n not in documented:
        problems.append("metric %s is used but not documented in docs/metrics.md" % n)
for p in problems:
    print("ketenhub.json / rules:", p, file=sys.stderr)
if problems:
    sys.exit(1)
print("grafana board: ok (%d panels, %d metrics documented)" % (len(panels), len(names)))
PY
