#!/usr/bin/env python3
"""Writes rules/generated/nsx-policy.json and rules/generated/nsx-manager.json: one rule-pack type
for every type of VMware's NSX Policy and Manager API models (reference/nsx/*.whl, the 4.2.0
Python bindings), in the pack language of docs/rule-packs.md.

Per type, from the model's binding (`_set_binding_type(type.StructType(...))`) and its docstrings:
the closed list of fields; each field's JSON type, list item type and member type (a
`ReferenceType` to another struct); enum values ("Possible values are", resolved through the
class constants); int32 ranges ("format: int32"); required fields (a binding that is not
`OptionalType`); read-only fields ("if it is present in a request to server it will be ignored",
`_revision` excepted); deprecations (".. deprecated::" or "this field is deprecated", with the
replacement when the docstring names another field); the base of a subtype (the polymorphic
`resource_type` values a class lists); `references` for path-valued fields; and
`recognize: {"resource_type": NAME}` for types that carry a `resource_type`; string formats
the docstrings state ("format: ipv4") where one of the pack language's formats means exactly that.

The bindings lose the length and count limits of NSX's own per-type JSON schemas. Go types
generated from those schemas (np-guard/vmware-analyzer, reference/nsx/vmware-analyzer-nsx_sdk.go)
keep them as `UnmarshalJSON` checks; they are layered onto the Policy types of the same name, by
JSON field name, each field naming that file as its `limitSource`. Where the Go enum differs
from the model's, the model's stays and the summary lists the difference.

Hand-written packs win: a model type whose name a pack in rules/*.json declares, or whose name
such a type recognises as its resource_type, is not generated (the hand-written type is what
other types' `member` then names). A generated type that has every field of the hand-written
`nsx.ManagedResource` includes it instead of repeating those fields, so it keeps that type's
limits and its check (`path-ends-with-id`). The model's prose is not copied: only facts.

Layout: one pack per model, its types sorted by name, one type per line, so that a loader can
find a type's line by its name without parsing the rest, and a regenerated file's diff shows the
types that changed. Uses Python's standard library only.

    scripts/generate-nsx-packs.py            # write the files
    scripts/generate-nsx-packs.py --check    # exit 1 when a checked-in file is stale
"""
import ast
import json
import re
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT_DIR = ROOT / "rules/generated"
MODELS = [
    # (pack name, wheel, module, what the descriptions call the model)
    ("nsx-policy", "reference/nsx/nsx_policy_python_sdk-4.2.0-py2.py3-none-any.whl",
     "com/vmware/nsx_policy/model_client.py", "VMware NSX Policy API 4.2 model"),
    ("nsx-manager", "reference/nsx/nsx_python_sdk-4.2.0-py2.py3-none-any.whl",
     "com/vmware/nsx/model_client.py", "VMware NSX Manager API 4.2 model"),
]
# The hand-written type a generated type includes when it has all of its fields.
MANAGED_RESOURCE = "nsx.ManagedResource"
# Go types generated from NSX's per-type JSON schemas: limits the bindings lose.
GO_SCHEMA = "reference/nsx/vmware-analyzer-nsx_sdk.go"
LIMIT_SOURCE = ("NSX per-type JSON schema, as carried by np-guard/vmware-analyzer "
                "(https://github.com/np-guard/vmware-analyzer, pkg/configuration/generated/nsx_sdk.go)")
# The model's string formats that one of the pack language's formats (ValueFormat.swift) means
# exactly. Not mapped: ip-cidr-block (IPv4 or IPv6 block: no such format), mac-address,
# hostname, hostname-or-ip(v4), port-or-range, address-or-block-or-range (wider or narrower
# than any format here: a false error on a real export costs more than a missed one).
FORMATS = {"ip": "ip", "ipv4": "ipv4", "ipv6": "ipv6", "ipv4-cidr-block": "ipv4-cidr"}
GO_LIMIT_KEYS = ("minLength", "maxLength", "minItems", "maxItems", "limitSource")
MODEL_FORMAT = re.compile(r"\bformat: ([a-z0-9-]+)")

