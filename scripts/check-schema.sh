#!/usr/bin/env bash
# Checks `policylint schema` with a real JSON Schema validator (python-jsonschema, from PyPI):
#  1. the schema of every type (`policylint schema`) and of each type it lists is a valid
#     draft 2020-12 schema;
#  2. it accepts the clean objects: in every valid example of every rule in rules/*.json and in
#     testdata/{realworld,families,samples}/*.json, each object of a type the schema covers on
#     which the linter reports no error of a rule the schema expresses (a field or enum value
#     the NSX model lacks, which the linter only warns of, is listed where the schema rejects it);
#  3. it rejects every invalid example of a rule the schema expresses, at the place the linter
#     reports it (and, for the schema/* rules, by the matching keyword); the rules it cannot
#     express are listed by name as skipped.
# Exit status 0 only when all hold. Needs python3 (jsonschema is installed with pip when
# missing) and Swift.
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

python3 - "$policylint" "$work" <<'PY'
import glob, itertools, json, os, re, subprocess, sys
import jsonschema

policylint, work = sys.argv[1:]
Validator = jsonschema.Draft202012Validator
failures = []

# The rules the schema can say: the generic schema/* rules whose keyword the writer emits
# (with the conditional requirements of schema/required), and the error-level rules a pack
# field names for its own limits (`"rule"` beside a range, length or pattern; a lower level
# is only described, as the linter does not fail on it). Not here: schema/format (no `format`
# is written: editors treat it as an annotation), schema/readonly-field and schema/deprecated
# (annotations in 2020-12, never a validation error), and every other condition and check.
KEYWORDS = {
    "schema/type": {"type"},
    "schema/enum": {"enum"},
    "schema/range": {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"},
    "schema/length": {"minLength", "maxLength"},
    "schema/items": {"minItems", "maxItems"},
    "schema/pattern": {"pattern"},
    "schema/required": {"required", "not"},
    "schema/unknown-field": {"additionalProperties"},
}
packs = {path: json.load(open(path)) for path in sorted(glob.glob("rules/*.json"))}

def field_rules(node):
    """The rules pack fields name for their own limits, found anywhere under `fields`."""
    if isinstance(node, dict):
        for name, value in node.items():
            if name == "fields" and isinstance(value, dict):
                for spec in value.values():
                    yield from field_spec_rules(spec)
            else:
                yield from field_rules(value)
    elif isinstance(node, list):
        for value in node:
            yield from field_rules(value)

def field_spec_rules(spec):
    if isinstance(spec, dict):
        if isinstance(spec.get("rule"), str):
            yield spec["rule"]
        if "items" in spec:
            yield from field_spec_rules(spec["items"])

levels = {rule["id"]: rule["level"] for pack in packs.values() for rule in pack.get("rules", [])}
expressible = set(KEYWORDS)
for pack in packs.values():
    expressible.update(r for r in field_rules(pack.get("types", [])) if levels.get(r) == "error")

# Types the schema writer knows, and their schemas, each checked as a schema once.
schemas = {}
def schema_of(name):
    if name not in schemas:
        run = subprocess.run([policylint, "schema", name], capture_output=True, text=True)
        if run.returncode != 0:
            schemas[name] = None
        else:
            schema = json.loads(run.stdout)
            try:
                Validator.check_schema(schema)
            except jsonschema.SchemaError as error:
                failures.append(f"the schema of {name} is no valid draft 2020-12 schema: {error.message}")
            schemas[name] = Validator(schema)
    return schemas[name]

everything = json.loads(subprocess.run([policylint, "schema"], capture_output=True, text=True, check=True).stdout)
try:
    Validator.check_schema(everything)
except jsonschema.SchemaError as error:
    failures.append(f"the schema of every type is no valid draft 2020-12 schema: {error.message}")
if everything.get("$schema") != "https://json-schema.org/draft/2020-12/schema":
    failures.append(f"$schema is {everything.get('$schema')!r}")
listed = [ref["$ref"].removeprefix("#/$defs/") for ref in everything["anyOf"]]
for name in listed:
    if schema_of(name) is None:
        failures.append(f"policylint schema lists {name} but writes no schema of it")

# Where an SPS object is wrapped ({"key", "body", "meta": {"href"}}): its type by href.
href_types = [(re.compile(t["recognize"]["href"]), t["name"])
              for pack in packs.values() for t in pack.get("types", []) if "href" in (t.get("recognize") or {})]
# Pack types that refine a resource_type by the fields an object has
# (`PolicyBasedIPSecVPNSession.manager`): the linter's coverage names only the resource_type.
refinements = {}
for pack in packs.values():
    for t in pack.get("types", []):
        recognize = t.get("recognize") or {}
        if recognize.get("resource_type", "*") != "*" and set(recognize) & {"hasAll", "hasAny", "hasNone"}:
            refinements.setdefault(recognize["resource_type"], []).append((t["name"], recognize))

def refined(doc, rt):
    for name, r in refinements.get(rt, []):
        if (all(k in doc for k in r.get("hasAll", [])) and not any(k in doc for k in r.get("hasNone", []))
                and (not r.get("hasAny") or any(k in doc for k in r["hasAny"]))):
            return name
    return rt

def lint(path, mode=None, kind=None, context=()):
    args = [policylint, "--format", "json", "--fail-on", "none"]
    if mode: args += ["--mode", mode]
    if kind: args += ["--kind", kind]
    for other in context: args += ["--context", other]
    run = subprocess.run(args + [path], capture_output=True, text=True)
    if run.returncode != 0:
        return None
    return json.loads(run.stdout)

def typed_objects(doc, pointer, kind, report):
    """The objects of a document the schema describes, as (pointer, type, object): a bare body
    of the given kind (or of the type the linter assumes), an SPS object by its href, an NSX
    object by its resource_type (or the pack type that refines it by fields), the results of a
    list and the objects an H-API tree's Child wrappers hold."""
    if isinstance(doc, list) and pointer == "":
        for i, item in enumerate(doc):
            yield from typed_objects(item, f"/{i}", kind, report)
        return
    if not isinstance(doc, dict):
        return
    if kind:
        yield pointer, kind, doc
        return
    if isinstance(doc.get("results"), list):
        for i, item in enumerate(doc["results"]):
            yield from typed_objects(item, f"{pointer}/results/{i}", None, report)
        return
    href = (doc.get("meta") or {}).get("href") if isinstance(doc.get("meta"), dict) else None
    if isinstance(href, str) and isinstance(doc.get("body"), dict):
        for pattern, name in href_types:
            if pattern.search(href):
                yield f"{pointer}/body", name, doc["body"]
                return
    rt = doc.get("resource_type")
    if isinstance(rt, str):
        yield pointer, refined(doc, rt), doc
        for i, child in enumerate(doc.get("children") or []):
            if isinstance(child, dict) and str(child.get("resource_type", "")).startswith("Child"):
                for key, inner in child.items():
                    if isinstance(inner, dict) and "resource_type" in inner:
                        yield from typed_objects(inner, f"{pointer}/children/{i}/{key}", None, report)
        return
    if pointer.count("/") <= 1:
        # A bare body, alone or in a top-level list: the type the linter assumed for it.
        assumed = list(report["coverage"]["assumedTypes"])
        if len(assumed) == 1:
            yield pointer, assumed[0], doc

def under(pointer, root, nested):
    """Whether a finding at `pointer` is about the object at `root`, not one of its nested roots."""
    if not (pointer == root or pointer.startswith(root + "/")):
        return False
    deeper = [n for n in nested if n.startswith(root + "/")]
    return not any(pointer == n or pointer.startswith(n + "/") for n in deeper)

def errors_at(validator, instance):
    """Every validation error, those inside anyOf/oneOf/if branches too, with its place."""
    pending = list(validator.iter_errors(instance))
    while pending:
        error = pending.pop()
        yield error
        pending.extend(error.context or [])

def as_pointer(path):
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)

