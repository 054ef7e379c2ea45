#!/usr/bin/env bash
# Renders the HTML audit report of a large generated export in headless Chromium and saves a
# screenshot, so a person can see the page as an auditor would.
# Usage: scripts/html-report-screenshot.sh [OUTPUT.png]   (installs Debian's chromium if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-/tmp/policylint-report.png}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if ! command -v chromium >/dev/null 2>&1; then
  echo "installing chromium (Debian package)…"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

# A large hierarchical export: 2,000 policies of 25 rules, with planted defects.
python3 - "$work/export.json" <<'PY'
import json, sys
groups = [{"resource_type": "ChildGroup", "Group": {"resource_type": "Group", "id": f"g{i}"}} for i in range(500)]
policies = []
for p in range(2000):
    rules = [{"resource_type": "Rule", "id": f"r{r}", "sequence_number": r if (p + r) % 97 else r - 1,
              "action": "ALLOW" if r % 50 else "DENY", "source_groups": [f"/infra/domains/default/groups/g{(p + r) % 500 if r % 333 else 'missing'}"],
              "destination_groups": ["ANY"], "services": ["ANY"]} for r in range(25)]
    policies.append({"resource_type": "ChildSecurityPolicy", "SecurityPolicy": {
        "resource_type": "SecurityPolicy", "id": f"p{p}", "category": "Application" if p % 400 else "application",
        "sequence_number": p if p % 700 else 1000000 + p, "rules": rules}})
export = {"resource_type": "Infra", "children": [{"resource_type": "ChildDomain", "Domain": {
    "resource_type": "Domain", "id": "default", "children": groups + policies}}]}
json.dump(export, open(sys.argv[1], "w"), indent=1)
PY

swift build -c release --product policylint >/dev/null
start=$(date +%s.%N)
.build/release/policylint --format html --output "$work/report.html" "$work/export.json" || true
end=$(date +%s.%N)
printf 'export: %s bytes, report: %s bytes, lint: %.2f s\n' "$(stat -c %s "$work/export.json")" "$(stat -c %s "$work/report.html")" "$(echo "$end - $start" | bc)"
grep -q 'src="http' "$work/report.html" && { echo "the report loads something from the network" >&2; exit 1; }
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1400,1600 \
  --screenshot="$out" "file://$work/report.html" 2>/dev/null
test -s "$out"
echo "screenshot: $out"