CLASS = re.compile(r"^class (\w+)\(VapiStruct\):", re.M)
CONSTANT = re.compile(r'^    ([A-Z][A-Z0-9_]*) = "([^"]*)"', re.M)
CANONICAL = re.compile(r"^\s+'([^']+)': '([^']+)',$", re.M)
PARAM = re.compile(r"^\s+:param (\w+): ?(.*?)(?=^\s+:type |^\s+\"\"\")", re.M | re.S)
BINDING_FIELD = re.compile(r"^        '([^']+)': (type\..*),$", re.M)
# A docstring may wrap a list item after its "*".
POSSIBLE_VALUE = re.compile(r"\*\s+:attr:`(\w+)\.(\w+)`")
READ_ONLY = "if it is present in a request to server it will be ignored"
INT32 = (-2147483648, 2147483647)
# What the generator counts, per pack.
STATS = ("types", "fields", "enums", "int32", "formats", "limits", "readOnly", "deprecated", "deprecatedValues", "references", "required", "recognized", "subtypes")
# Names a deprecation's replacement may be introduced by ("use connectivity_preference instead").
REPLACEMENT = re.compile(r"\b(?:[Uu]se|replaced (?:by|with)|in favou?r of|instead of it,? use|recommended to use)\s+(?:the\s+)?[`'\"]?(\w+)")
FIELD_DEPRECATED = re.compile(r"\.\. deprecated::|\b(?:this|the) (?:field|property|attribute|parameter) (?:is|has been) deprecated\b|^Deprecated\b", re.I)
# Path-valued fields that are no references: the object's own paths, set by the server.
OWN_PATHS = {"path", "parent_path", "relative_path", "remote_path"}
# The rule and group fields of firewall-like rules: policy paths by the model's docstrings,
# though their names do not end in _path(s).
PATH_LIST_FIELDS = {"source_groups", "destination_groups", "services", "scope"}
# A path step in a docstring's example path ("/infra/tier-0s/vmc"): the collection it names.
EXAMPLE_PATH = re.compile(r"/(?:infra|global-infra|orgs)(?:/[\w.-]+)*")
# Collections of common path fields whose docstrings give no example path.
KNOWN_COLLECTIONS = {
    "tier0": "tier-0s", "tier1": "tier-1s", "edge_cluster": "edge-clusters", "segment": "segments",
    "group": "groups", "service": "services", "domain": "domains", "transport_zone": "transport-zones",
    "ipv6_profile": "ipv6-profiles", "dhcp_config": "dhcp-server-configs", "qos_profile": "qos-profiles",
    "context_profile": "context-profiles", "ip_pool": "ip-pools", "certificate": "certificates",
    "edge_node": "edge-nodes", "source_groups": "groups", "destination_groups": "groups", "services": "services",
}


def parse_binding(node):
    """A binding expression (ast) → (optional, FIELD, member target or None, polymorphic)."""
    assert isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute), ast.dump(node)
    kind = node.func.attr
    if kind == "OptionalType":
        _, field = parse_binding(node.args[0])
        return True, field
    if kind == "StringType":
        return False, {"type": "string"}
    if kind == "IntegerType":
        return False, {"type": "integer"}
    if kind == "DoubleType":
        return False, {"type": "number"}
    if kind == "BooleanType":
        return False, {"type": "boolean"}
    if kind == "ListType":
        _, items = parse_binding(node.args[0])
        return False, {"type": "array", "items": items}
    if kind == "ReferenceType":
        target = node.args[1].value
        return False, {"type": "object", "member": target}
    if kind == "DynamicStructType":
        # Polymorphic: the value names its own resource_type, and discovery checks it as that
        # type; its base (if any) is not the type to check it as.
        return False, {"type": "object"}
    raise ValueError(f"unknown binding {kind}")


def normalized(text):
    return " ".join(text.split())