folders = itertools.count()
PLACEHOLDER = re.compile(r"\{\{|\{%|\$\{")
accepted, rejected, rejected_warnings = [], [], []
not_clean, uncovered, skipped = [], [], {}

def check_document(name, text, mode=None, kind=None, files=None, invalid_rule=None):
    folder = os.path.join(work, str(next(folders)))
    os.makedirs(folder)
    path = os.path.join(folder, "example.json")
    with open(path, "w") as out:
        out.write(text)
    context = []
    for other, content in (files or {}).items():
        with open(os.path.join(folder, other), "w") as out:
            out.write(content)
        context.append(os.path.join(folder, other))
    try:
        doc = json.loads(text)
    except ValueError:
        skipped.setdefault("not JSON", []).append(name)
        return
    if PLACEHOLDER.search(text):
        # The schema is of rendered JSON: a placeholder stands for any value.
        skipped.setdefault("a template", []).append(name)
        return
    report = lint(path, mode, kind, context)
    if report is None:
        failures.append(f"{name}: policylint did not lint it")
        return
    findings = [f for f in report["findings"] if f["file"] == path]
    roots = [(p, t, o) for p, t, o in typed_objects(doc, "", kind, report)]
    covered = [(p, t, o, schema_of(t)) for p, t, o in roots if schema_of(t) is not None]
    if not covered:
        uncovered.append(name)
        if invalid_rule:
            failures.append(f"{name}: no object of it has a type the schema covers ({', '.join(t for _, t, _ in roots) or 'none found'})")
        return
    nested = [p for p, _, _, _ in covered]
    if invalid_rule is None:
        for pointer, type_name, obj, validator in covered:
            errors = [f for f in findings if f["level"] == "error" and f["rule"] in expressible and under(f["pointer"], pointer, nested)]
            if errors:
                not_clean.append(f"{name}{pointer or ''} ({', '.join(sorted({f['rule'] for f in errors}))})")
                continue
            problems = list(validator.iter_errors(obj))
            # The schema cannot tell a misspelt field or enum value of the NSX model (an error
            # to the linter) from one of another NSX version (a warning): it rejects both, which
            # an editor shows as a warning. Such a rejection is listed, not a failure.
            warned = {f["pointer"] for f in findings if f["level"] == "warning" and f["rule"] in ("schema/unknown-field", "schema/enum")}
            def explained(e):
                at = pointer + as_pointer(e.absolute_path)
                if e.validator == "enum":
                    return at in warned
                return e.validator == "additionalProperties" and any(w.rsplit("/", 1)[0] == at for w in warned)
            unexplained = [e for e in problems if not explained(e)]
            if unexplained:
                failures.append(f"{name}{pointer}: the linter finds no error in this {type_name}, the schema rejects it: "
                                + "; ".join(f"{as_pointer(e.absolute_path) or '/'}: {e.message}" for e in unexplained))
            elif problems:
                rejected_warnings.append(f"{name}{pointer} ({'; '.join(e.message for e in problems)})")
            else:
                accepted.append(name + pointer)
        return
    own = [f for f in findings if f["rule"] == invalid_rule]
    if not own:
        failures.append(f"{name}: policylint does not report {invalid_rule} on it")
        return
    for finding in own:
        holder = max((c for c in covered if under(finding["pointer"], c[0], [])),
                     key=lambda c: len(c[0]), default=None)
        if holder is None:
            failures.append(f"{name}: {invalid_rule} at {finding['pointer'] or '/'} is in no object the schema covers")
            continue
        pointer, type_name, obj, validator = holder
        errors = list(errors_at(validator, obj))
        if not errors:
            failures.append(f"{name}: the schema of {type_name} accepts it ({invalid_rule} at {finding['pointer'] or '/'})")
            continue
        # The reason: an error at the finding's place (or, for a required or unknown field, at
        # the object that lacks or holds it), by the rule's keyword where it has one.
        at = finding["pointer"][len(pointer):]
        places = {at}
        if invalid_rule == "schema/unknown-field":
            places.add(at.rsplit("/", 1)[0])
        elif invalid_rule == "schema/required":
            # The object lacks the field, or holds it empty.
            places.update(as_pointer(e.absolute_path) for e in errors if as_pointer(e.absolute_path).rsplit("/", 1)[0] == at)
        wanted = KEYWORDS.get(invalid_rule)
        matching = [e for e in errors if as_pointer(e.absolute_path) in places
                    and (wanted is None or e.validator in wanted)]
        if matching:
            rejected.append(name)
        else:
            failures.append(f"{name}: rejected, but not for {invalid_rule} at {finding['pointer'] or '/'}: "
                            + "; ".join(f"{as_pointer(e.absolute_path) or '/'} {e.validator}: {e.message}" for e in errors))

