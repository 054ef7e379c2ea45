#!/usr/bin/env bash
# Checks `policylint schema` with a real JSON Schema validator (python-jsonschema, from PyPI):
# the schema of the type of testdata/samples/web-policy.put.json (SecurityPolicy) must be a valid
# draft 2020-12 schema, a clean SecurityPolicy body must validate against it, and one with a
# misspelt category ("Aplication") must not. Exit status 0 only when all hold.
# Needs python3 (jsonschema is installed with pip when missing) and Swift.
set -euo pipefail

checkout="$(cd "$(dirname "$0")/.." && pwd)"
cd "$checkout"

if ! python3 -c 'import jsonschema' 2>/dev/null; then
    python3 -m pip install --quiet jsonschema
fi

swift build --product policylint >/dev/null
policylint="$(swift build --show-bin-path)/policylint"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The types of the sample: its resource_type.
type="$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["resource_type"])' testdata/samples/web-policy.put.json)"
"$policylint" schema "$type" > "$work/schema.json"

cat > "$work/clean.json" <<'JSON'
{
  "resource_type": "SecurityPolicy",
  "display_name": "App tier",
  "category": "Application",
  "sequence_number": 20,
  "scope": ["/infra/domains/default/groups/app"],
  "rules": [
    {
      "resource_type": "Rule",
      "display_name": "app to db",
      "sequence_number": 1,
      "source_groups": ["/infra/domains/default/groups/app"],
      "destination_groups": ["/infra/domains/default/groups/db"],
      "services": ["/infra/services/MySQL"],
      "action": "ALLOW"
    }
  ]
}
JSON
sed 's/"Application"/"Aplication"/' "$work/clean.json" > "$work/misspelt.json"

python3 - "$work/schema.json" "$work/clean.json" "$work/misspelt.json" "$type" <<'PY'
import json, sys
import jsonschema

schema_file, clean_file, misspelt_file, type_name = sys.argv[1:]
schema = json.load(open(schema_file))
failures = []
try:
    jsonschema.Draft202012Validator.check_schema(schema)
except jsonschema.SchemaError as error:
    failures.append(f"the schema of {type_name} is no valid draft 2020-12 schema: {error.message}")
if schema.get("$schema") != "https://json-schema.org/draft/2020-12/schema":
    failures.append(f"$schema is {schema.get('$schema')!r}")
if not failures:
    validator = jsonschema.Draft202012Validator(schema)
    errors = [e.message for e in validator.iter_errors(json.load(open(clean_file)))]
    if errors:
        failures.append("the clean body is invalid: " + "; ".join(errors))
    errors = [e.message for e in validator.iter_errors(json.load(open(misspelt_file)))]
    if not errors:
        failures.append('the body with "category": "Aplication" is valid')
    elif not any("Aplication" in e for e in errors):
        failures.append("the misspelt body is invalid, but not for its category: " + "; ".join(errors))
for failure in failures:
    print("check-schema: " + failure, file=sys.stderr)
if failures:
    sys.exit(1)
print(f"check-schema: the schema of {type_name} is a valid draft 2020-12 schema; the clean body validates, the misspelt category does not")
PY