def read_model(text):
    """Every struct of a model: name → {constants, params (by canonical name), fields}."""
    starts = [(m.start(), m.group(1)) for m in CLASS.finditer(text)]
    classes = {}
    for (start, name), (end, _) in zip(starts, starts[1:] + [(len(text), "")]):
        body = text[start:end]
        constants = dict(CONSTANT.findall(body))
        canonical_block = body[body.find("_canonical_to_pep_names"):body.find("def __init__")]
        pep_to_canonical = {pep: canonical for canonical, pep in CANONICAL.findall(canonical_block)}
        init = body.find("def __init__")
        doc_start = body.find('"""', init)
        doc_end = body.find('"""', doc_start + 3)
        params = {}
        for pep, param_text in PARAM.findall(body[doc_start:doc_end + 3]):
            params[pep_to_canonical.get(pep, pep)] = param_text
        binding_start = body.find(f"{name}._set_binding_type(type.StructType(")
        assert binding_start >= 0, name
        fields = {}
        for field_name, expression in BINDING_FIELD.findall(body, binding_start):
            optional, spec = parse_binding(ast.parse(expression, mode="eval").body)
            fields[field_name] = (optional, spec)
        classes[name] = {"constants": constants, "params": params, "fields": fields}
    return classes


GO_STRUCT = re.compile(r"^type (\w+) struct \{\n(.*?)^\}", re.M | re.S)
GO_FIELD = re.compile(r"^\t\w+ (\S+) `json:\"([^\",]+)", re.M)
GO_STRING_TYPE = re.compile(r"^type (\w+) string$", re.M)
GO_UNMARSHAL = re.compile(r"^func \(j \*(\w+)\) UnmarshalJSON\(b \[\]byte\) error \{\n(.*?)^\}", re.M | re.S)
GO_ERROR = re.compile(r'fmt\.Errorf\("([^"]*)"(?:, "(\w+)", (\d+))?')
GO_ENUM = re.compile(r"^var enumValues_(\w+) = \[\]interface\{\}\{\n(.*?)^\}", re.M | re.S)


def read_go_schema(text):
    """The per-type JSON schemas' facts in the Go file: struct → {JSON field → Go type}, limits
    (struct, JSON field) → {maxLength: N, …}, and enums (struct, JSON field) → values.
    go-jsonschema writes a schema's maxLength/maxItems as `len(plain.X) > N` and its minimum
    counterparts as `< N`, each failing with "field %s length: must be <= %d"; a check of any
    other form stops the generator rather than being lost."""
    structs = {name: {json_name: go_type for go_type, json_name in GO_FIELD.findall(body)}
               for name, body in GO_STRUCT.findall(text)}
    strings = set(GO_STRING_TYPE.findall(text))
    limits = {}
    for name, body in GO_UNMARSHAL.findall(text):
        for message, field, bound in GO_ERROR.findall(body):
            if message == "invalid value (expected one of %#v): %#v":
                continue  # an enum type's own check: read from its enumValues_ list
            assert message in ("field %s length: must be <= %d", "field %s length: must be >= %d") and name in structs, (name, message)
            go_type = structs[name][field].lstrip("*")
            if go_type.startswith("[]"):
                key = "maxItems" if "<=" in message else "minItems"
            else:
                assert go_type == "string" or go_type in strings, (name, field, go_type)
                key = "maxLength" if "<=" in message else "minLength"
            limits.setdefault((name, field), {})[key] = int(bound)
    # An enum type is named for the struct and field that use it (Tier1FailoverMode); the
    # field is found by the type it is declared with, not by that name.
    enum_types = {name: re.findall(r'^\t"([^"]*)",$', body, re.M) for name, body in GO_ENUM.findall(text)}
    enums = {}
    for name, fields in structs.items():
        for field, go_type in fields.items():
            enum_type = go_type.lstrip("*").removeprefix("[]")
            if enum_type in enum_types:
                enums[(name, field)] = enum_types[enum_type]
    return structs, limits, enums


def subtypes_of(classes):
    """Base → its subtypes: the RESOURCE_TYPE_… values a class lists other than its own name."""
    result = {}
    for name, c in classes.items():
        values = {v for k, v in c["constants"].items() if k.startswith("RESOURCE_TYPE_") and v != name}
        if values:
            result[name] = values
    return result