for path, pack in packs.items():
    for rule in pack.get("rules", []):
        if rule["id"].startswith("config/"):
            continue  # their examples are configuration files, not documents
        examples = rule.get("examples", {})
        for validity in ("valid", "invalid"):
            for i, example in enumerate(examples.get(validity, [])):
                if isinstance(example, str):
                    example = {"json": example}
                name = f"{rule['id']} {validity} #{i + 1}"
                if validity == "invalid" and rule["id"] not in expressible:
                    skipped.setdefault(rule["id"], []).append(name)
                    continue
                text = example["json"].replace("↓", "")
                if "«" in text:
                    skipped.setdefault("raw bytes", []).append(name)
                    continue
                check_document(name, text, example.get("mode"), example.get("kind"), example.get("files"),
                               rule["id"] if validity == "invalid" else None)

for path in sorted(glob.glob("testdata/realworld/*.json") + glob.glob("testdata/families/*.json")
                   + glob.glob("testdata/samples/*.json")):
    check_document(path, open(path).read())

for failure in failures:
    print("check-schema: " + failure, file=sys.stderr)
print(f"check-schema: {len(listed)} types listed, {len(schemas)} schemas written, each a valid draft 2020-12 schema")
print(f"check-schema: {len(accepted)} clean objects accepted")
print(f"check-schema: {len(rejected_warnings)} clean objects rejected where the linter warns of a field or value the NSX model lacks: "
      + "; ".join(rejected_warnings))
print(f"check-schema: {len(not_clean)} objects not checked, with an error-level finding of a rule the schema expresses: " + ", ".join(not_clean))
print(f"check-schema: {len(uncovered)} documents of no type the schema covers: " + ", ".join(uncovered))
print(f"check-schema: {len(set(rejected))} invalid examples rejected for their rule, at each of their {len(rejected)} findings")
skipped_rules = sorted(k for k in skipped if "/" in k)
print(f"check-schema: {sum(len(skipped[k]) for k in skipped_rules)} invalid examples skipped, of {len(skipped_rules)} rules "
      f"the schema cannot express: {', '.join(skipped_rules)}")
for reason in sorted(k for k in skipped if "/" not in k):
    print(f"check-schema: {len(skipped[reason])} examples skipped ({reason}): {', '.join(skipped[reason])}")
if failures:
    print(f"check-schema: {len(failures)} failures", file=sys.stderr)
    sys.exit(1)
PY