def enum_values(param_text, owner, classes):
    values = []
    for class_name, constant in POSSIBLE_VALUE.findall(param_text):
        constants = classes.get(class_name, {}).get("constants", {})
        value = constants.get(constant)
        # The SDK's docstrings sometimes name a constant with a doubled underscore that the
        # class spells with one (IPSecVpnIkeProfile.ENCRYPTION_ALGORITHMS__128 for
        # ENCRYPTION_ALGORITHMS_128 = "AES_128"): dropping such a value made a valid one unknown.
        if value is None:
            value = constants.get(re.sub(r"_{2,}", "_", constant))
        if value is None:
            raise SystemExit(f"{class_name}.{constant}: an enum value the docstring lists and the class lacks")
        if value not in values:
            values.append(value)
    return values


def sentences(text):
    return re.split(r"(?<=[.;])\s+", text)


def field_deprecated(field_name, text):
    """".. deprecated::", "This field is deprecated", or the field named in words ("The
    connectivity strategy is deprecated")."""
    if FIELD_DEPRECATED.search(text):
        return True
    words = field_name.strip("_").replace("_", " ")
    return re.search(rf"\b(?:the )?{re.escape(words)} (?:field |property )?(?:is|has been) deprecated\b", text, re.I) is not None


def deprecated_values(values, text):
    """Enum values a sentence of the docstring calls deprecated ("protocol NBNS_BROADCAST and
    NBDG_BROADCAST are deprecated"): named before "is/are deprecated" in that sentence."""
    found = []
    for sentence in sentences(text):
        match = re.search(r"\b(?:is|are|has been|have been) deprecated\b", sentence)
        if not match:
            continue
        before = set(re.findall(r"[A-Za-z0-9_]+", sentence[:match.start()]))
        found += [v for v in values if v in before and v not in found]
    return found


def collection_for(field_name, param_text):
    """The collection a path field points into: the last collection step of an example path in
    its docstring, a known one for common names, else the field's own name."""
    for example in EXAMPLE_PATH.findall(param_text):
        steps = [s for s in example.strip("/").split("/") if s]
        # /infra/tier-0s/vmc → tier-0s: collections and ids alternate after the root.
        if len(steps) >= 3 and len(steps) % 2 == 1:
            return steps[-2]
        if len(steps) >= 2 and len(steps) % 2 == 0:
            return steps[-1]
    stem = re.sub(r"_paths?$", "", field_name)
    return KNOWN_COLLECTIONS.get(stem, field_name)


def is_path_field(field_name, spec, param_text):
    if field_name in OWN_PATHS:
        return False
    is_strings = spec["type"] == "string" or (spec["type"] == "array" and spec["items"]["type"] == "string")
    if not is_strings:
        return False
    if field_name.endswith("_path") or field_name.endswith("_paths"):
        # File-system and URL paths are no policy paths.
        lowered = param_text.lower()
        return not any(word in lowered for word in ("file path", "url path", "uri path", "directory", "http path", "cookie"))
    return field_name in PATH_LIST_FIELDS and spec["type"] == "array"


def build_type(name, classes, bases, model_title, type_names, member_names, handwritten_fields, stats, limits=None):
    """The pack type for model class `name`: called `type_names[name]`, naming its members by
    `member_names` (the hand-written type, where one wins); `limits`: the Go schema's limits
    by (class, field), for the Policy model."""
    c = classes[name]
    fields_out = {}
    required = []
    own_fields = set(c["fields"])
    includes_managed = set(handwritten_fields) <= own_fields
    for field_name, (optional, spec) in c["fields"].items():
        if includes_managed and field_name in handwritten_fields:
            continue
        param_text = normalized(c["params"].get(field_name, ""))
        spec = json.loads(json.dumps(spec))
        stats["fields"] += 1
        target = spec if spec["type"] != "array" else spec["items"]
        # Member types by the name they are checked as; a type the model does not declare is
        # left a plain object.
        for holder in (spec, spec.get("items") or {}):
            if "member" in holder:
                member = holder["member"]
                if member in member_names:
                    holder["member"] = member_names[member]
                else:
                    del holder["member"]
        if field_name != "resource_type" and target["type"] == "string":
            values = enum_values(c["params"].get(field_name, ""), name, classes)
            if values:
                target["enum"] = values
                stats["enums"] += 1
        if target["type"] == "integer" and "format: int32" in param_text:
            target["minimum"], target["maximum"] = INT32
            stats["int32"] += 1
        # Only a docstring that states one format, and one that maps exactly: "format: ip" in a
        # docstring that also names another format is about something else.
        formats = set(MODEL_FORMAT.findall(param_text))
        if target["type"] == "string" and "enum" not in target and len(formats) == 1 and next(iter(formats)) in FORMATS:
            target["format"] = FORMATS[formats.pop()]
            stats["formats"] += 1
        limit = (limits or {}).get((name, field_name))
        if limit:
            # A count limits the list (maxItems), a length the string: never a list's items.
            assert all(k.endswith("Items") == (spec["type"] == "array") for k in limit), (name, field_name, limit)
            spec.update(limit)
            spec["limitSource"] = LIMIT_SOURCE
            stats["limits"] += 1
        if READ_ONLY in param_text and field_name != "_revision":
            spec["readOnly"] = True
            stats["readOnly"] += 1
        if field_deprecated(field_name, param_text):
            replacement = next((m for m in REPLACEMENT.findall(param_text) if m in own_fields and m != field_name), None)
            spec["deprecated"] = f"the {model_title} marks {name}.{field_name} deprecated" + (f"; use {replacement} instead" if replacement else "")
            stats["deprecated"] += 1
        if "enum" in target:
            values = deprecated_values(target["enum"], param_text)
            if values:
                target["deprecatedValues"] = {v: f"the {model_title} marks it deprecated for {name}.{field_name}" for v in values}
                stats["deprecatedValues"] += len(values)
        if not spec.get("readOnly") and is_path_field(field_name, spec, param_text):
            target["references"] = collection_for(field_name, param_text)
            stats["references"] += 1
        if not optional:
            required.append(field_name)
            stats["required"] += 1
        # Keys in the order the pack language documents them.
        order = ["type", "enum", "minimum", "maximum", "minLength", "maxLength", "minItems", "maxItems", "limitSource", "format", "readOnly", "deprecated", "deprecatedValues", "member", "items", "references"]
        fields_out[field_name] = {k: spec[k] for k in order if k in spec}
    own_name = type_names[name]
    # No description: the pack's `model` names the source of every field's findings.
    out = {"name": own_name}
    # Only the type called by the model's name claims the resource_type.
    if "resource_type" in c["fields"] and own_name == name:
        out["recognize"] = {"resource_type": name}
        stats["recognized"] += 1
    if includes_managed:
        out["include"] = [MANAGED_RESOURCE]
    # A NAME.model type is no subtype of its own: the hand-written type says its base.
    if name in bases and own_name == type_names.get(name) and not own_name.endswith(".model"):
        out["base"] = bases[name]
        stats["subtypes"] += 1
    out["closed"] = True
    out["fields"] = fields_out
    if required:
        out["required"] = required
    return out


def same_as_policy(classes, overlap, type_names, member_names, policy_types, managed_fields, title):
    """Of the Manager classes `overlap` that the Policy model also has, those it declares alike
    (the same fields, types, enums, members): one naming a member that differs is itself
    different, to a fixed point. `policy_types`: the Policy pack's types by class name."""
    def comparable(t):
        t = {k: v for k, v in t.items() if k not in ("name", "description", "recognize", "base")}
        # The Go schema's limits are the Policy types' alone: compared without them.
        t["fields"] = {n: {k: v for k, v in f.items() if "limitSource" not in f or k not in GO_LIMIT_KEYS}
                       for n, f in t["fields"].items()}
        # Deprecations name their model: compared as if both named the Policy model.
        return re.sub(r'\.manager"', '"', json.dumps(t, sort_keys=True)).replace(title, MODELS[0][3])
    scratch = {k: 0 for k in STATS}
    built = {n: build_type(n, classes, {}, title, type_names, member_names, managed_fields, scratch) for n in overlap}
    same = {n for n, t in built.items() if comparable(t) == comparable(policy_types[n])}
    while True:
        different = overlap - same
        keep = {n for n in same if not any(m in different for m in re.findall(r'"member":"([^"]+)\.manager"', json.dumps(built[n], separators=(",", ":"))))}
        if keep == same:
            return same
        same = keep


def handwritten():
    """The names the hand-written packs claim (their types' names and the resource_types they
    recognise), and the fields of nsx.ManagedResource."""
    names, managed_fields = set(), None
    for path in sorted((ROOT / "rules").glob("*.json")):
        pack = json.loads(path.read_text(encoding="utf-8"))
        for t in pack.get("types", []):
            names.add(t["name"])
            recognized = (t.get("recognize") or {}).get("resource_type")
            if recognized and recognized != "*":
                names.add(recognized)
            if t["name"] == MANAGED_RESOURCE:
                managed_fields = t["fields"]
    assert managed_fields, f"{MANAGED_RESOURCE} is not in rules/*.json"
    return names, managed_fields


def go_schema_report(go, classes, managed):
    """What of the Go schema's limits and enums did not land on a Policy type, and where its
    enums differ from the model's: lines for the summary. `managed`: nsx.ManagedResource's
    fields (name → spec), which generated types include rather than repeat."""
    structs, limits, enums = go
    lines = []
    unmatched_types = sorted(n for n in structs if n not in classes)
    if unmatched_types:
        lines.append(f"Go schema types the Policy model lacks ({len(unmatched_types)}, their limits unused): {', '.join(unmatched_types)}")
    missing = sorted(f"{t}.{f}" for t, f in limits if t in classes and f not in classes[t]["fields"])
    if missing:
        lines.append(f"Go schema limits on fields the Policy model's type lacks: {', '.join(missing)}")
    # The common fields a generated type takes from nsx.ManagedResource keep that type's limits.
    common = {}
    for (t, f), limit in sorted(limits.items()):
        if t in classes and f in managed:
            spec = managed[f]
            ours = {k: spec[k] for k in ("minLength", "maxLength", "minItems", "maxItems") if k in spec}
            if ours != limit:
                common.setdefault(f"{f}: Go schema {limit}, {MANAGED_RESOURCE} {ours}", []).append(t)
    for difference, owners in common.items():
        lines.append(f"common field {difference} (in {', '.join(owners)})")
    open_fields = []
    for (t, f), values in sorted(enums.items()):
        if f == "resource_type" or t not in classes or f not in classes[t]["fields"]:
            continue
        model = enum_values(classes[t]["params"].get(f, ""), t, classes)
        if not model:
            open_fields.append(f"{t}.{f}")
        elif set(model) != set(values):
            only_go = [v for v in values if v not in model]
            only_model = [v for v in model if v not in values]
            lines.append(f"enum {t}.{f}: the model's kept; only in the Go schema: {', '.join(only_go) or 'none'}; only in the model: {', '.join(only_model) or 'none'}")
    if open_fields:
        lines.append(f"Go schema enums where the model lists no values (left open): {', '.join(open_fields)}")
    unmatched_enums = sorted(f"{t}.{f}" for t, f in enums if f != "resource_type" and (t not in classes or f not in classes[t]["fields"]))
    if unmatched_enums:
        lines.append(f"Go schema enums on no Policy field: {', '.join(unmatched_enums)}")
    return lines


def render():
    claimed, managed_spec = handwritten()
    managed_fields = set(managed_spec)
    go = read_go_schema((ROOT / GO_SCHEMA).read_text(encoding="utf-8"))
    models = []
    for pack_name, wheel, module, title in MODELS:
        with zipfile.ZipFile(ROOT / wheel) as archive:
            models.append((pack_name, title, read_model(archive.read(module).decode("utf-8"))))
    policy_types = {}
    outputs, report = {}, []
    for index, (pack_name, title, classes) in enumerate(models):
        # A model type the hand-written packs claim is generated as NAME.model, without
        # recognising anything: the hand-written type checks such objects and may include it for
        # its complete field list; other types' members name the hand-written type.
        type_names = {n: n + ".model" if n in claimed else n for n in classes}
        member_names = {n: n for n in classes}
        # A Manager type whose name the Policy model also has: when it is the same type (the
        # same fields, alike), the Policy one serves both and it is not generated again; else it
        # is generated as NAME.manager (two types cannot share a name), and only the Policy one
        # recognises the resource_type.
        overlap = {n for n in classes if n in policy_types} if index > 0 else set()
        for n in overlap:
            type_names[n] = policy_types[n]["name"] + ".manager"
            member_names[n] = n if n in claimed else type_names[n]
        shared = same_as_policy(classes, overlap, type_names, member_names, policy_types, managed_fields, title) if overlap else set()
        for n in shared:
            type_names[n] = policy_types[n]["name"]
            member_names[n] = n if n in claimed else type_names[n]
        subtypes = subtypes_of(classes)
        # A subtype's base: the base listing it with the fewest subtypes (the nearest one: the
        # model also lists every type under its abstract roots).
        bases = {}
        for base, values in sorted(subtypes.items(), key=lambda item: (len(item[1]), item[0])):
            for value in values:
                if value in classes and value not in bases:
                    bases[value] = base
        stats = {k: 0 for k in STATS}
        types = {}
        for name in sorted(classes):
            if name in shared:
                continue
            # The Go schema's limits are layered onto the Policy types only (a Manager type the
            # Policy model declares alike is served by the Policy type, limits included).
            types[name] = build_type(name, classes, bases, title, type_names, member_names, managed_fields, stats,
                                     limits=go[1] if index == 0 else None)
            stats["types"] += 1
        if index == 0:
            policy_types = types
            go_lines = go_schema_report(go, classes, managed_spec)
        claimed_here = sorted(n for n in classes if n in claimed)
        header = {
            "pack": f"generated/{pack_name}",
            "description": f"Every type of the {title} (vmware/vsphere-automation-sdk-python 4.2.0, model_client.py; MIT): "
                           "fields, JSON types, enums, int32 ranges, IP address and CIDR formats, required, read-only and deprecated fields, subtypes, references. "
                           "Generated by scripts/generate-nsx-packs.py from reference/nsx/; do not edit. "
                           f"The hand-written packs check {', '.join(claimed_here) or 'none of its types'}: those are NAME.model here"
                           + (", and types the Policy model declares alike are not repeated." if index > 0 else
                              ". Length and count limits from NSX's per-type JSON schemas (np-guard/vmware-analyzer, "
                              "Apache-2.0) name it as their limitSource."),
            "model": {"name": title, "exact": False},
        }
        lines = [json.dumps(t, separators=(",", ":"), ensure_ascii=False) for t in sorted(types.values(), key=lambda t: t["name"])]
        text = "{\n" + ",\n".join(f"{json.dumps(k)}:{json.dumps(v, separators=(',', ':'), ensure_ascii=False)}" for k, v in header.items()) \
            + ',\n"types":[\n' + ",\n".join(lines) + "\n]}\n"
        outputs[OUTPUT_DIR / f"{pack_name}.json"] = text
        report.append((pack_name, stats, claimed_here, len(overlap - shared), len(shared)))
    return outputs, report, go_lines


if __name__ == "__main__":
    outputs, report, go_lines = render()
    if sys.argv[1:] == ["--check"]:
        stale = [p for p, text in outputs.items() if not p.exists() or p.read_text(encoding="utf-8") != text]
        for path in stale:
            print(f"{path.relative_to(ROOT)} is stale: run scripts/generate-nsx-packs.py", file=sys.stderr)
        sys.exit(1 if stale else 0)
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    for path, text in outputs.items():
        path.write_text(text, encoding="utf-8")
    for pack_name, stats, claimed, renamed, shared in report:
        counts = ", ".join(f"{v} {k}" for k, v in stats.items())
        print(f"wrote rules/generated/{pack_name}.json: {counts}; {shared} the same as the Policy model's (not repeated), "
              f"{renamed} named NAME.manager; hand-written, generated as NAME.model: {', '.join(claimed) or 'none'}")
    for line in go_lines:
        print(line)
